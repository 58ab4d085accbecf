// The same GUI contract calls against the reference Apache Kafka, added as a remote connection: every page's data
// comes over Kafka, so it must work on Kafka itself; local-only powers do not reach it.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UiApi } from '../../main/contract/ui-api.js';
import { kafkaAvailable, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka.js';
import { waitFor } from '../helpers/wait.js';
import { startGuiHarness, text, type GuiHarness } from './gui/harness.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');

const kafka = kafkaAvailable();

describe.skipIf(!kafka.available)('remote connection to Apache Kafka', () => {
  let ref: ReferenceKafka;
  let h: GuiHarness;
  let api: UiApi;
  let conn: string;

  beforeAll(async () => {
    ref = await startReferenceKafka({ nodes: 1, props: { 'num.partitions': '2' } });
    // No local cluster: the GUI as a client of remote clusters only.
    h = await startGuiHarness({ local: false });
    api = h.remote as unknown as UiApi;
    conn = (await api.addConnection({ name: 'apache', bootstrapServers: ref.bootstrapServers })).id;
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await ref?.stop();
  });

  test('overview, brokers, configs', async () => {
    const o = await api.overview(conn);
    expect(o.connection).toMatchObject({ kind: 'remote', state: 'connected' });
    expect(o.brokers).toHaveLength(1);
    expect(o.brokers[0]).toMatchObject({ state: 'up', port: ref.ports[0] });
    expect(o.clusterId).toBeTruthy();
    const configs = await api.brokerConfigs(conn, o.brokers[0]!.id);
    expect(configs.find((c) => c.name === 'num.partitions')).toMatchObject({ value: '2' });
  });

  test('topic admin and messages', async () => {
    await api.createTopic(conn, { name: 'remote-t', partitions: 2, replicationFactor: 1, validateOnly: true });
    await api.createTopic(conn, { name: 'remote-t', partitions: 2, replicationFactor: 1 });
    await expect(api.createTopic(conn, { name: 'remote-t', partitions: 1, replicationFactor: 1 })).rejects.toMatchObject({ name: 'TOPIC_ALREADY_EXISTS' });
    const defaults = await api.newTopicDefaults(conn);
    expect(defaults.find((c) => c.name === 'retention.ms')?.value).toBe('604800000');
    await api.alterTopicConfigs(conn, 'remote-t', { set: { 'retention.ms': '3600000' } });
    expect((await api.topicConfigs(conn, 'remote-t')).find((c) => c.name === 'retention.ms')).toMatchObject({ value: '3600000', source: 'TOPIC_CONFIG' });
    await expect(api.alterTopicConfigs(conn, 'remote-t', { set: { 'retention.ms': 'soon' } })).rejects.toMatchObject({ name: 'INVALID_CONFIG' });

    await api.produce(conn, { topic: 'remote-t', key: 'k{{i}}', value: '{"n":{{i}}}', count: 30, compression: 'lz4' });
    await waitFor(async () => ((await api.topics(conn)).find((t) => t.name === 'remote-t')?.messages === 30 ? true : null));
    const fwd = await api.browse(conn, { topic: 'remote-t', start: { kind: 'earliest' }, limit: 100, filter: { expression: 'json.n >= 25' } });
    expect(fwd.messages.map((m) => JSON.parse(text(m.value)!).n).sort((a: number, b: number) => a - b)).toEqual([25, 26, 27, 28, 29]);
    const back = await api.browse(conn, { topic: 'remote-t', direction: 'backward', start: { kind: 'latest' }, limit: 3 });
    expect(back.messages).toHaveLength(3);
    const one = await api.message(conn, 'remote-t', back.messages[0]!.partition, back.messages[0]!.offset);
    expect(text(one!.value)).toBe(text(back.messages[0]!.value));
    const detail = await api.topic(conn, 'remote-t');
    expect(detail.partitions.map((p) => p.logEndOffset)).toEqual([null, null]);
    expect(detail.partitions.reduce((s, p) => s + p.highWatermark, 0)).toBe(30);

    await api.addPartitions(conn, 'remote-t', 3);
    await api.purgeTopic(conn, 'remote-t');
    expect((await api.topics(conn)).find((t) => t.name === 'remote-t')?.messages).toBe(0);
  });

  test('groups: lag and an offset reset on Kafka', async () => {
    await api.produce(conn, { topic: 'remote-t', value: 'again{{i}}', count: 10 });
    const kjs = new Kafka({ clientId: 'gui-remote', brokers: ref.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kjs.consumer({ groupId: 'remote-g', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'remote-t', fromBeginning: true });
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => undefined });
    await waitFor(
      async () => {
        const g = await api.group(conn, 'remote-g').catch(() => null);
        return g && g.state === 'Stable' && g.offsets.filter((o) => o.committedOffset >= 0).length === 3 && g.totalLag === 0 ? true : null;
      },
      { timeoutMs: 60_000, what: 'remote-g caught up on its 3 partitions' },
    );
    await expect(api.resetOffsets(conn, { groupId: 'remote-g', target: { kind: 'earliest' } })).rejects.toMatchObject({ name: 'NON_EMPTY_GROUP' });
    await consumer.disconnect();
    await waitFor(async () => ((await api.groups(conn)).find((g) => g.groupId === 'remote-g')?.state === 'Empty' ? true : null), { timeoutMs: 60_000 });
    const done = await api.resetOffsets(conn, { groupId: 'remote-g', target: { kind: 'earliest' } });
    expect(done.changes.length).toBe(3);
    expect((await api.group(conn, 'remote-g')).totalLag).toBe(10);
    await api.deleteGroup(conn, 'remote-g');
  });

  test('events from metadata diffs; local-only powers refused', async () => {
    await api.createTopic(conn, { name: 'remote-new', partitions: 1, replicationFactor: 1 });
    await waitFor(async () => ((await api.events(conn)).some((e) => e.kind === 'topic-created' && e.topic === 'remote-new') ? true : null), { what: 'topic-created', timeoutMs: 20_000 });
    await api.deleteTopic(conn, 'remote-new');
    await expect(api.killBroker(1)).rejects.toMatchObject({ name: 'LOCAL_ONLY' });
    await expect(api.localState()).rejects.toMatchObject({ name: 'LOCAL_ONLY' });
    expect((await api.listConnections()).map((c) => c.kind)).toEqual(['remote']);
  });
});

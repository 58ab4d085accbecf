// Consumer groups through the GUI backend with a real kafkajs consumer group: lag, members and assignments, an
// offset reset previewed, refused while the group is Stable, applied once it is Empty, then deletes.
import { createRequire } from 'node:module';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UiApi } from '../../main/contract/ui-api.js';
import { waitFor } from '../helpers/wait.js';
import { startGuiHarness, type GuiHarness } from './gui/harness.js';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');

let h: GuiHarness;
let api: UiApi;
const GROUP = 'gui-group';
const TOPIC = 'g-topic';

beforeAll(async () => {
  h = await startGuiHarness();
  api = h.remote as unknown as UiApi;
  await api.createTopic('local', { name: TOPIC, partitions: 2, replicationFactor: 3 });
  await api.produce('local', { topic: TOPIC, key: 'k{{i}}', value: 'v{{i}}', count: 20 });
  await waitFor(async () => (await api.topics('local')).find((t) => t.name === TOPIC)?.messages === 20 || null);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('consumer groups', () => {
  test('lag, members, reset refused while Stable, applied when Empty, deletes', async () => {
    const kafka = new Kafka({ clientId: 'gui-test', brokers: h.local!.cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
    const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let seen = 0;
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void seen++ });
    await waitFor(async () => {
      const g = await api.group('local', GROUP).catch(() => null);
      return g && g.offsets.reduce((s, o) => s + Math.max(0, o.committedOffset), 0) === 20 ? g : null;
    }, { what: 'the group to commit 20 records', timeoutMs: 30_000 });
    consumer.pause([{ topic: TOPIC }]);
    await api.produce('local', { topic: TOPIC, key: 'later{{i}}', value: 'x', count: 5 });

    const summary = await waitFor(async () => (await api.groups('local')).find((g) => g.groupId === GROUP && g.totalLag === 5) ?? null, { what: 'lag 5' });
    expect(summary).toMatchObject({ state: 'Stable', memberCount: 1, protocolType: 'consumer' });
    const detail = await api.group('local', GROUP);
    expect(detail.members).toHaveLength(1);
    expect(detail.members[0]!.assignments).toEqual([{ topic: TOPIC, partitions: [0, 1] }]);
    expect(detail.offsets.every((o) => o.memberId === detail.members[0]!.memberId)).toBe(true);
    expect(detail.totalLag).toBe(5);
    expect((await api.topicConsumers('local', TOPIC)).map((c) => [c.groupId, c.lag])).toEqual([[GROUP, 5]]);
    const overview = await waitFor(async () => {
      const o = await api.overview('local');
      return o.totalConsumerLag === 5 ? o : null;
    });
    expect(overview.laggingGroups).toEqual([{ groupId: GROUP, lag: 5 }]);

    const refused = await api.previewOffsetReset('local', { groupId: GROUP, target: { kind: 'earliest' } });
    expect(refused).toMatchObject({ state: 'Stable', allowed: false });
    expect(refused.reason).toMatch(/Empty/);
    await expect(api.resetOffsets('local', { groupId: GROUP, target: { kind: 'earliest' } })).rejects.toMatchObject({ name: 'NON_EMPTY_GROUP', message: expect.stringContaining(' — ') });

    await consumer.disconnect();
    await waitFor(async () => ((await api.groups('local')).find((g) => g.groupId === GROUP)?.state === 'Empty' ? true : null), { what: 'the group to be Empty' });

    const preview = await api.previewOffsetReset('local', { groupId: GROUP, target: { kind: 'earliest' } });
    expect(preview.allowed).toBe(true);
    const ends = Object.fromEntries(preview.changes.map((c) => [c.partition, c.endOffset]));
    expect(preview.changes.map((c) => [c.partition, c.newOffset])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    // Preview changes nothing.
    expect((await api.group('local', GROUP)).totalLag).toBe(5);
    await api.resetOffsets('local', { groupId: GROUP, target: { kind: 'earliest' } });
    expect((await api.group('local', GROUP)).totalLag).toBe(25);

    await api.resetOffsets('local', { groupId: GROUP, target: { kind: 'shift', by: 3 } });
    expect((await api.group('local', GROUP)).offsets.map((o) => o.committedOffset)).toEqual([3, 3]);
    await api.resetOffsets('local', { groupId: GROUP, topics: [{ topic: TOPIC, partitions: [1] }], target: { kind: 'offset', offset: 1_000_000 } });
    expect((await api.group('local', GROUP)).offsets.map((o) => o.committedOffset)).toEqual([3, ends[1]]);
    await api.resetOffsets('local', { groupId: GROUP, target: { kind: 'timestamp', timestamp: Date.now() + 3_600_000 } });
    expect((await api.group('local', GROUP)).totalLag).toBe(0);
    await api.resetOffsets('local', { groupId: GROUP, target: { kind: 'earliest' } });

    // A new member of the group starts where the reset put it: every record again.
    const again = kafka.consumer({ groupId: GROUP, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await again.connect();
    await again.subscribe({ topic: TOPIC });
    let replayed = 0;
    await again.run({ eachMessage: async () => void replayed++ });
    await waitFor(() => (replayed >= 25 ? true : null), { what: '25 records read again', timeoutMs: 30_000 });
    await again.disconnect();
    void seen;

    await waitFor(async () => ((await api.groups('local')).find((g) => g.groupId === GROUP)?.state === 'Empty' ? true : null));
    await api.deleteGroupOffsets('local', GROUP, TOPIC, [0]);
    expect((await api.group('local', GROUP)).offsets.filter((o) => o.committedOffset >= 0).map((o) => o.partition)).toEqual([1]);
    await api.deleteGroup('local', GROUP);
    expect((await api.groups('local')).map((g) => g.groupId)).not.toContain(GROUP);
    await expect(api.group('local', GROUP)).rejects.toMatchObject({ name: 'GROUP_ID_NOT_FOUND' });
  });

  test('a KIP-848 group (group.protocol=consumer) is listed with its member and assignment', async () => {
    const consumer = new Consumer({ clientId: 'gui-848', groupId: 'gui-848', groupProtocol: 'consumer', bootstrapBrokers: h.local!.cluster.bootstrapServers.split(','), deserializers: stringDeserializers });
    try {
      const stream = await consumer.consume({ topics: [TOPIC], mode: 'earliest', autocommit: 100 });
      stream.on('data', () => undefined);
      const g = await waitFor(async () => (await api.groups('local')).find((x) => x.groupId === 'gui-848' && x.state === 'Stable' && x.totalLag === 0) ?? null, {
        what: 'the KIP-848 group caught up',
        timeoutMs: 30_000,
      });
      expect(g).toMatchObject({ type: 'consumer', memberCount: 1 });
      const detail = await api.group('local', 'gui-848');
      expect(detail.members.map((m) => [m.clientId, m.assignments])).toEqual([['gui-848', [{ topic: TOPIC, partitions: [0, 1] }]]]);
      await stream.close();
    } finally {
      await consumer.close();
    }
  });
});

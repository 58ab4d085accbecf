// kafkajs 2.2.4 against a 3-broker Eddy over real TCP: the admin client (createTopics incl. errors and
// validateOnly, fetchTopicMetadata, fetchTopicOffsets, fetchTopicOffsetsByTimestamp, describeCluster,
// describeConfigs, listTopics, deleteTopics) and the producer (plain and idempotent, GZIP, many keyed messages over
// three partitions, acks -1/1/0). kafkajs has no consumer without a group and Eddy has no group coordinator yet,
// so what kafkajs produced is read back with Eddy's raw protocol client (Fetch + the record-batch decoder).
// kafkajs never uses flexible versions: it negotiates Produce v7, Fetch v11, ListOffsets v3, Metadata v6,
// CreateTopics v3, DeleteTopics v1, DescribeConfigs v2, InitProducerId v1 (see CLIENTS.md).
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { tool } from '../helpers/tools';
import { readPartition, type StoredRecord } from './clients/read-log';

// A devDependency, so normally present; skipped with a printed reason (failing under CI=true) if it is not.
const require = createRequire(import.meta.url);
const resolved = (() => {
  try {
    return require.resolve('kafkajs');
  } catch {
    return 'kafkajs';
  }
})();
const kafkajs = tool('kafkajs', process.execPath, ['-e', `require(${JSON.stringify(resolved)})`]);
// kafkajs is CommonJS; load it the way an application would.
const { Kafka, CompressionTypes, ConfigResourceTypes, ConfigSource, logLevel, Partitioners } = (kafkajs.available ? require('kafkajs') : {}) as typeof import('kafkajs');
type Admin = import('kafkajs').Admin;
type Kafka = import('kafkajs').Kafka;

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

async function readTopic(bootstrap: string, topic: string, partitions: number): Promise<StoredRecord[][]> {
  const out: StoredRecord[][] = [];
  for (let p = 0; p < partitions; p++) out.push((await readPartition(bootstrap, topic, p)).records);
  return out;
}

describe.skipIf(!kafkajs.available)('kafkajs 2.2.4 against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0 });
    kafka = new Kafka({ clientId: 'eddy-kafkajs-test', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
  });

  it('admin.createTopics: creates, reports an existing topic as false, errors per topic, validateOnly creates nothing', async () => {
    expect(
      await admin.createTopics({
        topics: [
          { topic: 'kjs-a', numPartitions: 3, replicationFactor: 1 },
          { topic: 'kjs-cfg', numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'compact' }] },
        ],
      }),
    ).toBe(true);
    // kafkajs turns TOPIC_ALREADY_EXISTS into `false`.
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-a', numPartitions: 3 }] })).toBe(false);

    const failure = async (topic: { topic: string; numPartitions?: number; replicationFactor?: number }) => {
      try {
        await admin.createTopics({ topics: [topic] });
      } catch (e) {
        const err = e as Error & { errors?: { type: string; code: number; topic: string }[] };
        return { name: err.name, errors: err.errors?.map((x) => ({ type: x.type, code: x.code, topic: x.topic })) };
      }
      return 'created';
    };
    expect(await failure({ topic: 'kjs-rf9', numPartitions: 1, replicationFactor: 9 })).toEqual({
      name: 'KafkaJSAggregateError',
      errors: [{ type: 'INVALID_REPLICATION_FACTOR', code: 38, topic: 'kjs-rf9' }],
    });
    expect(await failure({ topic: 'kjs-p0', numPartitions: 0 })).toEqual({ name: 'KafkaJSAggregateError', errors: [{ type: 'INVALID_PARTITIONS', code: 37, topic: 'kjs-p0' }] });
    expect(await failure({ topic: 'kjs bad name', numPartitions: 1 })).toEqual({
      name: 'KafkaJSAggregateError',
      errors: [{ type: 'INVALID_TOPIC_EXCEPTION', code: 17, topic: 'kjs bad name' }],
    });

    // validateOnly (waitForLeaders must be off: kafkajs would wait for the leaders of a topic that never appears).
    expect(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'kjs-validate', numPartitions: 2 }] })).toBe(true);
    const topics = await admin.listTopics();
    expect(topics).toEqual(expect.arrayContaining(['kjs-a', 'kjs-cfg']));
    expect(topics).not.toContain('kjs-validate');
    expect(topics).not.toContain('kjs-rf9');
  });

  it('admin.describeCluster and fetchTopicMetadata: 3 brokers, the cluster id, leaders spread, RF 3 replicas', async () => {
    const c = await admin.describeCluster();
    expect(c.clusterId).toBe(cluster.clusterId);
    expect(c.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(cluster.bootstrapServers.split(','));
    expect(c.brokers.map((b) => b.nodeId)).toEqual([0, 1, 2]);
    expect([0, 1, 2]).toContain(c.controller);

    const { topics } = await admin.fetchTopicMetadata({ topics: ['kjs-a', 'kjs-cfg'] });
    const a = topics.find((t) => t.name === 'kjs-a')!;
    expect(a.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(new Set(a.partitions.map((p) => p.leader))).toEqual(new Set([0, 1, 2]));
    for (const p of a.partitions) {
      expect(p.partitionErrorCode).toBe(0);
      expect(p.replicas).toEqual([p.leader]);
      expect(p.isr).toEqual([p.leader]);
      expect(p.offlineReplicas).toEqual([]);
    }
    const cfg = topics.find((t) => t.name === 'kjs-cfg')!;
    expect(cfg.partitions).toHaveLength(1);
    expect([...cfg.partitions[0]!.replicas].sort()).toEqual([0, 1, 2]);
    expect(cfg.partitions[0]!.replicas[0]).toBe(cfg.partitions[0]!.leader);

    // Without a topic list: every topic.
    const all = await admin.fetchTopicMetadata();
    expect(all.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['kjs-a', 'kjs-cfg']));

    // An unknown topic (the admin client never auto-creates).
    await expect(admin.fetchTopicMetadata({ topics: ['kjs-unknown'] })).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('admin.describeConfigs: topic overrides and defaults, a broker, an unknown topic', async () => {
    const r = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-cfg', configNames: ['retention.ms', 'cleanup.policy', 'max.message.bytes'] }],
    });
    expect(r.resources).toHaveLength(1);
    const res = r.resources[0]!;
    expect(res).toMatchObject({ errorCode: 0, resourceType: ConfigResourceTypes.TOPIC, resourceName: 'kjs-cfg' });
    const byName = Object.fromEntries(res.configEntries.map((e) => [e.configName, e]));
    expect(Object.keys(byName).sort()).toEqual(['cleanup.policy', 'max.message.bytes', 'retention.ms']);
    expect(byName['retention.ms']).toMatchObject({ configValue: '3600000', isDefault: false, configSource: ConfigSource.TOPIC_CONFIG, readOnly: false, isSensitive: false });
    expect(byName['cleanup.policy']).toMatchObject({ configValue: 'compact', isDefault: false, configSource: ConfigSource.TOPIC_CONFIG });
    expect(byName['max.message.bytes']).toMatchObject({ configValue: '1048588', isDefault: true, configSource: ConfigSource.DEFAULT_CONFIG });

    // All configs of a topic without overrides: the Kafka defaults.
    const all = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-a' }] });
    const entries = Object.fromEntries(all.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    expect(entries).toMatchObject({ 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'min.insync.replicas': '1', 'message.timestamp.type': 'CreateTime', 'compression.type': 'producer' });

    // A broker resource (by node id).
    const b = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['broker.id', 'auto.create.topics.enable'] }] });
    const be = Object.fromEntries(b.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    expect(b.resources[0]!.errorCode).toBe(0);
    expect(be).toEqual({ 'broker.id': '1', 'auto.create.topics.enable': 'true' });

    await expect(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-unknown' }] })).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });

  it('producer (plain, GZIP, acks -1): 3,000 keyed messages over 3 partitions, stored exactly with their headers', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const N = 3000;
    const messages = Array.from({ length: N }, (_, i) => ({ key: `key-${i % 23}`, value: `gzip-${i}`, headers: { seq: String(i), src: 'kafkajs' } }));
    const before = Date.now();
    const meta = [];
    // Several sends of 500, so that each partition gets several batches.
    for (let i = 0; i < N; i += 500) meta.push(...(await producer.send({ topic: 'kjs-a', acks: -1, compression: CompressionTypes.GZIP, messages: messages.slice(i, i + 500) })));
    const after = Date.now();
    await producer.disconnect();
    for (const m of meta) expect(m).toMatchObject({ topicName: 'kjs-a', errorCode: 0, logAppendTime: '-1', logStartOffset: '0' });

    const stored = await readTopic(cluster.bootstrapServers, 'kjs-a', 3);
    expect(stored.flat()).toHaveLength(N);
    // The base offsets kafkajs got back point at the first record of each of its batches.
    for (const m of meta) expect(stored[m.partition]!.some((r) => r.offset === Number(m.baseOffset))).toBe(true);
    const seen = new Set<number>();
    for (const [p, recs] of stored.entries()) {
      expect(recs.map((r) => r.offset)).toEqual(recs.map((_, i) => i));
      const lastOfKey = new Map<string, number>();
      for (const r of recs) {
        const i = Number(r.value!.split('-')[1]);
        expect(r).toMatchObject({ key: `key-${i % 23}`, value: `gzip-${i}`, headers: [['seq', String(i)], ['src', 'kafkajs']] });
        expect(i).toBeGreaterThan(lastOfKey.get(r.key!) ?? -1);
        lastOfKey.set(r.key!, i);
        expect(r.timestamp).toBeGreaterThanOrEqual(before);
        expect(r.timestamp).toBeLessThanOrEqual(after);
        seen.add(i);
      }
      expect(recs.length, `partition ${p}`).toBeGreaterThan(0);
    }
    expect(seen.size).toBe(N);
    for (let p = 0; p < 3; p++) {
      const { batches } = await readPartition(cluster.bootstrapServers, 'kjs-a', p);
      // (kafkajs quirk: a non-idempotent batch still carries baseSequence 0, not -1; Kafka accepts that too.)
      for (const b of batches) expect(b).toMatchObject({ compression: 1, producerId: -1n, producerEpoch: 0 });
    }

    // fetchTopicOffsets agrees with what is stored.
    const offsets = await admin.fetchTopicOffsets('kjs-a');
    expect(offsets.sort((x, y) => x.partition - y.partition)).toEqual(stored.map((recs, p) => ({ partition: p, offset: String(recs.length), high: String(recs.length), low: '0' })));
  });

  it('idempotent producer: InitProducerId, one producer id, gap-free sequences; acks 1 and acks 0 producers too', async () => {
    await admin.createTopics({ topics: [{ topic: 'kjs-idem', numPartitions: 3 }] });
    const idem = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await idem.connect();
    for (let round = 0; round < 5; round++) {
      const res = await idem.send({
        topic: 'kjs-idem',
        compression: round % 2 ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 7}`, value: `idem-${round}-${i}` })),
      });
      for (const r of res) expect(r.errorCode).toBe(0);
    }
    await idem.disconnect();

    const plain = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await plain.connect();
    const acks1 = await plain.send({ topic: 'kjs-idem', acks: 1, messages: [{ key: 'k1', value: 'acks-1' }] });
    expect(acks1).toHaveLength(1);
    expect(acks1[0]).toMatchObject({ topicName: 'kjs-idem', errorCode: 0 });
    // acks 0: the broker sends no response and kafkajs resolves with no metadata.
    const acks0 = await plain.send({ topic: 'kjs-idem', acks: 0, messages: [{ key: 'k1', value: 'acks-0' }] });
    expect(acks0).toEqual([]);
    await plain.disconnect();

    const p1 = acks1[0]!.partition;
    const stored = await readTopic(cluster.bootstrapServers, 'kjs-idem', 3);
    expect(stored.flat().map((r) => r.value).sort()).toEqual(
      [...Array.from({ length: 5 }, (_, round) => Array.from({ length: 200 }, (_, i) => `idem-${round}-${i}`)).flat(), 'acks-1', 'acks-0'].sort(),
    );
    // acks-1 and acks-0 went to k1's partition, after the idempotent records, at the offset kafkajs reported.
    expect(stored[p1]!.at(-2)).toMatchObject({ offset: Number(acks1[0]!.baseOffset), value: 'acks-1' });
    expect(stored[p1]!.at(-1)!.value).toBe('acks-0');

    const pids = new Set<bigint>();
    for (let p = 0; p < 3; p++) {
      const { batches } = await readPartition(cluster.bootstrapServers, 'kjs-idem', p);
      let next = 0;
      for (const b of batches) {
        if (b.producerId === -1n) continue; // the acks 1 / acks 0 records
        expect(b.producerEpoch).toBe(0);
        expect(b.baseSequence).toBe(next);
        next += b.recordCount;
        pids.add(b.producerId);
      }
      expect(batches.filter((b) => b.producerId === -1n).length).toBe(p === p1 ? 2 : 0);
    }
    expect(pids.size).toBe(1);
  });

  it('admin.fetchTopicOffsetsByTimestamp: first offset at or after a timestamp, the end for a future one', async () => {
    await admin.createTopics({ topics: [{ topic: 'kjs-ts', numPartitions: 2 }] });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // Explicit create times, one second apart, starting ten minutes ago; records alternate between the partitions.
    const t0 = Date.now() - 600_000;
    for (let i = 0; i < 20; i++) {
      await producer.send({ topic: 'kjs-ts', messages: [{ partition: i % 2, value: `ts-${i}`, timestamp: String(t0 + i * 1000) }] });
    }
    await producer.disconnect();

    const sorted = async (ts?: number) => (await admin.fetchTopicOffsetsByTimestamp('kjs-ts', ts)).sort((a, b) => a.partition - b.partition);
    expect(await sorted(t0 - 1)).toEqual([{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }]);
    // t0 + 5500: the first records at or after it are i=6 (partition 0, offset 3) and i=7 (partition 1, offset 3).
    expect(await sorted(t0 + 5500)).toEqual([{ partition: 0, offset: '3' }, { partition: 1, offset: '3' }]);
    // Exactly a record's timestamp: that record. t0 + 7000 is i=7 (partition 1, offset 3); partition 0's next is i=8 (offset 4).
    expect(await sorted(t0 + 7000)).toEqual([{ partition: 0, offset: '4' }, { partition: 1, offset: '3' }]);
    // Past the last record: kafkajs maps Kafka's -1 to the high watermark.
    expect(await sorted(Date.now() + 60_000)).toEqual([{ partition: 0, offset: '10' }, { partition: 1, offset: '10' }]);

    const stored = await readTopic(cluster.bootstrapServers, 'kjs-ts', 2);
    expect(stored[0]!.map((r) => [r.value, r.timestamp])).toEqual(Array.from({ length: 10 }, (_, j) => [`ts-${2 * j}`, t0 + 2 * j * 1000]));
  });

  it('LogAppendTime topic: the produce response carries the append time, which replaces the client timestamps', async () => {
    await admin.createTopics({ topics: [{ topic: 'kjs-lat', numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }] });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const before = Date.now();
    const plain = await producer.send({ topic: 'kjs-lat', messages: [{ value: 'a', timestamp: '1000' }, { value: 'b' }] });
    const gzip = await producer.send({ topic: 'kjs-lat', compression: CompressionTypes.GZIP, messages: [{ value: 'c', timestamp: '1000' }, { value: 'd' }] });
    const after = Date.now();
    await producer.disconnect();
    const times = [plain[0]!, gzip[0]!].map((r) => Number(r.logAppendTime));
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThanOrEqual(after);
    }
    expect([plain[0]!.baseOffset, gzip[0]!.baseOffset]).toEqual(['0', '2']);
    const { records, batches } = await readPartition(cluster.bootstrapServers, 'kjs-lat', 0);
    expect(batches.map((b) => b.timestampType)).toEqual(['LogAppendTime', 'LogAppendTime']);
    expect(records.map((r) => [r.value, r.timestamp])).toEqual([
      ['a', times[0]],
      ['b', times[0]],
      ['c', times[1]],
      ['d', times[1]],
    ]);
  });

  it('admin.deleteTopics: deletes, and an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await admin.deleteTopics({ topics: ['kjs-cfg', 'kjs-ts'] });
    const topics = await admin.listTopics();
    expect(topics).not.toContain('kjs-cfg');
    expect(topics).not.toContain('kjs-ts');
    expect(topics).toContain('kjs-a');
    // kafkajs retries UNKNOWN_TOPIC_OR_PARTITION (it is retriable) and then gives up.
    const err = await admin.deleteTopics({ topics: ['kjs-unknown'], timeout: 2000 }).catch((e: Error & { originalError?: { type?: string } }) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('KafkaJSNumberOfRetriesExceeded');
    expect((err as Error).message).toBe('This server does not host this topic-partition');
  });
});

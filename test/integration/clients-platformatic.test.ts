// @platformatic/kafka 1.35 against a 3-broker Eddy over real TCP. It only speaks recent, flexible versions:
// ApiVersions v4, Metadata v12, CreateTopics v7, DeleteTopics v6, DescribeConfigs v4, Produce v11,
// InitProducerId v5, ListOffsets v9 and Fetch v17 (topic ids instead of names). Covered: Admin createTopics
// (returned ids and configs, errors) / listTopics / metadata / describeConfigs / deleteTopics; Producer (not
// idempotent by default - checked on the stored batches - and idempotent on request) with each codec it has;
// the consumer's low-level listOffsets / listOffsetsWithTimestamps and fetch(), which needs no group (Eddy has no
// group coordinator yet), with exact records and the partition errors Kafka gives.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { tool } from '../helpers/tools';
import { readPartition } from './clients/read-log';

const require = createRequire(import.meta.url);
const resolved = (() => {
  try {
    return require.resolve('@platformatic/kafka');
  } catch {
    return '@platformatic/kafka';
  }
})();
// A devDependency, so normally present; skipped with a printed reason (failing under CI=true) if it is not.
const platformatic = tool('@platformatic/kafka', process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(resolved)})`]);

import type { Admin as PltAdmin, Consumer as PltConsumer } from '@platformatic/kafka';
type Lib = typeof import('@platformatic/kafka');
const lib: Lib = platformatic.available ? await import('@platformatic/kafka') : ({} as Lib);

const CODEC_ID: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

describe.skipIf(!platformatic.available)('@platformatic/kafka 1.35 against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let brokers: string[];
  let admin: PltAdmin;
  let consumer: PltConsumer<string, string, string, string>;
  const topicIds = new Map<string, string>();

  /** The codecs this build can produce: zstd needs node:zlib's zstd (Node 22.15+), absent on Node 20. */
  const codecs = () => (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).filter((c) => lib.compressionsAlgorithms[c].available);

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0 });
    brokers = cluster.bootstrapServers.split(',');
    admin = new lib.Admin({ clientId: 'eddy-plt-admin', bootstrapBrokers: brokers, retries: 0 });
    consumer = new lib.Consumer({ clientId: 'eddy-plt-consumer', groupId: 'never-joined', bootstrapBrokers: brokers, deserializers: lib.stringDeserializers, retries: 0 });
  });

  afterAll(async () => {
    await consumer?.close();
    await admin?.close();
    await cluster?.stop();
  });

  /** Low-level fetch of one partition from its leader, by topic id (Fetch v17). */
  async function fetchPartition(topic: string, partition: number, fetchOffset: bigint, node?: number) {
    const md = await consumer.metadata({ topics: [topic], forceUpdate: true });
    const t = md.topics.get(topic)!;
    const res = await consumer.fetch({
      node: node ?? t.partitions[partition]!.leader,
      maxWaitTime: 10,
      topics: [{ topicId: t.id, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, partitionMaxBytes: 4 << 20 }] }],
    });
    expect(res.errorCode).toBe(0);
    expect(res.responses).toHaveLength(1);
    expect(res.responses[0]!.topicId).toBe(t.id);
    return res.responses[0]!.partitions[0]!;
  }

  /** Every record of a partition through fetch(), flattened with absolute offsets and decoded strings. */
  async function fetchAll(topic: string, partition: number) {
    const out: { offset: number; timestamp: number; key: string | null; value: string | null; headers: [string, string][] }[] = [];
    const batches: { compression: number; producerId: bigint; firstSequence: number; count: number }[] = [];
    let offset = 0n;
    for (;;) {
      const p = await fetchPartition(topic, partition, offset);
      expect(p.errorCode).toBe(0);
      for (const b of p.records ?? []) {
        batches.push({ compression: b.attributes & 7, producerId: b.producerId, firstSequence: b.firstSequence, count: b.records.length });
        for (const r of b.records) {
          out.push({
            offset: Number(b.firstOffset) + r.offsetDelta,
            timestamp: Number(b.firstTimestamp + r.timestampDelta),
            key: r.key ? r.key.toString() : null,
            value: r.value ? r.value.toString() : null,
            headers: r.headers.map(([k, v]) => [k!.toString(), v!.toString()]),
          });
        }
        offset = b.firstOffset + BigInt(b.lastOffsetDelta) + 1n;
      }
      if (offset >= p.highWatermark) return { records: out, batches, highWatermark: Number(p.highWatermark) };
    }
  }

  it('Admin.createTopics returns ids, counts and the effective configs; errors come back with Kafka codes', async () => {
    const created = await admin.createTopics({ topics: ['plt-a', 'plt-b'], partitions: 3, replicas: 1 });
    expect(created.map((c) => [c.name, c.partitions, c.replicas])).toEqual([
      ['plt-a', 3, 1],
      ['plt-b', 3, 1],
    ]);
    for (const c of created) {
      expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      topicIds.set(c.name, c.id);
    }
    expect(created[0]!.id).not.toBe(created[1]!.id);
    expect(created[0]!.configuration).toMatchObject({ 'cleanup.policy': 'delete', 'retention.ms': '604800000', 'max.message.bytes': '1048588', 'min.insync.replicas': '1' });

    const [withCfg] = await admin.createTopics({ topics: ['plt-cfg'], partitions: 1, replicas: 3, configs: [{ name: 'retention.ms', value: '1234567' }] });
    expect(withCfg).toMatchObject({ name: 'plt-cfg', partitions: 1, replicas: 3 });
    expect(withCfg!.configuration['retention.ms']).toBe('1234567');
    topicIds.set('plt-cfg', withCfg!.id);

    const codes = async (p: Promise<unknown>) => {
      const e = (await p.then(() => null, (x: unknown) => x)) as (Error & { errors?: { apiId?: string; apiCode?: number }[] }) | null;
      return e?.errors?.map((x) => [x.apiId, x.apiCode]);
    };
    expect(await codes(admin.createTopics({ topics: ['plt-a'], partitions: 3, replicas: 1 }))).toEqual([['TOPIC_ALREADY_EXISTS', 36]]);
    expect(await codes(admin.createTopics({ topics: ['plt-rf'], partitions: 1, replicas: 4 }))).toEqual([['INVALID_REPLICATION_FACTOR', 38]]);
    expect(await codes(admin.createTopics({ topics: ['plt bad'], partitions: 1, replicas: 1 }))).toEqual([['INVALID_TOPIC_EXCEPTION', 17]]);
  });

  it('Admin.listTopics / metadata: the topics, 3 brokers, leaders spread, the same topic ids', async () => {
    const list = await admin.listTopics();
    expect(list).toEqual(expect.arrayContaining(['plt-a', 'plt-b', 'plt-cfg']));
    expect(list).not.toContain('plt-rf');

    const md = await admin.metadata({ topics: ['plt-a', 'plt-cfg'] });
    expect(md.id).toBe(cluster.clusterId);
    expect([...md.brokers.entries()].map(([id, b]) => [id, `${b.host}:${b.port}`])).toEqual(brokers.map((hp, i) => [i, hp]));
    const a = md.topics.get('plt-a')!;
    expect(a.id).toBe(topicIds.get('plt-a'));
    expect(a.partitionsCount).toBe(3);
    expect(new Set(a.partitions.map((p) => p.leader))).toEqual(new Set([0, 1, 2]));
    for (const p of a.partitions) {
      expect(p.replicas).toEqual([p.leader]);
      expect(p.leaderEpoch).toBe(0);
    }
    const cfg = md.topics.get('plt-cfg')!;
    expect([...cfg.partitions[0]!.replicas].sort()).toEqual([0, 1, 2]);

    const dc = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: 'plt-cfg', configurationKeys: ['retention.ms', 'segment.bytes'] }] });
    expect(dc).toHaveLength(1);
    const entries = Object.fromEntries(dc[0]!.configs.map((c) => [c.name, [c.value, c.configSource]]));
    // configSource 1 = TOPIC_CONFIG (an override), 5 = DEFAULT_CONFIG.
    expect(entries).toEqual({ 'retention.ms': ['1234567', 1], 'segment.bytes': ['1073741824', 5] });
  });

  it('Producer is not idempotent by default (acks 1, no producer id); records come back exactly through fetch()', async () => {
    const producer = new lib.Producer({ clientId: 'eddy-plt-producer', bootstrapBrokers: brokers, serializers: lib.stringSerializers });
    try {
      const N = 600;
      const before = Date.now();
      const res = await producer.send({
        messages: Array.from({ length: N }, (_, i) => ({ topic: 'plt-a', key: `key-${i % 13}`, value: `plain-${i}`, headers: { seq: String(i), lib: 'platformatic' } })),
      });
      const after = Date.now();
      expect(producer.producerId).toBeUndefined();
      // One offset per partition written: the base offset of its batch.
      expect(res.offsets!.map((o) => [o.topic, o.offset]).sort()).toEqual([
        ['plt-a', 0n],
        ['plt-a', 0n],
        ['plt-a', 0n],
      ]);

      let total = 0;
      const seen = new Set<number>();
      for (let p = 0; p < 3; p++) {
        const { records, batches, highWatermark } = await fetchAll('plt-a', p);
        expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
        expect(highWatermark).toBe(records.length);
        const last = new Map<string, number>();
        for (const r of records) {
          const i = Number(r.value!.split('-')[1]);
          expect(r).toMatchObject({ key: `key-${i % 13}`, headers: [['seq', String(i)], ['lib', 'platformatic']] });
          expect(i).toBeGreaterThan(last.get(r.key!) ?? -1);
          last.set(r.key!, i);
          expect(r.timestamp).toBeGreaterThanOrEqual(before);
          expect(r.timestamp).toBeLessThanOrEqual(after);
          seen.add(i);
        }
        // (Like kafkajs, it writes base sequence 0 rather than -1 in non-idempotent batches; Kafka ignores it without a producer id.)
        for (const b of batches) expect(b).toMatchObject({ compression: 0, producerId: -1n });
        total += records.length;
      }
      expect(total).toBe(N);
      expect(seen.size).toBe(N);
    } finally {
      await producer.close();
    }
  });

  it('idempotent Producer with every codec it has: InitProducerId v5, one producer id, gap-free sequences, codecs stored', async () => {
    const producer = new lib.Producer({ clientId: 'eddy-plt-idem', bootstrapBrokers: brokers, serializers: lib.stringSerializers, idempotent: true });
    const used = codecs();
    if (!used.includes('zstd')) console.log(`@platformatic/kafka cannot compress zstd on Node ${process.version} (needs node:zlib zstd); testing ${used.join(', ')}`);
    try {
      for (const codec of used) {
        const res = await producer.send({
          compression: codec,
          messages: Array.from({ length: 100 }, (_, i) => ({ topic: 'plt-b', key: `k${i % 5}`, value: `${codec}-${i}-${'y'.repeat(i % 17)}` })),
        });
        expect(res.offsets!.length).toBeGreaterThan(0);
      }
      expect(typeof producer.producerId).toBe('bigint');
      expect(producer.producerId! >= 0n).toBe(true);
      expect(producer.producerEpoch).toBe(0);

      const all: string[] = [];
      for (let p = 0; p < 3; p++) {
        const { records, batches } = await fetchAll('plt-b', p);
        all.push(...records.map((r) => r.value!));
        let next = 0;
        for (const b of batches) {
          expect(b.producerId).toBe(producer.producerId);
          expect(b.firstSequence).toBe(next);
          next += b.count;
        }
        // Batches follow the send order, one codec per send.
        const batchCodecs = batches.map((b) => b.compression);
        expect(batchCodecs.every((c) => used.map((u) => CODEC_ID[u]).includes(c))).toBe(true);
        expect(batchCodecs).toEqual([...batchCodecs].sort());
        // The raw reader (Fetch v11 by name) sees the same log.
        const stored = await readPartition(cluster.bootstrapServers, 'plt-b', p);
        expect(stored.records.map((r) => r.value)).toEqual(records.map((r) => r.value));
      }
      expect(all.sort()).toEqual(used.flatMap((c) => Array.from({ length: 100 }, (_, i) => `${c}-${i}-${'y'.repeat(i % 17)}`)).sort());
    } finally {
      await producer.close();
    }
  });

  it('Consumer.listOffsets / listOffsetsWithTimestamps: latest, earliest, by timestamp, max timestamp', async () => {
    // Known create times: 10 records, one second apart, half an hour ago, into partition 1 of a fresh topic.
    await admin.createTopics({ topics: ['plt-ts'], partitions: 2, replicas: 1 });
    const producer = new lib.Producer({ clientId: 'eddy-plt-ts', bootstrapBrokers: brokers, serializers: lib.stringSerializers });
    const t0 = BigInt(Date.now() - 1_800_000);
    try {
      await producer.send({ messages: Array.from({ length: 10 }, (_, i) => ({ topic: 'plt-ts', partition: 1, value: `t${i}`, timestamp: t0 + BigInt(i * 1000) })) });
    } finally {
      await producer.close();
    }
    expect(await consumer.listOffsets({ topics: ['plt-ts'] })).toEqual(new Map([['plt-ts', [0n, 10n]]]));
    expect(await consumer.listOffsets({ topics: ['plt-ts'], timestamp: -2n })).toEqual(new Map([['plt-ts', [0n, 0n]]]));
    // First offset with a timestamp at or after t0 + 4.5 s is record 5; nothing in partition 0 → -1.
    expect(await consumer.listOffsets({ topics: ['plt-ts'], timestamp: t0 + 4500n })).toEqual(new Map([['plt-ts', [-1n, 5n]]]));
    expect(await consumer.listOffsets({ topics: ['plt-ts'], timestamp: t0 + 9000n })).toEqual(new Map([['plt-ts', [-1n, 9n]]]));
    expect(await consumer.listOffsets({ topics: ['plt-ts'], timestamp: t0 + 9001n })).toEqual(new Map([['plt-ts', [-1n, -1n]]]));
    const max = await consumer.listOffsetsWithTimestamps({ topics: ['plt-ts'], timestamp: -3n });
    expect(max.get('plt-ts')).toEqual(
      new Map([
        [0, { offset: -1n, timestamp: -1n }],
        [1, { offset: 9n, timestamp: t0 + 9000n }],
      ]),
    );
  });

  it('Consumer.fetch: a mid-batch offset returns the whole batch; errors for a non-leader, an unknown topic id, an offset past the end', async () => {
    await admin.createTopics({ topics: ['plt-f'], partitions: 1, replicas: 1 });
    const producer = new lib.Producer({ clientId: 'eddy-plt-f', bootstrapBrokers: brokers, serializers: lib.stringSerializers });
    try {
      await producer.send({ messages: Array.from({ length: 10 }, (_, i) => ({ topic: 'plt-f', partition: 0, key: 'k', value: `f${i}` })) });
    } finally {
      await producer.close();
    }
    // Offset 5 is inside the single batch [0..9]: Kafka returns the batch as stored; the client skips 0-4.
    const mid = await fetchPartition('plt-f', 0, 5n);
    expect(mid.errorCode).toBe(0);
    expect(mid.highWatermark).toBe(10n);
    expect(mid.lastStableOffset).toBe(10n);
    expect(mid.logStartOffset).toBe(0n);
    expect(mid.records!.map((b) => [b.firstOffset, b.lastOffsetDelta, b.records.map((r) => r.value!.toString())])).toEqual([[0n, 9, Array.from({ length: 10 }, (_, i) => `f${i}`)]]);

    // At the high watermark: no records, no error.
    const end = await fetchPartition('plt-f', 0, 10n);
    expect(end.errorCode).toBe(0);
    expect(end.records ?? []).toEqual([]);

    const md = await consumer.metadata({ topics: ['plt-f'] });
    const t = md.topics.get('plt-f')!;
    const leader = t.partitions[0]!.leader;
    const failure = async (node: number, topicId: string, fetchOffset: bigint) => {
      const e = (await consumer
        .fetch({ node, maxWaitTime: 10, topics: [{ topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }] })
        .then(() => null, (x: unknown) => x)) as (Error & { errors?: { apiId?: string; apiCode?: number }[] }) | null;
      return e?.errors?.map((x) => [x.apiId, x.apiCode]);
    };
    expect(await failure((leader + 1) % 3, t.id, 0n)).toEqual([['NOT_LEADER_OR_FOLLOWER', 6]]);
    expect(await failure(leader, '11111111-2222-3333-4444-555555555555', 0n)).toEqual([['UNKNOWN_TOPIC_ID', 100]]);
    expect(await failure(leader, t.id, 11n)).toEqual([['OFFSET_OUT_OF_RANGE', 1]]);
  });

  it('Admin.deleteTopics deletes; an unknown topic is UNKNOWN_TOPIC_OR_PARTITION; a recreated topic gets a new id', async () => {
    await admin.deleteTopics({ topics: ['plt-cfg', 'plt-ts'] });
    const list = await admin.listTopics();
    expect(list).not.toContain('plt-cfg');
    expect(list).not.toContain('plt-ts');
    expect(list).toContain('plt-a');
    const e = (await admin.deleteTopics({ topics: ['plt-unknown'] }).then(() => null, (x: unknown) => x)) as Error & { errors?: { apiId?: string; apiCode?: number }[] };
    expect(e.errors?.map((x) => [x.apiId, x.apiCode])).toEqual([['UNKNOWN_TOPIC_OR_PARTITION', 3]]);

    const [again] = await admin.createTopics({ topics: ['plt-cfg'], partitions: 1, replicas: 1 });
    expect(again!.id).not.toBe(topicIds.get('plt-cfg'));
    const md = await admin.metadata({ topics: ['plt-cfg'], forceUpdate: true });
    expect(md.topics.get('plt-cfg')!.id).toBe(again!.id);
    expect(md.topics.get('plt-cfg')!.partitions[0]!.replicas).toHaveLength(1);
  });
});

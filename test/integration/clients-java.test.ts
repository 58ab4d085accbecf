// Apache Kafka 4.4.0's own Java tools (the Java AdminClient, producer and consumer) against a 3-broker Eddy over
// real TCP: kafka-topics --create/--list/--describe/--delete (+ errors), kafka-configs --describe,
// kafka-console-producer (keys, headers, every --compression-codec; the Java producer is idempotent by default, so
// this exercises InitProducerId and sequence numbers), kafka-console-consumer in assign mode (--partition,
// --offset earliest, --max-messages; no group: Eddy has no group coordinator yet), kafka-get-offsets and
// kafka-broker-api-versions. Skipped with a printed reason without Java 17+/the jars; fails under CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { assertOk as assertToolOk, consoleConsume, consoleProduce, kafkaTopics, runKafkaTool, type ConsumedRecord, type ToolResult } from '../helpers/java-tools';
import { kafkaAvailable } from '../helpers/reference-kafka';
import { readPartition } from './clients/read-log';

const kafka = kafkaAvailable();

/** assertOk keeping the result's own type (the console consumer's parsed records). */
function assertOk<T extends ToolResult>(r: T, what?: string): T {
  assertToolOk(r, what);
  return r;
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const CODEC_ID: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const PER_CODEC = 300;
const KEYS = 11;

const keyOf = (i: number) => `key-${i % KEYS}`;
const valueOf = (codec: string, i: number) => `${codec}-${String(i).padStart(4, '0')}-${'z'.repeat(i % 30)}`;

/** kafka-topics --describe partition lines → { partition, leader, replicas, isr }. */
function describedPartitions(stdout: string) {
  return stdout
    .split('\n')
    .filter((l) => /^\s+Topic: .*\tPartition: \d/.test(l))
    .map((l) => ({
      partition: Number(/Partition: (\d+)/.exec(l)![1]),
      leader: Number(/Leader: (-?\d+)/.exec(l)![1]),
      replicas: /Replicas: ([\d,]*)/.exec(l)![1]!.split(',').map(Number),
      isr: /Isr: ([\d,]*)/.exec(l)![1]!.split(',').filter(Boolean).map(Number),
    }));
}

/** kafka-get-offsets lines "topic:partition:offset" → offsets by partition. */
function offsetsOf(stdout: string, topic: string): number[] {
  const out: number[] = [];
  for (const l of stdout.trim().split('\n').filter(Boolean)) {
    const [t, p, o] = l.split(':');
    expect(t).toBe(topic);
    out[Number(p)] = Number(o);
  }
  return out;
}

describe.skipIf(!kafka.available)('Apache Kafka 4.4.0 Java tools against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let bootstrap: string;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0 });
    bootstrap = cluster.bootstrapServers;
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('kafka-broker-api-versions lists every broker and the APIs Eddy serves, with the versions the Java client will use', async () => {
    const r = assertOk(await runKafkaTool('kafka-broker-api-versions', ['--bootstrap-server', bootstrap]), 'kafka-broker-api-versions');
    const ports = bootstrap.split(',');
    for (const [id, hp] of ports.entries()) expect(r.stdout).toContain(`${hp} (id: ${id} rack: null isFenced: false) -> (`);
    // One block per broker, each with the same table.
    const blocks = r.stdout.split(/^\S.* -> \($/m).slice(1);
    expect(blocks).toHaveLength(3);
    // Broker range and the usable version (the highest both sides know; the 4.4 client's maxima are in CLIENTS.md).
    const expected = [
      'Produce(0): 0 to 11 [usable: 11]',
      'Fetch(1): 4 to 17 [usable: 17]',
      'ListOffsets(2): 1 to 10 [usable: 10]',
      'Metadata(3): 0 to 12 [usable: 12]',
      'OffsetCommit(8): 2 to 9 [usable: 9]',
      'OffsetFetch(9): 1 to 9 [usable: 9]',
      'FindCoordinator(10): 0 to 6 [usable: 6]',
      'JoinGroup(11): 0 to 9 [usable: 9]',
      'Heartbeat(12): 0 to 4 [usable: 4]',
      'LeaveGroup(13): 0 to 5 [usable: 5]',
      'SyncGroup(14): 0 to 5 [usable: 5]',
      'DescribeGroups(15): 0 to 5 [usable: 5]',
      'ListGroups(16): 0 to 5 [usable: 5]',
      'ApiVersions(18): 0 to 4 [usable: 4]',
      'CreateTopics(19): 2 to 7 [usable: 7]',
      'DeleteTopics(20): 1 to 6 [usable: 6]',
      'InitProducerId(22): 0 to 5 [usable: 5]',
      'DescribeConfigs(32): 1 to 4 [usable: 4]',
    ];
    for (const block of blocks) {
      for (const line of expected) expect(block).toContain(line);
      expect(block).toMatch(/DescribeCluster\(60\): 0 to 1 \[usable: 1\]/);
      expect(block).toContain('SaslHandshake(17): UNSUPPORTED');
    }
  });

  it('kafka-cluster cluster-id: the cluster id via DescribeCluster; a controller bootstrap gets the endpoint mismatch Kafka gives', async () => {
    const id = assertOk(await runKafkaTool('kafka-cluster', ['cluster-id', '--bootstrap-server', bootstrap]));
    expect(id.stdout.trim()).toBe(`Cluster ID: ${cluster.clusterId}`);
    // Eddy's ports are broker endpoints; asking one for a controller endpoint is answered as a Kafka 4.4 broker does.
    const ctl = await runKafkaTool('kafka-cluster', ['cluster-id', '--bootstrap-controller', bootstrap.split(',')[0]!], { timeoutMs: 60_000 });
    expect(ctl.stdout + ctl.stderr).toContain(
      'MismatchedEndpointTypeException: The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
    );
  });

  it('kafka-topics --create/--list/--describe/--delete, with configs and the error cases', async () => {
    assertOk(await kafkaTopics(bootstrap, ['--create', '--topic', 'java-rf1', '--partitions', '3', '--replication-factor', '1']));
    const created = assertOk(
      await kafkaTopics(bootstrap, ['--create', '--topic', 'java-rf3', '--partitions', '4', '--replication-factor', '3', '--config', 'retention.ms=123456', '--config', 'cleanup.policy=compact']),
    );
    expect(created.stdout.trim()).toBe('Created topic java-rf3.');

    const list = assertOk(await kafkaTopics(bootstrap, ['--list']));
    expect(list.stdout.split('\n').filter((l) => l.startsWith('java-'))).toEqual(['java-rf1', 'java-rf3']);

    const d1 = assertOk(await kafkaTopics(bootstrap, ['--describe', '--topic', 'java-rf1']));
    expect(d1.stdout).toMatch(/^Topic: java-rf1\tTopicId: [\w-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: min.insync.replicas=1$/m);
    const p1 = describedPartitions(d1.stdout);
    expect(p1.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(new Set(p1.map((p) => p.leader))).toEqual(new Set([0, 1, 2]));
    for (const p of p1) {
      expect(p.replicas).toEqual([p.leader]);
      expect(p.isr).toEqual([p.leader]);
    }

    const d3 = assertOk(await kafkaTopics(bootstrap, ['--describe', '--topic', 'java-rf3']));
    expect(d3.stdout).toMatch(/^Topic: java-rf3\tTopicId: [\w-]{22}\tPartitionCount: 4\tReplicationFactor: 3\tConfigs: min.insync.replicas=1,cleanup.policy=compact,retention.ms=123456$/m);
    const p3 = describedPartitions(d3.stdout);
    expect(p3.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    for (const p of p3) {
      expect([...p.replicas].sort()).toEqual([0, 1, 2]);
      // The preferred (first) replica leads, as in Kafka.
      expect(p.leader).toBe(p.replicas[0]);
      expect(p.isr).toContain(p.leader);
    }
    expect(new Set(p3.map((p) => p.leader)).size).toBe(3);

    // --describe without --topic describes them all.
    const all = assertOk(await kafkaTopics(bootstrap, ['--describe']));
    expect(describedPartitions(all.stdout)).toHaveLength(7);

    const cfg = assertOk(await runKafkaTool('kafka-configs', ['--bootstrap-server', bootstrap, '--describe', '--entity-type', 'topics', '--entity-name', 'java-rf3']));
    expect(cfg.stdout).toContain('Dynamic configs for topic java-rf3 are:');
    expect(cfg.stdout).toMatch(/^\s+cleanup\.policy=compact sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:cleanup\.policy=compact, DEFAULT_CONFIG:log\.cleanup\.policy=delete\}$/m);
    // Exactly Kafka 4.4's line: log.retention.ms has no default of its own (it comes from log.retention.hours), so no DEFAULT_CONFIG synonym.
    expect(cfg.stdout).toMatch(/^\s+retention\.ms=123456 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=123456\}$/m);

    // Errors: an existing topic, too many replicas, a bad name, an unknown topic.
    const exists = await kafkaTopics(bootstrap, ['--create', '--topic', 'java-rf1', '--partitions', '3']);
    expect(exists.code).toBe(1);
    expect(exists.stdout + exists.stderr).toContain("Topic 'java-rf1' already exists.");
    const rf = await kafkaTopics(bootstrap, ['--create', '--topic', 'java-rf9', '--partitions', '1', '--replication-factor', '9']);
    expect(rf.code).toBe(1);
    expect(rf.stdout + rf.stderr).toContain('InvalidReplicationFactorException');
    expect(rf.stdout + rf.stderr).toContain('The target replication factor of 9 cannot be reached because only 3 broker(s) are registered or some brokers have all their log directories cordoned.');
    const unknown = await kafkaTopics(bootstrap, ['--describe', '--topic', 'java-nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout + unknown.stderr).toContain("Topic 'java-nope' does not exist as expected");

    // Delete, then it is gone; deleting again is an error.
    const del = assertOk(await kafkaTopics(bootstrap, ['--delete', '--topic', 'java-rf3']));
    expect(del.stdout.trim()).toBe('');
    const after = assertOk(await kafkaTopics(bootstrap, ['--list']));
    expect(after.stdout.split('\n').filter((l) => l.startsWith('java-'))).toEqual(['java-rf1']);
    const again = await kafkaTopics(bootstrap, ['--delete', '--topic', 'java-rf3']);
    expect(again.code).toBe(1);
    expect(again.stdout + again.stderr).toContain("Topic 'java-rf3' does not exist as expected");
  });

  describe('console producer with every codec into one topic, console consumer per partition', () => {
    const topic = 'java-codecs';
    let windowStart = 0;
    let windowEnd = 0;
    const consumed: ConsumedRecord[][] = [];
    let latest: number[] = [];

    beforeAll(async () => {
      assertOk(await kafkaTopics(bootstrap, ['--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1']));
      windowStart = Date.now();
      // Five producer runs, one after the other: each is a new idempotent producer (its own producer id).
      for (const codec of CODECS) {
        const lines = Array.from({ length: PER_CODEC }, (_, i) => `${keyOf(i)}:${valueOf(codec, i)}`);
        assertOk(await consoleProduce(bootstrap, topic, lines, { parseKey: true, compression: codec, producerProps: { 'linger.ms': 5, 'batch.size': 4096 } }), `console producer (${codec})`);
      }
      latest = offsetsOf(assertOk(await runKafkaTool('kafka-get-offsets', ['--bootstrap-server', bootstrap, '--topic', topic])).stdout, topic);
      for (let p = 0; p < 3; p++) {
        const r = await consoleConsume(bootstrap, topic, {
          partition: p,
          offset: 'earliest',
          maxMessages: latest[p],
          printKey: true,
          printOffset: true,
          printPartition: true,
          printTimestamp: true,
          timeoutMs: 20_000,
        });
        assertOk(r, `console consumer (partition ${p})`);
        expect(r.processed).toBe(latest[p]);
        consumed[p] = r.records;
      }
      windowEnd = Date.now();
    }, 120_000);

    it('kafka-get-offsets: latest sums to everything produced, earliest is 0, by timestamp finds the first record', async () => {
      expect(latest).toHaveLength(3);
      expect(latest.reduce((a, b) => a + b, 0)).toBe(CODECS.length * PER_CODEC);
      for (const n of latest) expect(n).toBeGreaterThan(0);

      const earliest = offsetsOf(assertOk(await runKafkaTool('kafka-get-offsets', ['--bootstrap-server', bootstrap, '--topic', topic, '--time', 'earliest'])).stdout, topic);
      expect(earliest).toEqual([0, 0, 0]);

      const byTs = offsetsOf(assertOk(await runKafkaTool('kafka-get-offsets', ['--bootstrap-server', bootstrap, '--topic', topic, '--time', String(windowStart)])).stdout, topic);
      expect(byTs).toEqual([0, 0, 0]);

      // -3 = max timestamp: the offset of a record carrying the partition's largest timestamp.
      const maxTs = offsetsOf(assertOk(await runKafkaTool('kafka-get-offsets', ['--bootstrap-server', bootstrap, '--topic', topic, '--time', '-3'])).stdout, topic);
      for (let p = 0; p < 3; p++) {
        const recs = consumed[p]!;
        const top = Math.max(...recs.map((r) => r.timestamp!.value));
        expect(recs.find((r) => r.offset === maxTs[p])?.timestamp?.value).toBe(top);
      }

      const one = assertOk(await runKafkaTool('kafka-get-offsets', ['--bootstrap-server', bootstrap, '--topic-partitions', `${topic}:1`, '--time', 'latest']));
      expect(one.stdout.trim()).toBe(`${topic}:1:${latest[1]}`);
    });

    it('the console consumer prints every record once, offsets 0..n-1 per partition, keys in order, create timestamps in the window', () => {
      const all = consumed.flat();
      expect(all).toHaveLength(CODECS.length * PER_CODEC);
      const expected = new Set(CODECS.flatMap((c) => Array.from({ length: PER_CODEC }, (_, i) => `${keyOf(i)}=${valueOf(c, i)}`)));
      expect(new Set(all.map((r) => `${r.key}=${r.value}`))).toEqual(expected);
      const keyPartition = new Map<string, number>();
      for (let p = 0; p < 3; p++) {
        const recs = consumed[p]!;
        expect(recs.map((r) => r.partition)).toEqual(recs.map(() => p));
        expect(recs.map((r) => r.offset)).toEqual(recs.map((_, i) => i));
        // Same key → same partition (the Java default partitioner hashes the key).
        for (const r of recs) {
          expect(keyPartition.get(r.key!) ?? p).toBe(p);
          keyPartition.set(r.key!, p);
        }
        // Per key, records come in the order they were produced: codec run, then line number.
        const rank = (r: ConsumedRecord) => CODECS.indexOf(r.value.split('-')[0] as (typeof CODECS)[number]) * PER_CODEC + Number(r.value.split('-')[1]);
        const last = new Map<string, number>();
        for (const r of recs) {
          expect(rank(r)).toBeGreaterThan(last.get(r.key!) ?? -1);
          last.set(r.key!, rank(r));
        }
        for (const r of recs) {
          expect(r.timestamp!.type).toBe('CreateTime');
          expect(r.timestamp!.value).toBeGreaterThanOrEqual(windowStart);
          expect(r.timestamp!.value).toBeLessThanOrEqual(windowEnd);
        }
      }
    });

    it('stored batches: each run compressed with its codec, idempotent with its own producer id and gap-free sequences', async () => {
      const producers = new Set<bigint>();
      for (let p = 0; p < 3; p++) {
        const stored = await readPartition(bootstrap, topic, p);
        expect(stored.records.map((r) => `${r.offset}:${r.key}:${r.value}`)).toEqual(consumed[p]!.map((r) => `${r.offset}:${r.key}:${r.value}`));
        const nextSeq = new Map<bigint, number>();
        for (const b of stored.batches) {
          const first = stored.records.find((r) => r.offset === Number(b.baseOffset))!;
          const codec = first.value!.split('-')[0]!;
          expect(b.compression, `batch at ${b.baseOffset} of ${codec}`).toBe(CODEC_ID[codec]);
          expect(b.producerId).toBeGreaterThanOrEqual(0n);
          expect(b.producerEpoch).toBe(0);
          expect(b.baseSequence).toBe(nextSeq.get(b.producerId) ?? 0);
          nextSeq.set(b.producerId, b.baseSequence + b.recordCount);
          producers.add(b.producerId);
        }
      }
      expect(producers.size).toBe(CODECS.length);
    });
  });

  it('console producer with headers (parse.headers), and acks=1 (which turns idempotence off): headers printed back exactly', async () => {
    const topic = 'java-headers';
    assertOk(await kafkaTopics(bootstrap, ['--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1']));
    const lines = Array.from({ length: 20 }, (_, i) => `trace:${i},kind:${i % 2 ? 'odd' : 'even'}\tk${i}|v${i}`);
    assertOk(await consoleProduce(bootstrap, topic, lines, { parseKey: true, keySeparator: '|', parseHeaders: true, acks: 1 }), 'console producer');
    const r = assertOk(await consoleConsume(bootstrap, topic, { partition: 0, offset: 'earliest', maxMessages: 20, printKey: true, printOffset: true, printHeaders: true }));
    expect(r.records).toEqual(lines.map((_, i) => ({ offset: i, headers: `trace:${i},kind:${i % 2 ? 'odd' : 'even'}`, key: `k${i}`, value: `v${i}` })));
    const stored = await readPartition(bootstrap, topic, 0);
    for (const b of stored.batches) {
      expect(b.producerId).toBe(-1n);
      expect(b.baseSequence).toBe(-1);
    }

    // --offset N starts in the middle; --max-messages stops early.
    const mid = assertOk(await consoleConsume(bootstrap, topic, { partition: 0, offset: 15, maxMessages: 3, printKey: true, printOffset: true }));
    expect(mid.records).toEqual([15, 16, 17].map((i) => ({ offset: i, key: `k${i}`, value: `v${i}` })));
  });
  it('LogAppendTime topic: the broker stamps each batch; the consumer prints LogAppendTime, also with tiny fetch sizes (KIP-74)', async () => {
    const topic = 'java-log-append-time';
    assertOk(await kafkaTopics(bootstrap, ['--create', '--topic', topic, '--partitions', '1', '--config', 'message.timestamp.type=LogAppendTime']));
    const before = Date.now();
    for (const codec of ['none', 'gzip', 'zstd'] as const) {
      assertOk(await consoleProduce(bootstrap, topic, Array.from({ length: 50 }, (_, i) => `${codec}-${i}`), { compression: codec }), `console producer (${codec})`);
    }
    const after = Date.now();
    // Batches of several KB against 100-byte fetch limits: the broker must still return one whole batch per fetch.
    const r = assertOk(
      await consoleConsume(bootstrap, topic, {
        partition: 0,
        offset: 'earliest',
        maxMessages: 150,
        printTimestamp: true,
        printOffset: true,
        consumerProps: { 'max.partition.fetch.bytes': 100, 'fetch.max.bytes': 100 },
      }),
    );
    expect(r.records.map((x) => [x.offset, x.value])).toEqual(['none', 'gzip', 'zstd'].flatMap((c, k) => Array.from({ length: 50 }, (_, i) => [k * 50 + i, `${c}-${i}`])));
    for (const x of r.records) {
      expect(x.timestamp!.type).toBe('LogAppendTime');
      expect(x.timestamp!.value).toBeGreaterThanOrEqual(before);
      expect(x.timestamp!.value).toBeLessThanOrEqual(after);
    }
    // One append time per batch, the same on each of its records, and the batch says LogAppendTime.
    const stored = await readPartition(bootstrap, topic, 0);
    for (const b of stored.batches) {
      expect(b.timestampType).toBe('LogAppendTime');
      const recs = stored.records.filter((x) => x.offset >= Number(b.baseOffset) && x.offset <= Number(b.baseOffset) + b.lastOffsetDelta);
      expect(new Set(recs.map((x) => x.timestamp))).toEqual(new Set([Number(b.maxTimestamp)]));
    }
    expect(new Set(r.records.map((x) => x.timestamp!.value))).toEqual(new Set(stored.batches.map((b) => Number(b.maxTimestamp))));
  });
});

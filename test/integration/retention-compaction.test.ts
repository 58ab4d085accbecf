// Retention with real clients over real TCP, on a 3-broker Eddy whose retention pass runs every 200 ms
// (log.retention.check.interval.ms). kafkajs produces and administers, kcat (librdkafka) consumes,
// @platformatic/kafka reads partition sizes (DescribeLogDirs) and alters configs (IncrementalAlterConfigs); the raw
// protocol client asks each replica, followers included (Fetch v11, KIP-392), where its log starts. Covered:
//   - time retention (retention.ms over record timestamps, segment.ms rolls): old segments go, ListOffsets
//     earliest moves to a segment boundary, consumers from the beginning see only what is retained, the active
//     segment stays even when all of it is expired (until a newer one is active), and the followers of an RF=3
//     partition start there too - also one that was down meanwhile, which starts over at the leader's start,
//     rejoins the ISR and can lead;
//   - size retention (retention.bytes over segment.bytes segments): what is left lies in
//     [retention.bytes, retention.bytes + one segment), on every replica;
//   - space comes back: DescribeLogDirs sizes and the pages the broker's LMDB environment uses, before and after,
//     and a second fill of the same size reuses the freed pages instead of growing data.mdb;
//   - DeleteRecords (kafkajs admin.deleteTopicRecords, @platformatic/kafka deleteRecords): the log start moves
//     (also inside a batch), a raw fetch below it gets OFFSET_OUT_OF_RANGE from leader and followers, kcat and a
//     kafkajs group member resetting to earliest resume at the new start, errors for beyond-HW and compact-only;
//   - produce and fetch keep being answered while retention deletes tens of thousands of batches.
// Measured numbers are printed ([retention] lines) for the record; only loose sanity bounds are asserted on time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { RawClient } from '../helpers/raw-client';
import { waitFor } from '../helpers/wait';
import { run } from './clients/run';
import { FAST_GROUPS } from './groups/common';
import {
  FAST_LOG,
  MiB,
  connectClients,
  fetchOnce,
  kafkajs,
  kcat,
  kcatConsume,
  leaderOf,
  lmdbUsage,
  logDirSizes,
  platformatic,
  readReplica,
  replicaLogStart,
  replicasOf,
  setTopicConfigs,
  sleep,
  waitInSync,
  type Clients,
} from './retention/common';

const OFFSET_OUT_OF_RANGE = 1;

const report = (what: string) => console.log(`[retention] ${what}`);
const mb = (n: number) => `${(n / MiB).toFixed(2)} MiB`;

describe.skipIf(!kafkajs.available || !platformatic.available || !kcat.available)('retention and DeleteRecords with real clients', () => {
  let cluster: RunningCluster;
  let clients: Clients;
  let kafka: Clients['kafka'], admin: Clients['admin'], producer: Clients['producer'], pltAdmin: NonNullable<Clients['pltAdmin']>;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0, config: { ...FAST_LOG, ...FAST_GROUPS } });
    clients = await connectClients(cluster, 'eddy-retention');
    ({ kafka, admin, producer } = clients);
    pltAdmin = clients.pltAdmin!;
  });

  afterAll(async () => {
    await clients?.close();
    await cluster?.stop();
  });

  async function createTopic(topic: string, replicationFactor: number, configs: Record<string, string>, replicaAssignment?: number[]) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          ...(replicaAssignment ? { replicaAssignment: [{ partition: 0, replicas: replicaAssignment }] } : { numPartitions: 1, replicationFactor }),
          configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  }

  async function offsets(topic: string): Promise<{ low: number; high: number }> {
    const [p] = await admin.fetchTopicOffsets(topic);
    return { low: Number(p!.low), high: Number(p!.high) };
  }

  /** One kafkajs send (one batch) of `n` records; returns the base offset. */
  async function send(topic: string, round: number, n: number, opts: { timestamp?: number; valueBytes?: number } = {}): Promise<number> {
    const pad = opts.valueBytes ? 'x'.repeat(opts.valueBytes) : '';
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: n }, (_, i) => ({
        key: `k${i}`,
        value: `r${round}-${i}${pad}`,
        ...(opts.timestamp !== undefined ? { timestamp: String(opts.timestamp) } : {}),
      })),
    });
    return Number(meta!.baseOffset);
  }

  /** Where every replica's log starts, asked of each replica itself (null: it does not have offset `probe` yet). */
  async function replicaStarts(topic: string, probe: number): Promise<(number | null)[]> {
    const out: (number | null)[] = [];
    for (const b of replicasOf(cluster, topic)) out.push(await replicaLogStart(cluster, b, topic, 0, probe));
    return out;
  }

  it('time retention: expired segments go, earliest moves to a segment boundary, consumers and followers (RF=3) start there', async () => {
    const topic = 'rt-time';
    // segment.ms=100: every round, sent 150 ms after the previous one, starts a new segment.
    await createTopic(topic, 3, { 'segment.ms': '100' });
    const old = Date.now() - 10 * 60_000;
    for (let round = 0; round < 6; round++) {
      // Rounds 0-3 carry create times 10 minutes old; rounds 4 and 5 are current.
      expect(await send(topic, round, 10, round < 4 ? { timestamp: old + round } : {})).toBe(round * 10);
      await sleep(150);
    }
    // Nothing expires under the default retention.ms (7 days).
    await sleep(600);
    expect(await offsets(topic)).toEqual({ low: 0, high: 60 });
    await waitFor(async () => (await logDirSizes(pltAdmin, topic)).size === 3, { what: 'three replicas in DescribeLogDirs' });
    const before = await logDirSizes(pltAdmin, topic);

    // retention.ms = 1 minute: the four old segments go, the fifth (current) stops the scan.
    await setTopicConfigs(pltAdmin, topic, { 'retention.ms': '60000' });
    await waitFor(async () => (await offsets(topic)).low === 40, { what: 'earliest offset 40', timeoutMs: 15_000 });
    expect(await offsets(topic)).toEqual({ low: 40, high: 60 });

    // Every replica, followers included, starts at 40 and answers a fetch at 0 with OFFSET_OUT_OF_RANGE.
    await waitFor(async () => (await replicaStarts(topic, 59)).every((s) => s === 40), { what: 'followers start at 40', timeoutMs: 15_000 });
    for (const b of replicasOf(cluster, topic)) {
      const r = await fetchOnce(cluster, b, topic, 0, 0);
      expect(r.errorCode, `broker ${b}`).toBe(OFFSET_OUT_OF_RANGE);
      const all = await readReplica(cluster, b, topic, 0, 59);
      expect(all.records.map((x) => x.offset), `broker ${b}`).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    }

    // The partition got smaller on every replica: 6 segments -> 2.
    const after = await waitFor(async () => {
      const s = await logDirSizes(pltAdmin, topic);
      return [...s.values()].every((v, _, a) => v === a[0]) && s.size === 3 ? s : null;
    }, { what: 'equal sizes on the replicas' });
    for (const [b, size] of after) {
      expect(size, `broker ${b}`).toBeLessThan(before.get(b)!);
      // Six rounds of equal size: two are left.
      expect(Math.abs(size - (before.get(b)! * 2) / 6), `broker ${b}`).toBeLessThan(before.get(b)! / 60);
    }
    report(`time retention, RF=3: partition size per broker ${[...before].map(([b, s]) => `${b}:${s}`).join(' ')} -> ${[...after].map(([b, s]) => `${b}:${s}`).join(' ')} bytes`);

    // A consumer from the beginning (librdkafka: ListOffsets earliest) sees exactly the retained records.
    const consumed = await kcatConsume(cluster, topic, 'beginning');
    expect(consumed.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    expect(consumed[0]!.value).toBe('r4-0');
    // ListOffsets by a timestamp older than everything: the first retained record.
    const [byTime] = await admin.fetchTopicOffsetsByTimestamp(topic, old - 1000);
    expect(Number(byTime!.offset)).toBe(40);

    // After a leader change the new leader (a former follower) still starts at 40.
    const leader = leaderOf(cluster, topic);
    await cluster.killBroker(leader);
    try {
      await waitFor(() => { try { return leaderOf(cluster, topic) !== leader; } catch { return false; } }, { what: 'a new leader', timeoutMs: 20_000 });
      await waitFor(async () => (await offsets(topic)).low === 40, { what: 'earliest 40 on the new leader', timeoutMs: 15_000 });
      expect((await kcatConsume(cluster, topic, 'beginning')).map((r) => r.offset)[0]).toBe(40);
    } finally {
      await cluster.restartBroker(leader);
    }
    await waitInSync(cluster, leader, [topic]);
  });

  it('a replica that was down while retention moved the start past its log end starts over there, rejoins and leads', async () => {
    const topic = 'rt-lagging';
    // Broker 0 is the preferred leader; it goes down and comes back far behind the new leader's log start.
    const lagging = 0;
    await createTopic(topic, 3, { 'segment.ms': '100' }, [0, 1, 2]);
    const old = Date.now() - 10 * 60_000;
    const inSync = async (b: number) => waitFor(() => cluster.partitions().find((p) => p.topic === topic)!.isr.includes(b), { what: `broker ${b} in the ISR`, timeoutMs: 20_000 });
    // Two old rounds reach every replica; then the leader goes down.
    for (let round = 0; round < 2; round++) {
      await send(topic, round, 10, { timestamp: old + round });
      await sleep(150);
    }
    expect(leaderOf(cluster, topic)).toBe(lagging);
    await inSync(1);
    await inSync(2);
    await cluster.killBroker(lagging);
    await waitFor(() => { try { return leaderOf(cluster, topic) !== lagging; } catch { return false; } }, { what: 'a new leader', timeoutMs: 20_000 });
    const leader = leaderOf(cluster, topic);
    // Four more old rounds and two current ones; then retention moves the start to 60, past broker 0's end (20).
    for (let round = 2; round < 8; round++) {
      await send(topic, round, 10, round < 6 ? { timestamp: old + round } : {});
      await sleep(150);
    }
    await setTopicConfigs(pltAdmin, topic, { 'retention.ms': '60000' });
    await waitFor(async () => (await offsets(topic)).low === 60, { what: 'earliest offset 60', timeoutMs: 15_000 });
    await cluster.restartBroker(lagging);
    await inSync(lagging);
    await waitFor(async () => (await replicaLogStart(cluster, lagging, topic, 0, 79)) === 60, { what: 'broker 0 to start at 60', timeoutMs: 15_000 });
    const expected = (await readReplica(cluster, leader, topic, 0, 79)).records;
    expect(expected.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => 60 + i));
    expect((await readReplica(cluster, lagging, topic, 0, 79)).records).toEqual(expected);

    // It leads again (preferred leader election, ElectLeaders type 0) and the others follow it.
    const b0 = cluster.brokers()[0]!;
    const c = await RawClient.open(b0.port, b0.host);
    try {
      const r = await c.request(43, 2, { electionType: 0, topicPartitions: [{ topic, partitions: [0] }], timeoutMs: 10_000 });
      expect(r.errorCode).toBe(0);
      expect(r.replicaElectionResults[0].partitionResult[0].errorCode).toBe(0);
    } finally {
      c.close();
    }
    await waitFor(() => leaderOf(cluster, topic) === lagging, { what: 'broker 0 to lead', timeoutMs: 20_000 });
    await waitFor(async () => (await offsets(topic).catch(() => null))?.low === 60, { what: 'earliest 60 from broker 0', timeoutMs: 15_000 });
    expect(await offsets(topic)).toEqual({ low: 60, high: 80 });
    expect(await send(topic, 8, 10)).toBe(80);
    const all = (await readReplica(cluster, lagging, topic, 0, 89)).records;
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: 30 }, (_, i) => 60 + i));
    for (const b of [1, 2]) {
      await waitFor(async () => (await readReplica(cluster, b, topic, 0, 89).catch(() => null))?.records.length === 30, { what: `broker ${b} to catch up`, timeoutMs: 15_000 });
      expect((await readReplica(cluster, b, topic, 0, 89)).records, `broker ${b}`).toEqual(all);
    }
  });

  it('time retention never deletes the active segment, even when every record in it has expired', async () => {
    const topic = 'rt-time-active';
    await createTopic(topic, 1, { 'segment.ms': '100', 'retention.ms': '60000' });
    const old = Date.now() - 10 * 60_000;
    for (let round = 0; round < 4; round++) {
      await send(topic, round, 10, { timestamp: old + round });
      await sleep(150);
    }
    await waitFor(async () => (await offsets(topic)).low === 30, { what: 'earliest offset 30', timeoutMs: 15_000 });
    // Several more retention passes: the last (active) segment, expired as it is, stays.
    // (Apache Kafka would roll a new empty segment and delete this one too; Eddy keeps its active segment.)
    await sleep(1000);
    expect(await offsets(topic)).toEqual({ low: 30, high: 40 });
    expect((await kcatConsume(cluster, topic, 'beginning')).map((r) => r.value)).toEqual(Array.from({ length: 10 }, (_, i) => `r3-${i}`));
    // New records (more than segment.ms later) start a new active segment: the expired one is closed now, and goes.
    expect(await send(topic, 4, 5)).toBe(40);
    await waitFor(async () => (await offsets(topic)).low === 40, { what: 'earliest offset 40', timeoutMs: 15_000 });
    expect((await kcatConsume(cluster, topic, 'beginning')).map((r) => r.offset)).toEqual([40, 41, 42, 43, 44]);
  });

  it('size retention: what is left lies within [retention.bytes, retention.bytes + one segment) on every replica (RF=3)', async () => {
    const topic = 'rt-size';
    const retentionBytes = 3 * MiB;
    await createTopic(topic, 3, { 'segment.bytes': String(MiB) });
    // 100 batches of 10 records of ~10 KiB: about 10 MiB in segments of 10 batches.
    for (let round = 0; round < 100; round++) await send(topic, round, 10, { valueBytes: 10_000 });
    expect(await offsets(topic)).toEqual({ low: 0, high: 1000 });
    await waitFor(async () => [...(await logDirSizes(pltAdmin, topic)).values()].filter((s) => s > 10 * 1_000_000).length === 3, { what: 'all replicas at ~10 MB' });
    const before = await logDirSizes(pltAdmin, topic);

    await setTopicConfigs(pltAdmin, topic, { 'retention.bytes': String(retentionBytes) });
    await waitFor(async () => (await offsets(topic)).low > 0, { what: 'size retention to run', timeoutMs: 15_000 });
    const { low } = await offsets(topic);
    // Segments are deleted whole: the start is a segment boundary (segments here hold 10 batches of 10 records).
    expect(low % 100).toBe(0);
    await waitFor(async () => (await replicaStarts(topic, 999)).every((s) => s === low), { what: `replicas start at ${low}`, timeoutMs: 15_000 });
    const after = await logDirSizes(pltAdmin, topic);
    for (const [b, size] of after) {
      expect(size, `broker ${b}`).toBeGreaterThanOrEqual(retentionBytes);
      expect(size, `broker ${b}`).toBeLessThan(retentionBytes + MiB);
    }
    report(`size retention (retention.bytes=${retentionBytes}, segment.bytes=${MiB}), RF=3: log start 0 -> ${low}; size per broker ${[...before].map(([b, s]) => `${b}:${mb(s)}`).join(' ')} -> ${[...after].map(([b, s]) => `${b}:${mb(s)}`).join(' ')}`);

    const consumed = await kcatConsume(cluster, topic, 'beginning');
    expect(consumed).toHaveLength(1000 - low);
    expect(consumed[0]!.offset).toBe(low);
    expect(consumed.at(-1)!.value.startsWith('r99-9')).toBe(true);
    // More data: retention keeps the partition within its bound as it grows.
    for (let round = 100; round < 130; round++) await send(topic, round, 10, { valueBytes: 10_000 });
    await waitFor(async () => (await offsets(topic)).low > low, { what: 'retention to follow new data', timeoutMs: 15_000 });
    await waitFor(async () => [...(await logDirSizes(pltAdmin, topic)).values()].every((s) => s < retentionBytes + MiB), { what: 'sizes back within bound', timeoutMs: 15_000 });
  });

  it('space is reclaimed: partition size and LMDB pages drop after retention, and the next fill reuses the freed pages', async () => {
    const topic = 'rt-space';
    // One replica, on broker 0, so broker 0's LMDB environment holds exactly this partition's data.
    await createTopic(topic, 1, { 'segment.bytes': String(MiB) }, [0]);
    const base = await lmdbUsage(cluster, 0);
    const fill = async (from: number) => {
      for (let round = from; round < from + 240; round++) await send(topic, round, 10, { valueBytes: 10_000 });
    };
    await fill(0);
    const full = await lmdbUsage(cluster, 0);
    const sizeFull = (await logDirSizes(pltAdmin, topic)).get(0)!;
    expect(sizeFull).toBeGreaterThan(24_000_000);
    expect(full.usedBytes - base.usedBytes).toBeGreaterThan(24_000_000);

    await setTopicConfigs(pltAdmin, topic, { 'retention.bytes': String(MiB) });
    await waitFor(async () => (await logDirSizes(pltAdmin, topic)).get(0)! < 2 * MiB + 200_000, { what: 'DescribeLogDirs size to drop', timeoutMs: 15_000 });
    const sizeAfter = (await logDirSizes(pltAdmin, topic)).get(0)!;
    // The batches themselves are removed in the background, in slices: LMDB's used pages follow.
    const emptied = await waitFor(async () => {
      const u = await lmdbUsage(cluster, 0);
      return u.usedBytes - base.usedBytes < 4 * MiB ? u : null;
    }, { what: 'LMDB pages to be freed', timeoutMs: 20_000, intervalMs: 200 });

    // The same amount again: LMDB reuses the freed pages, so data.mdb grows by far less than 24 MB.
    await fill(240);
    const refilled = await lmdbUsage(cluster, 0);
    report(
      `space, RF=1 on broker 0: DescribeLogDirs ${mb(sizeFull)} -> ${mb(sizeAfter)}; LMDB used pages ${mb(base.usedBytes)} (empty) -> ${mb(full.usedBytes)} (24 MB written) -> ${mb(emptied.usedBytes)} (retention.bytes=1 MiB); data.mdb ${mb(base.fileBytes)} -> ${mb(full.fileBytes)} -> ${mb(emptied.fileBytes)} -> ${mb(refilled.fileBytes)} after another 24 MB`,
    );
    expect(sizeAfter).toBeLessThan(sizeFull / 10);
    expect(refilled.fileBytes - full.fileBytes).toBeLessThan(8 * MiB);
  });

  it('DeleteRecords (kafkajs, @platformatic/kafka): the start moves, fetches below it are out of range, consumers resume at the new start', async () => {
    const topic = 'rt-delrec';
    await createTopic(topic, 3, {});
    for (let round = 0; round < 10; round++) await send(topic, round, 10);
    expect(await offsets(topic)).toEqual({ low: 0, high: 100 });
    // A group whose committed offset will fall below the start.
    await admin.setOffsets({ groupId: 'rt-delrec-group', topic, partitions: [{ partition: 0, offset: '5' }] });

    // Offset 35 is inside the batch 30..39: the start moves there all the same.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '35' }] });
    expect(await offsets(topic)).toEqual({ low: 35, high: 100 });

    // A raw fetch below the start: OFFSET_OUT_OF_RANGE (with -1 for the log start and high watermark, as Kafka
    // answers it), from the leader and, once they have fetched the new start, from the followers.
    const leader = leaderOf(cluster, topic);
    const below = await fetchOnce(cluster, leader, topic, 0, 10);
    expect(below).toMatchObject({ errorCode: OFFSET_OUT_OF_RANGE, logStartOffset: -1, highWatermark: -1 });
    await waitFor(async () => (await replicaStarts(topic, 99)).every((s) => s === 35), { what: 'followers start at 35', timeoutMs: 15_000 });
    for (const b of replicasOf(cluster, topic)) expect((await fetchOnce(cluster, b, topic, 0, 34)).errorCode, `broker ${b}`).toBe(OFFSET_OUT_OF_RANGE);
    // At the start itself: data (the whole batch from 30; clients drop the records before what they asked for).
    expect((await fetchOnce(cluster, leader, topic, 0, 35, MiB)).errorCode).toBe(0);

    // kcat from the beginning starts at 35; kcat at offset 10 with auto.offset.reset=earliest resets to 35.
    expect((await kcatConsume(cluster, topic, 'beginning')).map((r) => r.offset)).toEqual(Array.from({ length: 65 }, (_, i) => 35 + i));
    const reset = await kcatConsume(cluster, topic, '10', ['-X', 'auto.offset.reset=earliest']);
    expect(reset.map((r) => r.offset)).toEqual(Array.from({ length: 65 }, (_, i) => 35 + i));

    // A kafkajs group member whose committed offset (5) is below the start: OFFSET_OUT_OF_RANGE, then it resets
    // to earliest (fromBeginning) and consumes 35..99.
    const consumer = kafka.consumer({ groupId: 'rt-delrec-group', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    const seen: number[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(Number(message.offset));
        },
      });
      await waitFor(() => seen.length >= 65, { what: 'the kafkajs member to consume 65 records', timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(Array.from({ length: 65 }, (_, i) => 35 + i));

    // @platformatic/kafka deleteRecords to the high watermark (-1): the partition is empty, new records go on at 100.
    const res = await pltAdmin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: -1n }] }] });
    expect(res[0]!.partitions[0]!.lowWatermark).toBe(100n);
    expect(await offsets(topic)).toEqual({ low: 100, high: 100 });
    expect(await kcatConsume(cluster, topic, 'beginning')).toEqual([]);
    expect(await send(topic, 10, 3)).toBe(100);
    expect((await kcatConsume(cluster, topic, 'beginning')).map((r) => r.offset)).toEqual([100, 101, 102]);

    // Errors: beyond the high watermark, and on a compact-only topic (POLICY_VIOLATION, as in Kafka).
    await expect(pltAdmin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 500n }] }] })).rejects.toThrow();
    const raw = await rawDeleteRecords(topic, 500n);
    expect(raw.errorCode).toBe(OFFSET_OUT_OF_RANGE);
    await createTopic('rt-delrec-compact', 1, { 'cleanup.policy': 'compact' });
    const compactOnly = await rawDeleteRecords('rt-delrec-compact', 0n);
    expect(compactOnly.errorCode).toBe(44); // POLICY_VIOLATION
    expect(await offsets(topic)).toEqual({ low: 100, high: 103 });
  });

  /** DeleteRecords v2 straight to the leader, to see the per-partition error code a client would turn into an exception. */
  async function rawDeleteRecords(topic: string, offset: bigint): Promise<{ errorCode: number; lowWatermark: bigint }> {
    const b = cluster.brokers().find((x) => x.id === leaderOf(cluster, topic))!;
    const c = await RawClient.open(b.port, b.host);
    try {
      const r = await c.request(21, 2, { topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset }] }], timeoutMs: 10_000 });
      return r.topics[0].partitions[0];
    } finally {
      c.close();
    }
  }

  it('produce and fetch keep being answered while retention deletes tens of thousands of batches', async () => {
    const topic = 'rt-big';
    const other = 'rt-big-other';
    await createTopic(topic, 1, { 'segment.bytes': String(MiB) }, [0]);
    await createTopic(other, 1, {}, [0]);
    // 40,000 one-record batches from librdkafka (batch.num.messages=1), about 11 MB.
    const lines = Array.from({ length: 40_000 }, (_, i) => `k${i % 100}:v${i}-${'y'.repeat(200)}`).join('\n') + '\n';
    const started = Date.now();
    const produced = await run('kcat', ['-P', '-b', cluster.bootstrapServers, '-t', topic, '-p', '0', '-K', ':', '-X', 'batch.num.messages=1', '-X', 'linger.ms=0'], {
      input: lines,
      timeoutMs: 120_000,
    });
    expect(produced.code, produced.stderr).toBe(0);
    const produceMs = Date.now() - started;
    expect(await offsets(topic)).toEqual({ low: 0, high: 40_000 });
    const batches = (await readReplica(cluster, 0, topic)).batches.length;
    const full = await lmdbUsage(cluster, 0);

    // retention.ms=1: every closed segment has expired.
    const t0 = Date.now();
    await setTopicConfigs(pltAdmin, topic, { 'retention.ms': '1' });
    const latencies: { produce: number[]; fetch: number[] } = { produce: [], fetch: [] };
    let deletedAt = 0;
    let stop = false;
    const watcher = (async () => {
      // Done when the LMDB pages of the deleted batches are free.
      await waitFor(async () => (await lmdbUsage(cluster, 0)).usedBytes < full.usedBytes - 8 * MiB, { what: 'deletion to finish', timeoutMs: 60_000, intervalMs: 100 });
      deletedAt = Date.now();
    })().finally(() => (stop = true));
    let i = 0;
    while (!stop || latencies.produce.length < 10) {
      const a = Date.now();
      await producer.send({ topic: i % 2 === 0 ? topic : other, acks: -1, messages: [{ key: 'live', value: `live-${i}` }] });
      latencies.produce.push(Date.now() - a);
      const b = Date.now();
      const f = await fetchOnce(cluster, 0, other, 0, 0, MiB);
      expect(f.errorCode).toBe(0);
      latencies.fetch.push(Date.now() - b);
      i++;
      await sleep(10);
    }
    await watcher;
    const { low } = await offsets(topic);
    expect(low).toBeGreaterThan(35_000);
    const max = (xs: number[]) => Math.max(...xs);
    const p50 = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    report(
      `deletion under load: ${batches} batches (${mb(full.usedBytes)} of LMDB pages) produced by kcat in ${produceMs} ms; retention moved the start to ${low} and freed the pages ${deletedAt - t0} ms after the config change; ` +
        `during it ${latencies.produce.length} produces (acks=all) took p50 ${p50(latencies.produce)} ms / max ${max(latencies.produce)} ms, fetches p50 ${p50(latencies.fetch)} ms / max ${max(latencies.fetch)} ms`,
    );
    // Loose sanity bound: nothing waits for the whole deletion.
    expect(max(latencies.produce)).toBeLessThan(2000);
    expect(max(latencies.fetch)).toBeLessThan(2000);
    // Every live record sent to the big topic during the deletion is there, after the retained tail.
    const tail = await kcatConsume(cluster, topic, 'beginning');
    expect(tail.filter((r) => r.key === 'live')).toHaveLength(Math.ceil(i / 2));
  });
});

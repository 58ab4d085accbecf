// Log compaction with real clients over real TCP, on a 3-broker Eddy whose cleaner runs every 200 ms
// (log.cleaner.backoff.ms). kafkajs and kcat (librdkafka) produce - plain, gzip, snappy, lz4 and zstd batches -,
// kcat consumes from the start (with check.crcs=true), and the raw protocol client reads what each replica serves
// batch by batch (CRC-checked). Segments roll every 100 ms (segment.ms) and every scenario ends with a marker
// record sent after a pause, so all the data lies in closed segments the cleaner may clean. Covered:
//   - many updates over few keys with tombstones: nothing is cleaned while min.compaction.lag.ms holds; then
//     consuming from the start gives exactly the latest record per key, offsets increasing with gaps; tombstones
//     stay until delete.retention.ms has passed after their first cleaning, then go;
//   - compressed producer batches (gzip, snappy, lz4, zstd from kcat, gzip from kafkajs) are rewritten with
//     their codec when compaction keeps part of them, and a tombstone inside a compressed batch goes too;
//   - a broker restart keeps the compacted log, the cleaner's checkpoint, and a pending tombstone's horizon;
//   - the three replicas of an RF=3 partition, each cleaning its own log, serve the same records, and a new
//     leader after a failover serves them too;
//   - a cleaning big enough to run in the brokers' cleaner threads gives the same result on every replica, also
//     on one killed and restarted while it cleans;
//   - __consumer_offsets is compacted: hundreds of commits of one group/partition shrink to a few records, and a
//     new coordinator replaying the compacted log still answers the last committed offset.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { waitFor } from '../helpers/wait';
import { run } from './clients/run';
import { FAST_GROUPS } from './groups/common';
import { FAST_LOG, connectClients, kafkajs, kcat, kcatConsume, kjs, leaderOf, logDirSizes, platformatic, readReplica, replicasOf, setTopicConfigs, sleep, waitInSync, type Clients } from './retention/common';

const report = (what: string) => console.log(`[compaction] ${what}`);

interface Rec {
  offset: number;
  key: string;
  /** null: a tombstone. */
  value: string | null;
}

/**
 * What a cleaned log must serve: below `cleanBelow` (the closed segments) the latest record of each key, without
 * tombstones once their horizon has passed; from `cleanBelow` on (the active segment) everything.
 */
function compacted(produced: Rec[], cleanBelow: number, tombstonesGone: boolean): Rec[] {
  const latest = new Map<string, number>();
  for (const r of produced) if (r.offset < cleanBelow) latest.set(r.key, r.offset);
  return produced.filter((r) => r.offset >= cleanBelow || (latest.get(r.key) === r.offset && !(tombstonesGone && r.value === null)));
}

const CODEC_ID: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

describe.skipIf(!kafkajs.available || !platformatic.available || !kcat.available)('log compaction with real clients', () => {
  let cluster: RunningCluster;
  let clients: Clients;
  let admin: Clients['admin'], producer: Clients['producer'], pltAdmin: NonNullable<Clients['pltAdmin']>;

  beforeAll(async () => {
    // One offsets partition, so the group of the __consumer_offsets test lives in partition 0.
    cluster = await startCluster({ brokers: 3, port: 0, config: { ...FAST_LOG, ...FAST_GROUPS, 'offsets.topic.num.partitions': 1 } });
    clients = await connectClients(cluster, 'eddy-compaction');
    ({ admin, producer } = clients);
    pltAdmin = clients.pltAdmin!;
  });

  afterAll(async () => {
    await clients?.close();
    await cluster?.stop();
  });

  async function createCompacted(topic: string, replicationFactor: number, configs: Record<string, string>) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor,
          configEntries: Object.entries({ 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', ...configs }).map(([name, value]) => ({ name, value })),
        },
      ],
    });
  }

  /** One kafkajs send (one batch, acks=all); returns the records with their offsets. */
  async function send(topic: string, records: { key: string; value: string | null; timestamp?: string }[], compression?: number): Promise<Rec[]> {
    const [meta] = await producer.send({ topic, acks: -1, messages: records, ...(compression !== undefined ? { compression } : {}) });
    const base = Number(meta!.baseOffset);
    return records.map((r, i) => ({ offset: base + i, key: r.key, value: r.value }));
  }

  /** Ends a scenario: after a pause longer than segment.ms, a marker starts the segment that stays active. */
  async function marker(topic: string, name = 'marker'): Promise<Rec> {
    await sleep(150);
    const [m] = await send(topic, [{ key: name, value: name }]);
    return m!;
  }

  /** What kcat (librdkafka, CRCs checked) reads from the start. */
  async function consumeAll(topic: string): Promise<Rec[]> {
    return (await kcatConsume(cluster, topic, 'beginning', ['-X', 'check.crcs=true'])).map((r) => ({ offset: r.offset, key: r.key, value: r.valueLength === -1 ? null : r.value }));
  }

  /** What one replica serves (`probe`: an offset it has, to learn where its log starts). */
  async function served(topic: string, broker = leaderOf(cluster, topic), probe = 0): Promise<Rec[]> {
    return (await readReplica(cluster, broker, topic, 0, probe)).records.map((r) => ({ offset: r.offset, key: r.key!, value: r.value }));
  }

  /** Rounds (one batch each, one segment each) of 20 updates over 10 keys, with tombstones for t0 and t1. */
  async function produceUpdates(topic: string, rounds: number, from = 0, timestampOf?: (round: number) => number | undefined): Promise<Rec[]> {
    const produced: Rec[] = [];
    for (let r = from; r < from + rounds; r++) {
      const ts = timestampOf?.(r);
      const batch: { key: string; value: string | null; timestamp?: string }[] = [];
      for (let j = 0; j < 20; j++) batch.push({ key: `k${(r * 7 + j) % 10}`, value: `r${r}-${j}` });
      // t0..t2 are written early; t0 and t1 get tombstones in round 10; t1 comes back in round 14.
      if (r < 6) for (const t of ['t0', 't1', 't2']) batch.push({ key: t, value: `${t}-r${r}` });
      if (r === 10) batch.push({ key: 't0', value: null }, { key: 't1', value: null });
      if (r === 14) batch.push({ key: 't1', value: 't1-back' });
      if (ts !== undefined) for (const b of batch) b.timestamp = String(ts);
      produced.push(...(await send(topic, batch)));
      await sleep(120);
    }
    return produced;
  }

  const tombstones = (rs: Rec[]) => rs.filter((r) => r.value === null).map((r) => r.key);

  it('latest value per key with offset gaps, min.compaction.lag.ms respected, tombstones gone after delete.retention.ms; kept across a broker restart', async () => {
    const topic = 'cc-keys';
    // min.compaction.lag.ms holds the cleaner off until the whole log has been read back uncleaned.
    const deleteRetentionMs = 5000;
    await createCompacted(topic, 1, { 'delete.retention.ms': String(deleteRetentionMs), 'min.compaction.lag.ms': '600000' });
    const produced = await produceUpdates(topic, 20);
    produced.push(await marker(topic));
    const total = produced.length;
    await sleep(1000); // five cleaner passes
    expect(await consumeAll(topic)).toEqual(produced);
    const sizeBefore = (await logDirSizes(pltAdmin, topic)).get(leaderOf(cluster, topic))!;

    const liftedAt = Date.now();
    await setTopicConfigs(pltAdmin, topic, { 'min.compaction.lag.ms': '0' });
    const withTombstones = compacted(produced, produced.at(-1)!.offset, false);
    await waitFor(async () => (await consumeAll(topic)).length <= withTombstones.length, { what: 'the first cleaning', timeoutMs: 15_000 });
    const first = await consumeAll(topic);
    const observedAt = Date.now();
    // The latest record of every key, in offset order; t0's tombstone is there until its horizon.
    expect(first).toEqual(withTombstones);
    expect(tombstones(first)).toEqual(['t0']);
    expect(first.find((r) => r.key === 't1')!.value).toBe('t1-back');
    expect(first.find((r) => r.key === 't2')!.value).toBe('t2-r5');
    // Offsets only increase, with gaps where records went.
    const offs = first.map((r) => r.offset);
    expect(offs.every((o, i) => i === 0 || o > offs[i - 1]!)).toBe(true);
    expect(offs.at(-1)).toBe(total - 1);
    expect(offs.length).toBeLessThan(total);
    // The cleaner marked t0's tombstone batch with its delete horizon (KIP-534).
    // The cleaner gave t0's tombstone batch a delete horizon (KIP-534): delete.retention.ms after that cleaning.
    const t0 = first.find((r) => r.key === 't0')!.offset;
    const batches = (await readReplica(cluster, leaderOf(cluster, topic), topic)).batches;
    const horizon = batches.find((b) => b.baseOffset <= t0 && b.lastOffset >= t0)!.deleteHorizon!;
    // (A cleaner pass reads its clock when it starts, which may be a moment before the config change reaches it.)
    expect(horizon).toBeGreaterThanOrEqual(liftedAt - 1000 + deleteRetentionMs);
    expect(horizon).toBeLessThanOrEqual(observedAt + deleteRetentionMs);

    // Once the horizon has passed, the tombstone goes (and not before).
    const withoutTombstones = compacted(produced, produced.at(-1)!.offset, true);
    for (;;) {
      const now = Date.now();
      const seen = await consumeAll(topic);
      if (seen.length === withoutTombstones.length) break;
      expect(tombstones(seen), 'the tombstone is there until its horizon').toEqual(['t0']);
      expect(now, 'the tombstone went within 10 s of its horizon').toBeLessThan(horizon + 10_000);
      await sleep(100);
    }
    const goneAt = Date.now();
    expect(goneAt).toBeGreaterThanOrEqual(horizon);
    expect(await consumeAll(topic)).toEqual(withoutTombstones);
    const sizeAfter = (await logDirSizes(pltAdmin, topic)).get(leaderOf(cluster, topic))!;
    report(
      `${topic}: ${total} records -> ${withTombstones.length} after the first cleaning (seen ${observedAt - liftedAt} ms after min.compaction.lag.ms was lifted; tombstone horizon at lift + ${horizon - liftedAt} ms) -> ` +
        `${withoutTombstones.length} once the horizon passed (gone ${goneAt - liftedAt} ms after the lift; delete.retention.ms=${deleteRetentionMs}); partition size ${sizeBefore} -> ${sizeAfter} bytes`,
    );
    expect(sizeAfter).toBeLessThan(sizeBefore / 3);

    // Restart the broker: the compacted log is served as it was, and cleaning goes on from its checkpoint.
    const leader = leaderOf(cluster, topic);
    await cluster.killBroker(leader);
    await cluster.restartBroker(leader);
    await waitFor(async () => (await consumeAll(topic).catch(() => [])).length === withoutTombstones.length, { what: 'the restarted broker to serve the log', timeoutMs: 30_000 });
    expect(await consumeAll(topic)).toEqual(withoutTombstones);
    const more = await produceUpdates(topic, 3, 20);
    const all = [...produced, ...more, await marker(topic, 'marker2')];
    const expected = compacted(all, all.at(-1)!.offset, true);
    await waitFor(async () => (await consumeAll(topic)).length === expected.length, { what: 'cleaning after the restart', timeoutMs: 15_000 });
    expect(await consumeAll(topic)).toEqual(expected);
  });

  it('a tombstone pending when its broker restarts still goes at its horizon (no new data needed)', async () => {
    const topic = 'cc-horizon';
    await createCompacted(topic, 1, { 'delete.retention.ms': '4000' });
    const produced = [...(await send(topic, [{ key: 'x', value: 'x1' }, { key: 'y', value: 'y1' }]))];
    await sleep(150);
    produced.push(...(await send(topic, [{ key: 'x', value: null }])));
    produced.push(await marker(topic));
    await waitFor(async () => (await consumeAll(topic)).length === 3, { what: 'the first cleaning', timeoutMs: 15_000 });
    expect(await consumeAll(topic)).toEqual([produced[1], produced[2], produced[3]]);
    const { batches } = await readReplica(cluster, leaderOf(cluster, topic), topic);
    const horizon = batches.find((b) => b.deleteHorizon !== null)!.deleteHorizon!;

    const leader = leaderOf(cluster, topic);
    const killedAt = Date.now();
    await cluster.killBroker(leader);
    await cluster.restartBroker(leader);
    const afterRestart = await waitFor(async () => consumeAll(topic).catch(() => null), { what: 'the restarted broker to serve the log', timeoutMs: 30_000 });
    const backAt = Date.now();
    // Still there before its horizon (unless the restart took longer than that)...
    if (backAt < horizon - 500) expect(tombstones(afterRestart)).toEqual(['x']);
    // ...and gone after it, though nothing new was written (the cleaner's pending horizon is persisted).
    await waitFor(async () => (await consumeAll(topic)).length === 2, { what: 'the tombstone to go after the restart', timeoutMs: 15_000 });
    const goneAt = Date.now();
    expect(goneAt).toBeGreaterThanOrEqual(horizon);
    expect(await consumeAll(topic)).toEqual([produced[1], produced[3]]);
    report(`${topic}: horizon ${horizon - killedAt} ms after the kill; broker back serving after ${backAt - killedAt} ms; tombstone gone ${goneAt - killedAt} ms after the kill (delete.retention.ms=4000)`);
  });

  it('compressed producer batches (kcat gzip/snappy/lz4/zstd, kafkajs gzip) are compacted and rewritten in their codec', async () => {
    const topic = 'cc-codecs';
    // delete.retention.ms=0: a tombstone goes at the cleaning after the one that first sees it.
    await createCompacted(topic, 1, { 'delete.retention.ms': '0' });
    const codecs = ['gzip', 'snappy', 'lz4', 'zstd'];
    const produced: Rec[] = [];
    const codecOfRound: string[] = [];
    const roundRecords = (r: number) => {
      // Four keys of the round's own (kept) and six shared keys (overwritten by the next round).
      const recs: { key: string; value: string | null }[] = [];
      for (let j = 0; j < 4; j++) recs.push({ key: `r${r}-u${j}`, value: `r${r}-own-${j}-${'z'.repeat(50)}` });
      for (let j = 0; j < 6; j++) recs.push({ key: `s${j}`, value: `r${r}-shared-${j}-${'z'.repeat(50)}` });
      // Round 5 (snappy) deletes a key of round 1 (snappy as well).
      if (r === 5) recs.push({ key: 'r1-u0', value: null });
      return recs;
    };
    for (let r = 0; r < 12; r++) {
      const codec = codecs[r % 4]!;
      codecOfRound[r] = codec;
      const recs = roundRecords(r);
      const { high: before } = (await admin.fetchTopicOffsets(topic))[0]!;
      // kcat: key:value lines; -Z turns the empty value of "r1-u0:" into a null (a tombstone).
      const input = recs.map((x) => `${x.key}:${x.value ?? ''}`).join('\n') + '\n';
      const res = await run('kcat', ['-P', '-b', cluster.bootstrapServers, '-t', topic, '-p', '0', '-K', ':', '-Z', '-z', codec, '-X', 'linger.ms=50'], { input });
      expect(res.code, res.stderr).toBe(0);
      recs.forEach((x, i) => produced.push({ offset: Number(before) + i, key: x.key, value: x.value }));
      expect(Number((await admin.fetchTopicOffsets(topic))[0]!.high)).toBe(Number(before) + recs.length);
      await sleep(120);
    }
    for (let r = 12; r < 14; r++) {
      codecOfRound[r] = 'gzip';
      produced.push(...(await send(topic, roundRecords(r), kjs.CompressionTypes.GZIP)));
      await sleep(120);
    }
    produced.push(await marker(topic));

    // Before any cleaning could finish, the stored batches carry the producers' codecs.
    const expected = compacted(produced, produced.at(-1)!.offset, true);
    await waitFor(async () => (await consumeAll(topic)).length === expected.length, { what: 'compaction of the compressed batches', timeoutMs: 15_000 });
    expect(await consumeAll(topic)).toEqual(expected);
    expect(expected.some((r) => r.key === 'r1-u0')).toBe(false);

    // Batch by batch: each kept batch has its producer's codec; rewritten ones (fewer records than their offset
    // range) exist for every codec.
    const { batches, records } = await readReplica(cluster, leaderOf(cluster, topic), topic);
    const rewritten = new Set<string>();
    for (const b of batches) {
      const inBatch = records.filter((r) => r.offset >= b.baseOffset && r.offset <= b.lastOffset);
      if (inBatch[0]!.key === 'marker') continue;
      const round = Number(/^r(\d+)-/.exec(inBatch[0]!.value!)![1]);
      expect(b.compression, `batch at ${b.baseOffset} (round ${round})`).toBe(CODEC_ID[codecOfRound[round]!]);
      if (b.records < b.lastOffset - b.baseOffset + 1) rewritten.add(codecOfRound[round]!);
    }
    expect([...rewritten].sort()).toEqual(['gzip', 'lz4', 'snappy', 'zstd']);
    report(`${topic}: ${produced.length} records in ${codecOfRound.length} compressed batches + marker -> ${expected.length} records in ${batches.length} batches, codecs kept`);
  });

  it('the replicas of an RF=3 partition compact to the same records, and a new leader serves them', async () => {
    const topic = 'cc-rf3';
    await createCompacted(topic, 3, { 'delete.retention.ms': '500' });
    const produced = await produceUpdates(topic, 15);
    produced.push(await marker(topic));
    const expected = compacted(produced, produced.at(-1)!.offset, true);
    const replicas = replicasOf(cluster, topic);
    expect(replicas).toHaveLength(3);
    await waitFor(async () => {
      for (const b of replicas) if ((await served(topic, b)).length !== expected.length) return false;
      return true;
    }, { what: 'every replica to compact', timeoutMs: 20_000 });
    for (const b of replicas) expect(await served(topic, b), `broker ${b}`).toEqual(expected);
    const sizes = await logDirSizes(pltAdmin, topic);
    report(`${topic}: ${produced.length} records -> ${expected.length} on each replica; sizes ${[...sizes].map(([b, s]) => `${b}:${s}`).join(' ')} bytes`);

    const leader = leaderOf(cluster, topic);
    await cluster.killBroker(leader);
    try {
      await waitFor(() => { try { return leaderOf(cluster, topic) !== leader; } catch { return false; } }, { what: 'a new leader', timeoutMs: 20_000 });
      await waitFor(async () => (await consumeAll(topic).catch(() => [])).length === expected.length, { what: 'the new leader to serve', timeoutMs: 20_000 });
      expect(await consumeAll(topic)).toEqual(expected);
    } finally {
      await cluster.restartBroker(leader);
    }
    await waitInSync(cluster, leader, [topic]);
  });

  it('min.cleanable.dirty.ratio holds back a cleaning that max.compaction.lag.ms then forces', async () => {
    const topic = 'cc-ratio';
    // Held off while producing (min.compaction.lag.ms): a cleaning during production would leave a dirty part
    // too small for the ratio, as in Kafka.
    await createCompacted(topic, 1, { 'delete.retention.ms': '0', 'min.cleanable.dirty.ratio': '0.99', 'min.compaction.lag.ms': '600000' });
    const produced = await produceUpdates(topic, 16);
    produced.push(await marker(topic));
    // The first cleaning: everything is dirty (ratio 1); the one after it removes t0's tombstone.
    const first = compacted(produced, produced.at(-1)!.offset, true);
    await setTopicConfigs(pltAdmin, topic, { 'min.compaction.lag.ms': '0' });
    await waitFor(async () => (await consumeAll(topic)).length === first.length, { what: 'the first cleaning', timeoutMs: 15_000 });
    // Two more rounds: a few dirty segments against the clean ones stay below a 0.99 dirty ratio.
    await sleep(150);
    const more = [...produced, ...(await produceUpdates(topic, 2, 16))];
    more.push(await marker(topic, 'marker2'));
    await sleep(1200); // six cleaner passes
    const held = await consumeAll(topic);
    expect(held).toEqual([...first, ...more.slice(produced.length)]);
    // max.compaction.lag.ms: dirty records older than 1 ms must be cleaned whatever the ratio.
    await setTopicConfigs(pltAdmin, topic, { 'max.compaction.lag.ms': '1' });
    const expected = compacted(more, more.at(-1)!.offset, true);
    await waitFor(async () => (await consumeAll(topic)).length === expected.length, { what: 'the forced cleaning', timeoutMs: 15_000 });
    expect(await consumeAll(topic)).toEqual(expected);
    report(`${topic}: ${held.length} records held back at min.cleanable.dirty.ratio=0.99 -> ${expected.length} once max.compaction.lag.ms=1`);
  });

  it('cleanup.policy=compact,delete: expired segments are deleted and the rest is compacted', async () => {
    const topic = 'cc-compact-delete';
    await createCompacted(topic, 3, { 'cleanup.policy': 'compact,delete', 'retention.ms': '60000', 'delete.retention.ms': '0' });
    const old = Date.now() - 10 * 60_000;
    // Rounds 0-5 carry 10-minute-old timestamps (they include t2, which is never written again); rounds 6-15 are current.
    const produced = await produceUpdates(topic, 16, 0, (r) => (r < 6 ? old + r : undefined));
    produced.push(await marker(topic));
    const start = produced.find((r) => r.value === 'r6-0')!.offset;
    const expected = compacted(produced.filter((r) => r.offset >= start), produced.at(-1)!.offset, true);
    await waitFor(async () => {
      const [p] = await admin.fetchTopicOffsets(topic);
      return Number(p!.low) === start && (await consumeAll(topic)).length === expected.length;
    }, { what: 'retention and compaction', timeoutMs: 15_000 });
    const got = await consumeAll(topic);
    expect(got).toEqual(expected);
    expect(got.some((r) => r.key === 't2')).toBe(false);
    // Followers serve the same.
    for (const b of replicasOf(cluster, topic)) {
      await waitFor(async () => (await served(topic, b, start).catch(() => [])).length === expected.length, { what: `broker ${b} to compact`, timeoutMs: 15_000 });
      expect(await served(topic, b, start), `broker ${b}`).toEqual(expected);
    }
    // DeleteRecords is allowed with "delete" in the policy.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: String(expected.at(-1)!.offset) }] });
    expect(await consumeAll(topic)).toEqual([expected.at(-1)]);
  });

  it('a cleaning big enough for the cleaner thread keeps the latest record per key on every replica, with a broker killed while it runs', async () => {
    const topic = 'cc-thread';
    // ~6 MB in 1 MiB segments (Kafka's smallest): more than a broker cleans in its own thread (cleaner.ts, OFFLOAD_BYTES).
    await createCompacted(topic, 3, { 'segment.bytes': String(1024 * 1024), 'min.compaction.lag.ms': '600000', 'delete.retention.ms': '0' });
    const produced: Rec[] = [];
    const value = 'v'.repeat(480);
    for (let round = 0; round < 24; round++) {
      const batch: { key: string; value: string | null }[] = Array.from({ length: 500 }, (_, j) => ({ key: `key-${(round * 500 + j) % 300}`, value: `${round}-${j}-${value}` }));
      // A tombstone as key-7's last record: the first cleaning stamps its horizon, the next removes it.
      if (round === 23) batch.push({ key: 'key-7', value: null });
      produced.push(...(await send(topic, batch)));
    }
    produced.push(await marker(topic));
    const replicas = replicasOf(cluster, topic);
    const victim = replicas.find((b) => b !== leaderOf(cluster, topic))!;
    const expected = compacted(produced, produced.at(-1)!.offset, true);

    await setTopicConfigs(pltAdmin, topic, { 'min.compaction.lag.ms': '0' });
    // Kill a follower soon after the change, likely while its cleaner thread is at work, and bring it back: it
    // must clean again from its checkpoint.
    await sleep(300);
    await cluster.killBroker(victim);
    await cluster.restartBroker(victim);
    await waitInSync(cluster, victim, [topic]);
    // Right after its restart the victim may clean only up to the high watermark it checkpointed, and serve only
    // up to it; it gets there once it has caught up.
    // On a timeout, say which replica is behind and how (its record count, its first record that differs).
    let lag = '';
    await waitFor(async () => {
      lag = '';
      for (const b of replicas) {
        const read = await readReplica(cluster, b, topic);
        const got = read.records.map((r) => ({ offset: r.offset, key: r.key!, value: r.value }));
        if (isDeepStrictEqual(got, expected)) continue;
        const at = got.findIndex((r, i) => !isDeepStrictEqual(r, expected[i]));
        lag += ` broker ${b}: high watermark ${read.highWatermark}, ${read.batches.length} batches up to ${read.batches.at(-1)?.lastOffset}, ${got.length} records (expected ${expected.length}), first difference at #${at} ${JSON.stringify(got[at])?.slice(0, 80)} vs ${JSON.stringify(expected[at])?.slice(0, 80)};`;
      }
      return lag === '';
    }, { what: 'every replica to compact', timeoutMs: 30_000 }).catch((e: Error) => {
      throw new Error(`${e.message}:${lag}\n${cluster.partitions().filter((p) => p.topic === topic).map((p) => JSON.stringify(p)).join('\n')}`);
    });
    for (const b of replicas) expect(await served(topic, b), `broker ${b}`).toEqual(expected);
    report(`${topic}: ${produced.length} records -> ${expected.length} on each replica, broker ${victim} killed and restarted during the cleaning`);
  });

  it('__consumer_offsets is compacted: many commits of one group/partition shrink to a few records', async () => {
    const group = 'cc-commits';
    const target = 'cc-commit-target';
    // RF=3: kafkajs's OffsetFetch needs the topic's metadata, which must survive the coordinator's broker going down.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: target, numPartitions: 1, replicationFactor: 3 }] });
    // Commits with @platformatic/kafka's admin (OffsetCommit outside any generation, as for an empty group);
    // the first creates __consumer_offsets.
    const commit = (offset: number) => pltAdmin.alterConsumerGroupOffsets({ groupId: group, topics: [{ name: target, partitionOffsets: [{ partition: 0, offset: BigInt(offset) }] }] });
    await waitFor(async () => (await commit(0), true), { what: 'the first commit', timeoutMs: 20_000, intervalMs: 200 });
    const offsetsTopic = '__consumer_offsets';
    // Small segments for the test, and no cleaning until the commits are in (min.compaction.lag.ms).
    await setTopicConfigs(pltAdmin, offsetsTopic, { 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', 'min.compaction.lag.ms': '600000' });
    const COMMITS = 300;
    const started = Date.now();
    for (let i = 1; i <= COMMITS; i++) await commit(i);
    const commitMs = Date.now() - started;
    await sleep(150);
    await commit(COMMITS + 1);
    const coordinator = leaderOf(cluster, offsetsTopic);
    const before = await readReplica(cluster, coordinator, offsetsTopic);
    expect(before.records.length).toBeGreaterThan(COMMITS);
    const sizeBefore = (await logDirSizes(pltAdmin, offsetsTopic)).get(coordinator)!;

    await setTopicConfigs(pltAdmin, offsetsTopic, { 'min.compaction.lag.ms': '0' });
    const after = await waitFor(async () => {
      const r = await readReplica(cluster, coordinator, offsetsTopic);
      return r.records.length < 10 ? r : null;
    }, { what: '__consumer_offsets to be compacted', timeoutMs: 20_000 });
    const sizeAfter = (await logDirSizes(pltAdmin, offsetsTopic)).get(coordinator)!;
    report(`${offsetsTopic}-0: ${before.records.length} records / ${sizeBefore} bytes after ${COMMITS + 2} commits (${COMMITS} in ${commitMs} ms) -> ${after.records.length} records / ${sizeAfter} bytes`);
    expect(sizeAfter).toBeLessThan(sizeBefore / 10);
    // One offset-commit key: the record that holds the last commit is among those left.
    expect(after.records.at(-1)!.offset).toBe(before.records.at(-1)!.offset);

    // OffsetFetch through a kafkajs admin of its own: the shared one's metadata refresh covers every topic it has
    // touched, and kafkajs fails it while any of them has an offline partition (the RF=1 topics of the broker
    // killed below answer LEADER_NOT_AVAILABLE, as Kafka's do).
    const offsetsClient = await connectClients(cluster, 'eddy-compaction-offsets', false);
    const fetchCommitted = async () => (await offsetsClient.admin.fetchOffsets({ groupId: group, topics: [target] }))[0]!.partitions[0]!.offset;
    expect(await fetchCommitted()).toBe(String(COMMITS + 1));
    // A new coordinator replays the compacted log and answers the same offset.
    await cluster.killBroker(coordinator);
    try {
      await waitFor(() => { try { return leaderOf(cluster, offsetsTopic) !== coordinator; } catch { return false; } }, { what: 'a new coordinator', timeoutMs: 20_000 });
      expect(await waitFor(async () => fetchCommitted().catch(() => null), { what: 'OffsetFetch from the new coordinator', timeoutMs: 20_000 })).toBe(String(COMMITS + 1));
    } finally {
      await offsetsClient.close();
      await cluster.restartBroker(coordinator);
    }
    await waitInSync(cluster, coordinator, [offsetsTopic]);
  });
});

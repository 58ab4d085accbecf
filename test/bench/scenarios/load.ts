// (a) produce RF=1, (b) produce RF=3 acks=all, (c) consume, (d) end-to-end latency at fixed rates, and
// (f) RSS under load. Both 3-broker clusters are up for the whole phase (idle when it is not their turn);
// runs alternate Eddy, Kafka, Eddy, Kafka …, each after a settle pause, never both under load at once.
// Every topic has 6 partitions; the clients and their settings are the same for both systems.
import { createTopics, replicates, supportsConsumerGroups } from '../lib/admin.js';
import { javaConsume, javaProduce, librdkafkaVersion, rdkafkaConsume, rdkafkaE2e, rdkafkaProduce } from '../lib/clients.js';
import type { Context } from '../lib/context.js';
import { round, type RunSample, type Scenario } from '../lib/results.js';
import type { Cluster, SystemName } from '../lib/systems.js';

export const RECORD_SIZE = 100;
export const PARTITIONS = 6;

/** librdkafka producer settings for the throughput runs (the earlier bench:produce's). */
export const RDKAFKA_PRODUCER = { 'linger.ms': '5', 'batch.num.messages': '10000', 'queue.buffering.max.messages': '1000000' };
/**
 * librdkafka consumer settings for the throughput runs. The default queued.min.messages (100,000 per
 * partition) makes librdkafka pause fetching while its local queue is that full, which caps a fast reader
 * at ~1M records/s against either broker; 1,000,000 keeps fetches flowing (measured: Eddy 1.0M -> 2.5-4.3M,
 * Kafka 1.0-1.6M -> 3.7-4.2M records/s on this machine).
 */
export const RDKAFKA_CONSUMER = { 'queued.min.messages': '1000000' };
/** ProducerPerformance settings (Kafka 4.x defaults except a bigger batch). */
export const JAVA_PRODUCER = { 'linger.ms': '5', 'batch.size': '131072' };
/**
 * End-to-end latency: a 1 ms batching window. With linger.ms=0 librdkafka sends a request per record or two
 * at these rates (up to 50K requests/s, times three for replication), which measures request overhead, not
 * latency; 1 ms is what latency-oriented setups (e.g. the OpenMessaging Benchmark's) use.
 */
export const E2E_CONFIG = { 'producer.acks': 'all', 'producer.linger.ms': '1' };

export const NO_REPLICATION = 'no replication yet — not comparable (followers do not copy data; ISR = leader only)';

/** Eddy's caveat for RF=3 scenarios, set by loadPhase when Eddy's ISR stays at the leader. */
let eddyReplicationNote: string | undefined;

const MB = 1e6;

function rdClient(): string {
  return `librdkafka ${librdkafkaVersion()} (C)`;
}

export function produceSample(r: { records: number; seconds: number; p50_us: number; p99_us: number; p999_us: number }): RunSample {
  const rps = r.records / r.seconds;
  return {
    value: Math.round(rps),
    mbPerSec: round((rps * RECORD_SIZE) / MB, 1),
    latency: { p50: round(r.p50_us / 1000, 1), p99: round(r.p99_us / 1000, 1), p999: round(r.p999_us / 1000, 1), unit: 'ms' },
    seconds: round(r.seconds, 3),
  };
}

export async function produceRf1(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>): Promise<Scenario> {
  const n = ctx.sizes.produceRecords;
  const s = ctx.scenario({
    name: 'produce-rf1',
    title: `(a) produce ${n / 1e6}M × ${RECORD_SIZE} B, 1 producer, ${PARTITIONS} partitions, RF=1, acks=1`,
    client: rdClient(),
    unit: 'records/s',
    higherIsBetter: true,
    note: 'latency = produce() → delivery report, unthrottled (mostly time queued in the client)',
  });
  await ctx.interleave(s, clusters, async (c, rep, onSpawn) => {
    const topic = `rf1-${rep}`;
    await createTopics(c.ports[0]!, [{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }]);
    const r = await rdkafkaProduce(c.bootstrap, topic, n, RECORD_SIZE, { acks: '1', ...RDKAFKA_PRODUCER }, onSpawn);
    return produceSample(r);
  });
  return s;
}

async function produceRf1Java(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>): Promise<void> {
  const n = ctx.sizes.javaProduceRecords;
  const s = ctx.scenario({
    name: 'produce-rf1-java',
    title: `(a) produce ${n / 1e6}M × ${RECORD_SIZE} B, 1 producer, ${PARTITIONS} partitions, RF=1, acks=1`,
    client: 'ProducerPerformance (Kafka 4.4 Java client)',
    unit: 'records/s',
    higherIsBetter: true,
    note: 'the Java client itself needs most of a core here: client-bound on 2 cores',
  });
  await ctx.interleave(s, clusters, async (c, rep, onSpawn) => {
    const topic = `rf1j-${rep}`;
    await createTopics(c.ports[0]!, [{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }]);
    const r = await javaProduce(c.bootstrap, topic, n, RECORD_SIZE, { acks: '1', ...JAVA_PRODUCER }, onSpawn);
    return {
      value: Math.round(r.recordsPerSec),
      mbPerSec: round((r.recordsPerSec * RECORD_SIZE) / MB, 1),
      latency: { p50: r.p50Ms, p99: r.p99Ms, p999: r.p999Ms, unit: 'ms' },
    };
  });
}

export async function consume(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>): Promise<Scenario> {
  const n = ctx.sizes.produceRecords;
  const s = ctx.scenario({
    name: 'consume',
    title: `(c) consume the ${n / 1e6}M-record topic of (a) from the start, 1 consumer, assign() (no group)`,
    client: rdClient(),
    unit: 'records/s',
    higherIsBetter: true,
  });
  await ctx.interleave(s, clusters, async (c, _rep, onSpawn) => {
    const r = await rdkafkaConsume(c.bootstrap, 'rf1-0', RDKAFKA_CONSUMER, onSpawn);
    if (r.records !== n) throw new Error(`read ${r.records} records, expected ${n}`);
    const rps = r.records / r.seconds;
    return { value: Math.round(rps), mbPerSec: round(r.bytes / r.seconds / MB, 1), seconds: round(r.seconds, 3) };
  });
  return s;
}

async function consumeJava(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>, groups: Partial<Record<SystemName, { ok: boolean; why: string }>>): Promise<void> {
  const n = ctx.sizes.produceRecords;
  const s = ctx.scenario({
    name: 'consume-java',
    title: `(c) consume the ${n / 1e6}M-record topic of (a), 1 consumer in a consumer group (subscribe)`,
    client: 'ConsumerPerformance (Kafka 4.4 Java client)',
    unit: 'records/s',
    higherIsBetter: true,
    note: 'fetch rate: excludes the group join',
  });
  for (const [system, g] of Object.entries(groups) as [SystemName, { ok: boolean; why: string }][]) {
    if (!g.ok) {
      s.skipped[system] = `skipped: no consumer groups (${g.why})`;
      ctx.log(`consume-java ${system}: skipped: no consumer groups (${g.why})`);
    }
  }
  await ctx.interleave(s, clusters, async (c, _rep, onSpawn) => {
    const r = await javaConsume(c.bootstrap, 'rf1-0', n, onSpawn);
    if (r.records < n) throw new Error(`read ${r.records} records, expected ${n}`);
    return { value: Math.round(r.fetchRecordsPerSec), mbPerSec: round((r.fetchMbPerSec * 1048576) / MB, 1), extra: { rebalanceMs: r.rebalanceMs, recordsPerSecWithJoin: Math.round(r.recordsPerSec) } };
  });
}

async function produceRf3(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>): Promise<void> {
  const n = ctx.sizes.rf3Records;
  const s = ctx.scenario({
    name: 'produce-rf3-acks-all',
    title: `(b) produce ${n / 1e6}M × ${RECORD_SIZE} B, 1 producer, ${PARTITIONS} partitions, RF=3, acks=all`,
    client: rdClient(),
    unit: 'records/s',
    higherIsBetter: true,
    ...(eddyReplicationNote ? { eddyNote: eddyReplicationNote } : {}),
  });
  await ctx.interleave(s, clusters, async (c, rep, onSpawn) => {
    const topic = `rf3-${rep}`;
    await createTopics(c.ports[0]!, [{ name: topic, partitions: PARTITIONS, replicationFactor: 3 }]);
    return produceSample(await rdkafkaProduce(c.bootstrap, topic, n, RECORD_SIZE, { acks: 'all', ...RDKAFKA_PRODUCER }, onSpawn));
  });
  const nj = ctx.sizes.javaRf3Records;
  if (!nj || !ctx.wants('produce-rf3-acks-all-java')) return;
  const sj = ctx.scenario({
    name: 'produce-rf3-acks-all-java',
    title: `(b) produce ${nj / 1e6}M × ${RECORD_SIZE} B, 1 producer, ${PARTITIONS} partitions, RF=3, acks=all (idempotent)`,
    client: 'ProducerPerformance (Kafka 4.4 Java client)',
    unit: 'records/s',
    higherIsBetter: true,
    ...(eddyReplicationNote ? { eddyNote: eddyReplicationNote } : {}),
  });
  await ctx.interleave(sj, clusters, async (c, rep, onSpawn) => {
    const topic = `rf3j-${rep}`;
    await createTopics(c.ports[0]!, [{ name: topic, partitions: PARTITIONS, replicationFactor: 3 }]);
    const r = await javaProduce(c.bootstrap, topic, nj, RECORD_SIZE, { acks: 'all', ...JAVA_PRODUCER }, onSpawn);
    return {
      value: Math.round(r.recordsPerSec),
      mbPerSec: round((r.recordsPerSec * RECORD_SIZE) / MB, 1),
      latency: { p50: r.p50Ms, p99: r.p99Ms, p999: r.p999Ms, unit: 'ms' },
    };
  });
}

function rateName(rate: number): string {
  return rate >= 1000 ? `${rate / 1000}k` : String(rate);
}

async function endToEnd(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>): Promise<void> {
  const { e2eSeconds: secs, e2eWarmupSeconds: warm } = ctx.sizes;
  const ready: Partial<Record<SystemName, Cluster>> = {};
  for (const c of Object.values(clusters)) {
    try {
      await createTopics(c.ports[0]!, [{ name: 'e2e', partitions: PARTITIONS, replicationFactor: 3 }]);
      ready[c.system] = c;
    } catch (e) {
      ctx.log(`e2e: cannot create the topic on ${c.system}: ${(e as Error).message}`);
    }
  }
  // Warm both systems up on this path first (unmeasured, at 10,000 msg/s), so that the first measured rate
  // does not pay for all of the just-in-time compilation of the acks=all produce/replicate/fetch path. Kafka
  // needs more than a quick run can give: at 50K msg/s its acks=all latency falls from seconds to ~0.1 s
  // over its first ~20 s of such traffic (measured: p50 3.8 s, 1.9 s, 0.7 s, 0.26 s, 0.09 s in five 5-s runs
  // in a row), so quick runs mark the row; full runs measure 50K after the 1K and 10K rates (~80 s warm).
  for (const c of Object.values(ready)) {
    await rdkafkaE2e(c.bootstrap, 'e2e', 10_000, ctx.sizes.e2eWarmupRunSeconds, 0, RECORD_SIZE, E2E_CONFIG).catch((e: unknown) => ctx.log(`e2e warm-up on ${c.system}: ${(e as Error).message}`));
  }
  for (const rate of ctx.sizes.e2eRates) {
    if (!ctx.wants(`e2e-p99-${rateName(rate)}`)) continue;
    const s = ctx.scenario({
      name: `e2e-p99-${rateName(rate)}`,
      title: `(d) end-to-end latency p99 at ${rate.toLocaleString('en-US')} msg/s, ${RECORD_SIZE} B, ${PARTITIONS} partitions, RF=3, acks=all, linger.ms=1 (${secs} s after ${warm} s warm-up)`,
      client: `${rdClient()}: producer + assign() consumer in one process, CLOCK_MONOTONIC`,
      unit: 'µs',
      higherIsBetter: false,
      ...(eddyReplicationNote ? { eddyNote: eddyReplicationNote } : {}),
      ...(ctx.opts.quick ? { note: "quick run: Kafka's JVMs are not warmed up for this rate (its latency keeps falling for ~20 s of traffic); compare the full run" } : {}),
    });
    for (const system of ctx.opts.systems) if (!ready[system]) s.errors[system] = 'topic creation failed';
    await ctx.interleave(s, ready, async (c, _rep, onSpawn) => {
      const r = await rdkafkaE2e(c.bootstrap, 'e2e', rate, secs, warm, RECORD_SIZE, E2E_CONFIG, onSpawn);
      if (r.received !== r.sent) throw new Error(`received ${r.received} of ${r.sent}`);
      return {
        value: r.p99_us,
        latency: { p50: r.p50_us, p99: r.p99_us, p999: r.p999_us, unit: 'µs' },
        extra: { achievedRate: Math.round(r.achieved_rate), maxUs: r.max_us, ackP50Us: r.ack.p50_us, ackP99Us: r.ack.p99_us },
      };
    });
  }
}

export async function loadPhase(ctx: Context): Promise<void> {
  const clusters: Partial<Record<SystemName, Cluster>> = {};
  try {
    for (const system of ctx.opts.systems) clusters[system] = await ctx.cluster(system);
    // RF=3 / acks=all rows compare like with like only if Eddy's followers copy data.
    eddyReplicationNote = undefined;
    if (clusters.eddy && (ctx.wants('produce-rf3') || ctx.wants('e2e'))) {
      const r = await replicates(clusters.eddy.ports[0]!);
      if (!r.ok) eddyReplicationNote = NO_REPLICATION;
      ctx.log(`eddy replication check: ${r.ok ? 'followers in the ISR after an acks=all produce' : `no replication (${r.why})`}`);
    }
    const groups: Partial<Record<SystemName, { ok: boolean; why: string }>> = {};
    if (ctx.wants('consume-java')) {
      for (const [system, c] of Object.entries(clusters) as [SystemName, Cluster][]) groups[system] = await supportsConsumerGroups(c.ports[0]!, 30_000);
    }

    // consume reads the topic that produce-rf1 writes.
    if (ctx.wants('produce-rf1') || ctx.wants('consume') || ctx.wants('consume-java')) await produceRf1(ctx, clusters);
    if (ctx.wants('produce-rf1-java')) await produceRf1Java(ctx, clusters);
    if (ctx.wants('consume')) await consume(ctx, clusters);
    if (ctx.wants('consume-java')) await consumeJava(ctx, clusters, groups);
    if (ctx.wants('produce-rf3-acks-all')) await produceRf3(ctx, clusters);
    if (ctx.wants('e2e')) await endToEnd(ctx, clusters);

    // (f) RSS under load: the highest peak of any run of this phase.
    const loadScenarios = ctx.scenarios.filter((s) => /^(produce|consume|e2e)/.test(s.name));
    if (!loadScenarios.length) return;
    const rss = ctx.scenario({
      name: 'rss-load',
      title: '(f) peak RSS under load, 3 brokers (highest of all runs of (a)–(d))',
      client: '/proc/<pid>/status VmRSS every 100 ms',
      unit: 'MB',
      higherIsBetter: false,
      note: "VmRSS counts the mapped LMDB file pages Eddy has touched (page cache); see rss-load-anon",
    });
    const anonRss = ctx.scenario({
      name: 'rss-load-anon',
      title: '(f) peak anonymous memory (RssAnon) under load, 3 brokers: heaps and buffers without mapped file pages',
      client: '/proc/<pid>/status RssAnon every 100 ms',
      unit: 'MB',
      higherIsBetter: false,
    });
    for (const system of ctx.opts.systems) {
      const runs = loadScenarios.flatMap((s) => s.runs[system]);
      if (!runs.length) continue;
      const peak = Math.max(...runs.map((r) => r.peakRssMB ?? 0));
      const anon = Math.max(...runs.map((r) => r.peakAnonMB ?? 0));
      rss.runs[system].push({ value: peak, peakRssMB: peak, peakAnonMB: anon });
      anonRss.runs[system].push({ value: anon, peakRssMB: peak, peakAnonMB: anon });
    }
  } finally {
    await Promise.all(Object.values(clusters).map((c) => ctx.release(c)));
  }
}

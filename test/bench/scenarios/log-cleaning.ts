// The background log work (full runs only: each run writes ~100 MB to 1 GB per system):
//   compaction     a 6-partition RF=3 topic gets N records over K keys (100-byte values, 1 MiB segments) with
//                  cleanup.policy=delete, then cleanup.policy=compact by IncrementalAlterConfigs: time from
//                  that change to the last change of the topic's size (DescribeLogDirs summed over all
//                  replicas; no change for STABLE_MS afterwards), and the size before/after. Meanwhile a
//                  producer at a fixed rate writes to another topic: its p99 acknowledgement latency during
//                  compaction vs. the same producer on the idle cluster just before (compaction-p99).
//   retention-1gb  ~1 GB (1000-byte records, RF=1, 16 MiB segments) written, then retention.ms=1 by
//                  IncrementalAlterConfigs: time until the topic's DescribeLogDirs size stops falling, the
//                  log start offsets, and the disk: `du` of the data dirs right then and after up to
//                  DISK_WAIT_MS (Kafka deletes segment files file.delete.delay.ms = 60 s after it drops them;
//                  Eddy's LMDB file never shrinks, its freed pages are reused), and how much the disk use grows
//                  when REWRITE_BYTES more are written afterwards (reuse of the freed space).
// Both systems run with the same broker settings: log.cleaner.backoff.ms and log.retention.check.interval.ms
// at CHECK_MS (Kafka's defaults, 15 s and 5 min, would make both times mostly waiting).
import { execFileSync } from 'node:child_process';
import { alterTopicConfigs, createTopics, logStartOffsets, sleep, topicLogBytes } from '../lib/admin.js';
import { librdkafkaVersion, rdkafkaPaced, rdkafkaProduce, type PacedSample } from '../lib/clients.js';
import type { Context } from '../lib/context.js';
import { percentile, round } from '../lib/results.js';
import type { Cluster, SystemName } from '../lib/systems.js';
import { RDKAFKA_PRODUCER } from './load.js';

const CHECK_MS = 1000;
export const LOG_CLEANING_SETTINGS = { 'log.cleaner.backoff.ms': String(CHECK_MS), 'log.retention.check.interval.ms': String(CHECK_MS) };
const PARTITIONS = 6;
const POLL_MS = 250;
const STABLE_MS = 5000;
const TIMEOUT_MS = 300_000;
const COMPACT_SEGMENT = 1_048_576;
const RETENTION_SEGMENT = 16_777_216;
const RETENTION_RECORD = 1000;
const DISK_WAIT_MS = 65_000;
const REWRITE_BYTES = 250_000_000;
/** The latency producer: acks=all like (d), at a rate that leaves the cluster mostly idle. */
const LATENCY_RATE = 2000;
const LATENCY_IDLE_S = 6;
const LATENCY_WARMUP_S = 1;
/**
 * Unmeasured traffic of the latency producer before the first run, per system: a fresh Kafka's acks=all
 * latency is seconds while its JVMs compile the path (measured: idle p99 9.2 s right after start, 38 ms for
 * Eddy), so without it the "idle" baseline would be Kafka's JIT warm-up.
 */
const LATENCY_PREWARM_S = 20;
const LATENCY_CONFIG = { acks: 'all', 'linger.ms': '1' };
const MB = 1e6;

/** Runs a command and sums the number that starts each line of its output. */
function sumOfLines(cmd: string, args: string[]): number {
  const out = execFileSync(cmd, args, { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .reduce((a, l) => a + Number(l.trim().split(/\s+/)[0]), 0);
}

/** Bytes used on disk (allocated blocks) under the directories. */
const du = (dirs: string[]) => sumOfLines('du', ['-s', '-B1', ...dirs]);

/** Apparent size of Eddy's LMDB data files (data.mdb) under the directories; 0 for Kafka. */
const lmdbFileBytes = (dirs: string[]) => sumOfLines('find', [...dirs, '-name', 'data.mdb', '-printf', '%s\\n']);

/**
 * Polls the topic's summed size until it has changed at least once and then not for STABLE_MS. Returns the
 * time of the last change after t0 (ms) and the final size.
 */
export async function waitSizeSettles(c: Cluster, topic: string, before: number, t0: number): Promise<{ ms: number; bytes: number }> {
  let last = before;
  let lastChange = -1;
  for (;;) {
    await sleep(POLL_MS);
    const now = performance.now();
    const size = await topicLogBytes(c.ports, topic);
    if (size !== last) {
      last = size;
      lastChange = now;
    }
    if (lastChange >= 0 && now - lastChange >= STABLE_MS) return { ms: lastChange - t0, bytes: last };
    if (now - t0 > TIMEOUT_MS) throw new Error(`${topic}: size ${lastChange < 0 ? 'never changed' : 'still changing'} after ${TIMEOUT_MS / 1000} s (${before} -> ${size} bytes)`);
  }
}

function windowLatency(samples: PacedSample[], fromNs: bigint, toNs: bigint): { p50: number; p99: number; p999: number; n: number; unacked: number } {
  const xs = samples.filter((s) => s.sentNs >= fromNs && s.sentNs <= toNs);
  const ok = xs.filter((s) => s.latencyUs >= 0).map((s) => s.latencyUs / 1000);
  return { p50: percentile(ok, 0.5), p99: percentile(ok, 0.99), p999: percentile(ok, 0.999), n: ok.length, unacked: xs.length - ok.length };
}

async function compaction(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>, failed: Partial<Record<SystemName, string>>): Promise<void> {
  const { compactionRecords: n, compactionKeys: keys } = ctx.sizes;
  const s = ctx.scenario({
    name: 'compaction',
    title: `compact ${n / 1e6}M records over ${keys.toLocaleString('en-US')} keys (100-byte values, ${PARTITIONS} partitions, RF=3, segment.bytes=1 MiB): cleanup.policy delete → compact until the size settles; log.cleaner.backoff.ms=${CHECK_MS} on both`,
    client: `librdkafka ${librdkafkaVersion()} (C) writes; raw protocol (Node) IncrementalAlterConfigs + DescribeLogDirs every ${POLL_MS} ms`,
    unit: 'ms',
    higherIsBetter: false,
    note: `time of the last size change (stable for ${STABLE_MS / 1000} s after); both keep the active segment uncleaned`,
  });
  s.details = [
    { key: 'sizeBeforeMB', label: 'compaction: size before (all replicas), MB' },
    { key: 'sizeAfterMB', label: 'compaction: size after, MB' },
    { key: 'idleP99Ms', label: `compaction: produce p99 idle, ms (${LATENCY_RATE} msg/s, acks=all)` },
    { key: 'duringP99Ms', label: 'compaction: produce p99 during compaction, ms' },
  ];
  const lat = ctx.scenario({
    name: 'compaction-p99',
    title: `p99 acks=all produce latency on another topic (${LATENCY_RATE} msg/s, 100 B, linger.ms=1) during compaction ÷ the same on the idle cluster just before (after ${LATENCY_PREWARM_S} s of unmeasured warm-up traffic per system)`,
    client: `librdkafka ${librdkafkaVersion()} (C), paced producer`,
    unit: '×',
    higherIsBetter: false,
    note: 'latency columns: during compaction, ms',
  });
  for (const x of [s, lat]) Object.assign(x.errors, failed);
  const latTopic = 'compact-latency';
  for (const c of Object.values(clusters)) {
    await createTopics(c.ports[0]!, [{ name: latTopic, partitions: PARTITIONS, replicationFactor: 3 }]);
    ctx.log(`compaction: ${LATENCY_PREWARM_S} s of unmeasured ${LATENCY_RATE} msg/s on ${c.system}`);
    await rdkafkaPaced(c.bootstrap, latTopic, LATENCY_RATE, LATENCY_PREWARM_S, 100, LATENCY_CONFIG).done.catch((e: unknown) => ctx.log(`warm-up on ${c.system}: ${(e as Error).message}`));
  }
  await ctx.interleave(s, clusters, async (c, rep, onSpawn) => {
    const topic = `compact-${rep}`;
    await createTopics(c.ports[0]!, [{ name: topic, partitions: PARTITIONS, replicationFactor: 3, configs: { 'segment.bytes': String(COMPACT_SEGMENT) } }]);
    await rdkafkaProduce(c.bootstrap, topic, n, 100, { acks: 'all', 'bench.keys': String(keys), ...RDKAFKA_PRODUCER }, onSpawn);
    const before = await topicLogBytes(c.ports, topic);

    const idle = rdkafkaPaced(c.bootstrap, latTopic, LATENCY_RATE, LATENCY_IDLE_S + LATENCY_WARMUP_S, 100, LATENCY_CONFIG, onSpawn);
    const idleRun = await idle.done;
    const idleFrom = idleRun.samples[0]!.sentNs + BigInt(LATENCY_WARMUP_S * 1e9);
    const idleLat = windowLatency(idleRun.samples, idleFrom, idleRun.samples[idleRun.samples.length - 1]!.sentNs);

    const during = rdkafkaPaced(c.bootstrap, latTopic, LATENCY_RATE, TIMEOUT_MS / 1000 + 30, 100, LATENCY_CONFIG, onSpawn);
    try {
      await sleep(LATENCY_WARMUP_S * 1000);
      const t0 = performance.now();
      const t0Ns = process.hrtime.bigint();
      await alterTopicConfigs(c.ports[0]!, topic, { 'cleanup.policy': 'compact' });
      const done = await waitSizeSettles(c, topic, before, t0);
      during.stop();
      const run = await during.done;
      const duringLat = windowLatency(run.samples, t0Ns, t0Ns + BigInt(Math.round(done.ms * 1e6)));
      const factor = duringLat.p99 / idleLat.p99;
      lat.runs[c.system].push({
        value: round(factor, 2),
        latency: { p50: round(duringLat.p50, 2), p99: round(duringLat.p99, 2), p999: round(duringLat.p999, 2), unit: 'ms' },
        extra: { idleP50Ms: round(idleLat.p50, 2), idleP99Ms: round(idleLat.p99, 2), duringP99Ms: round(duringLat.p99, 2), duringSamples: duringLat.n, unacked: duringLat.unacked },
      });
      ctx.log(`compaction-p99 ${rep + 1} ${c.system}: p99 ${duringLat.p99.toFixed(2)} ms during (${duringLat.n} records) vs ${idleLat.p99.toFixed(2)} ms idle = ${factor.toFixed(2)}×`);
      return {
        value: round(done.ms, 0),
        extra: {
          sizeBeforeMB: round(before / MB, 1),
          sizeAfterMB: round(done.bytes / MB, 1),
          idleP99Ms: round(idleLat.p99, 2),
          duringP99Ms: round(duringLat.p99, 2),
        },
      };
    } finally {
      during.stop();
      await during.done.catch(() => undefined);
    }
  });
}

async function retention(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>, failed: Partial<Record<SystemName, string>>): Promise<void> {
  const bytes = ctx.sizes.retentionBytes;
  const records = Math.round(bytes / RETENTION_RECORD);
  const s = ctx.scenario({
    name: 'retention-1gb',
    title: `delete ${bytes / 1e9} GB by retention (${records.toLocaleString('en-US')} × ${RETENTION_RECORD} B, ${PARTITIONS} partitions, RF=1, segment.bytes=16 MiB): retention.ms=1 by IncrementalAlterConfigs → the topic's size stops falling; log.retention.check.interval.ms=${CHECK_MS} on both`,
    client: `librdkafka ${librdkafkaVersion()} (C) writes; raw protocol (Node) DescribeLogDirs every ${POLL_MS} ms`,
    unit: 'ms',
    higherIsBetter: false,
    note: `one run per system; the disk space is in the details: Kafka removes deleted segment files after file.delete.delay.ms (60 s); Eddy's LMDB files keep their size while running (freed pages are reused for new data) and shrink at the next start`,
  });
  s.details = [
    { key: 'sizeBeforeMB', label: 'retention: DescribeLogDirs size before, MB' },
    { key: 'sizeAfterMB', label: 'retention: DescribeLogDirs size after, MB' },
    { key: 'logStartOffsets', label: 'retention: log start offsets after' },
    { key: 'diskBeforeMB', label: 'retention: disk used (du of the data dirs) before, MB' },
    { key: 'diskAtDoneMB', label: 'retention: disk used when the size settled, MB' },
    { key: 'diskAfterWaitMB', label: `retention: disk used up to ${DISK_WAIT_MS / 1000} s later, MB` },
    { key: 'diskFreedMs', label: 'retention: disk freed (≥ 80 % of the dropped size) after, ms (-1 = not within the wait)' },
    { key: 'lmdbFileMB', label: 'retention: LMDB data.mdb files (Eddy) after the rewrite, MB' },
    { key: 'rewriteGrowthMB', label: `retention: disk growth when ${REWRITE_BYTES / 1e6} MB more are written afterwards, MB` },
    { key: 'restartDiskMB', label: 'retention: disk used after a restart of the whole cluster, MB (Eddy: data files shrunk at start; Kafka: not restarted)' },
    { key: 'restartMs', label: 'retention: that restart, stop done → every broker listening, ms' },
    { key: 'restartShrink', label: 'retention: what the restart did to the data files' },
  ];
  const disk = ctx.scenario({
    name: 'retention-1gb-disk',
    title: `disk space freed (du of the data dirs) within ${DISK_WAIT_MS / 1000} s of retention-1gb's size drop`,
    client: 'du -s -B1',
    unit: 'MB',
    higherIsBetter: true,
    note: "Eddy's LMDB files keep their size while the cluster runs: the space is free inside them, for new records (see the rewrite growth in the details); a restart shrinks them (details)",
  });
  for (const x of [s, disk]) Object.assign(x.errors, failed);
  await ctx.interleave(
    s,
    clusters,
    async (c, rep, onSpawn) => {
      const topic = `retention-${rep}`;
      await createTopics(c.ports[0]!, [{ name: topic, partitions: PARTITIONS, replicationFactor: 1, configs: { 'segment.bytes': String(RETENTION_SEGMENT) } }]);
      await rdkafkaProduce(c.bootstrap, topic, records, RETENTION_RECORD, { acks: '1', ...RDKAFKA_PRODUCER }, onSpawn);
      const before = await topicLogBytes(c.ports, topic);
      const diskBefore = du(c.dataDirs());
      const t0 = performance.now();
      await alterTopicConfigs(c.ports[0]!, topic, { 'retention.ms': '1' });
      const done = await waitSizeSettles(c, topic, before, t0);
      const starts = await logStartOffsets(c.ports[0]!, topic);
      const diskAtDone = du(c.dataDirs());
      // Wait for the files to go (Kafka: file.delete.delay.ms), up to DISK_WAIT_MS.
      const dropped = before - done.bytes;
      let diskAfter = diskAtDone;
      let freedMs = diskBefore - diskAfter >= 0.8 * dropped ? performance.now() - t0 : -1;
      const waitFrom = performance.now();
      while (freedMs < 0 && performance.now() - waitFrom < DISK_WAIT_MS) {
        await sleep(1000);
        diskAfter = du(c.dataDirs());
        if (diskBefore - diskAfter >= 0.8 * dropped) freedMs = performance.now() - t0;
      }
      // Is the freed space reused? Write more and see how much the disk use grows.
      await rdkafkaProduce(c.bootstrap, topic, Math.round(REWRITE_BYTES / RETENTION_RECORD), RETENTION_RECORD, { acks: '1', ...RDKAFKA_PRODUCER }, onSpawn);
      const diskRewritten = du(c.dataDirs());
      disk.runs[c.system].push({ value: round(Math.max(0, diskBefore - diskAfter) / MB, 0) });
      const lmdbFile = lmdbFileBytes(c.dataDirs());
      // The next start gives Eddy's freed pages back (the data files shrink); last, since the ports change.
      const restarted = c.restartAll ? await c.restartAll() : null;
      return {
        value: round(done.ms, 0),
        extra: {
          sizeBeforeMB: round(before / MB, 1),
          sizeAfterMB: round(done.bytes / MB, 1),
          logStartOffsets: starts.join(' '),
          diskBeforeMB: round(diskBefore / MB, 0),
          diskAtDoneMB: round(diskAtDone / MB, 0),
          diskAfterWaitMB: round(diskAfter / MB, 0),
          diskFreedMs: round(freedMs, 0),
          lmdbFileMB: round(lmdbFile / MB, 0),
          rewriteGrowthMB: round((diskRewritten - diskAfter) / MB, 0),
          ...(restarted ? { restartDiskMB: round(du(c.dataDirs()) / MB, 0), restartMs: restarted.ms, restartShrink: restarted.events.join('; ') || 'nothing' } : {}),
        },
      };
    },
    1,
  );
}

export async function logCleaningPhase(ctx: Context): Promise<void> {
  if (!ctx.sizes.compactionRecords && !ctx.sizes.retentionBytes) {
    ctx.log('log-cleaning: full runs only (each run writes 0.1-1 GB per system)');
    for (const name of ['compaction', 'compaction-p99', 'retention-1gb', 'retention-1gb-disk']) {
      if (!ctx.wants(name)) continue;
      const s = ctx.scenario({ name, title: 'see the full run', client: '', unit: '', higherIsBetter: true });
      for (const system of ctx.opts.systems) s.skipped[system] = 'full runs only';
    }
    return;
  }
  const { clusters, failed } = await ctx.freshClusters({ settings: LOG_CLEANING_SETTINGS });
  try {
    if (ctx.wants('compaction') && ctx.sizes.compactionRecords) await compaction(ctx, clusters, failed);
    if (ctx.wants('retention') && ctx.sizes.retentionBytes) await retention(ctx, clusters, failed);
  } finally {
    await Promise.all(Object.values(clusters).map((c) => ctx.release(c, false)));
  }
}

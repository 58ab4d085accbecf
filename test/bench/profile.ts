// Profiling pass: Eddy alone (3 brokers) under `node --cpu-prof` (worker threads inherit the flag, so every
// broker writes its own profile) for three workloads of the benchmark, then the top functions by self time.
//   produce   (a) librdkafka producer, 100-byte records, 6 partitions, RF=1, acks=1
//   rf3       (b) the same with RF=3, acks=all (replication)
//   consume   (c) librdkafka assign() consumer reading that topic from the start (data written by an
//                 unprofiled run on the same data dir, so the profile holds only the reads)
//   metadata  (g) create 10 × 1,000 partitions, then full Metadata requests
//   e2e       (d) 10 s of end-to-end traffic at 10,000 msg/s, RF=3, acks=all (per-request costs)
//   commits   5 s of pipelined offset commits (commits-per-s: 1 client, 64 in flight)
//   commits-16  the same from 16 clients, 16 in flight each (commits-per-s-16-clients)
//   compaction  1M keyed records (10K keys) compacted, as in the compaction scenario (cleaner backoff 1 s)
//
//   node --import tsx test/bench/profile.ts [--only produce,rf3,…] [--records N] [--out FILE.md] [--dir PROFILE_DIR] [--top N]
// Build first (npm run build). Profiles stay in PROFILE_DIR (default: a temp dir); the summary is printed
// and, with --out, written as markdown (test/bench/PROFILE.md holds the latest, with the analysis).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { alterTopicConfigs, createTopics, metadataLatencies, topicLogBytes } from './lib/admin.js';
import { compileClients, rdkafkaConsume, rdkafkaE2e, rdkafkaProduce } from './lib/clients.js';
import { commitThroughput } from './lib/commits.js';
import { describeMachine } from './lib/machine.js';
import { percentile } from './lib/results.js';
import { startEddy, type Cluster } from './lib/systems.js';
import { summarize, topTable } from './cpuprofile-top.js';
import { E2E_CONFIG, PARTITIONS, RDKAFKA_CONSUMER, RDKAFKA_PRODUCER, RECORD_SIZE } from './scenarios/load.js';
import { createManyPartitions } from './scenarios/partitions.js';
import { LOG_CLEANING_SETTINGS, waitSizeSettles } from './scenarios/log-cleaning.js';

const { values } = parseArgs({
  options: { records: { type: 'string' }, out: { type: 'string' }, dir: { type: 'string' }, top: { type: 'string' }, interval: { type: 'string' }, only: { type: 'string' } },
});
const ONLY = values.only ? new Set(values.only.split(',')) : null;
const wanted = (name: string) => !ONLY || ONLY.has(name);
const RECORDS = Number(values.records ?? 3_000_000);
const TOP = Number(values.top ?? 20);
const INTERVAL_US = Number(values.interval ?? 250);
const root = values.dir ?? mkdtempSync(join(tmpdir(), 'eddy-profile-'));

function profiled(name: string, dataDir?: string, settings?: Record<string, string>): Promise<Cluster> {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return startEddy({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${INTERVAL_US}`], ...(dataDir ? { dataDir } : {}), ...(settings ? { settings } : {}) });
}

/** Profiles of one run: thread 0 is the main thread (supervisor/controller), the others the brokers. */
function profileFiles(name: string): { main: string[]; brokers: string[] } {
  const dir = join(root, name);
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile
  const thread = (f: string) => Number(f.split('.').at(-3));
  return {
    main: files.filter((f) => thread(f) === 0).map((f) => join(dir, f)),
    brokers: files.filter((f) => thread(f) !== 0).map((f) => join(dir, f)),
  };
}

const sections: string[] = [];

function report(name: string, title: string, measured: string): void {
  const { main, brokers } = profileFiles(name);
  const b = summarize(brokers);
  const m = summarize(main);
  const text = [
    `### ${title}`,
    '',
    measured,
    '',
    `Broker threads (${brokers.length}, summed): ${(b.busyMs / 1000).toFixed(2)} s busy of ${(b.totalMs / 1000).toFixed(1)} s sampled per thread × ${brokers.length}. Top ${TOP} by self time:`,
    '',
    topTable(b, TOP),
    '',
    `Main thread (supervisor/controller): ${(m.busyMs / 1000).toFixed(2)} s busy. Top 8:`,
    '',
    topTable(m, 8),
    '',
  ].join('\n');
  sections.push(text);
  console.log(`\n${text}`);
}

async function main(): Promise<void> {
  compileClients();
  const started = Date.now();

  // (a) produce
  if (wanted('produce')) {
    const c = await profiled('produce');
    try {
      await createTopics(c.ports[0]!, [{ name: 'rf1', partitions: PARTITIONS, replicationFactor: 1 }]);
      const r = await rdkafkaProduce(c.bootstrap, 'rf1', RECORDS, RECORD_SIZE, { acks: '1', ...RDKAFKA_PRODUCER });
      await c.stop();
      report('produce', '(a) produce', `${RECORDS.toLocaleString('en-US')} × ${RECORD_SIZE} B records, librdkafka, acks=1, ${PARTITIONS} partitions RF=1: ${Math.round(r.records / r.seconds).toLocaleString('en-US')} records/s under the profiler (${r.seconds.toFixed(2)} s).`);
    } finally {
      await c.stop();
    }
  }

  // (b) produce RF=3 acks=all
  if (wanted('rf3')) {
    const c = await profiled('rf3');
    try {
      await createTopics(c.ports[0]!, [{ name: 'rf3', partitions: PARTITIONS, replicationFactor: 3 }]);
      const n = Math.round(RECORDS / 2);
      const r = await rdkafkaProduce(c.bootstrap, 'rf3', n, RECORD_SIZE, { acks: 'all', ...RDKAFKA_PRODUCER });
      await c.stop();
      report('rf3', '(b) produce RF=3 acks=all', `${n.toLocaleString('en-US')} × ${RECORD_SIZE} B records, librdkafka, acks=all, ${PARTITIONS} partitions RF=3: ${Math.round(r.records / r.seconds).toLocaleString('en-US')} records/s under the profiler (${r.seconds.toFixed(2)} s).`);
    } finally {
      await c.stop();
    }
  }

  // (c) consume: write the data unprofiled, then profile a restarted Eddy reading it.
  if (wanted('consume')) {
    const dataDir = mkdtempSync(join(tmpdir(), 'eddy-profile-data-'));
    try {
      const w = await startEddy({ dataDir });
      try {
        await createTopics(w.ports[0]!, [{ name: 'rf1', partitions: PARTITIONS, replicationFactor: 1 }]);
        await rdkafkaProduce(w.bootstrap, 'rf1', RECORDS, RECORD_SIZE, { acks: '1', ...RDKAFKA_PRODUCER });
      } finally {
        await w.stop();
      }
      const c = await profiled('consume', dataDir);
      const rates: number[] = [];
      try {
        for (let i = 0; i < 3; i++) {
          const r = await rdkafkaConsume(c.bootstrap, 'rf1', RDKAFKA_CONSUMER);
          rates.push(Math.round(r.records / r.seconds));
        }
      } finally {
        await c.stop();
      }
      report('consume', '(c) consume', `3 reads of ${RECORDS.toLocaleString('en-US')} records (librdkafka, assign(), queued.min.messages=1000000), after a restart: ${rates.map((r) => r.toLocaleString('en-US')).join(', ')} records/s under the profiler.`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  // (g) 10K partitions + Metadata
  if (wanted('metadata')) {
    const c = await profiled('metadata');
    try {
      const created = await createManyPartitions(c, 10, 1000);
      const { samples, bytes } = await metadataLatencies(c.ports[0]!, 200);
      await c.stop();
      report(
        'metadata',
        '(g) 10,000 partitions and Metadata',
        `create 10 × 1,000 partitions: ${created.ms.toFixed(0)} ms; then 200 full Metadata requests (${bytes.toLocaleString('en-US')} bytes each): p50 ${percentile(samples, 0.5).toFixed(1)} ms, p99 ${percentile(samples, 0.99).toFixed(1)} ms under the profiler.`,
      );
    } finally {
      await c.stop();
    }
  }

  // (d) end-to-end traffic
  if (wanted('e2e')) {
    const c = await profiled('e2e');
    try {
      await createTopics(c.ports[0]!, [{ name: 'e2e', partitions: PARTITIONS, replicationFactor: 3 }]);
      const r = await rdkafkaE2e(c.bootstrap, 'e2e', 10_000, 10, 2, RECORD_SIZE, E2E_CONFIG);
      await c.stop();
      report(
        'e2e',
        '(d) end-to-end at 10,000 msg/s, RF=3, acks=all',
        `10 s at 10,000 msg/s (after 2 s warm-up), ${PARTITIONS} partitions RF=3, acks=all, linger.ms=1: end-to-end p50 ${(r.p50_us / 1000).toFixed(1)} ms, p99 ${(r.p99_us / 1000).toFixed(1)} ms; produce→ack p50 ${(r.ack.p50_us / 1000).toFixed(1)} ms, p99 ${(r.ack.p99_us / 1000).toFixed(1)} ms, under the profiler.`,
      );
    } finally {
      await c.stop();
    }
  }

  // Offset commits (commits-per-s with 1 client; commits-per-s-16-clients with 16)
  for (const v of [
    { name: 'commits', clients: 1, window: 64, title: 'offset commits (commits-per-s)', what: '1 connection, 64 in flight' },
    { name: 'commits-16', clients: 16, window: 16, title: 'offset commits, 16 clients (commits-per-s-16-clients)', what: '16 groups and connections, 16 in flight each' },
  ]) {
    if (!wanted(v.name)) continue;
    const c = await profiled(v.name);
    try {
      await createTopics(c.ports[0]!, [{ name: 'commits', partitions: PARTITIONS, replicationFactor: 3 }]);
      const r = await commitThroughput(c.ports[0]!, `profile-${v.name}`, 'commits', PARTITIONS, v.clients, v.window, 5);
      await c.stop();
      report(
        v.name,
        v.title,
        `5 s of OffsetCommit v8 (one partition offset each, generation -1), ${v.what}: ${Math.round(r.commits / r.seconds).toLocaleString('en-US')} commits/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms under the profiler.`,
      );
    } finally {
      await c.stop();
    }
  }

  // Compaction (the compaction scenario, without the latency producer)
  if (wanted('compaction')) {
    const c = await profiled('compaction', undefined, LOG_CLEANING_SETTINGS);
    try {
      await createTopics(c.ports[0]!, [{ name: 'compact', partitions: PARTITIONS, replicationFactor: 3, configs: { 'segment.bytes': '1048576' } }]);
      await rdkafkaProduce(c.bootstrap, 'compact', 1_000_000, RECORD_SIZE, { acks: 'all', 'bench.keys': '10000', ...RDKAFKA_PRODUCER });
      const before = await topicLogBytes(c.ports, 'compact');
      const t0 = performance.now();
      await alterTopicConfigs(c.ports[0]!, 'compact', { 'cleanup.policy': 'compact' });
      const done = await waitSizeSettles(c, 'compact', before, t0);
      await c.stop();
      report(
        'compaction',
        'compaction (the compaction scenario)',
        `1M × ${RECORD_SIZE} B records over 10,000 keys, ${PARTITIONS} partitions RF=3, segment.bytes=1 MiB, written with acks=all, then cleanup.policy=compact: ${(before / 1e6).toFixed(0)} MB → ${(done.bytes / 1e6).toFixed(1)} MB (all replicas) in ${(done.ms / 1000).toFixed(1)} s under the profiler (log.cleaner.backoff.ms=1000; the profile also holds the writes).`,
      );
    } finally {
      await c.stop();
    }
  }

  const header = [
    `Profiled ${new Date().toISOString()} on ${describeMachine().summary}; sampling interval ${INTERVAL_US} µs; took ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    `Profiles: ${root}`,
    '',
  ].join('\n');
  if (values.out) writeFileSync(values.out, `${header}\n${sections.join('\n')}`);
  console.log(`\nprofiles in ${root}`);
}

await main();

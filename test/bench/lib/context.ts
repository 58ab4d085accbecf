// Options of `npm run bench` and the state scenarios share: sizes for quick and full runs, the list of
// results, progress logging (stderr, so stdout carries only the report) and the interleaving loop.
import { parseArgs } from 'node:util';
import { measured, newScenario, type RunSample, type Scenario } from './results.js';
import { SYSTEMS, startSystem, type Cluster, type StartOptions, type SystemName } from './systems.js';
import { sleep } from './admin.js';
import { cpuSeconds, machineBusySeconds } from './procfs.js';

/** "Quiet": everything else on the machine uses less than this many cores. */
export const QUIET_CORES = 0.3;

export const PHASES = ['cold-start', 'load', 'groups', 'partitions', 'failover', 'log-cleaning'] as const;
export type Phase = (typeof PHASES)[number];

export interface Sizes {
  repetitions: number;
  /** librdkafka producer, RF=1 (and the topic that the consume scenario reads). */
  produceRecords: number;
  /** ProducerPerformance, RF=1. */
  javaProduceRecords: number;
  /** librdkafka producer, RF=3 acks=all. */
  rf3Records: number;
  /** ProducerPerformance, RF=3 acks=all; 0 = not run. */
  javaRf3Records: number;
  e2eRates: number[];
  e2eSeconds: number;
  e2eWarmupSeconds: number;
  /** Unmeasured end-to-end traffic (10K msg/s) before the first measured rate, per system. */
  e2eWarmupRunSeconds: number;
  /** Wait after start before sampling idle RSS. */
  idleSettleMs: number;
  /** Pause before each measured run (lets the previous run's background work finish). */
  settleMs: number;
  /**
   * Before each run, wait up to this long for the shared machine to be quiet: other processes (not the
   * clusters, not the bench) using less than QUIET_CORES over half a second.
   */
  quietWaitMs: number;
  metadataRequests: number;
  partitionTopics: number;
  partitionsPerTopic: number;
  /** Seconds each commits-per-s run commits for. */
  commitSeconds: number;
  /** Repetitions of failover-ms (each kills a leader and waits for the broker to rejoin afterwards). */
  failoverReps: number;
  /** MB (10^6 bytes of record values) written while the follower of catchup-mb-s is down. */
  catchupMB: number;
  /** Records (over compactionKeys keys) in the compacted topic; 0 = the log-cleaning phase is not run. */
  compactionRecords: number;
  compactionKeys: number;
  /** Bytes of record values deleted by retention-1gb. */
  retentionBytes: number;
}

export const QUICK: Sizes = {
  repetitions: 1,
  produceRecords: 2_000_000,
  javaProduceRecords: 500_000,
  rf3Records: 1_000_000,
  javaRf3Records: 0,
  e2eRates: [50_000],
  e2eSeconds: 4,
  e2eWarmupSeconds: 1,
  e2eWarmupRunSeconds: 5,
  idleSettleMs: 5_000,
  settleMs: 0,
  quietWaitMs: 1_000,
  metadataRequests: 30,
  partitionTopics: 10,
  partitionsPerTopic: 1_000,
  commitSeconds: 1.5,
  failoverReps: 1,
  catchupMB: 64,
  compactionRecords: 0,
  compactionKeys: 10_000,
  retentionBytes: 0,
};

export const FULL: Sizes = {
  repetitions: 3,
  produceRecords: 5_000_000,
  javaProduceRecords: 3_000_000,
  rf3Records: 3_000_000,
  javaRf3Records: 2_000_000,
  e2eRates: [1_000, 10_000, 50_000],
  e2eSeconds: 10,
  e2eWarmupSeconds: 2,
  e2eWarmupRunSeconds: 5,
  idleSettleMs: 5_000,
  settleMs: 1_000,
  quietWaitMs: 10_000,
  metadataRequests: 100,
  partitionTopics: 10,
  partitionsPerTopic: 1_000,
  commitSeconds: 4,
  failoverReps: 3,
  catchupMB: 256,
  compactionRecords: 1_000_000,
  compactionKeys: 10_000,
  retentionBytes: 1_000_000_000,
};

export interface Options {
  quick: boolean;
  json: string | null;
  markdown: string | null;
  phases: Set<Phase>;
  systems: SystemName[];
  /** Scenario name prefixes to run (null = all). */
  scenarios: string[] | null;
  sizes: Sizes;
  command: string;
}

export const USAGE = `usage: npm run bench -- [--quick] [--json FILE] [--markdown FILE] [--only PHASE,...] [--scenario NAME,...] [--system eddy|kafka] [--reps N]
  --quick          smoke run (< 3 min): fewer records, 1 repetition, only the 50K msg/s latency rate, no log-cleaning phase
  --json FILE      also write the results as JSON
  --markdown FILE  also write the report (table + targets) as markdown
  --only PHASES    run some phases: ${PHASES.join(', ')}
  --scenario NAMES run only scenarios whose names start with one of these (e.g. produce,e2e-p99-50k)
  --system S       measure one system only (no ratios)
  --reps N         repetitions per scenario (default: 1 quick, 3 full)
  --from-json FILE print the report of an earlier --json file again`;

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      only: { type: 'string' },
      scenario: { type: 'string' },
      system: { type: 'string' },
      reps: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const phases = new Set<Phase>(values.only ? (values.only.split(',') as Phase[]) : PHASES);
  for (const p of phases) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}\n${USAGE}`);
  const systems = values.system ? [values.system as SystemName] : SYSTEMS;
  for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`unknown system ${s}\n${USAGE}`);
  const sizes = { ...(values.quick ? QUICK : FULL) };
  if (values.reps) sizes.repetitions = Math.max(1, Number(values.reps));
  return {
    quick: !!values.quick,
    json: values.json ?? null,
    markdown: values.markdown ?? null,
    phases,
    systems,
    scenarios: values.scenario ? values.scenario.split(',').filter(Boolean) : null,
    sizes,
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}

export class Context {
  readonly scenarios: Scenario[] = [];
  private readonly t0 = performance.now();
  private readonly kept = new Map<SystemName, Cluster>();

  constructor(readonly opts: Options) {}

  /**
   * Quick runs keep one cluster per system for all phases (the one whose cold start was measured) to stay
   * under 3 minutes; full runs start fresh clusters for each phase.
   */
  get reuseClusters(): boolean {
    return this.opts.quick;
  }

  /** A running 3-broker cluster of the system: the kept one (quick runs) or a fresh one. */
  async cluster(system: SystemName): Promise<Cluster> {
    const kept = this.kept.get(system);
    if (kept) return kept;
    this.log(`starting ${system} (3 brokers)`);
    const c = await startSystem(system);
    if (this.reuseClusters) this.kept.set(system, c);
    return c;
  }

  /**
   * A fresh cluster, never kept for other phases (for broker settings of its own, or for faults that should
   * not meet the data of earlier phases).
   */
  private startFresh(system: SystemName, opts: StartOptions): Promise<Cluster> {
    const settings = Object.entries(opts.settings ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
    this.log(`starting ${system} (3 brokers${settings ? `, ${settings}` : ''})`);
    return startSystem(system, opts);
  }

  /**
   * Fresh clusters of every system, started side by side (nothing is measured meanwhile). A system that fails
   * to start is logged and left out; `failed` says why, for the scenarios' error columns.
   */
  async freshClusters(opts: StartOptions = {}): Promise<{ clusters: Partial<Record<SystemName, Cluster>>; failed: Partial<Record<SystemName, string>> }> {
    // The kept clusters go while the fresh ones start (nothing is measured before both are up).
    const stopping = this.stopAll(true);
    const results = await Promise.allSettled(this.opts.systems.map((system) => this.startFresh(system, opts)));
    await stopping;
    const clusters: Partial<Record<SystemName, Cluster>> = {};
    const failed: Partial<Record<SystemName, string>> = {};
    results.forEach((r, i) => {
      const system = this.opts.systems[i]!;
      if (r.status === 'fulfilled') clusters[system] = r.value;
      else {
        failed[system] = `cluster did not start: ${(r.reason as Error).message.split('\n')[0]}`;
        this.log(`${system} FAILED to start: ${(r.reason as Error).message}`);
      }
    });
    return { clusters, failed };
  }

  /** Keeps a cluster for later phases (quick runs) or stops it. */
  async release(c: Cluster, keep = true): Promise<void> {
    if (this.reuseClusters && keep) {
      this.kept.set(c.system, c);
      return;
    }
    await c.stop().catch((e: unknown) => this.log(`stop ${c.system}: ${(e as Error).message}`));
  }

  /** Stops the kept clusters (in parallel: nothing is measured any more); hard: SIGKILL, their data is not needed. */
  async stopAll(hard = false): Promise<void> {
    const kept = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(kept.map((c) => c.stop(hard).catch((e: unknown) => this.log(`stop ${c.system}: ${(e as Error).message}`))));
  }

  get sizes(): Sizes {
    return this.opts.sizes;
  }

  log(msg: string): void {
    const s = ((performance.now() - this.t0) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[bench ${s}s] ${msg}\n`);
  }

  /** Whether the scenario (by name) was asked for. */
  /** Whether a scenario (or a group of them, by prefix: 'produce-rf3', 'e2e') is selected by --scenario. */
  wants(name: string): boolean {
    return !this.opts.scenarios || this.opts.scenarios.some((p) => name.startsWith(p) || p.startsWith(name));
  }

  scenario(...args: Parameters<typeof newScenario>): Scenario {
    const s = newScenario(...args);
    this.scenarios.push(s);
    return s;
  }

  /**
   * Settle pause, then wait (up to sizes.quietWaitMs) until processes other than `own` (the system about to
   * run) and the bench itself use less than QUIET_CORES — including the other system, whose JVMs keep
   * working (GC, JIT) for a while after their own run. Returns that load (cores) when the run starts.
   */
  async settle(own: () => number[]): Promise<number> {
    await sleep(this.sizes.settleMs);
    const deadline = performance.now() + this.sizes.quietWaitMs;
    const ownCpu = () => own().reduce((a, p) => a + cpuSeconds(p), 0) + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
    for (;;) {
      const b0 = machineBusySeconds();
      const o0 = ownCpu();
      const t0 = performance.now();
      await sleep(500);
      const cores = Math.max(0, machineBusySeconds() - b0 - (ownCpu() - o0)) / ((performance.now() - t0) / 1000);
      if (cores < QUIET_CORES || performance.now() > deadline) {
        if (cores >= QUIET_CORES) this.log(`machine still busy (other processes: ${cores.toFixed(2)} cores); running anyway`);
        return cores;
      }
    }
  }

  /**
   * Runs `run` for each repetition and each system (Eddy, Kafka, Eddy, Kafka, …), each under measured()
   * after settle(). A failing run is recorded and the system is not run again in this scenario.
   */
  async interleave(
    s: Scenario,
    clusters: Partial<Record<SystemName, Cluster>>,
    run: (cluster: Cluster, rep: number, onSpawn: (pid: number) => void) => Promise<RunSample>,
    reps = this.sizes.repetitions,
  ): Promise<void> {
    for (let rep = 0; rep < reps; rep++) {
      for (const system of this.opts.systems) {
        const cluster = clusters[system];
        if (!cluster || s.skipped[system] || s.errors[system]) continue;
        await this.settle(() => cluster.pids());
        try {
          const peers = () => Object.values(clusters).flatMap((c) => (c === cluster ? [] : c.pids()));
          const sample = await measured(cluster, (onSpawn) => run(cluster, rep, onSpawn), peers);
          s.runs[system].push(sample);
          this.log(`${s.name} ${rep + 1}/${reps} ${system}: ${describe(s, sample)}`);
        } catch (e) {
          s.errors[system] = (e as Error).message.split('\n')[0]!;
          this.log(`${s.name} ${rep + 1}/${reps} ${system} FAILED: ${(e as Error).message}`);
        }
      }
    }
  }
}

function describe(s: Scenario, r: RunSample): string {
  const parts = [`${Math.round(r.value).toLocaleString('en-US')} ${s.unit}`];
  if (r.mbPerSec !== undefined) parts.push(`${r.mbPerSec.toFixed(1)} MB/s`);
  if (r.latency) parts.push(`p50/p99/p99.9 ${r.latency.p50}/${r.latency.p99}/${r.latency.p999} ${r.latency.unit}`);
  if (r.peakRssMB !== undefined) parts.push(`peak RSS ${r.peakRssMB} MB`);
  if (r.cpuS !== undefined) parts.push(`cpu ${r.cpuS}s (client ${r.clientCpuS}s, idle peer ${r.peerCpuS}s, other processes ${r.otherCpuS}s)`);
  return parts.join(', ');
}

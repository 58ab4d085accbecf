// What a scenario records: per system, one sample per repetition; the report takes medians. Runs are
// interleaved (rep 1: Eddy, Kafka; rep 2: Eddy, Kafka; …) so that drift in the shared machine's load hits
// both systems alike, and each run records the CPU the rest of the machine used meanwhile (noise).
import type { Cluster, SystemName } from './systems.js';
import { UsageSampler } from './procfs.js';

export interface Latency {
  p50: number;
  p99: number;
  p999: number;
  unit: 'ms' | 'µs';
}

export interface RunSample {
  /** The headline number, in the scenario's unit. */
  value: number;
  mbPerSec?: number;
  latency?: Latency;
  /** Peak summed RSS (VmRSS) of the system's processes during the run (MB). */
  peakRssMB?: number;
  /** Peak summed RssAnon (private memory, without mapped file pages) during the run (MB). */
  peakAnonMB?: number;
  /** CPU seconds the system used during the run. */
  cpuS?: number;
  /** CPU seconds the benchmark client used. */
  clientCpuS?: number;
  /** CPU seconds the other system (idle, not under test) used during the run. */
  peerCpuS?: number;
  /** CPU seconds everything else on the machine used during the run (other people's work: noise). */
  otherCpuS?: number;
  /** Wall seconds of the measured window. */
  seconds?: number;
  extra?: Record<string, number | string>;
}

export interface Scenario {
  /** Stable id used in the JSON (produce-rf1, consume, …). */
  name: string;
  /** What it measures, for the table. */
  title: string;
  /** The client used against both systems. */
  client: string;
  unit: string;
  higherIsBetter: boolean;
  runs: Record<SystemName, RunSample[]>;
  /** Why a system was not measured (e.g. no consumer groups). */
  skipped: Partial<Record<SystemName, string>>;
  /** A failed run, per system (the scenario goes on with the other system). */
  errors: Partial<Record<SystemName, string>>;
  /** Caveat for the whole row. */
  note?: string;
  /** Caveat for Eddy's numbers (e.g. "no replication yet — not comparable"). */
  eddyNote?: string;
  /** Extra values (keys of RunSample.extra) the report lists under the table, Eddy next to Kafka. */
  details?: { key: string; label: string }[];
}

export function newScenario(s: Pick<Scenario, 'name' | 'title' | 'client' | 'unit' | 'higherIsBetter'> & { note?: string; eddyNote?: string }): Scenario {
  return { ...s, runs: { eddy: [], kafka: [] }, skipped: {}, errors: {} };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (q in 0..1) of samples. */
export function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Median sample of a system: the median of each numeric field over its runs. */
export function medianSample(runs: RunSample[]): RunSample | null {
  if (runs.length === 0) return null;
  const pick = (f: (r: RunSample) => number | undefined) => {
    const xs = runs.map(f).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return xs.length ? median(xs) : undefined;
  };
  const out: RunSample = { value: pick((r) => r.value)! };
  const set = <K extends keyof RunSample>(k: K, v: RunSample[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('mbPerSec', pick((r) => r.mbPerSec));
  set('peakRssMB', pick((r) => r.peakRssMB));
  set('peakAnonMB', pick((r) => r.peakAnonMB));
  set('cpuS', pick((r) => r.cpuS));
  set('clientCpuS', pick((r) => r.clientCpuS));
  set('peerCpuS', pick((r) => r.peerCpuS));
  set('otherCpuS', pick((r) => r.otherCpuS));
  set('seconds', pick((r) => r.seconds));
  const lat = runs.find((r) => r.latency)?.latency;
  if (lat) {
    out.latency = {
      p50: pick((r) => r.latency?.p50)!,
      p99: pick((r) => r.latency?.p99)!,
      p999: pick((r) => r.latency?.p999)!,
      unit: lat.unit,
    };
  }
  const extraKeys = new Set(runs.flatMap((r) => Object.keys(r.extra ?? {})));
  if (extraKeys.size) {
    out.extra = {};
    for (const k of extraKeys) {
      const v = pick((r) => (typeof r.extra?.[k] === 'number' ? (r.extra[k] as number) : undefined));
      out.extra[k] = v ?? String(runs.find((r) => r.extra?.[k] !== undefined)!.extra![k]);
    }
  }
  return out;
}

/**
 * The run during which the rest of the machine was quietest (least CPU used by other processes): on a
 * shared machine it is the closest to what the system does undisturbed. Null without CPU accounting.
 */
export function quietestRun(runs: RunSample[]): RunSample | null {
  const withCpu = runs.filter((r) => r.otherCpuS !== undefined);
  if (!withCpu.length) return null;
  return withCpu.reduce((a, b) => (b.otherCpuS! < a.otherCpuS! ? b : a));
}

/** Higher is better for Eddy: throughput Eddy/Kafka; latency, time and memory Kafka/Eddy. */
export function ratio(s: Scenario): number | null {
  const e = medianSample(s.runs.eddy);
  const k = medianSample(s.runs.kafka);
  if (!e || !k || !e.value || !k.value) return null;
  return s.higherIsBetter ? e.value / k.value : k.value / e.value;
}

const MB = 1024 * 1024;

/**
 * Runs fn against a cluster while watching the cluster's processes: fills in peak RSS, CPU of the system,
 * of the client (register it with the onSpawn callback), of the peers (the other, idle system) and of
 * everything else.
 */
export async function measured(
  cluster: Cluster,
  fn: (onSpawn: (pid: number) => void) => Promise<RunSample>,
  peers: () => number[] = () => [],
): Promise<RunSample> {
  const sampler = new UsageSampler(() => cluster.pids(), peers).start();
  try {
    const sample = await fn((pid) => sampler.addClient(pid));
    const u = sampler.stop();
    return {
      ...sample,
      peakRssMB: Math.round(u.peakRss / MB),
      peakAnonMB: Math.round(u.peakAnonRss / MB),
      cpuS: round(u.cpu, 2),
      clientCpuS: round(u.clientCpu, 2),
      peerCpuS: round(u.peerCpu, 2),
      otherCpuS: round(u.otherCpu, 2),
      seconds: sample.seconds ?? round(u.seconds, 3),
    };
  } catch (e) {
    sampler.stop();
    throw e;
  }
}

export function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// The benchmark clients, the same against both systems: three librdkafka programs (compiled here with gcc
// against Debian's librdkafka-dev) and Apache Kafka's own ProducerPerformance / ConsumerPerformance (Java,
// run through test/reference/kafka.sh with its perf-tool JVM flags: -Xmx512m, G1, full JIT).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KAFKA_SH } from '../../helpers/reference-kafka.js';

const CLIENTS_DIR = fileURLToPath(new URL('../clients/', import.meta.url));

export type CClient = 'rdkafka-produce' | 'rdkafka-consume' | 'rdkafka-e2e' | 'rdkafka-group' | 'rdkafka-paced';
const C_CLIENTS: CClient[] = ['rdkafka-produce', 'rdkafka-consume', 'rdkafka-e2e', 'rdkafka-group', 'rdkafka-paced'];
const binaries = new Map<CClient, string>();

/** Compiles the C clients (cached by source hash under the temp dir); throws with gcc's output on failure. */
export function compileClients(): void {
  const header = readFileSync(join(CLIENTS_DIR, 'bench-common.h'));
  const outDir = join(tmpdir(), 'eddy-bench-clients');
  mkdirSync(outDir, { recursive: true });
  for (const name of C_CLIENTS) {
    const src = join(CLIENTS_DIR, `${name}.c`);
    const hash = createHash('sha256').update(header).update(readFileSync(src)).digest('hex').slice(0, 12);
    const out = join(outDir, `${name}-${hash}`);
    if (!existsSync(out)) {
      try {
        execFileSync('gcc', ['-O2', '-Wall', '-pthread', '-o', out, src, '-lrdkafka'], { stdio: 'pipe' });
      } catch (e) {
        const err = e as Error & { stderr?: Buffer };
        throw new Error(`cannot build ${name} (needs gcc and librdkafka-dev): ${err.stderr?.toString() ?? err.message}`);
      }
    }
    binaries.set(name, out);
  }
}

export function librdkafkaVersion(): string {
  try {
    const h = readFileSync('/usr/include/librdkafka/rdkafka.h', 'utf8');
    const m = /#define RD_KAFKA_VERSION\s+0x([0-9a-f]{8})/i.exec(h);
    if (!m) return '?';
    const v = parseInt(m[1]!, 16);
    return `${(v >>> 24) & 0xff}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}`;
  } catch {
    return '?';
  }
}

export interface ProcResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a program in its own process group (a timeout kills the whole group), tells onSpawn its pid (for
 * CPU accounting), and collects its output.
 */
export function runProcess(cmd: string, args: string[], opts: { timeoutMs: number; onSpawn?: (pid: number) => void }): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    if (child.pid) opts.onSpawn?.(child.pid);
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    process.once('exit', killGroup);
    child.once('error', (e) => {
      clearTimeout(timer);
      process.removeListener('exit', killGroup);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', killGroup);
      resolve({
        code: code ?? (signal ? 128 + 9 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

function describeFailure(what: string, r: ProcResult): Error {
  return new Error(`${what} exited ${r.code}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`);
}

async function runC<T>(name: CClient, args: string[], timeoutMs: number, onSpawn?: (pid: number) => void): Promise<T> {
  const bin = binaries.get(name);
  if (!bin) throw new Error('compileClients() first');
  const r = await runProcess(bin, args, { timeoutMs, ...(onSpawn ? { onSpawn } : {}) });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: T | undefined;
  try {
    parsed = JSON.parse(line) as T;
  } catch {
    // reported below
  }
  if (r.code !== 0 || !parsed) throw describeFailure(`${name} ${args.slice(0, 2).join(' ')}`, r);
  return parsed;
}

export interface LatencyStats {
  samples: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  p999_us: number;
  max_us: number;
  mean_us: number;
}

export interface RdProduceResult extends LatencyStats {
  records: number;
  failed: number;
  bytes: number;
  seconds: number;
  error: string;
  librdkafka: string;
}

export function rdkafkaProduce(
  bootstrap: string,
  topic: string,
  records: number,
  size: number,
  config: Record<string, string>,
  onSpawn?: (pid: number) => void,
): Promise<RdProduceResult> {
  const args = [bootstrap, topic, String(records), String(size), ...Object.entries(config).map(([k, v]) => `${k}=${v}`)];
  return runC('rdkafka-produce', args, 300_000, onSpawn);
}

export interface RdConsumeResult {
  records: number;
  expected: number;
  bytes: number;
  seconds: number;
  partitions: number;
  errors: number;
}

export function rdkafkaConsume(bootstrap: string, topic: string, config: Record<string, string>, onSpawn?: (pid: number) => void): Promise<RdConsumeResult> {
  return runC('rdkafka-consume', [bootstrap, topic, ...Object.entries(config).map(([k, v]) => `${k}=${v}`)], 300_000, onSpawn);
}

export interface RdE2eResult extends LatencyStats {
  rate: number;
  sent: number;
  achieved_rate: number;
  received: number;
  delivery_errors: number;
  error: string;
  ack: LatencyStats;
}

export function rdkafkaE2e(
  bootstrap: string,
  topic: string,
  rate: number,
  seconds: number,
  warmup: number,
  size: number,
  config: Record<string, string>,
  onSpawn?: (pid: number) => void,
): Promise<RdE2eResult> {
  const args = [bootstrap, topic, String(rate), String(seconds), String(warmup), String(size), ...Object.entries(config).map(([k, v]) => `${k}=${v}`)];
  return runC('rdkafka-e2e', args, (seconds + warmup + 120) * 1000, onSpawn);
}

export interface RdGroupResult {
  members: number;
  partitions: number;
  /** From the first subscribe() to the last member's assignment (the group complete), ms. */
  all_assigned_ms: number;
  first_assigned_ms: number;
  assigned_ms: number[];
  rebalances: number;
}

/** A new group of `members` librdkafka consumers (classic protocol) subscribing to topic; see rdkafka-group.c. */
export function rdkafkaGroup(bootstrap: string, topic: string, group: string, members: number, config: Record<string, string>, onSpawn?: (pid: number) => void): Promise<RdGroupResult> {
  return runC('rdkafka-group', [bootstrap, topic, group, String(members), ...Object.entries(config).map(([k, v]) => `${k}=${v}`)], 180_000, onSpawn);
}

export interface PacedSample {
  /** CLOCK_MONOTONIC ns at produce() (process.hrtime.bigint() reads the same clock). */
  sentNs: bigint;
  /** produce() → delivery report in µs; -1 failed, -2 never acknowledged. */
  latencyUs: number;
}

export interface RdPacedRun {
  pid: number;
  /** Asks the producer to stop (SIGTERM): it flushes, writes its samples and exits. */
  stop(): void;
  done: Promise<{ summary: LatencyStats & { sent: number; acked: number; failed: number }; samples: PacedSample[] }>;
}

/**
 * A producer at a fixed rate (rdkafka-paced.c) for up to maxSeconds or until stop(); resolves with every
 * record's send time and acknowledgement latency.
 */
export function rdkafkaPaced(
  bootstrap: string,
  topic: string,
  rate: number,
  maxSeconds: number,
  size: number,
  config: Record<string, string>,
  onSpawn?: (pid: number) => void,
): RdPacedRun {
  const bin = binaries.get('rdkafka-paced');
  if (!bin) throw new Error('compileClients() first');
  const out = join(tmpdir(), `eddy-bench-paced-${process.pid}-${Math.random().toString(36).slice(2)}.bin`);
  const args = [bootstrap, topic, String(rate), String(maxSeconds), String(size), out, ...Object.entries(config).map(([k, v]) => `${k}=${v}`)];
  let pid = 0;
  const run = runProcess(bin, args, {
    timeoutMs: (maxSeconds + 60) * 1000,
    onSpawn: (p) => {
      pid = p;
      onSpawn?.(p);
    },
  });
  const done = run.then((r) => {
    try {
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.code !== 0 || !line.startsWith('{')) throw describeFailure('rdkafka-paced', r);
      const raw = readFileSync(out);
      const samples: PacedSample[] = [];
      for (let o = 0; o + 16 <= raw.length; o += 16) samples.push({ sentNs: raw.readBigInt64LE(o), latencyUs: Number(raw.readBigInt64LE(o + 8)) });
      return { summary: JSON.parse(line), samples };
    } finally {
      rmSync(out, { force: true });
    }
  });
  return {
    get pid() {
      return pid;
    },
    stop() {
      if (pid) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // gone
        }
      }
    },
    done,
  };
}

function runJavaTool(tool: string, args: string[], timeoutMs: number, onSpawn?: (pid: number) => void): Promise<ProcResult> {
  // kafka.sh execs the JVM for the perf tools (no CDS wrapper), so the pid is the JVM's.
  return runProcess('bash', [KAFKA_SH, 'tool', tool, ...args], { timeoutMs, ...(onSpawn ? { onSpawn } : {}) });
}

export interface JavaProduceResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** ProducerPerformance, unthrottled; parses its final summary line. */
export async function javaProduce(
  bootstrap: string,
  topic: string,
  records: number,
  size: number,
  props: Record<string, string>,
  onSpawn?: (pid: number) => void,
): Promise<JavaProduceResult> {
  const args = ['--bootstrap-server', bootstrap, '--topic', topic, '--num-records', String(records), '--record-size', String(size), '--throughput', '-1'];
  for (const [k, v] of Object.entries(props)) args.push('--command-property', `${k}=${v}`);
  const r = await runJavaTool('kafka-producer-perf-test', args, 600_000, onSpawn);
  // "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, p50 ms 50th, p95 ms 95th, p99 ms 99th, p999 ms 99.9th."
  const m =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/.exec(
      r.stdout,
    );
  if (r.code !== 0 || !m) throw describeFailure('kafka-producer-perf-test', r);
  const n = m.slice(1).map(Number);
  return { records: n[0]!, recordsPerSec: n[1]!, mbPerSec: n[2]!, avgMs: n[3]!, maxMs: n[4]!, p50Ms: n[5]!, p95Ms: n[6]!, p99Ms: n[7]!, p999Ms: n[8]! };
}

export interface JavaConsumeResult {
  records: number;
  mb: number;
  /** Including the group join (rebalance). */
  recordsPerSec: number;
  rebalanceMs: number;
  fetchMs: number;
  /** Excluding the group join. */
  fetchRecordsPerSec: number;
  fetchMbPerSec: number;
}

/** ConsumerPerformance (a consumer group: subscribe, join, read N records); parses its CSV summary. */
export async function javaConsume(bootstrap: string, topic: string, records: number, onSpawn?: (pid: number) => void): Promise<JavaConsumeResult> {
  const args = ['--bootstrap-server', bootstrap, '--topic', topic, '--num-records', String(records), '--timeout', '30000'];
  const r = await runJavaTool('kafka-consumer-perf-test', args, 600_000, onSpawn);
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const line = r.stdout
    .trim()
    .split('\n')
    .filter((l) => /^\d{4}-/.test(l))
    .pop();
  const f = line?.split(',').map((s) => s.trim());
  if (r.code !== 0 || !f || f.length < 10) throw describeFailure('kafka-consumer-perf-test', r);
  const n = f.map(Number);
  return {
    mb: n[2]!,
    records: n[4]!,
    recordsPerSec: n[5]!,
    rebalanceMs: n[6]!,
    fetchMs: n[7]!,
    fetchMbPerSec: n[8]!,
    fetchRecordsPerSec: n[9]!,
  };
}

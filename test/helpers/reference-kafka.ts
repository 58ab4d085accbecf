// Reference Apache Kafka (the real thing, from Maven Central) for tests and benchmarks: compare Eddy with it,
// or check that a test's expectations hold against Kafka itself. Wraps test/reference/kafka.sh (see its README).
//
//   const kafka = kafkaAvailable();                        // skip (or fail under CI) without Java / jars / Maven
//   describe.skipIf(!kafka.available)('...', () => {
//     let ref: ReferenceKafka;
//     beforeAll(async () => { ref = await startReferenceKafka({ nodes: 1 }); });
//     afterAll(() => ref?.stop());
//     ... ref.bootstrapServers ...
//   });
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToolCheck } from './tools';

/** Absolute path of test/reference/kafka.sh. */
export const KAFKA_SH = fileURLToPath(new URL('../reference/kafka.sh', import.meta.url));

const inCI = process.env.CI === 'true' || process.env.CI === '1';

interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(args: string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile('bash', [KAFKA_SH, ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr: err && !stderr ? err.message : stderr });
    });
  });
}

let fetching: Promise<string> | undefined;

/**
 * Makes sure the Kafka jars are in the cache (downloading them with Maven the first time; ~5 s, 44 MB)
 * and returns the libs directory. Memoised per process.
 */
export function fetchKafkaJars(): Promise<string> {
  fetching ??= runScript(['fetch'], 15 * 60_000).then((r) => {
    if (r.code !== 0) {
      fetching = undefined;
      throw new Error(`test/reference/kafka.sh fetch failed (exit ${r.code}):\n${r.stderr}`);
    }
    return r.stdout.trim().split('\n').pop()!;
  });
  return fetching;
}

let availability: ToolCheck | undefined;

/**
 * Whether the reference Kafka can run here: Java 17+, and the jars cached or Maven there to fetch them.
 * Same convention as tools.ts: when it cannot, prints why and, under CI=true, throws so the suite fails.
 */
export function kafkaAvailable(): ToolCheck {
  if (!availability) {
    try {
      execFileSync('bash', [KAFKA_SH, 'check'], { stdio: 'pipe', timeout: 20_000 });
      availability = { available: true, reason: '' };
    } catch (e) {
      const err = e as Error & { stderr?: Buffer };
      const why = err.stderr?.toString().trim() || err.message.split('\n')[0];
      availability = { available: false, reason: `kafka.sh check failed: ${why}` };
    }
  }
  if (!availability.available) {
    const msg = `[skip] reference Kafka not available (${availability.reason})`;
    if (inCI) throw new Error(`${msg}; CI=true requires it (CI runs test/reference/kafka.sh fetch)`);
    console.warn(msg);
  }
  return availability;
}

export interface ReferenceKafkaOptions {
  /** 1: one combined broker+controller. 3: one controller and three brokers. */
  nodes: 1 | 3;
  /** First broker port (brokers use port, port+1, port+2). 0 or absent: pick free ports. */
  port?: number;
  /** Extra server properties for every node, e.g. { 'num.partitions': '3' }. */
  props?: Record<string, string>;
  /** Directory for configs, data and logs; default a fresh temp dir, removed by stop(). */
  dir?: string;
  /** How long to wait for the cluster to come up (default 120 s). */
  timeoutMs?: number;
  /**
   * One-node clusters: client listeners besides PLAINTEXT, each named after its protocol, on ports picked next to
   * the broker's (see `listenerPorts`). Their SSL and SASL settings (keystore, JAAS) come in `props`.
   */
  extraListeners?: SecurityProtocol[];
}

export type SecurityProtocol = 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

export interface ReferenceKafka {
  /** "127.0.0.1:P" or "127.0.0.1:P,127.0.0.1:P+1,127.0.0.1:P+2". */
  bootstrapServers: string;
  /** Broker ports, in node-id order (node ids 1, 2, 3). */
  ports: number[];
  /** Port of each extra listener (`extraListeners`). */
  listenerPorts: Partial<Record<SecurityProtocol, number>>;
  /** Where configs, data and the node logs (node-<id>.log) live. */
  dir: string;
  /** JVM pids by node id (1..3; 100 is the dedicated controller of a 3-node cluster). */
  pids: Map<number, number>;
  /** Stops every JVM (graceful, then SIGKILL after 20 s) and removes dir unless EDDY_KEEP_KAFKA_DIR is set. */
  stop(): Promise<void>;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports, plus one more free port apart from them. Chosen below the Linux ephemeral
 * range (32768+) so that client connections made meanwhile cannot take them.
 */
export async function pickFreePorts(count: number): Promise<{ first: number; extra: number }> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await canBind(first + i);
    if (!ok) continue;
    for (let j = 0; j < 50; j++) {
      const extra = 20_000 + Math.floor(Math.random() * 12_000);
      if (extra >= first && extra < first + count) continue;
      if (await canBind(extra)) return { first, extra };
    }
  }
  throw new Error('no free ports found');
}

// JVMs started by this process: killed on exit if a test forgot (or failed before) stop(); their temp dirs go too.
const live = new Map<string, { pids: number[]; removeDir: boolean }>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [dir, { pids, removeDir }] of live) {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (removeDir) rmSync(dir, { recursive: true, force: true });
    }
  });
}

function readPids(dir: string): Map<number, number> {
  const pids = new Map<number, number>();
  for (const f of readdirSync(dir)) {
    const m = /^node-(\d+)\.pid$/.exec(f);
    if (m) pids.set(Number(m[1]), Number(readFileSync(join(dir, f), 'utf8').trim()));
  }
  return pids;
}

/** Starts a reference Kafka cluster (KRaft) and resolves once every broker answers requests. */
export async function startReferenceKafka(opts: ReferenceKafkaOptions): Promise<ReferenceKafka> {
  await fetchKafkaJars();
  const nodes = opts.nodes;
  const ownDir = !opts.dir;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'eddy-ref-kafka-')));
  const extra = opts.extraListeners ?? [];
  if (extra.length && (nodes !== 1 || opts.port)) throw new Error('extraListeners: only for one-node clusters on picked ports');
  const propArgs = Object.entries(opts.props ?? {}).flatMap(([k, v]) => ['--prop', `${k}=${v}`]);
  const timeoutS = Math.ceil((opts.timeoutMs ?? 120_000) / 1000);

  let lastError = '';
  // Free ports can be taken between picking and binding: retry with others (only when we picked them).
  for (let attempt = 0; attempt < 3; attempt++) {
    let port = opts.port ?? 0;
    const args = ['start', '--nodes', String(nodes), '--dir', dir, '--timeout', String(timeoutS), ...propArgs];
    const listenerPorts: Partial<Record<SecurityProtocol, number>> = {};
    if (port === 0) {
      const picked = await pickFreePorts(nodes + extra.length);
      port = picked.first;
      args.push('--controller-port', String(picked.extra));
      if (extra.length) {
        extra.forEach((name, i) => (listenerPorts[name] = port + 1 + i));
        // Written after kafka.sh's own lines, so these win (a properties file keeps a key's last value).
        const client = [`PLAINTEXT://127.0.0.1:${port}`, ...extra.map((name) => `${name}://127.0.0.1:${listenerPorts[name]}`)];
        args.push(
          '--prop', `listeners=${[...client, `CONTROLLER://127.0.0.1:${picked.extra}`].join(',')}`,
          '--prop', `advertised.listeners=${client.join(',')}`,
          '--prop', `listener.security.protocol.map=${['CONTROLLER:PLAINTEXT', 'PLAINTEXT:PLAINTEXT', ...extra.map((n) => `${n}:${n}`)].join(',')}`,
        );
      }
    }
    args.push('--port', String(port));
    const r = await runScript(args, (timeoutS + 60) * 1000);
    const m = /^bootstrap: (\S+)$/m.exec(r.stdout);
    if (r.code === 0 && m) {
      const pids = readPids(dir);
      live.set(dir, { pids: [...pids.values()], removeDir: ownDir && !process.env.EDDY_KEEP_KAFKA_DIR });
      installExitHook();
      let stopped: Promise<void> | undefined;
      return {
        bootstrapServers: m[1]!,
        ports: Array.from({ length: nodes }, (_, i) => port + i),
        listenerPorts,
        dir,
        pids,
        stop() {
          stopped ??= (async () => {
            const keep = !!process.env.EDDY_KEEP_KAFKA_DIR || !ownDir;
            const s = await runScript(['stop', '--dir', dir, ...(keep ? [] : ['--purge'])], 120_000);
            live.delete(dir);
            if (s.code !== 0) throw new Error(`kafka.sh stop failed (exit ${s.code}):\n${s.stderr}`);
          })();
          return stopped;
        },
      };
    }
    lastError = `kafka.sh ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`;
    await runScript(['stop', '--dir', dir], 60_000);
    if (opts.port || !/port \d+ is in use|Address already in use/.test(r.stderr)) break;
  }
  if (ownDir && !process.env.EDDY_KEEP_KAFKA_DIR && existsSync(dir)) await rm(dir, { recursive: true, force: true });
  throw new Error(lastError);
}

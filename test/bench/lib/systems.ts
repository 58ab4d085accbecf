// The two systems under test, behind one interface: a 3-broker Eddy (the `eddy` CLI as its own process,
// brokers as worker threads) and a 3-broker Apache Kafka 4.4 (test/reference/kafka.sh: one KRaft controller
// JVM and three broker JVMs, with kafka.sh's broker JVM settings). RSS and CPU count every process of a
// system: the Eddy process; all four Kafka JVMs.
//
// Broker faults, the same on both sides: Eddy's brokers are killed and restarted through its control surface
// (POST /brokers/<id>/kill|restart, what `eddy broker kill ID` does; address and token in <data-dir>/eddy.json),
// Kafka's by SIGKILL of the broker's JVM and a relaunch of the same command line (kafka.sh has no restart).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEADLESS } from '../../helpers/eddy-process.js';
import { pickFreePorts, startReferenceKafka } from '../../helpers/reference-kafka.js';
import { sleep } from './admin.js';

export type SystemName = 'eddy' | 'kafka';
export const SYSTEMS: SystemName[] = ['eddy', 'kafka'];
export const BROKERS = 3;

/**
 * Broker settings every bench cluster gets, on both sides. kafka.sh sets group.initial.rebalance.delay.ms=0
 * for fast tests; the bench compares defaults, so Kafka gets its default (3000 ms) back — Eddy's default too.
 */
export const COMMON_SETTINGS: Record<string, string> = { 'group.initial.rebalance.delay.ms': '3000' };

export interface Cluster {
  system: SystemName;
  bootstrap: string;
  ports: number[];
  /** Processes whose memory and CPU belong to the system. */
  pids(): number[];
  /** Directories holding the brokers' data (for `du`). */
  dataDirs(): string[];
  /** Broker settings given at start (besides COMMON_SETTINGS), by Kafka config name. */
  settings: Record<string, string>;
  /** Crashes a broker (node id as in Metadata): Eddy kills its thread, Kafka gets SIGKILL. */
  killBroker(nodeId: number): Promise<void>;
  /** Starts a killed broker again on the same port and data. */
  restartBroker(nodeId: number): Promise<void>;
  /** Stops the cluster: cleanly, or (hard) by SIGKILL when its data is of no further use. */
  stop(hard?: boolean): Promise<void>;
  /**
   * Eddy with settings only: stops every broker cleanly and starts the cluster again on the same data (what a user's
   * app restart does); the brokers come back on other ports, so only the data dir is of use afterwards.
   */
  restartAll?(): Promise<{ ms: number; events: string[] }>;
}

export interface StartOptions {
  /** First broker port; 0 = free ports. */
  port?: number;
  /** Extra Node flags for the Eddy process (e.g. --cpu-prof); worker threads inherit them. */
  nodeArgs?: string[];
  /** Extra environment for the Eddy process. */
  env?: NodeJS.ProcessEnv;
  /** Eddy's data dir, kept at stop (default: a temp dir, removed at stop). */
  dataDir?: string;
  /**
   * Broker settings by Kafka config name, the same for both systems (e.g. log.cleaner.backoff.ms). Kafka: extra
   * server properties; Eddy: the embedded API's config (test/bench/lib/eddy-with-settings.mjs runs it, since
   * the CLI has no flags for them).
   */
  settings?: Record<string, string>;
}

const WITH_SETTINGS = fileURLToPath(new URL('./eddy-with-settings.mjs', import.meta.url));

/** Settings as Eddy's BrokerSettings wants them (numbers and booleans typed). */
function eddySettings(settings: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v === 'true' ? true : v === 'false' ? false : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v]));
}

export async function startEddy(opts: StartOptions = {}): Promise<Cluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'eddy-bench-'));
  const settings = opts.settings ?? {};
  const custom = Object.keys(settings).length > 0;
  // Eddy's defaults already are COMMON_SETTINGS; only other settings need the embedded API.
  const args = custom
    ? [WITH_SETTINGS, '--brokers', String(BROKERS), '--port', String(opts.port ?? 0), '--data-dir', dataDir, '--settings', JSON.stringify(eddySettings({ ...COMMON_SETTINGS, ...settings }))]
    : [HEADLESS, '--brokers', String(BROKERS), '--port', String(opts.port ?? 0), '--no-ui', '--data-dir', dataDir];
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...args], { stdio: [custom ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const kill = () => proc.kill('SIGKILL');
  process.once('exit', kill);
  const cleanup = () => {
    process.removeListener('exit', kill);
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /^bootstrap: (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    };
    proc.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`eddy exited before printing bootstrap:\n${err}`)));
  }).catch((e: unknown) => {
    cleanup();
    throw e;
  });

  /** A fault through the control surface (CLI) or the launcher's stdin (with settings). */
  const fault = async (action: 'kill' | 'restart', id: number): Promise<void> => {
    if (custom) {
      const mark = out.length;
      proc.stdin!.write(`${action} ${id}\n`);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const m = new RegExp(`^(ok|error) ${action} ${id}(.*)$`, 'm').exec(out.slice(mark));
        if (m) {
          if (m[1] === 'error') throw new Error(`eddy ${action} ${id}${m[2]}`);
          return;
        }
        if (Date.now() > deadline) throw new Error(`eddy ${action} ${id}: no answer`);
        await sleep(2);
      }
    }
    const info = JSON.parse(readFileSync(join(dataDir, 'eddy.json'), 'utf8')) as { control: { url: string; token: string } };
    const res = await fetch(`${info.control.url}/brokers/${id}/${action}`, { method: 'POST', headers: { authorization: `Bearer ${info.control.token}` } });
    if (!res.ok) throw new Error(`eddy broker ${action} ${id}: ${res.status} ${await res.text()}`);
  };

  const restartAll = async (): Promise<{ ms: number; events: string[] }> => {
    const mark = out.length;
    proc.stdin!.write('restart-all\n');
    const deadline = Date.now() + 300_000;
    for (;;) {
      const m = /^(ok|error) restart-all(.*)$/m.exec(out.slice(mark));
      if (m) {
        if (m[1] === 'error') throw new Error(`eddy restart-all${m[2]}`);
        return JSON.parse(m[2]!) as { ms: number; events: string[] };
      }
      if (Date.now() > deadline) throw new Error('eddy restart-all: no answer');
      await sleep(10);
    }
  };

  let stopped: Promise<void> | undefined;
  return {
    system: 'eddy',
    ...(custom ? { restartAll } : {}),
    bootstrap,
    ports: bootstrap.split(',').map((hp) => Number(hp.split(':')[1])),
    pids: () => (proc.exitCode === null && proc.signalCode === null ? [proc.pid!] : []),
    dataDirs: () => [dataDir],
    settings,
    killBroker: (id) => fault('kill', id),
    restartBroker: (id) => fault('restart', id),
    stop(hard = false) {
      stopped ??= (async () => {
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill(hard ? 'SIGKILL' : 'SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(timer);
        }
        cleanup();
      })();
      return stopped;
    },
  };
}

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
}

export async function startKafka(opts: StartOptions = {}): Promise<Cluster> {
  const port = opts.port ?? (await pickFreePorts(BROKERS)).first;
  const settings = opts.settings ?? {};
  const ref = await startReferenceKafka({ nodes: BROKERS, port, props: { ...COMMON_SETTINGS, ...settings } });
  const pids = new Map(ref.pids);
  const commands = new Map<number, string[]>();
  const relaunched = new Set<number>();
  const killRelaunched = () => {
    for (const pid of relaunched) killQuietly(pid);
  };
  process.once('exit', killRelaunched);
  return {
    system: 'kafka',
    bootstrap: ref.bootstrapServers,
    ports: ref.ports,
    pids: () => [...pids.values()],
    dataDirs: () => [...ref.pids.keys()].map((id) => join(ref.dir, `node-${id}`)),
    settings,
    async killBroker(id) {
      const pid = pids.get(id);
      if (pid === undefined) throw new Error(`kafka: no running broker ${id}`);
      commands.set(id, cmdline(pid));
      process.kill(pid, 'SIGKILL');
      pids.delete(id);
      relaunched.delete(pid);
      // Gone once /proc no longer lists it (or it is a zombie, when kafka.sh's setsid shell was its parent).
      while (readStat(pid) !== null && readStat(pid) !== 'Z') await sleep(5);
    },
    async restartBroker(id) {
      const cmd = commands.get(id);
      if (!cmd) throw new Error(`kafka: broker ${id} was not killed by the bench`);
      // As kafka.sh start launches a node: its own session, pid file written by the shell that becomes the JVM.
      const pidFile = join(ref.dir, `node-${id}.pid`);
      const log = openSync(join(ref.dir, `node-${id}.log`), 'a');
      // detached: a new session (setsid), like kafka.sh's launch; the shell becomes the JVM, so the pid is the JVM's.
      const child = spawn('bash', ['-c', 'echo $$ >"$1"; shift; exec "$@"', '_', pidFile, ...cmd], { stdio: ['ignore', log, log], detached: true });
      closeSync(log);
      child.unref();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim() || '0');
        if (pid && pid === child.pid) break;
        if (Date.now() > deadline) throw new Error(`kafka: broker ${id} did not start`);
        await sleep(5);
      }
      pids.set(id, child.pid!);
      relaunched.add(child.pid!);
    },
    async stop(hard = false) {
      // Hard: SIGKILL first, so kafka.sh stop finds nothing to shut down and only removes the directory.
      if (hard) for (const pid of pids.values()) killQuietly(pid);
      await ref.stop();
      process.removeListener('exit', killRelaunched);
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** The state letter of a process from /proc/<pid>/stat, or null if it is gone. */
function readStat(pid: number): string | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

export function startSystem(system: SystemName, opts: StartOptions = {}): Promise<Cluster> {
  return system === 'eddy' ? startEddy(opts) : startKafka(opts);
}

export const LABEL: Record<SystemName, string> = { eddy: 'Eddy', kafka: 'Kafka' };

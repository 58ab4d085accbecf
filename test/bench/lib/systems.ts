// The two systems under test, behind one interface: a 3-broker Eddy (the `eddy` CLI as its own process,
// brokers as worker threads) and a 3-broker Apache Kafka 4.4 (test/reference/kafka.sh: one KRaft controller
// JVM and three broker JVMs, with kafka.sh's broker JVM settings). RSS and CPU count every process of a
// system: the Eddy process; all four Kafka JVMs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEADLESS } from '../../helpers/eddy-process.js';
import { pickFreePorts, startReferenceKafka } from '../../helpers/reference-kafka.js';

export type SystemName = 'eddy' | 'kafka';
export const SYSTEMS: SystemName[] = ['eddy', 'kafka'];
export const BROKERS = 3;

export interface Cluster {
  system: SystemName;
  bootstrap: string;
  ports: number[];
  /** Processes whose memory and CPU belong to the system. */
  pids(): number[];
  stop(): Promise<void>;
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
}

export async function startEddy(opts: StartOptions = {}): Promise<Cluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'eddy-bench-'));
  const proc = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), HEADLESS, '--brokers', String(BROKERS), '--port', String(opts.port ?? 0), '--no-ui', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
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
    proc.stdout.on('data', check);
    void exited.then(() => reject(new Error(`eddy exited before printing bootstrap:\n${err}`)));
  }).catch((e: unknown) => {
    cleanup();
    throw e;
  });
  let stopped: Promise<void> | undefined;
  return {
    system: 'eddy',
    bootstrap,
    ports: bootstrap.split(',').map((hp) => Number(hp.split(':')[1])),
    pids: () => (proc.exitCode === null && proc.signalCode === null ? [proc.pid!] : []),
    stop() {
      stopped ??= (async () => {
        if (proc.exitCode === null && proc.signalCode === null) {
          proc.kill('SIGTERM');
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

export async function startKafka(opts: StartOptions = {}): Promise<Cluster> {
  const port = opts.port ?? (await pickFreePorts(BROKERS)).first;
  const ref = await startReferenceKafka({ nodes: BROKERS, port });
  const pids = [...ref.pids.values()];
  return {
    system: 'kafka',
    bootstrap: ref.bootstrapServers,
    ports: ref.ports,
    pids: () => pids,
    stop: () => ref.stop(),
  };
}

export function startSystem(system: SystemName, opts: StartOptions = {}): Promise<Cluster> {
  return system === 'eddy' ? startEddy(opts) : startKafka(opts);
}

export const LABEL: Record<SystemName, string> = { eddy: 'Eddy', kafka: 'Kafka' };

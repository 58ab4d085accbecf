// Runs the `eddy` CLI (the built out/main/headless.js) as a child process, the way a user runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HEADLESS = fileURLToPath(new URL('../../out/main/headless.js', import.meta.url));
export const LAUNCH = fileURLToPath(new URL('../../out/main/launch.js', import.meta.url));

export interface EddyProcess {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the `bootstrap:` servers once printed; rejects if the process exits first. */
  bootstrap: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** First broker's port, from the bootstrap line. */
  port(): Promise<number>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `nodeArgs`: flags for Node itself (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
export function runEddy(args: string[], opts: { entry?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): EddyProcess {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.entry ?? HEADLESS, ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const bootstrap = new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /^bootstrap: (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    };
    proc.stdout!.on('data', check);
    void exited.then(({ code, signal }) => reject(new Error(`eddy exited (code ${code}, signal ${signal}) before printing bootstrap:\n${err}`)));
  });
  bootstrap.catch(() => undefined);
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    bootstrap,
    exited,
    port: async () => Number((await bootstrap).split(',')[0]!.split(':')[1]),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

// A long-running client process (a group member: kcat -G, a Python or Java consumer) whose stdout is read line by
// line while it runs, and which the test stops with a signal of its choice (SIGTERM: a clean close that commits
// and leaves the group; SIGKILL: a crash).
import { spawn, type ChildProcess } from 'node:child_process';

export interface Proc {
  readonly child: ChildProcess;
  readonly lines: string[];
  stderr(): string;
  /** Resolves with the exit code (128+n for signal n). */
  readonly exited: Promise<number>;
  running(): boolean;
  /** Sends the signal and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export function startProc(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {}): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  live.add(child);
  const lines: string[] = [];
  let partial = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString('utf8');
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      lines.push(line);
      opts.onLine?.(line);
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString('utf8');
    if (err.length > 64_000_000) err = err.slice(-32_000_000);
  });
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve(code ?? 128 + (({ SIGTERM: 15, SIGKILL: 9, SIGINT: 2 } as Record<string, number | undefined>)[signal ?? ''] ?? 1));
    });
    child.once('error', () => resolve(127));
  });
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

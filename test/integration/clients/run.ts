// Runs a client command-line tool asynchronously (the brokers under test live in this process's worker threads,
// so a synchronous spawn would only block the test runner, but async keeps timers and logs flowing).
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** A file to connect to the tool's stdin. */
  stdinFile?: string;
  /** Text written to stdin (ignored with stdinFile). */
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const fd = opts.stdinFile ? openSync(opts.stdinFile, 'r') : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: [fd ?? 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    if (fd !== undefined) closeSync(fd);
    else {
      child.stdin!.on('error', () => {});
      child.stdin!.end(opts.input ?? '');
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal === 'SIGKILL' ? 137 : 128),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
      });
    });
  });
}

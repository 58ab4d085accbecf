// `npm start`: open the desktop app when Electron can start here, otherwise say why in one line and run
// the same cluster headless.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseHeadlessArgs, HELP, UsageError } from './cli/args.js';
import { runHeadless } from './headless-run.js';
import { packageRoot } from './supervisor/app-paths.js';

/** Returns the Electron binary, or the reason it cannot be used on this machine. */
export function findElectron(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): { path: string } | { reason: string } {
  if (env.EDDY_HEADLESS === '1') return { reason: 'EDDY_HEADLESS=1 is set' };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  let path: unknown;
  try {
    path = createRequire(import.meta.url)('electron');
  } catch (e) {
    return { reason: `the Electron binary is not installed (${(e as Error).message.split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { reason: 'the Electron binary is not installed' };
  return { path };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let parsed;
  try {
    parsed = parseHeadlessArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`eddy: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (parsed.kind !== 'run') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const electron = findElectron();
  if ('path' in electron) {
    const child = spawn(electron.path, [packageRoot(), ...argv], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
    return;
  }
  process.stderr.write(`eddy: desktop window unavailable: ${electron.reason}; running headless\n`);
  await runHeadless(parsed.options);
}

void main();

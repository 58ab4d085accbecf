// `npm start`: open the desktop app when Electron can start here, otherwise say why in one line and run
// the same cluster headless.
import { spawn } from 'node:child_process';
import { parseHeadlessArgs, HELP, UsageError } from './cli/args.js';
import { runHeadless } from './headless-run.js';
import { packageRoot } from './supervisor/app-paths.js';
import { findElectron } from './supervisor/electron-check.js';

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

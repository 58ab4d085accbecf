#!/usr/bin/env node
// `eddy` / `npm run headless`: the cluster without a window, plus the UI served to a browser.
import { parseHeadlessArgs, HELP, UsageError } from './cli/args.js';
import { runHeadless } from './headless-run.js';
import { packageVersion } from './supervisor/app-paths.js';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseHeadlessArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`eddy: ${e.message}\nRun "eddy --help" for usage.\n`);
      process.exit(2);
    }
    throw e;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  await runHeadless(parsed.options);
}

void main();

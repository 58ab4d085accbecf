#!/usr/bin/env node
// `eddy` / `npm run headless`: the cluster without a window, plus the UI served to a browser.
import { parseHeadlessArgs, HELP, UsageError } from './cli/args.js';
import { runSubcommand, SUBCOMMAND_HELP, SUBCOMMANDS } from './cli/subcommands.js';
import { runHeadless } from './headless-run.js';
import { packageVersion } from './supervisor/app-paths.js';

async function main(): Promise<void> {
  const first = process.argv[2];
  if (first !== undefined && SUBCOMMANDS.has(first)) {
    try {
      await runSubcommand(process.argv.slice(2));
    } catch (e) {
      if (e instanceof UsageError) {
        process.stderr.write(`eddy: ${e.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`eddy: ${(e as Error).message}\n`);
      process.exit(1);
    }
    return;
  }
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
    process.stdout.write(`${HELP}\n\n${SUBCOMMAND_HELP}\n`);
    return;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  await runHeadless(parsed.options);
}

void main();

// Command-line flags of `eddy` (headless mode), parsed with node:util.
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../supervisor/data-dir.js';

export interface HeadlessOptions {
  brokers: number;
  port: number;
  host: string;
  dataDir: string;
  /** null = no UI server. */
  uiPort: number | null;
  /** Flags given on the command line (the app's saved settings fill in the others). */
  given: { brokers: boolean; port: boolean };
}

export const DEFAULT_UI_PORT = 9080;

export const HELP = `Usage: eddy [options]

Runs a Kafka-compatible cluster of broker threads and prints its bootstrap servers.

Options:
  --brokers N       number of brokers, 1-9 (default 3)
  --port P          first broker port; broker i listens on P+i (default 9092; 0 = free ports)
  --host H          address to listen on and advertise to clients (default 127.0.0.1)
  --data-dir DIR    where topics and records are kept (default ${defaultDataDir()})
  --ui-port P       port of the web UI on the same host (default ${DEFAULT_UI_PORT}; 0 = a free port)
  --no-ui           do not serve the web UI
  -h, --help        show this help
  -v, --version     print the version

Environment:
  EDDY_DATA_DIR     default for --data-dir
  EDDY_LOG_LEVEL    debug | info | warn (default) | error

Stops cleanly on Ctrl-C (SIGINT) or SIGTERM; data stays in the data dir for the next start.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function intFlag(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export type ParsedArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: HeadlessOptions };

export function parseHeadlessArgs(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        brokers: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'ui-port': { type: 'string' },
        'no-ui': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };
  if (v.version) return { kind: 'version' };
  const brokers = intFlag('brokers', v.brokers, 3, 1, 9);
  const port = intFlag('port', v.port, 9092, 0, 65535);
  if (port !== 0 && port + brokers - 1 > 65535) throw new UsageError(`--port ${port} leaves no room for ${brokers} brokers`);
  const host = v.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host must not be empty');
  const dataDir = v['data-dir'] ?? defaultDataDir();
  if (dataDir.trim() === '') throw new UsageError('--data-dir must not be empty');
  const uiPort = v['no-ui'] ? null : intFlag('ui-port', v['ui-port'], DEFAULT_UI_PORT, 0, 65535);
  return { kind: 'run', options: { brokers, port, host, dataDir, uiPort, given: { brokers: v.brokers !== undefined, port: v.port !== undefined } } };
}

const VALUE_FLAGS = new Set(['--brokers', '--port', '--host', '--data-dir', '--ui-port']);
const BOOLEAN_FLAGS = new Set(['--no-ui', '--help', '-h', '--version', '-v']);

/**
 * Eddy's own flags out of an Electron command line, which also carries Chromium switches (`--no-sandbox`,
 * `--remote-debugging-port=…`) and, unpackaged, the app path: those belong to Electron, not to the cluster.
 */
export function eddyArgsOnly(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (BOOLEAN_FLAGS.has(a)) out.push(a);
    else if (VALUE_FLAGS.has(name)) {
      out.push(a);
      if (name === a && i + 1 < argv.length) out.push(argv[++i]!);
    }
  }
  return out;
}

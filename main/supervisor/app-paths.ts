// Locations of built assets, wherever the bundler placed the calling code (out/main or out/main/chunks),
// or the sources when running unbundled under tsx; and the app's own data folder.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Looks for `relative` in this module's folder and up to three folders above it. */
function findUp(relative: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return null;
}

/** The broker worker entry: the bundle next to the main entries, or the TypeScript source under tsx. */
export function brokerWorkerPath(): string | null {
  // EDDY_BROKER_WORKER: tests that import the supervisor's sources in plain Node point it at the built bundle.
  if (process.env.EDDY_BROKER_WORKER) return process.env.EDDY_BROKER_WORKER;
  return findUp('broker-worker.js') ?? findUp(join('worker', 'broker', 'index.ts'));
}

/** The built renderer folder (out/renderer), or null when it has not been built. */
export function rendererDir(): string | null {
  const index = findUp(join('out', 'renderer', 'index.html'));
  return index ? dirname(index) : null;
}

export function packageVersion(): string {
  const pkg = findUp('package.json');
  if (!pkg) return '0.0.0';
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? '0.0.0';
}

/** The package root (the folder holding package.json). */
export function packageRoot(): string {
  const pkg = findUp('package.json');
  if (!pkg) throw new Error('package.json not found above the running code');
  return dirname(pkg);
}

/**
 * The app's own folder for settings, remote connections and window state (not the cluster's data): EDDY_APP_DATA_DIR,
 * else the OS's per-user application data folder.
 */
export function appDataDir(): string {
  if (process.env.EDDY_APP_DATA_DIR) return process.env.EDDY_APP_DATA_DIR;
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Eddy');
    case 'win32':
      return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Eddy');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'eddy');
  }
}

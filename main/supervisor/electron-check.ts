// Whether the desktop window can open here: the Electron binary must be installed (its npm package downloads
// it at install time, which fails on machines without internet access) and, on Linux, a display must exist.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Returns the Electron binary, or the reason it cannot be used on this machine. */
export function findElectron(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  resolveElectron: () => unknown = () => createRequire(import.meta.url)('electron'),
): { path: string } | { reason: string } {
  if (env.EDDY_HEADLESS === '1') return { reason: 'EDDY_HEADLESS=1 is set' };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  let path: unknown;
  try {
    path = resolveElectron();
  } catch (e) {
    return { reason: `the Electron binary is not installed (${(e as Error).message.split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { reason: 'the Electron binary is not installed' };
  return { path };
}


// The main window's bounds, remembered in window-state.json in the app-data folder. Pure logic (no Electron):
// a saved position is used only if it is still mostly on one of the current displays.
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds?: Rect;
  maximized?: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 };
const MIN_SIZE = { width: 640, height: 400 };

function isRect(r: unknown): r is Rect {
  const o = r as Rect;
  return !!o && [o.x, o.y, o.width, o.height].every((n) => Number.isFinite(n));
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function windowStateFile(appDataDir: string): string {
  return join(appDataDir, 'window-state.json');
}

/** The bounds to open with: the saved ones if at least half the window lands on a display, else a default size. */
export function initialBounds(saved: WindowState, displays: Rect[]): { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean } {
  const b = saved.bounds;
  if (isRect(b) && b.width >= MIN_SIZE.width && b.height >= MIN_SIZE.height && displays.some((d) => overlap(b, d) >= (b.width * b.height) / 2)) {
    return { bounds: b, maximized: Boolean(saved.maximized) };
  }
  return { bounds: { ...DEFAULT_SIZE }, maximized: Boolean(saved.maximized) };
}

export function loadWindowState(appDataDir: string): WindowState {
  return readJsonFile<WindowState>(windowStateFile(appDataDir), {});
}

export function saveWindowState(appDataDir: string, state: WindowState): void {
  writeJsonFile(windowStateFile(appDataDir), state);
}

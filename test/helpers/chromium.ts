// Debian's Chromium driven by Playwright (no browser download): the path and flags that work on machines
// without a display or outside network.
import { existsSync } from 'node:fs';
import { tool, type ToolCheck } from './tools.js';

export const CHROMIUM_PATH = process.env.EDDY_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumAvailable(): ToolCheck {
  if (!existsSync(CHROMIUM_PATH)) return tool('chromium', CHROMIUM_PATH, ['--version']);
  return tool('chromium', CHROMIUM_PATH, ['--headless', '--no-sandbox', '--version']);
}

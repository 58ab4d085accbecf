// Electron main process: starts the cluster and the GUI backend through the same code as headless mode, opens the
// window, serves the UI contract to each page load over its own MessageChannel, and stops the cluster before quitting.
// A second launch focuses the running window instead.
import { app, dialog, MessageChannelMain, type BrowserWindow } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eddyArgsOnly, parseHeadlessArgs } from './cli/args.js';
import { UI_PORT_MESSAGE } from './contract/ui-api.js';
import { startApp, type RunningApp } from './gui/start.js';
import { serveContractOnPort } from './ipc/serve-port.js';
import { appDataDir } from './supervisor/app-paths.js';
import { createMainWindow } from './window/main-window.js';

const here = dirname(fileURLToPath(import.meta.url));
let running: RunningApp | null = null;
let window: BrowserWindow | null = null;

async function startElectronApp(): Promise<void> {
  try {
    // Unpackaged, argv is [electron, appPath, ...flags]; packaged, [app, ...flags]. The same flags as `eddy`.
    const parsed = parseHeadlessArgs(eddyArgsOnly(process.argv.slice(1)));
    if (parsed.kind !== 'run') {
      app.quit();
      return;
    }
    running = await startApp(parsed.options, 'electron');
  } catch (e) {
    dialog.showErrorBox('Eddy could not start its cluster', (e as Error).message);
    app.exit(1);
    return;
  }
  process.stdout.write(`bootstrap: ${running.local.cluster.bootstrapServers}\n`);
  const api = running.api;
  window = createMainWindow(join(here, '..', 'preload', 'index.cjs'), join(here, '..', 'renderer', 'index.html'), appDataDir());
  const contents = window.webContents;
  // Each page load (and reload) gets a fresh channel: the page's scripts are listening by dom-ready.
  let current: Electron.MessagePortMain | null = null;
  contents.on('dom-ready', () => {
    current?.close();
    const { port1, port2 } = new MessageChannelMain();
    current = port1;
    serveContractOnPort(api, port1);
    contents.postMessage(UI_PORT_MESSAGE, null, [port2]);
  });
  window.on('closed', () => {
    current?.close();
    window = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.whenReady().then(startElectronApp, (e: unknown) => {
    dialog.showErrorBox('Eddy failed to start', String(e));
    app.exit(1);
  });
  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting || !running) return;
    e.preventDefault();
    quitting = true;
    void running.stop().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}

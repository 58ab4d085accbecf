// Electron main process: starts the cluster through the same supervisor as headless mode, opens the window,
// answers the UI contract over one IPC channel, and stops the cluster before quitting.
import { app, dialog, ipcMain } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeadlessArgs } from './cli/args.js';
import { UI_IPC_CHANNEL, type UiApi } from './contract/ui-api.js';
import { Cluster } from './supervisor/cluster.js';
import { createMainWindow } from './window/main-window.js';

const here = dirname(fileURLToPath(import.meta.url));
let cluster: Cluster | null = null;

async function startApp(): Promise<void> {
  try {
    // Unpackaged, argv is [electron, appPath, ...flags]; packaged, [app, ...flags]. The same flags as `eddy`.
    const parsed = parseHeadlessArgs(process.argv.slice(app.isPackaged ? 1 : 2));
    if (parsed.kind !== 'run') {
      app.quit();
      return;
    }
    const opts = parsed.options;
    cluster = await Cluster.start({ brokers: opts.brokers, port: opts.port, host: opts.host, dataDir: opts.dataDir });
  } catch (e) {
    dialog.showErrorBox('Eddy could not start its cluster', (e as Error).message);
    app.exit(1);
    return;
  }
  process.stdout.write(`bootstrap: ${cluster.bootstrapServers}\n`);
  const api: UiApi = {
    clusterSummary: async () => ({ clusterId: cluster!.clusterId, bootstrapServers: cluster!.bootstrapServers, brokers: cluster!.brokerPorts().length }),
  };
  ipcMain.handle(UI_IPC_CHANNEL, (_e, method: keyof UiApi) => {
    if (method !== 'clusterSummary') throw new Error(`unknown UI call ${String(method)}`);
    return api[method]();
  });
  createMainWindow(join(here, '..', 'preload', 'index.cjs'), join(here, '..', 'renderer', 'index.html'));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.whenReady().then(startApp, (e: unknown) => {
    dialog.showErrorBox('Eddy failed to start', String(e));
    app.exit(1);
  });
  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting || !cluster) return;
    e.preventDefault();
    quitting = true;
    void cluster.stop().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}

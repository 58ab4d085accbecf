// Starting the app's local cluster and the GUI backend, shared by the Electron main process and headless `eddy`.
// The saved settings choose the broker count and first port unless the command line gave them.
import type { HeadlessOptions } from '../cli/args.js';
import { appDataDir } from '../supervisor/app-paths.js';
import { GuiBackend } from './backend.js';
import { LocalCluster } from './local-cluster.js';
import { SettingsStore } from './settings-store.js';

export interface RunningApp {
  local: LocalCluster;
  backend: GuiBackend;
  /** Closes the backend's clients, then stops the cluster. */
  stop(): Promise<void>;
}

export async function startApp(opts: HeadlessOptions, runtime: 'electron' | 'headless', appData = appDataDir()): Promise<RunningApp> {
  const stored = new SettingsStore(appData).get();
  const brokers = opts.given.brokers || stored.brokerCount === undefined ? opts.brokers : stored.brokerCount;
  const port = opts.given.port || stored.basePort === undefined ? opts.port : stored.basePort;
  const local = await LocalCluster.start({ brokers, port, host: opts.host, dataDir: opts.dataDir });
  const backend = new GuiBackend({ runtime, appDataDir: appData, local });
  return {
    local,
    backend,
    async stop() {
      await backend.close();
      await local.stop();
    },
  };
}

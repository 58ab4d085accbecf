// Starting the app's local cluster and the GUI backend, shared by the Electron main process and headless `eddy`.
// The saved settings choose the broker count and first port unless the command line gave them. The backend itself
// starts on the first contract call (lazy-backend.ts), not here: the cluster is ready without it.
import type { HeadlessOptions } from '../cli/args.js';
import type { UiApi } from '../contract/ui-api.js';
import { appDataDir } from '../supervisor/app-paths.js';
import { LazyBackend } from './lazy-backend.js';
import { LocalCluster } from './local-cluster.js';
import { SettingsStore } from './settings-store.js';

export interface RunningApp {
  local: LocalCluster;
  /** The UI contract to serve to windows and browsers; the GUI backend starts on its first call. */
  api: UiApi;
  /** Closes the backend's clients (if it started), then stops the cluster. */
  stop(): Promise<void>;
}

export async function startApp(opts: HeadlessOptions, runtime: 'electron' | 'headless', appData = appDataDir()): Promise<RunningApp> {
  const stored = new SettingsStore(appData).get();
  const brokers = opts.given.brokers || stored.brokerCount === undefined ? opts.brokers : stored.brokerCount;
  const port = opts.given.port || stored.basePort === undefined ? opts.port : stored.basePort;
  const local = await LocalCluster.start({ brokers, port, host: opts.host, dataDir: opts.dataDir });
  const backend = new LazyBackend({ runtime, appDataDir: appData, local, eventsSince: Date.now() });
  return {
    local,
    api: backend.api,
    async stop() {
      await backend.close();
      await local.stop();
    },
  };
}

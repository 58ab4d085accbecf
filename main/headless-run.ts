// Runs the cluster in this process until SIGINT/SIGTERM. Shared by `eddy` and by `npm start` when no
// Electron window can open.
import type { HeadlessOptions } from './cli/args.js';
import { startUiServer, type UiServer } from './bridge/ui-server.js';
import { rendererDir } from './supervisor/app-paths.js';
import { Cluster, ClusterStartError } from './supervisor/cluster.js';
import { DataDirError } from './supervisor/data-dir.js';

function fail(message: string): never {
  process.stderr.write(`eddy: ${message}\n`);
  process.exit(1);
}

export async function runHeadless(opts: HeadlessOptions): Promise<void> {
  let cluster: Cluster;
  try {
    cluster = await Cluster.start({ brokers: opts.brokers, port: opts.port, host: opts.host, dataDir: opts.dataDir });
  } catch (e) {
    if (e instanceof ClusterStartError || e instanceof DataDirError) fail(e.message);
    throw e;
  }

  let ui: UiServer | null = null;
  if (opts.uiPort !== null) {
    const dir = rendererDir();
    if (!dir) {
      process.stderr.write('eddy: the web UI is not built (run `npm run build`); continuing without it\n');
    } else {
      try {
        ui = await startUiServer({
          host: opts.host,
          port: opts.uiPort,
          rendererDir: dir,
          status: () => ({ clusterId: cluster.clusterId, bootstrapServers: cluster.bootstrapServers, brokers: cluster.brokerPorts().length }),
        });
      } catch (e) {
        await cluster.stop();
        const err = e as NodeJS.ErrnoException;
        fail(err.code === 'EADDRINUSE' ? `UI port ${opts.host}:${opts.uiPort} is already in use (use --ui-port 0 for a free port, or --no-ui)` : err.message);
      }
    }
  }

  process.stdout.write(`bootstrap: ${cluster.bootstrapServers}\n`);
  if (ui) process.stdout.write(`ui: ${ui.url}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`eddy: ${signal} received, stopping\n`);
    await ui?.close();
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// Runs the cluster in this process until SIGINT/SIGTERM. Shared by `eddy` and by `npm start` when no
// Electron window can open.
import type { HeadlessOptions } from './cli/args.js';
import type { UiServer } from './bridge/ui-server.js';
import { startControlServer, type ControlServer } from './bridge/control-server.js';
import { startApp, type RunningApp } from './gui/start.js';
import { rendererDir } from './supervisor/app-paths.js';
import { ClusterStartError } from './supervisor/cluster.js';
import { DataDirError } from './supervisor/data-dir.js';

function fail(message: string): never {
  process.stderr.write(`eddy: ${message}\n`);
  process.exit(1);
}

export async function runHeadless(opts: HeadlessOptions): Promise<void> {
  // Signal handlers go in first: a signal that arrives while starting (or a moment after the bootstrap line)
  // must still stop the cluster cleanly rather than kill the process with half-written state.
  let app: RunningApp | null = null;
  let ui: UiServer | null = null;
  let control: ControlServer | null = null;
  let started = false;
  let stopRequested = false;
  const shutdown = async () => {
    await control?.close();
    await ui?.close();
    await app?.stop();
    process.exit(0);
  };
  const stop = (signal: string) => {
    if (stopRequested) return;
    stopRequested = true;
    process.stderr.write(`eddy: ${signal} received, stopping\n`);
    // During start-up, start-up finishes first and then shuts down (below).
    if (started) void shutdown();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    app = await startApp(opts, 'headless');
  } catch (e) {
    if (e instanceof ClusterStartError || e instanceof DataDirError) fail(e.message);
    throw e;
  }

  const running = app;
  const cluster = () => running.local.cluster;
  if (opts.uiPort !== null) {
    const dir = rendererDir();
    if (!dir) {
      process.stderr.write('eddy: the web UI is not built (run `npm run build`); continuing without it\n');
    } else {
      try {
        // Loaded only when a UI is served: with --no-ui the main thread never loads the server or `ws`.
        const { startUiServer } = await import('./bridge/ui-server.js');
        ui = await startUiServer({
          host: opts.host,
          port: opts.uiPort,
          rendererDir: dir,
          status: () => ({ clusterId: cluster().clusterId, bootstrapServers: cluster().bootstrapServers, brokers: cluster().brokerPorts().length }),
          api: running.api,
        });
      } catch (e) {
        await running.stop();
        const err = e as NodeJS.ErrnoException;
        fail(err.code === 'EADDRINUSE' ? `UI port ${opts.host}:${opts.uiPort} is already in use (use --ui-port 0 for a free port, or --no-ui)` : err.message);
      }
    }
  }

  control = await startControlServer(cluster, { dataDir: opts.dataDir, ui: () => ui?.url });
  started = true;
  if (stopRequested) {
    await shutdown();
    return;
  }
  process.stdout.write(`bootstrap: ${cluster().bootstrapServers}\n`);
  if (ui) process.stdout.write(`ui: ${ui.url}\n`);
}

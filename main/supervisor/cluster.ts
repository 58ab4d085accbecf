// The supervisor: starts the controller and one worker thread per broker, wires their RPC ports, and stops
// them cleanly. Headless mode, the embedded API and the Electron app all start clusters through here.
import { MessageChannel, Worker } from 'node:worker_threads';
import {
  DEFAULT_BROKER_SETTINGS,
  type BrokerControlApi,
  type BrokerSettings,
  type BrokerStartupMessage,
  type BrokerWorkerData,
} from '../../worker/rpc/broker-rpc.js';
import { connect, exposeOn, type Remote } from '../../worker/rpc/channel.js';
import { Controller } from './controller.js';
import { brokerWorkerPath } from './app-paths.js';
import { lockDataDir } from './data-dir.js';

export const MAX_BROKERS = 9;

export interface ClusterOptions {
  /** Number of brokers, 1-9. */
  brokers: number;
  host: string;
  /** First broker's port; broker i listens on port + i. 0 = free ports picked by the OS. */
  port: number;
  dataDir: string;
  settings?: Partial<BrokerSettings>;
}

export class ClusterStartError extends Error {
  override name = 'ClusterStartError';
}

interface BrokerNode {
  id: number;
  port: number;
  worker: Worker;
  control: Remote<BrokerControlApi>;
}

export class Cluster {
  private constructor(
    readonly options: ClusterOptions,
    readonly controller: Controller,
    private readonly nodes: BrokerNode[],
    private readonly unlock: () => void,
  ) {}

  get bootstrapServers(): string {
    return this.nodes.map((n) => `${this.options.host}:${n.port}`).join(',');
  }

  get clusterId(): string {
    return this.controller.clusterId;
  }

  brokerPorts(): number[] {
    return this.nodes.map((n) => n.port);
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    if (!Number.isInteger(options.brokers) || options.brokers < 1 || options.brokers > MAX_BROKERS) {
      throw new ClusterStartError(`--brokers must be between 1 and ${MAX_BROKERS}, got ${options.brokers}`);
    }
    if (!Number.isInteger(options.port) || options.port < 0 || options.port + options.brokers - 1 > 65535) {
      throw new ClusterStartError(`--port must leave room for ${options.brokers} consecutive ports below 65536, got ${options.port}`);
    }
    const settings: BrokerSettings = { ...DEFAULT_BROKER_SETTINGS, ...options.settings };
    const unlock = lockDataDir(options.dataDir);
    let controller: Controller | null = null;
    const nodes: BrokerNode[] = [];
    try {
      controller = new Controller(options.dataDir, settings);
      await controller.init();
      const workerPath = brokerWorkerPath();
      if (!workerPath) throw new ClusterStartError('the broker worker bundle is missing: run `npm run build` first');
      const started = await Promise.allSettled(
        Array.from({ length: options.brokers }, (_, id) => startBroker(workerPath, id, options, settings, controller!)),
      );
      for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
      const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure) throw failure.reason;
      for (const n of nodes) await controller.registerBroker(n.id, options.host, n.port, n.control);
      const cluster = new Cluster(options, controller, nodes, unlock);
      for (const n of nodes) {
        n.worker.on('exit', () => {
          if (!cluster.stopping) void controller!.brokerStopped(n.id);
        });
      }
      return cluster;
    } catch (e) {
      await Promise.all(nodes.map((n) => n.worker.terminate()));
      await controller?.close();
      unlock();
      throw e;
    }
  }

  private stopping: Promise<void> | null = null;

  /** Stops every broker (in-flight requests finish, logs close), then the controller, then unlocks. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(
        this.nodes.map(async (n) => {
          try {
            await n.control.shutdown();
          } catch {
            // A broker that cannot shut down cleanly is terminated below anyway.
          }
          await n.worker.terminate();
        }),
      );
      await this.controller.close();
      this.unlock();
    })();
    return this.stopping;
  }
}

function startBroker(workerPath: string, id: number, options: ClusterOptions, settings: BrokerSettings, controller: Controller): Promise<BrokerNode> {
  const toController = new MessageChannel();
  const toBroker = new MessageChannel();
  exposeOn(toController.port1, controller);
  const data: BrokerWorkerData = {
    brokerId: id,
    host: options.host,
    port: options.port === 0 ? 0 : options.port + id,
    dataDir: options.dataDir,
    settings,
    controllerPort: toController.port2,
    controlPort: toBroker.port2,
  };
  const worker = new Worker(workerPath, { workerData: data, transferList: [toController.port2, toBroker.port2], name: `broker-${id}` });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new ClusterStartError(`broker ${id} exited during start-up (code ${code})`));
    worker.once('error', (e) => reject(new ClusterStartError(`broker ${id} failed to start: ${e.message}`)));
    worker.once('exit', onExit);
    worker.once('message', (m: BrokerStartupMessage) => {
      worker.off('exit', onExit);
      if (m.type === 'listening') {
        resolve({ id, port: m.port, worker, control: connect<BrokerControlApi>(toBroker.port1) });
        return;
      }
      void worker.terminate();
      const where = `${options.host}:${data.port}`;
      reject(
        new ClusterStartError(m.code === 'EADDRINUSE' ? `port ${where} is already in use (broker ${id})` : `broker ${id} could not listen on ${where}: ${m.message}`),
      );
    });
  });
}

// The embedded API for other Node projects' test suites:
//   import { startCluster } from 'eddy';
//   const cluster = await startCluster({ brokers: 3, port: 0 });
//   ... cluster.bootstrapServers ...
//   await cluster.stop();
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerSettings } from '../worker/rpc/broker-rpc.js';
import { Cluster } from './supervisor/cluster.js';

export interface StartClusterOptions {
  /** Number of brokers (1-9). Default 3. */
  brokers?: number;
  /** First broker port; broker i listens on port + i. Default 0: free ports picked by the OS. */
  port?: number;
  /** Listen and advertise address. Default 127.0.0.1. */
  host?: string;
  /** Data directory. Default: a new temporary directory, removed by stop(). */
  dataDir?: string;
  /** Broker settings, by Kafka broker config name (e.g. 'auto.create.topics.enable': false). */
  config?: Partial<BrokerSettings>;
}

export interface RunningCluster {
  /** Comma-separated host:port list for a Kafka client's bootstrap.servers. */
  readonly bootstrapServers: string;
  readonly clusterId: string;
  readonly dataDir: string;
  /** Stops the brokers and, when the data dir was temporary, removes it. */
  stop(): Promise<void>;
}

export type { BrokerSettings };

export async function startCluster(options: StartClusterOptions = {}): Promise<RunningCluster> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'eddy-'));
  let cluster: Cluster;
  try {
    cluster = await Cluster.start({
      brokers: options.brokers ?? 3,
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      dataDir,
      ...(options.config ? { settings: options.config } : {}),
    });
  } catch (e) {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    bootstrapServers: cluster.bootstrapServers,
    clusterId: cluster.clusterId,
    dataDir,
    async stop() {
      await cluster.stop();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

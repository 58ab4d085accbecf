// The embedded API for other Node projects' test suites:
//   import { startCluster } from 'eddy';
//   const cluster = await startCluster({ brokers: 3, port: 0 });
//   ... cluster.bootstrapServers ...
//   await cluster.stop();
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerSettings, LinkFaults } from '../worker/rpc/broker-rpc.js';
import { Cluster, type BrokerStatus, type LinkEnd, type PartitionStatus } from './supervisor/cluster.js';
import type { ClusterEvent } from './supervisor/controller.js';

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

  // Fault injection (local clusters only): brokers are nodes that can fail.
  /** Brokers with their port and state (running, paused, stopped; fenced when the controller shut them out). */
  brokers(): BrokerStatus[];
  /** Every partition's leader, epoch, replicas and in-sync replicas, as the controller sees them. */
  partitions(): PartitionStatus[];
  /** Hard stop of a broker's thread (a node crash). */
  killBroker(id: number): Promise<void>;
  /** Starts a killed broker again, on the same port and data. */
  restartBroker(id: number): Promise<void>;
  /** Adds a broker at run time; new topics are spread over it too. Returns its id. */
  addBroker(): Promise<number>;
  /** Freezes a broker's thread entirely, keeping its state. */
  pauseBroker(id: number): void;
  resumeBroker(id: number): void;
  /** Cuts the link between two brokers, or between a broker and `'controller'`. */
  cutLink(a: LinkEnd, b: LinkEnd): Promise<void>;
  healLink(a: LinkEnd, b: LinkEnd): Promise<void>;
  /** Latency (ms) and loss (0-1) on a link. */
  setLinkFaults(a: LinkEnd, b: LinkEnd, faults: Partial<LinkFaults>): Promise<void>;
  /** The broker's next `count` log writes fail. */
  failWrites(brokerId: number, count: number): Promise<void>;
  /** What happened to the cluster (broker failures, leader changes, ISR changes, faults), oldest first. */
  events(since?: number): ClusterEvent[];
}

export type { BrokerSettings, BrokerStatus, ClusterEvent, LinkEnd, LinkFaults, PartitionStatus };

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
    brokers: () => cluster.brokers(),
    partitions: () => cluster.partitions(),
    killBroker: (id) => cluster.killBroker(id),
    restartBroker: (id) => cluster.restartBroker(id),
    addBroker: () => cluster.addBroker(),
    pauseBroker: (id) => cluster.pauseBroker(id),
    resumeBroker: (id) => cluster.resumeBroker(id),
    cutLink: async (a, b) => void (await cluster.cutLink(a, b)),
    healLink: async (a, b) => void (await cluster.healLink(a, b)),
    setLinkFaults: async (a, b, f) => void (await cluster.setLinkFaults(a, b, f)),
    failWrites: (id, n) => cluster.failWrites(id, n),
    events: (since) => cluster.eventLog(since),
  };
}

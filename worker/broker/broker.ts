// A broker node: its TCP listener, its LMDB log, its partitions, and its view of the cluster metadata.
// It shares nothing with other brokers; the controller reaches it only through the control port.
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import type { BrokerControlApi, BrokerSettings, BrokerStats, ControllerApi, LinkFaults, ReplicaStatus } from '../rpc/broker-rpc.js';
import { PauseFlag } from '../rpc/broker-rpc.js';
import type { Remote } from '../rpc/channel.js';
import { MetadataImage, type MetadataDelta } from '../rpc/metadata.js';
import type { ApiRegistry } from './api/registry.js';
import type { BrokerContext } from './broker-context.js';
import { createRegistry } from './handlers/index.js';
import { FaultyLogStore } from './log/faulty-log-store.js';
import { LmdbLogStore } from './log/lmdb-log-store.js';
import { createLogger, type Logger } from './logger.js';
import { Connection } from './network/connection.js';
import { ControllerLink } from './network/controller-link.js';
import { PeerLinks } from './network/peer-links.js';
import type { ReplicaFetchRequest, ReplicaFetchWake } from './replica/replica-fetcher.js';
import { ProducerIdAllocator } from './replica/producer-ids.js';
import { ReplicaManager } from './replica/replica-manager.js';
import { GroupCoordinator } from './coordinator/group/group-coordinator.js';

export interface BrokerOptions {
  brokerId: number;
  host: string;
  port: number;
  dataDir: string;
  settings: BrokerSettings;
  controller: Remote<ControllerApi>;
  peerPorts: Record<number, MessagePort>;
  pauseFlag: SharedArrayBuffer;
}

export class Broker implements BrokerContext, BrokerControlApi {
  readonly brokerId: number;
  readonly logDir: string;
  readonly settings: BrokerSettings;
  readonly metadata = new MetadataImage();
  readonly replicas: ReplicaManager;
  readonly controller: ControllerLink;
  readonly producerIds: ProducerIdAllocator;
  readonly groups: GroupCoordinator;
  readonly registry: ApiRegistry = createRegistry();
  readonly log: Logger;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private readonly store: FaultyLogStore;
  private readonly links: PeerLinks;
  private readonly server: Server;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly pauseFlag: Int32Array;
  private readonly connections = new Set<Connection>();
  private metadataApplied = false;
  private metadataChain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: BrokerOptions) {
    this.brokerId = opts.brokerId;
    this.settings = opts.settings;
    this.controller = new ControllerLink(opts.controller);
    this.log = createLogger(`broker ${opts.brokerId}`);
    this.logDir = join(opts.dataDir, `broker-${opts.brokerId}`);
    const flushMs = opts.settings['log.flush.interval.ms'];
    this.store = new FaultyLogStore(
      new LmdbLogStore(this.logDir, { syncEveryCommit: opts.settings['log.flush.interval.messages'] === 1, ...(flushMs !== undefined ? { syncIntervalMs: flushMs } : {}) }),
    );
    this.pauseFlag = new Int32Array(opts.pauseFlag);
    this.metadata.setStaticDefaults({ ...opts.settings });
    this.links = new PeerLinks(async (from, method, body) => {
      if (method === 'replicaFetch') return this.replicas.handleReplicaFetch(body as ReplicaFetchRequest);
      if (method === 'replicaFetchWake') {
        this.replicas.wakeReplicaFetch((body as ReplicaFetchWake).replicaId);
        return { body: null };
      }
      throw new Error(`broker ${this.brokerId} does not serve ${method} (asked by ${from})`);
    });
    for (const [peer, port] of Object.entries(opts.peerPorts)) this.links.connect(Number(peer), port);
    this.replicas = new ReplicaManager({
      brokerId: opts.brokerId,
      store: this.store,
      metadata: this.metadata,
      log: this.log,
      links: this.links,
      controller: this.controller,
      replicaLagTimeMaxMs: opts.settings['replica.lag.time.max.ms'],
      retentionCheckIntervalMs: opts.settings['log.retention.check.interval.ms'],
      cleanerBackoffMs: opts.settings['log.cleaner.backoff.ms'],
      logDir: this.logDir,
    });
    this.producerIds = new ProducerIdAllocator(opts.brokerId, this.controller);
    this.groups = new GroupCoordinator({
      brokerId: opts.brokerId,
      settings: opts.settings,
      metadata: this.metadata,
      replicas: this.replicas,
      controller: this.controller,
      log: this.log,
    });
    this.heartbeatTimer = setInterval(() => void this.controller.brokerHeartbeat(this.brokerId).catch(() => undefined), opts.settings['broker.heartbeat.interval.ms']);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.server = createServer((socket) => this.onConnection(socket));
  }

  /** Starts listening; resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.opts.host, port: this.opts.port, exclusive: true }, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : this.opts.port);
      });
    });
  }

  private onConnection(socket: Socket): void {
    const conn = new Connection(socket, this.registry, this, (c) => this.connections.delete(c));
    this.connections.add(conn);
  }

  controllerId(): number {
    // The lowest live broker takes controller-bound admin requests and forwards them to the controller.
    let min = -1;
    for (const id of this.metadata.liveBrokers) if (min < 0 || id < min) min = id;
    return min;
  }

  applyMetadata(delta: MetadataDelta): Promise<void> {
    // Deltas are applied strictly in order, each fully (partition logs created) before the next.
    const run = async () => {
      this.metadata.applyDelta(delta);
      const partitionsReady = this.replicas.onMetadata(delta, !this.metadataApplied);
      // Coordinator shards follow leadership of __consumer_offsets partitions (set up synchronously above).
      this.groups.onMetadata();
      await partitionsReady;
      if (!this.metadataApplied) {
        this.metadataApplied = true;
        this.markReady();
      }
    };
    const next = this.metadataChain.then(run, run);
    this.metadataChain = next.catch((e) => this.log.error('applying metadata failed', e));
    return next;
  }

  async stats(): Promise<BrokerStats> {
    return {
      brokerId: this.brokerId,
      connections: this.connections.size,
      partitions: this.replicas.size,
      rssBytes: process.memoryUsage().rss,
    };
  }

  async connectPeer(peer: number, port: MessagePort): Promise<void> {
    this.links.connect(peer, port);
  }

  async setLinkFaults(peer: number, faults: LinkFaults): Promise<void> {
    this.links.setFaults(peer, faults);
  }

  async setControllerLinkFaults(faults: LinkFaults): Promise<void> {
    this.controller.faults = { ...faults };
  }

  async failNextWrites(count: number): Promise<void> {
    this.store.failNextWrites(count);
  }

  /** A frozen node: the whole thread blocks (no I/O, no timers) until the supervisor clears the flag. */
  freeze(): void {
    for (let flag = Atomics.load(this.pauseFlag, 0); flag !== PauseFlag.RUNNING; flag = Atomics.load(this.pauseFlag, 0)) {
      // Killed while frozen: end here, outside any transaction (see BrokerCrashMessage).
      if (flag === PauseFlag.CRASH) process.exit(1);
      Atomics.wait(this.pauseFlag, 0, flag, 1000);
    }
  }

  async replicaStatus(): Promise<ReplicaStatus[]> {
    return [...this.replicas.all()].map((p) => ({
      topic: p.topicName,
      partition: p.index,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      isr: p.isr,
      logStartOffset: p.logStartOffset,
      logEndOffset: p.logEndOffset,
      highWatermark: p.highWatermark,
    }));
  }

  async shutdown(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    this.replicas.shutdown();
    this.links.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const c of this.connections) c.close();
    });
    await this.metadataChain;
    await this.groups.shutdown();
    await this.store.close();
  }
}

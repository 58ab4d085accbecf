// The supervisor: starts the controller and one worker thread per broker, wires the simulated network
// between them, and is the fault-injection surface — kill, restart, freeze and resume a broker, cut, slow
// or make lossy a link, fail a broker's next writes. Headless mode, the embedded API and the Electron app
// all run clusters through here.
import { join, resolve } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import {
  DEFAULT_BROKER_SETTINGS,
  HEALTHY_LINK,
  PauseFlag,
  type BrokerControlApi,
  type BrokerCrashMessage,
  type BrokerSettings,
  type BrokerStartupMessage,
  type BrokerWorkerData,
  type LinkFaults,
  type ReplicaStatus,
} from '../../worker/rpc/broker-rpc.js';
import { connect, exposeOn, type Remote } from '../../worker/rpc/channel.js';
import { Controller, type ClusterEvent } from './controller.js';
import { brokerWorkerPath } from './app-paths.js';
import { lockDataDir } from './data-dir.js';
import { DEFAULT_SHRINK_POLICY, shrinkIfMostlyFree, worthLooking, type ShrinkPolicy } from '../../worker/broker/log/lmdb-shrink.js';

export const MAX_BROKERS = 9;
/** Data dirs a cluster of this process has run on: their environments may still be open in stopping threads. */
const dataDirsStartedHere = new Set<string>();
/** Events kept for the timeline. */
const MAX_EVENTS = 1000;

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

export class FaultError extends Error {
  override name = 'FaultError';
}

export type BrokerState = 'running' | 'paused' | 'stopped';

interface BrokerNode {
  id: number;
  /** The port it listens on (kept across restarts so clients find it again). */
  port: number;
  state: BrokerState;
  worker: Worker | null;
  control: Remote<BrokerControlApi> | null;
  pauseFlag: Int32Array;
}

export interface BrokerStatus {
  id: number;
  host: string;
  port: number;
  state: BrokerState;
  /** Fenced brokers are running but may not lead or be in an ISR (missed heartbeats, cut link). */
  fenced: boolean;
}

export interface PartitionStatus {
  topic: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

/** `controller` names the controller's end of a link. */
export type LinkEnd = number | 'controller';

export class Cluster {
  private readonly events: ClusterEvent[] = [];
  /** Faults by link, key `a-b` with a < b (or `controller-b`). */
  private readonly linkFaults = new Map<string, LinkFaults>();
  private stopping: Promise<void> | null = null;
  private readonly settings: BrokerSettings;
  private readonly workerPath: string;

  private constructor(
    readonly options: ClusterOptions,
    readonly controller: Controller,
    private readonly nodes: BrokerNode[],
    private readonly unlock: () => void,
    settings: BrokerSettings,
    workerPath: string,
  ) {
    this.settings = settings;
    this.workerPath = workerPath;
    controller.onEvent = (e) => this.record(e);
  }

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
    const nodes: BrokerNode[] = Array.from({ length: options.brokers }, (_, id) => ({
      id,
      port: options.port === 0 ? 0 : options.port + id,
      state: 'stopped' as BrokerState,
      worker: null,
      control: null,
      pauseFlag: new Int32Array(new SharedArrayBuffer(4)),
    }));
    try {
      const ctl = (controller = new Controller(options.dataDir, settings));
      // The cluster id's durable write overlaps the workers' start-up: brokers hear from the controller only when
      // they register, which its queue runs after init.
      const initialized = ctl.init();
      const workerPath = brokerWorkerPath();
      if (!workerPath) throw new ClusterStartError('the broker worker bundle is missing: run `npm run build` first');
      const cluster = new Cluster(options, controller, nodes, unlock, settings, workerPath);
      await cluster.giveBackFreeSpace();
      // One channel per pair of brokers: the simulated network.
      const peerPorts = nodes.map(() => ({}) as Record<number, MessagePort>);
      for (let a = 0; a < nodes.length; a++) {
        for (let b = a + 1; b < nodes.length; b++) {
          const ch = new MessageChannel();
          peerPorts[a]![b] = ch.port1;
          peerPorts[b]![a] = ch.port2;
        }
      }
      const spawned = nodes.map((n) => cluster.spawn(n, peerPorts[n.id]!));
      // A broker registers as soon as it and the brokers before it listen: in id order, as before (so elections on
      // a restart come out the same), but overlapping the controller's work with the later workers' start-up.
      let previous: Promise<unknown> = initialized;
      const registered = nodes.map((n, i) => (previous = Promise.all([previous, spawned[i]]).then(() => ctl.registerBroker(n.id, options.host, n.port, n.control!))));
      const started = await Promise.allSettled([initialized, ...spawned, ...registered]);
      const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure) throw failure.reason;
      return cluster;
    } catch (e) {
      await Promise.all(nodes.map((n) => n.worker?.terminate()));
      await controller?.close();
      unlock();
      throw e;
    }
  }

  /**
   * Shrinks the data file of each broker whose log shrank for good (lmdb-shrink.ts). Only here, before any worker
   * has its environment open; a failure leaves the file as it was (the space stays taken, nothing else changes).
   */
  private async giveBackFreeSpace(): Promise<void> {
    const here = resolve(this.options.dataDir);
    const usedBefore = dataDirsStartedHere.has(here);
    dataDirsStartedHere.add(here);
    const minFileBytes = this.settings['eddy.log.shrink.min.bytes'] ?? DEFAULT_SHRINK_POLICY.minFileBytes;
    if (minFileBytes < 0) return;
    const policy: ShrinkPolicy = { ...DEFAULT_SHRINK_POLICY, minFileBytes };
    const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
    for (const n of this.nodes) {
      const dir = join(this.options.dataDir, `broker-${n.id}`);
      if (!worthLooking(dir, policy)) continue;
      try {
        const r = await shrinkIfMostlyFree(dir, policy, usedBefore ? 'skip' : 'proceed');
        if (r) this.record({ time: Date.now(), type: 'storage-shrunk', detail: `broker ${n.id}: data file ${mb(r.fileBytes)} -> ${mb(r.newFileBytes)} (${mb(r.usedBytes)} in use) in ${Math.round(r.ms)} ms`, brokerId: n.id });
      } catch (e) {
        this.record({ time: Date.now(), type: 'storage-shrunk', detail: `broker ${n.id}: could not shrink the data file (${(e as Error).message}); it stays as it was`, brokerId: n.id });
      }
    }
  }

  /** Starts a broker's worker and waits until it listens (its port is fixed after the first start). */
  private spawn(node: BrokerNode, peerPorts: Record<number, MessagePort>): Promise<void> {
    const toController = new MessageChannel();
    const toBroker = new MessageChannel();
    exposeOn(toController.port1, this.controller);
    Atomics.store(node.pauseFlag, 0, 0);
    const data: BrokerWorkerData = {
      brokerId: node.id,
      host: this.options.host,
      port: node.port,
      dataDir: this.options.dataDir,
      settings: this.settings,
      controllerPort: toController.port2,
      controlPort: toBroker.port2,
      peerPorts,
      pauseFlag: node.pauseFlag.buffer as SharedArrayBuffer,
    };
    const worker = new Worker(this.workerPath, {
      workerData: data,
      transferList: [toController.port2, toBroker.port2, ...Object.values(peerPorts)],
      name: `broker-${node.id}`,
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new ClusterStartError(`broker ${node.id} exited during start-up (code ${code})`));
      worker.once('error', (e) => reject(new ClusterStartError(`broker ${node.id} failed to start: ${e.message}`)));
      worker.once('exit', onExit);
      worker.once('message', (m: BrokerStartupMessage) => {
        worker.off('exit', onExit);
        if (m.type === 'listening') {
          node.port = m.port;
          node.worker = worker;
          node.control = connect<BrokerControlApi>(toBroker.port1);
          node.state = 'running';
          worker.on('exit', () => this.onWorkerExit(node, worker));
          resolve();
          return;
        }
        void worker.terminate();
        const where = `${this.options.host}:${data.port}`;
        reject(
          new ClusterStartError(m.code === 'EADDRINUSE' ? `port ${where} is already in use (broker ${node.id})` : `broker ${node.id} could not listen on ${where}: ${m.message}`),
        );
      });
    });
  }

  private onWorkerExit(node: BrokerNode, worker: Worker): void {
    if (node.worker !== worker) return;
    node.worker = null;
    node.control = null;
    node.state = 'stopped';
    if (!this.stopping) void this.controller.brokerStopped(node.id);
  }

  private record(e: ClusterEvent): void {
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  /** The timeline: what happened to the cluster, oldest first. */
  eventLog(since = 0): ClusterEvent[] {
    return this.events.filter((e) => e.time >= since);
  }

  private node(id: number): BrokerNode {
    const n = this.nodes[id];
    if (!n) throw new FaultError(`no broker ${id} (brokers are 0-${this.nodes.length - 1})`);
    return n;
  }

  // ---- broker faults

  /** Hard stop of a broker's worker: a node crash. */
  async killBroker(id: number): Promise<void> {
    const n = this.node(id);
    if (!n.worker) throw new FaultError(`broker ${id} is not running`);
    this.record({ time: Date.now(), type: 'broker-killed', detail: `broker ${id} killed`, brokerId: id });
    await crashWorker(n.worker, n.pauseFlag);
  }

  /** Starts a stopped broker again on its port and data; it catches up and rejoins the ISR. */
  async restartBroker(id: number): Promise<void> {
    const n = this.node(id);
    if (n.worker) throw new FaultError(`broker ${id} is already running`);
    // Links to running (or frozen) peers only: a stopped peer links to this broker when it starts. (Closing the
    // far end of a channel for it would detach the near end too.)
    const peerPorts: Record<number, MessagePort> = {};
    const connecting: Promise<void>[] = [];
    for (const other of this.nodes) {
      if (other.id === id || !other.control) continue;
      const ch = new MessageChannel();
      peerPorts[other.id] = ch.port1;
      const handed = other.control.connectPeer(id, Comlink.transfer(ch.port2, [ch.port2]));
      // A frozen peer takes its end when it thaws; the restart does not wait for that.
      if (other.state !== 'paused') connecting.push(handed);
      else void handed.catch(() => undefined);
    }
    await Promise.all(connecting);
    await this.spawn(n, peerPorts);
    for (const [key, faults] of this.linkFaults) {
      const [a, b] = key.split('-');
      if (a === 'controller' && Number(b) === id) await n.control!.setControllerLinkFaults(faults);
      else if (Number(a) === id) await n.control!.setLinkFaults(Number(b), faults);
      else if (Number(b) === id) await n.control!.setLinkFaults(Number(a), faults);
    }
    await this.controller.registerBroker(id, this.options.host, n.port, n.control!);
  }

  /** Adds a broker to the running cluster (ids count up; ports follow the first broker's when fixed). */
  async addBroker(): Promise<number> {
    if (this.nodes.length >= MAX_BROKERS) throw new FaultError(`a cluster has at most ${MAX_BROKERS} brokers`);
    const id = this.nodes.length;
    const node: BrokerNode = {
      id,
      port: this.options.port === 0 ? 0 : this.options.port + id,
      state: 'stopped',
      worker: null,
      control: null,
      pauseFlag: new Int32Array(new SharedArrayBuffer(4)),
    };
    this.nodes.push(node);
    try {
      await this.restartBroker(id);
    } catch (e) {
      this.nodes.pop();
      throw e;
    }
    return id;
  }

  /** Freezes a broker: its thread stops dead (no requests, no heartbeats, no timers) but keeps its state. */
  pauseBroker(id: number): void {
    const n = this.node(id);
    if (n.state !== 'running' || !n.control) throw new FaultError(`broker ${id} is not running`);
    Atomics.store(n.pauseFlag, 0, PauseFlag.FROZEN);
    void n.control.freeze();
    n.state = 'paused';
    this.record({ time: Date.now(), type: 'broker-paused', detail: `broker ${id} paused`, brokerId: id });
  }

  resumeBroker(id: number): void {
    const n = this.node(id);
    if (n.state !== 'paused') throw new FaultError(`broker ${id} is not paused`);
    Atomics.store(n.pauseFlag, 0, 0);
    Atomics.notify(n.pauseFlag, 0);
    n.state = 'running';
    this.record({ time: Date.now(), type: 'broker-resumed', detail: `broker ${id} resumed`, brokerId: id });
  }

  /** The broker's next `count` log writes fail (it reports KAFKA_STORAGE_ERROR and hands leadership away). */
  async failWrites(id: number, count: number): Promise<void> {
    const n = this.node(id);
    if (!n.control) throw new FaultError(`broker ${id} is not running`);
    await n.control.failNextWrites(count);
    this.record({ time: Date.now(), type: 'storage-fault', detail: `broker ${id}: next ${count} writes fail`, brokerId: id });
  }

  // ---- link faults

  private linkKey(a: LinkEnd, b: LinkEnd): string {
    if (a === 'controller' && b === 'controller') throw new FaultError('a link needs two different ends');
    if (a === 'controller' || b === 'controller') {
      const broker = a === 'controller' ? (b as number) : a;
      this.node(broker);
      return `controller-${broker}`;
    }
    if (a === b) throw new FaultError('a link needs two different ends');
    this.node(a);
    this.node(b);
    return a < b ? `${a}-${b}` : `${b}-${a}`;
  }

  /** Sets the faults of the link between two brokers, or a broker and the controller. */
  async setLinkFaults(a: LinkEnd, b: LinkEnd, faults: Partial<LinkFaults>): Promise<LinkFaults> {
    const key = this.linkKey(a, b);
    const next: LinkFaults = { ...(this.linkFaults.get(key) ?? HEALTHY_LINK), ...faults };
    if (next.loss < 0 || next.loss > 1) throw new FaultError('loss must be between 0 and 1');
    if (next.delayMs < 0) throw new FaultError('delay must not be negative');
    const healthy = !next.cut && next.delayMs === 0 && next.loss === 0;
    if (healthy) this.linkFaults.delete(key);
    else this.linkFaults.set(key, next);
    if (key.startsWith('controller-')) {
      const broker = Number(key.slice('controller-'.length));
      await this.node(broker).control?.setControllerLinkFaults(next);
      await this.controller.setLinkCut(broker, next.cut);
    } else {
      const [x, y] = key.split('-').map(Number) as [number, number];
      await this.node(x).control?.setLinkFaults(y, next);
      await this.node(y).control?.setLinkFaults(x, next);
    }
    const what = healthy ? 'healed' : [next.cut ? 'cut' : '', next.delayMs ? `delay ${next.delayMs} ms` : '', next.loss ? `loss ${next.loss}` : ''].filter(Boolean).join(', ');
    this.record({ time: Date.now(), type: 'link-fault', detail: `link ${key}: ${what}` });
    return next;
  }

  cutLink(a: LinkEnd, b: LinkEnd): Promise<LinkFaults> {
    return this.setLinkFaults(a, b, { cut: true });
  }

  healLink(a: LinkEnd, b: LinkEnd): Promise<LinkFaults> {
    return this.setLinkFaults(a, b, { ...HEALTHY_LINK });
  }

  links(): { link: string; faults: LinkFaults }[] {
    return [...this.linkFaults].map(([link, faults]) => ({ link, faults }));
  }

  // ---- status

  brokers(): BrokerStatus[] {
    const live = this.controller.image.liveBrokers;
    return this.nodes.map((n) => ({ id: n.id, host: this.options.host, port: n.port, state: n.state, fenced: n.state === 'running' && !live.has(n.id) }));
  }

  partitions(): PartitionStatus[] {
    const out: PartitionStatus[] = [];
    for (const t of this.controller.image.topicsByName.values()) {
      for (const p of t.partitions) {
        if (p) out.push({ topic: t.name, partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr });
      }
    }
    return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** Each running broker's own view of its replicas (log end, high watermark). */
  async replicaStatus(id: number): Promise<ReplicaStatus[]> {
    const n = this.node(id);
    if (!n.control || n.state !== 'running') return [];
    return n.control.replicaStatus();
  }

  /** Stops every broker (in-flight requests finish, logs close), then the controller, then unlocks. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(
        this.nodes.map(async (n) => {
          if (!n.worker) return;
          Atomics.store(n.pauseFlag, 0, PauseFlag.RUNNING);
          Atomics.notify(n.pauseFlag, 0);
          try {
            await withTimeout(n.control!.shutdown(), 10_000);
          } catch {
            // A broker that cannot shut down cleanly is crashed below anyway.
          }
          await crashWorker(n.worker, n.pauseFlag);
        }),
      );
      await this.controller.close();
      this.unlock();
    })();
    return this.stopping;
  }
}

/** How long a broker told to crash may take to end its thread before it is terminated from outside. */
const CRASH_GRACE_MS = 5_000;

/**
 * Ends a broker's thread as a node crash: the broker exits by itself at its next event-loop task, or at once if it
 * is frozen (see BrokerCrashMessage for why not Worker.terminate()). Only a thread that does not get there in
 * CRASH_GRACE_MS (a task that never ends) is terminated.
 */
async function crashWorker(worker: Worker, pauseFlag: Int32Array): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  Atomics.store(pauseFlag, 0, PauseFlag.CRASH);
  Atomics.notify(pauseFlag, 0);
  worker.postMessage({ type: 'crash' } satisfies BrokerCrashMessage);
  try {
    await withTimeout(exited, CRASH_GRACE_MS);
  } catch {
    await worker.terminate();
  }
}

/** Rejects with 'timed out' when `p` has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

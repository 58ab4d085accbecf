// The UI contract's implementation: one object served to every window over comlink (Electron MessagePort or the
// headless WebSocket). It talks Kafka to each connection's cluster through the client library; only the local
// controls and settings reach into the supervisor. Each area lives in its own module; this class wires them.
import { platform } from 'node:os';
import type {
  BrokerInfo,
  BrowseCursor,
  BrowseQuery,
  BrowseResult,
  ClusterEvent,
  ClusterOverview,
  ConfigChange,
  ConfigEntry,
  ConnectionInfo,
  CreateTopicInput,
  GroupDetail,
  GroupSummary,
  LocalClusterState,
  MessageRecord,
  MetricsSample,
  OffsetResetInput,
  OffsetResetPreview,
  ProduceInput,
  ProduceResult,
  RemoteConnectionParams,
  Settings,
  TopicConsumer,
  TopicDetail,
  TopicSummary,
  UiApi,
} from '../contract/ui-api.js';
import { LOCAL_CONNECTION } from '../contract/ui-api.js';
import { packageVersion } from '../supervisor/app-paths.js';
import { MAX_BROKERS, type Cluster } from '../supervisor/cluster.js';
import { brokerInfos, logDirSizes, partitionCounts } from './cluster-info.js';
import type { Connection } from './connection.js';
import { describeConfigs } from './configs.js';
import { Connections } from './connections.js';
import { badRequest, uiError } from './errors.js';
import * as groups from './groups.js';
import { Browser, readMessage, waitForRecords } from './messages/browse.js';
import { FilterCache } from './messages/filter-sandbox.js';
import { messagesOf, ProducerPool } from './messages/produce.js';
import { Sampler } from './sampler.js';
import * as topics from './topics.js';
import type { LocalCluster } from './local-cluster.js';
import { brokerId, faultAction, linkEnd, localOnly, localState } from './local-control.js';
import { SettingsStore } from './settings-store.js';

export interface GuiBackendOptions {
  runtime: 'electron' | 'headless';
  /** Settings and remote connections are kept here. */
  appDataDir: string;
  /** The app's own cluster; null when the GUI only talks to remote clusters. */
  local: LocalCluster | null;
  /** How often each connection is sampled (ms); 2 s by default. */
  sampleIntervalMs?: number;
  /**
   * Supervisor events from this time on show in the local timeline (ms; default: now). The app passes its start, so
   * a backend started later (on the first contract call) still shows what happened before it.
   */
  eventsSince?: number;
}

export class GuiBackend implements UiApi {
  readonly connections: Connections;
  readonly settingsStore: SettingsStore;
  private readonly local: LocalCluster | null;
  private readonly runtime: 'electron' | 'headless';
  /** The local cluster's broker count and first port when the app started (to tell when a restart is needed). */
  private readonly startedWith: { brokers: number; port: number } | null;
  private readonly samplers = new Map<Connection, Sampler>();
  private readonly filters = new FilterCache();
  private readonly producers = new ProducerPool();
  /** The local connection's first check (nothing to wait for without a local cluster). */
  private readonly localChecked: Promise<void> = Promise.resolve();

  constructor(opts: GuiBackendOptions) {
    this.runtime = opts.runtime;
    this.local = opts.local;
    this.settingsStore = new SettingsStore(opts.appDataDir);
    this.connections = new Connections(opts.appDataDir);
    this.connections.onAdded = (c) => {
      const sampler = new Sampler(c, () => this.supervisorOf(c), opts.sampleIntervalMs, opts.eventsSince);
      this.samplers.set(c, sampler);
      sampler.start();
    };
    this.connections.onRemoved = (c) => {
      void this.samplers.get(c)?.stop();
      this.samplers.delete(c);
      this.producers.forget(c);
    };
    this.startedWith = opts.local ? { brokers: opts.local.cluster.brokers().length, port: opts.local.cluster.options.port } : null;
    if (opts.local) {
      const local = opts.local;
      const conn = this.connections.addLocal(local.cluster.bootstrapServers);
      this.localChecked = conn.check().catch(() => undefined);
      local.onReplaced((cluster) => {
        this.producers.forget(conn);
        void conn.repoint(cluster.bootstrapServers).then(() => conn.check().catch(() => undefined));
      });
    }
    this.connections.restore();
  }

  /** Resolves once the local cluster has answered (or failed) its first Metadata, so the first page sees its state. */
  ready(): Promise<void> {
    return this.localChecked;
  }

  async close(): Promise<void> {
    await Promise.all([...this.samplers.values()].map((x) => x.stop()));
    this.samplers.clear();
    await this.filters.closeAll();
    await this.producers.closeAll();
    await this.connections.closeAll();
  }

  private sampler(c: Connection): Sampler {
    const s = this.samplers.get(c);
    if (!s) throw uiError('NOT_CONNECTED', `connection ${c.id} has no sampler`);
    return s;
  }

  // ---- app and connections

  async appInfo() {
    return { version: packageVersion(), runtime: this.runtime, platform: platform() };
  }

  async listConnections(): Promise<ConnectionInfo[]> {
    return this.connections.list();
  }

  addConnection(params: RemoteConnectionParams): Promise<ConnectionInfo> {
    return this.connections.add(params);
  }

  removeConnection(id: string): Promise<void> {
    return this.connections.remove(id);
  }

  // ---- cluster

  /** The local cluster's supervisor when `c` is the local connection. */
  private supervisorOf(c: Connection): Cluster | null {
    return c.kind === 'local' && this.local && !this.local.busy ? this.local.cluster : null;
  }

  async overview(conn: string): Promise<ClusterOverview> {
    const c = this.connections.get(conn);
    const md = await c.metadata();
    const [sizes, lag] = await Promise.all([logDirSizes(c.client, md), this.groupLagSummary(c)]);
    const counts = partitionCounts(md);
    return {
      connection: c.info(),
      clusterId: md.clusterId,
      controllerId: md.controllerId >= 0 ? md.controllerId : null,
      brokers: brokerInfos(md, sizes, this.supervisorOf(c)),
      topics: counts.topics,
      partitions: counts.partitions,
      underReplicatedPartitions: counts.underReplicated,
      offlinePartitions: counts.offline,
      groups: lag.groups,
      totalConsumerLag: lag.total,
      laggingGroups: lag.lagging,
    };
  }

  /** Group count and lag for the overview: the sampler's last reading, or a fresh one before the first sample. */
  private async groupLagSummary(c: Connection): Promise<{ groups: number; total: number; lagging: { groupId: string; lag: number }[] }> {
    const snap = this.samplers.get(c)?.latestGroups() ?? (await groups.groupsSnapshot(c).catch(() => null));
    if (!snap) return { groups: 0, total: 0, lagging: [] };
    const lagging = snap.summaries
      .filter((g) => (g.totalLag ?? 0) > 0)
      .map((g) => ({ groupId: g.groupId, lag: g.totalLag! }))
      .sort((a, b) => b.lag - a.lag)
      .slice(0, 10);
    return { groups: snap.summaries.length, total: snap.summaries.reduce((s, g) => s + (g.totalLag ?? 0), 0), lagging };
  }
  async metrics(conn: string, since?: number): Promise<MetricsSample[]> {
    return this.sampler(this.connections.get(conn)).metrics(since);
  }

  async events(conn: string, afterSeq?: number): Promise<ClusterEvent[]> {
    return this.sampler(this.connections.get(conn)).eventsAfter(afterSeq);
  }

  async brokers(conn: string): Promise<BrokerInfo[]> {
    const c = this.connections.get(conn);
    const md = await c.metadata();
    return brokerInfos(md, await logDirSizes(c.client, md), this.supervisorOf(c));
  }
  async brokerConfigs(conn: string, brokerId: number): Promise<ConfigEntry[]> {
    const c = this.connections.get(conn);
    const md = await c.metadata();
    const b = md.brokers.find((x) => x.id === brokerId);
    if (!b) throw uiError('BROKER_NOT_AVAILABLE', `broker ${brokerId} is not in the cluster's metadata`, 'it may be down: its configs are read from the broker itself');
    return describeConfigs(c.client, 'broker', String(brokerId), await c.client.broker(b));
  }


  // ---- topics

  async topics(conn: string): Promise<TopicSummary[]> {
    const c = this.connections.get(conn);
    return topics.topicSummaries(c, this.samplers.get(c)?.rates() ?? new Map());
  }

  async topic(conn: string, name: string): Promise<TopicDetail> {
    const c = this.connections.get(conn);
    return topics.topicDetail(c, name, this.supervisorOf(c));
  }

  async newTopicDefaults(conn: string): Promise<ConfigEntry[]> {
    return topics.newTopicDefaults(this.connections.get(conn));
  }

  async createTopic(conn: string, input: CreateTopicInput): Promise<void> {
    await topics.createTopic(this.connections.get(conn), input);
  }

  async deleteTopic(conn: string, name: string): Promise<void> {
    await topics.deleteTopic(this.connections.get(conn), name);
  }

  async purgeTopic(conn: string, name: string, partitions?: number[]): Promise<void> {
    await topics.purgeTopic(this.connections.get(conn), name, partitions);
  }

  async addPartitions(conn: string, name: string, totalCount: number): Promise<void> {
    await topics.addPartitions(this.connections.get(conn), name, totalCount);
  }

  async topicConfigs(conn: string, name: string): Promise<ConfigEntry[]> {
    const c = this.connections.get(conn);
    topics.findTopic(await c.metadata(), name);
    return describeConfigs(c.client, 'topic', name);
  }

  async alterTopicConfigs(conn: string, name: string, change: ConfigChange): Promise<void> {
    await topics.alterTopicConfigs(this.connections.get(conn), name, change);
  }

  async topicConsumers(conn: string, name: string): Promise<TopicConsumer[]> {
    const c = this.connections.get(conn);
    topics.findTopic(await c.metadata(), name);
    return groups.topicConsumersFrom(await groups.groupsSnapshot(c), name);
  }


  // ---- messages

  async browse(conn: string, query: BrowseQuery): Promise<BrowseResult> {
    return new Browser(this.connections.get(conn), this.filters).run(query);
  }

  async browseMore(conn: string, query: BrowseQuery, cursor: BrowseCursor): Promise<BrowseResult> {
    if (!cursor || typeof cursor.positions !== 'object') throw badRequest('browseMore: a cursor from an earlier browse is required');
    return new Browser(this.connections.get(conn), this.filters).run(query, cursor);
  }

  async tail(conn: string, query: BrowseQuery, cursor: BrowseCursor, waitMs: number): Promise<BrowseResult> {
    if (!cursor || cursor.direction !== 'forward') throw badRequest('tail: a forward cursor is required');
    const c = this.connections.get(conn);
    const until = Date.now() + Math.min(Math.max(0, Number(waitMs) || 0), 60_000);
    const browser = new Browser(c, this.filters);
    let result = await browser.run({ ...query, direction: 'forward' }, cursor);
    // Long polls in the brokers (their purgatory), in short rounds so data on any leader ends the wait soon.
    while (result.messages.length === 0 && Date.now() < until) {
      await waitForRecords(c, result.cursor, Math.min(500, until - Date.now()));
      result = await browser.run({ ...query, direction: 'forward' }, result.cursor);
    }
    return result;
  }

  async message(conn: string, topic: string, partition: number, offset: number): Promise<MessageRecord | null> {
    return readMessage(this.connections.get(conn), topic, partition, offset);
  }

  async produce(conn: string, input: ProduceInput): Promise<ProduceResult> {
    if (!input || typeof input.topic !== 'string') throw badRequest('produce: topic is required');
    const c = this.connections.get(conn);
    const { count, at } = messagesOf(input);
    return this.producers.send(c, input.topic, count, at, input.compression);
  }

  async replay(conn: string, from: { topic: string; partition: number; offset: number }, to: { conn: string; topic: string; partition?: number }): Promise<ProduceResult> {
    if (!from || !to || typeof to.topic !== 'string') throw badRequest('replay: from { topic, partition, offset } and to { conn, topic } are required');
    const full = await readMessage(this.connections.get(conn), from.topic, from.partition, from.offset);
    if (!full) throw uiError('OFFSET_OUT_OF_RANGE', `no message at ${from.topic}/${from.partition} offset ${from.offset}`, 'it may have been deleted by retention, compaction or a purge');
    const bytes = (b: { base64: string } | null) => (b ? Buffer.from(b.base64, 'base64') : null);
    const target = this.connections.get(to.conn);
    const message = { key: bytes(full.key), value: bytes(full.value), headers: full.headers.map((h) => ({ key: h.key, value: bytes(h.value) })), ...(to.partition !== undefined ? { partition: to.partition } : {}) };
    return this.producers.send(target, to.topic, 1, () => message);
  }


  // ---- groups

  async groups(conn: string): Promise<GroupSummary[]> {
    return (await groups.groupsSnapshot(this.connections.get(conn))).summaries;
  }

  async group(conn: string, groupId: string): Promise<GroupDetail> {
    const c = this.connections.get(conn);
    return groups.groupDetail(c, groupId, this.samplers.get(c)?.lagHistory(groupId) ?? []);
  }

  async previewOffsetReset(conn: string, input: OffsetResetInput): Promise<OffsetResetPreview> {
    return groups.previewOffsetReset(this.connections.get(conn), input);
  }

  async resetOffsets(conn: string, input: OffsetResetInput): Promise<OffsetResetPreview> {
    return groups.resetOffsets(this.connections.get(conn), input);
  }

  async deleteGroup(conn: string, groupId: string): Promise<void> {
    await groups.deleteGroup(this.connections.get(conn), groupId);
  }

  async deleteGroupOffsets(conn: string, groupId: string, topic: string, partitions?: number[]): Promise<void> {
    await groups.deleteGroupOffsets(this.connections.get(conn), groupId, topic, partitions);
  }


  // ---- settings

  async settings(): Promise<Settings> {
    const stored = this.settingsStore.get();
    const cluster = this.local?.cluster;
    const brokerCount = stored.brokerCount ?? cluster?.brokers().length ?? 3;
    const basePort = stored.basePort ?? (cluster ? cluster.options.port || cluster.brokerPorts()[0]! : 9092);
    const restartRequired =
      this.startedWith !== null &&
      ((stored.basePort !== undefined && stored.basePort !== this.startedWith.port) || (stored.brokerCount !== undefined && stored.brokerCount < (cluster?.brokers().length ?? 0)));
    return { theme: stored.theme, brokerCount, basePort, dataDir: this.local?.dataDir ?? '', restartRequired };
  }

  async updateSettings(patch: Partial<Pick<Settings, 'theme' | 'brokerCount' | 'basePort'>>): Promise<Settings> {
    if (!patch || typeof patch !== 'object') throw badRequest('settings: expected an object');
    if (patch.theme !== undefined && !['light', 'dark', 'system'].includes(patch.theme)) throw badRequest(`theme: "${patch.theme}" is not light, dark or system`);
    if (patch.brokerCount !== undefined && (!Number.isInteger(patch.brokerCount) || patch.brokerCount < 1 || patch.brokerCount > MAX_BROKERS)) {
      throw badRequest(`brokerCount must be between 1 and ${MAX_BROKERS}, got ${patch.brokerCount}`);
    }
    if (patch.basePort !== undefined && (!Number.isInteger(patch.basePort) || patch.basePort < 1 || patch.basePort > 65535)) {
      throw badRequest(`basePort must be between 1 and 65535, got ${patch.basePort}`);
    }
    if (patch.basePort !== undefined && patch.basePort + (patch.brokerCount ?? this.settingsStore.get().brokerCount ?? MAX_BROKERS) - 1 > 65535) {
      throw badRequest(`basePort ${patch.basePort} leaves no room for the brokers below 65536`);
    }
    if ((patch.brokerCount !== undefined || patch.basePort !== undefined) && !this.local) {
      throw badRequest('brokerCount and basePort are settings of the local cluster, which this app does not run');
    }
    this.settingsStore.update({
      ...(patch.theme !== undefined ? { theme: patch.theme } : {}),
      ...(patch.brokerCount !== undefined ? { brokerCount: patch.brokerCount } : {}),
      ...(patch.basePort !== undefined ? { basePort: patch.basePort } : {}),
    });
    // More brokers: add them now (the supervisor can grow a running cluster; fewer takes a reset or restart).
    if (patch.brokerCount !== undefined && this.local) {
      const local = localOnly(this.local);
      while (local.cluster.brokers().length < patch.brokerCount) await this.addBroker();
    }
    return this.settings();
  }

  // ---- local controls

  async localState(): Promise<LocalClusterState> {
    return localState(localOnly(this.local).cluster);
  }

  async killBroker(id: number): Promise<void> {
    const local = localOnly(this.local);
    await faultAction(`kill broker ${id}`, () => local.cluster.killBroker(brokerId(id)));
  }

  async restartBroker(id: number): Promise<void> {
    const local = localOnly(this.local);
    await faultAction(`restart broker ${id}`, () => local.cluster.restartBroker(brokerId(id)));
  }

  async pauseBroker(id: number): Promise<void> {
    const local = localOnly(this.local);
    await faultAction(`pause broker ${id}`, () => local.cluster.pauseBroker(brokerId(id)));
  }

  async resumeBroker(id: number): Promise<void> {
    const local = localOnly(this.local);
    await faultAction(`resume broker ${id}`, () => local.cluster.resumeBroker(brokerId(id)));
  }

  async addBroker(): Promise<{ id: number; port: number }> {
    const local = localOnly(this.local);
    const id = await faultAction('add broker', () => local.cluster.addBroker());
    const localConn = [...this.samplers.keys()].find((c) => c.kind === 'local');
    if (localConn) this.samplers.get(localConn)!.events.add({ kind: 'broker-added', message: `broker ${id} added`, brokerId: id });
    const count = local.cluster.brokers().length;
    if ((this.settingsStore.get().brokerCount ?? 0) < count) this.settingsStore.update({ brokerCount: count });
    return { id, port: local.cluster.brokerPorts()[id]! };
  }

  async setLink(a: number | 'controller', b: number | 'controller', faults: { cut?: boolean; delayMs?: number; lossRate?: number }): Promise<void> {
    const local = localOnly(this.local);
    const change: { cut?: boolean; delayMs?: number; loss?: number } = {};
    if (faults?.cut !== undefined) change.cut = Boolean(faults.cut);
    if (faults?.delayMs !== undefined) change.delayMs = Number(faults.delayMs);
    if (faults?.lossRate !== undefined) change.loss = Number(faults.lossRate);
    await faultAction('set link faults', () => local.cluster.setLinkFaults(linkEnd(a), linkEnd(b), change));
  }

  async healAllLinks(): Promise<void> {
    const local = localOnly(this.local);
    for (const { link } of local.cluster.links()) {
      const [a, b] = link.split('-');
      const end = (s: string) => (s === 'controller' ? ('controller' as const) : Number(s));
      await faultAction('heal link', () => local.cluster.healLink(end(a!), end(b!)));
    }
  }

  async failWrites(id: number, n: number): Promise<void> {
    const local = localOnly(this.local);
    if (!Number.isInteger(n) || n < 0) throw badRequest(`the number of failing writes must be a whole number, got ${n}`);
    await faultAction(`fail writes of broker ${id}`, () => local.cluster.failWrites(brokerId(id), n));
  }

  async resetLocalCluster(): Promise<void> {
    const local = localOnly(this.local);
    const stored = this.settingsStore.get();
    await local.reset({ ...(stored.brokerCount ? { brokers: stored.brokerCount } : {}) });
  }
}

export { LOCAL_CONNECTION };

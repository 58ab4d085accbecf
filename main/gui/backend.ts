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
import { Connections } from './connections.js';
import { badRequest, notYet } from './errors.js';
import type { LocalCluster } from './local-cluster.js';
import { brokerId, faultAction, linkEnd, localOnly, localState } from './local-control.js';
import { SettingsStore } from './settings-store.js';

export interface GuiBackendOptions {
  runtime: 'electron' | 'headless';
  /** Settings and remote connections are kept here. */
  appDataDir: string;
  /** The app's own cluster; null when the GUI only talks to remote clusters. */
  local: LocalCluster | null;
}

export class GuiBackend implements UiApi {
  readonly connections: Connections;
  readonly settingsStore: SettingsStore;
  private readonly local: LocalCluster | null;
  private readonly runtime: 'electron' | 'headless';
  /** The local cluster's broker count and first port when the app started (to tell when a restart is needed). */
  private readonly startedWith: { brokers: number; port: number } | null;

  constructor(opts: GuiBackendOptions) {
    this.runtime = opts.runtime;
    this.local = opts.local;
    this.settingsStore = new SettingsStore(opts.appDataDir);
    this.connections = new Connections(opts.appDataDir);
    this.startedWith = opts.local ? { brokers: opts.local.cluster.brokers().length, port: opts.local.cluster.options.port } : null;
    if (opts.local) {
      const local = opts.local;
      const conn = this.connections.addLocal(local.cluster.bootstrapServers);
      void conn.check().catch(() => undefined);
      local.onReplaced((cluster) => {
        void conn.repoint(cluster.bootstrapServers).then(() => conn.check().catch(() => undefined));
      });
    }
    this.connections.restore();
  }

  async close(): Promise<void> {
    await this.connections.closeAll();
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

  /** Group count and lag for the overview (filled in by the groups module). */
  private async groupLagSummary(_c: Connection): Promise<{ groups: number; total: number; lagging: { groupId: string; lag: number }[] }> {
    return { groups: 0, total: 0, lagging: [] };
  }
  async metrics(_conn: string, _since?: number): Promise<MetricsSample[]> {
    throw notYet('metrics');
  }
  async events(_conn: string, _afterSeq?: number): Promise<ClusterEvent[]> {
    throw notYet('events');
  }
  async brokers(conn: string): Promise<BrokerInfo[]> {
    const c = this.connections.get(conn);
    const md = await c.metadata();
    return brokerInfos(md, await logDirSizes(c.client, md), this.supervisorOf(c));
  }
  async brokerConfigs(_conn: string, _brokerId: number): Promise<ConfigEntry[]> {
    throw notYet('brokerConfigs');
  }

  // ---- topics

  async topics(_conn: string): Promise<TopicSummary[]> {
    throw notYet('topics');
  }
  async topic(_conn: string, _name: string): Promise<TopicDetail> {
    throw notYet('topic');
  }
  async newTopicDefaults(_conn: string): Promise<ConfigEntry[]> {
    throw notYet('newTopicDefaults');
  }
  async createTopic(_conn: string, _input: CreateTopicInput): Promise<void> {
    throw notYet('createTopic');
  }
  async deleteTopic(_conn: string, _name: string): Promise<void> {
    throw notYet('deleteTopic');
  }
  async purgeTopic(_conn: string, _name: string, _partitions?: number[]): Promise<void> {
    throw notYet('purgeTopic');
  }
  async addPartitions(_conn: string, _name: string, _totalCount: number): Promise<void> {
    throw notYet('addPartitions');
  }
  async topicConfigs(_conn: string, _name: string): Promise<ConfigEntry[]> {
    throw notYet('topicConfigs');
  }
  async alterTopicConfigs(_conn: string, _name: string, _change: ConfigChange): Promise<void> {
    throw notYet('alterTopicConfigs');
  }
  async topicConsumers(_conn: string, _name: string): Promise<TopicConsumer[]> {
    throw notYet('topicConsumers');
  }

  // ---- messages

  async browse(_conn: string, _query: BrowseQuery): Promise<BrowseResult> {
    throw notYet('browse');
  }
  async browseMore(_conn: string, _query: BrowseQuery, _cursor: BrowseCursor): Promise<BrowseResult> {
    throw notYet('browseMore');
  }
  async tail(_conn: string, _query: BrowseQuery, _cursor: BrowseCursor, _waitMs: number): Promise<BrowseResult> {
    throw notYet('tail');
  }
  async message(_conn: string, _topic: string, _partition: number, _offset: number): Promise<MessageRecord | null> {
    throw notYet('message');
  }
  async produce(_conn: string, _input: ProduceInput): Promise<ProduceResult> {
    throw notYet('produce');
  }
  async replay(_conn: string, _from: { topic: string; partition: number; offset: number }, _to: { conn: string; topic: string; partition?: number }): Promise<ProduceResult> {
    throw notYet('replay');
  }

  // ---- groups

  async groups(_conn: string): Promise<GroupSummary[]> {
    throw notYet('groups');
  }
  async group(_conn: string, _groupId: string): Promise<GroupDetail> {
    throw notYet('group');
  }
  async previewOffsetReset(_conn: string, _input: OffsetResetInput): Promise<OffsetResetPreview> {
    throw notYet('previewOffsetReset');
  }
  async resetOffsets(_conn: string, _input: OffsetResetInput): Promise<OffsetResetPreview> {
    throw notYet('resetOffsets');
  }
  async deleteGroup(_conn: string, _groupId: string): Promise<void> {
    throw notYet('deleteGroup');
  }
  async deleteGroupOffsets(_conn: string, _groupId: string, _topic: string, _partitions?: number[]): Promise<void> {
    throw notYet('deleteGroupOffsets');
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
      while (local.cluster.brokers().length < patch.brokerCount) await faultAction('add broker', () => local.cluster.addBroker());
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

// The typed UI contract shared by the renderer and both transports (comlink over an Electron MessagePort, and over
// a WebSocket in headless mode). The renderer only ever sees this interface. Every value crossing it is plain
// data (JSON-safe: no bigint, no Buffer, no class instances) so the WebSocket transport can carry it unchanged:
// offsets and timestamps are numbers (exact up to 2^53), bytes are base64.
//
// Every page works against any cluster: the GUI backend talks Kafka to it through a client library. A connection
// is the local cluster (id LOCAL_CONNECTION) or a remote one the user added; local-only powers (broker faults,
// settings of the local cluster) live in LocalControlApi and fail with LOCAL_ONLY for remote connections.
//
// Failures reject with an Error whose `name` is a Kafka error name (TOPIC_ALREADY_EXISTS, INVALID_CONFIG …) or one
// of the UI's own (UiErrorName) and whose message says what happened and, after " — ", what the user can do.

export const LOCAL_CONNECTION = 'local';

export type UiErrorName =
  | 'LOCAL_ONLY' // a local-cluster action on a remote connection
  | 'NOT_CONNECTED' // unknown or closed connection id
  | 'CONNECTION_FAILED' // bootstrap servers unreachable, TLS or SASL failure
  | 'BAD_REQUEST' // the UI sent something invalid (names the field)
  | 'FILTER_ERROR' // a message filter expression that does not compile or throws
  | 'TIMEOUT';

// ---------------------------------------------------------------------------------------------------------------
// Connections

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface RemoteConnectionParams {
  /** Shown in the cluster switcher; defaults to the bootstrap servers. */
  name?: string;
  /** host:port[,host:port…] */
  bootstrapServers: string;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** TLS on; caFile is a PEM file path on the machine running the backend (the system CAs without it). */
  tls?: { caFile?: string; rejectUnauthorized?: boolean };
}

export interface ConnectionInfo {
  id: string;
  name: string;
  kind: 'local' | 'remote';
  bootstrapServers: string;
  clusterId: string | null;
  state: 'connected' | 'connecting' | 'error';
  /** Set when state is 'error'. */
  error?: { name: string; message: string };
  /** Remote connections: SASL mechanism and TLS in use (never the password). */
  security?: { sasl?: SaslMechanism; tls: boolean };
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster, brokers, events, metrics

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  /** 'up' = in Metadata; local brokers also 'down' (killed) or 'paused' (frozen). */
  state: 'up' | 'down' | 'paused';
  isController: boolean;
  /** Partitions this broker leads / holds a replica of (leader included). */
  leaderPartitions: number;
  replicaPartitions: number;
  /** Sum of its log dir sizes (DescribeLogDirs); null when the broker did not answer. */
  diskBytes: number | null;
}

export interface ClusterOverview {
  connection: ConnectionInfo;
  clusterId: string | null;
  controllerId: number | null;
  brokers: BrokerInfo[];
  topics: number;
  partitions: number;
  underReplicatedPartitions: number;
  offlinePartitions: number;
  groups: number;
  /** Sum of the lag of every consumer group over its committed partitions. */
  totalConsumerLag: number;
  /** Groups whose total lag is above zero, largest first (at most 10). */
  laggingGroups: { groupId: string; lag: number }[];
}

/** One sample of the backend's own sampler (every 2 s, an hour kept per connection, no Prometheus needed). */
export interface MetricsSample {
  /** ms since the epoch */
  t: number;
  /** From the growth of the high watermarks of all partitions. */
  messagesInPerSec: number;
  /** From the growth of the partitions' log sizes (DescribeLogDirs). */
  bytesInPerSec: number;
  /** From the growth of the consumer groups' committed offsets. */
  messagesOutPerSec: number;
  /** Estimated as messagesOutPerSec × the average stored record size. */
  bytesOutPerSec: number;
}

export type ClusterEventKind =
  | 'broker-up'
  | 'broker-down'
  | 'broker-killed'
  | 'broker-restarted'
  | 'broker-paused'
  | 'broker-resumed'
  | 'broker-added'
  | 'leader-changed'
  | 'isr-shrunk'
  | 'isr-expanded'
  | 'partition-offline'
  | 'topic-created'
  | 'topic-deleted'
  | 'link-changed'
  | 'storage-fault'
  | 'group-state-changed'
  | 'other';

/** The event timeline: local supervisor events, and changes the backend sees between metadata polls. */
export interface ClusterEvent {
  /** Increasing per connection; pass the last one seen to events() to get only newer ones. */
  seq: number;
  t: number;
  kind: ClusterEventKind;
  message: string;
  brokerId?: number;
  topic?: string;
  partition?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Configs

export type ConfigSource =
  | 'TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'CLIENT_METRICS_CONFIG'
  | 'GROUP_CONFIG'
  | 'UNKNOWN';

export interface ConfigEntry {
  name: string;
  /** null for sensitive values and unset ones. */
  value: string | null;
  source: ConfigSource;
  /** The value it would have without this override (the first synonym of a lower source); null if none. */
  defaultValue: string | null;
  readOnly: boolean;
  sensitive: boolean;
  /** Kafka's type name: BOOLEAN, STRING, INT, SHORT, LONG, DOUBLE, LIST, CLASS, PASSWORD. */
  type: string;
  documentation: string | null;
}

export interface ConfigChange {
  /** Set these (name → value). */
  set?: Record<string, string>;
  /** Remove these overrides (back to the default). */
  delete?: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Topics

export interface TopicSummary {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  /** Sum over partitions of high watermark − log start offset (records on a compacted topic may be fewer). */
  messages: number;
  /** Sum of the leaders' partition sizes; null when log dirs could not be described. */
  sizeBytes: number | null;
  /** From the sampler; 0 until two samples exist. */
  messagesInPerSec: number;
  underReplicatedPartitions: number;
  offlinePartitions: number;
}

export interface PartitionInfo {
  partition: number;
  /** -1 when offline. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  logStartOffset: number;
  highWatermark: number;
  /** The leader's log end offset where known (the local cluster); null elsewhere. */
  logEndOffset: number | null;
  sizeBytes: number | null;
}

export interface TopicDetail {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: PartitionInfo[];
}

export interface CreateTopicInput {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
  /** Check only (Kafka's validate_only): nothing is created. */
  validateOnly?: boolean;
}

/** A group that has committed offsets for the topic, with its lag on it. */
export interface TopicConsumer {
  groupId: string;
  state: string;
  lag: number;
  partitions: { partition: number; committedOffset: number; endOffset: number; lag: number }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

/** Bytes for display: base64 of at most the requested bytes, with the full size. */
export interface Bytes {
  base64: string;
  size: number;
  /** True when base64 holds only the first part; fetch the rest with message(). */
  truncated: boolean;
}

export interface MessageRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Bytes | null;
  value: Bytes | null;
  headers: { key: string; value: Bytes | null }[];
  /** Bytes of key + value + headers. */
  size: number;
}

export type StartPosition =
  | { kind: 'earliest' }
  | { kind: 'latest' } // with direction 'forward': only new messages (tail); 'backward': the newest ones
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'group'; groupId: string };

export interface MessageFilter {
  /** Substring matches (case-sensitive) on the UTF-8 text. */
  key?: string;
  value?: string;
  /** Matches a header key or value. */
  header?: string;
  /**
   * A JavaScript expression over `record` ({ key, value, headers, partition, offset, timestamp } with key/value as
   * strings and `json` as the parsed value or undefined), run by the backend in a sandboxed worker with a time
   * budget; truthy keeps the record. Compile errors and throws reject with FILTER_ERROR.
   */
  expression?: string;
}

export interface BrowseQuery {
  topic: string;
  /** Partitions to read; all when omitted. */
  partitions?: number[];
  start: StartPosition;
  /** 'backward' reads newest-first from start (latest by default): the usual "last N messages" view. */
  direction?: 'forward' | 'backward';
  /** Messages to return at most (after filtering); default 100, at most 10,000. */
  limit?: number;
  filter?: MessageFilter;
  /** Key/value bytes sent per message before truncating; default 16 KiB. */
  maxValueBytes?: number;
  /** Stop scanning after this long even if fewer than limit matched (filters on big topics); default 3 s. */
  timeBudgetMs?: number;
}

/** Where a browse stopped, per partition: pass it back to continue. Opaque to the UI apart from display. */
export interface BrowseCursor {
  topic: string;
  direction: 'forward' | 'backward';
  /** partition → next offset to read (forward) or the offset below which to read next (backward). */
  positions: Record<number, number>;
}

export interface BrowseResult {
  messages: MessageRecord[];
  cursor: BrowseCursor;
  /** Records read to find these (more than messages.length when filtering). */
  scanned: number;
  /** True when every selected partition is exhausted in the direction read. */
  done: boolean;
  /** True when the time budget ended the scan. */
  timedOut: boolean;
}

export interface ProduceInput {
  topic: string;
  /** Chosen by the key's hash (murmur2, like the Java client) or round robin without a key, when omitted. */
  partition?: number;
  /** UTF-8 text, or base64 when keyEncoding/valueEncoding say so; null/undefined = null. */
  key?: string | null;
  value?: string | null;
  keyEncoding?: 'utf8' | 'base64';
  valueEncoding?: 'utf8' | 'base64';
  headers?: { key: string; value: string | null }[];
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /** Send this many copies ({{i}} in key/value is replaced by the copy's index); default 1, at most 1,000,000. */
  count?: number;
}

export interface ProduceResult {
  count: number;
  /** Per partition written: first and last offsets. */
  partitions: { partition: number; firstOffset: number; lastOffset: number }[];
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Consumer groups

export interface GroupSummary {
  groupId: string;
  /** Kafka's state names: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead, Assigning, Reconciling … */
  state: string;
  /** 'classic' or 'consumer' (KIP-848); null when the cluster does not say. */
  type: string | null;
  protocolType: string;
  /** The assignor in use (classic: the protocol name). */
  protocol: string;
  memberCount: number;
  coordinator: number | null;
  /** Sum of the lag over the partitions it committed; null if the offsets could not be read. */
  totalLag: number | null;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  assignments: { topic: string; partitions: number[] }[];
}

export interface GroupOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no committed offset there (assigned but nothing committed yet). */
  committedOffset: number;
  endOffset: number;
  lag: number;
  metadata: string | null;
  /** The member the partition is assigned to, if any. */
  memberId: string | null;
}

export interface GroupDetail extends GroupSummary {
  members: GroupMember[];
  offsets: GroupOffset[];
  /** Total lag samples from the sampler (oldest first) for the sparkline. */
  lagHistory: { t: number; lag: number }[];
}

export type OffsetResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'timestamp'; timestamp: number }
  | { kind: 'offset'; offset: number }
  | { kind: 'shift'; by: number };

export interface OffsetResetInput {
  groupId: string;
  /** Topics (all partitions) or topic → partitions; default: every topic the group has committed offsets for. */
  topics?: { topic: string; partitions?: number[] }[];
  target: OffsetResetTarget;
}

export interface OffsetResetPreview {
  groupId: string;
  state: string;
  /** Resetting is allowed only for an empty (or dead) group, as kafka-consumer-groups requires. */
  allowed: boolean;
  reason: string | null;
  changes: { topic: string; partition: number; currentOffset: number; newOffset: number; logStartOffset: number; endOffset: number }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Local cluster: fault injection and settings (the supervisor's API; LOCAL_ONLY on remote connections)

export interface LinkState {
  /** Broker ids, or 'controller'. */
  a: number | 'controller';
  b: number | 'controller';
  cut: boolean;
  delayMs: number;
  /** 0..1 probability that a message on the link is dropped. */
  lossRate: number;
}

export interface LocalClusterState {
  brokers: { id: number; port: number; state: 'up' | 'down' | 'paused'; failWritesPending: number }[];
  links: LinkState[];
}

export type Theme = 'light' | 'dark' | 'system';

export interface Settings {
  theme: Theme;
  /** Local cluster: brokers started with the app (1–9); a higher number adds brokers now. */
  brokerCount: number;
  /** Local cluster: the first broker's port (the others follow); takes effect at the next start. */
  basePort: number;
  /** Local cluster data directory (read-only here: change it with --data-dir or EDDY_DATA_DIR). */
  dataDir: string;
  /** True when a changed setting needs a restart of the app. */
  restartRequired: boolean;
}

export interface LocalControlApi {
  localState(): Promise<LocalClusterState>;
  killBroker(id: number): Promise<void>;
  restartBroker(id: number): Promise<void>;
  pauseBroker(id: number): Promise<void>;
  resumeBroker(id: number): Promise<void>;
  addBroker(): Promise<{ id: number; port: number }>;
  /** Set the faults of one link (both directions); unspecified fields keep their value. */
  setLink(a: number | 'controller', b: number | 'controller', faults: { cut?: boolean; delayMs?: number; lossRate?: number }): Promise<void>;
  healAllLinks(): Promise<void>;
  /** The next n LMDB writes of the broker fail (a storage fault). */
  failWrites(brokerId: number, n: number): Promise<void>;
  /** Stops the local cluster, deletes its data directory and starts it again, empty. */
  resetLocalCluster(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// The contract

export interface UiApi extends LocalControlApi {
  /** Build/version info and whether the UI runs in Electron or a browser. */
  appInfo(): Promise<{ version: string; runtime: 'electron' | 'headless'; platform: string }>;

  listConnections(): Promise<ConnectionInfo[]>;
  /** Adds and connects a remote cluster (checks it answers Metadata first). */
  addConnection(params: RemoteConnectionParams): Promise<ConnectionInfo>;
  removeConnection(id: string): Promise<void>;

  overview(conn: string): Promise<ClusterOverview>;
  /** Samples newer than `since` (ms), oldest first. */
  metrics(conn: string, since?: number): Promise<MetricsSample[]>;
  /** Events with seq > afterSeq, oldest first (at most 500). */
  events(conn: string, afterSeq?: number): Promise<ClusterEvent[]>;

  brokers(conn: string): Promise<BrokerInfo[]>;
  brokerConfigs(conn: string, brokerId: number): Promise<ConfigEntry[]>;

  topics(conn: string): Promise<TopicSummary[]>;
  topic(conn: string, name: string): Promise<TopicDetail>;
  /** Defaults a new topic would get (from a validate-only create: the cluster's own defaults). */
  newTopicDefaults(conn: string): Promise<ConfigEntry[]>;
  createTopic(conn: string, input: CreateTopicInput): Promise<void>;
  deleteTopic(conn: string, name: string): Promise<void>;
  /** DeleteRecords up to each partition's high watermark (all partitions when omitted). */
  purgeTopic(conn: string, name: string, partitions?: number[]): Promise<void>;
  addPartitions(conn: string, name: string, totalCount: number): Promise<void>;
  topicConfigs(conn: string, name: string): Promise<ConfigEntry[]>;
  /** Validated by the cluster first (validate_only); nothing changes if any entry is refused. */
  alterTopicConfigs(conn: string, name: string, change: ConfigChange): Promise<void>;
  topicConsumers(conn: string, name: string): Promise<TopicConsumer[]>;

  browse(conn: string, query: BrowseQuery): Promise<BrowseResult>;
  /** Continues a browse (same filter and limits as the query that made the cursor). */
  browseMore(conn: string, query: BrowseQuery, cursor: BrowseCursor): Promise<BrowseResult>;
  /** Waits up to waitMs for messages after a forward cursor (live tail); returns at once when some are there. */
  tail(conn: string, query: BrowseQuery, cursor: BrowseCursor, waitMs: number): Promise<BrowseResult>;
  /** One message with its key, value and headers in full ("show all"). */
  message(conn: string, topic: string, partition: number, offset: number): Promise<MessageRecord | null>;
  produce(conn: string, input: ProduceInput): Promise<ProduceResult>;
  /** Writes a copy of one message (key, value, headers) to a topic, on any connection. */
  replay(conn: string, from: { topic: string; partition: number; offset: number }, to: { conn: string; topic: string; partition?: number }): Promise<ProduceResult>;

  groups(conn: string): Promise<GroupSummary[]>;
  group(conn: string, groupId: string): Promise<GroupDetail>;
  previewOffsetReset(conn: string, input: OffsetResetInput): Promise<OffsetResetPreview>;
  /** Applies the reset previewed; refused (NON_EMPTY_GROUP) unless the group is empty. */
  resetOffsets(conn: string, input: OffsetResetInput): Promise<OffsetResetPreview>;
  deleteGroup(conn: string, groupId: string): Promise<void>;
  deleteGroupOffsets(conn: string, groupId: string, topic: string, partitions?: number[]): Promise<void>;

  settings(): Promise<Settings>;
  updateSettings(patch: Partial<Pick<Settings, 'theme' | 'brokerCount' | 'basePort'>>): Promise<Settings>;
}

/** Every method of the contract: the transports serve exactly these and refuse anything else. */
export const UI_METHODS = [
  'appInfo',
  'listConnections',
  'addConnection',
  'removeConnection',
  'overview',
  'metrics',
  'events',
  'brokers',
  'brokerConfigs',
  'topics',
  'topic',
  'newTopicDefaults',
  'createTopic',
  'deleteTopic',
  'purgeTopic',
  'addPartitions',
  'topicConfigs',
  'alterTopicConfigs',
  'topicConsumers',
  'browse',
  'browseMore',
  'tail',
  'message',
  'produce',
  'replay',
  'groups',
  'group',
  'previewOffsetReset',
  'resetOffsets',
  'deleteGroup',
  'deleteGroupOffsets',
  'settings',
  'updateSettings',
  'localState',
  'killBroker',
  'restartBroker',
  'pauseBroker',
  'resumeBroker',
  'addBroker',
  'setLink',
  'healAllLinks',
  'failWrites',
  'resetLocalCluster',
] as const satisfies readonly (keyof UiApi)[];

// A compile-time check that UI_METHODS lists every method of UiApi (and nothing else).
type Missing = Exclude<keyof UiApi, (typeof UI_METHODS)[number]>;
export const UI_METHODS_COMPLETE: Missing extends never ? true : Missing = true;

/** Path (headless mode) of the WebSocket that carries the contract; the same token/Host/Origin checks as pages. */
export const UI_WEBSOCKET_PATH = '/api/ws';

/** The message the preload posts to the page with the MessagePort that carries the contract (Electron). */
export const UI_PORT_MESSAGE = 'eddy:ui-port';

/** Splits a contract error's message into what happened and the hint (after " — "). */
export function splitUiError(e: unknown): { name: string; message: string; hint: string | null } {
  const err = e as { name?: string; message?: string };
  const text = String(err?.message ?? e);
  const at = text.indexOf(' — ');
  return { name: err?.name && err.name !== 'Error' ? err.name : 'ERROR', message: at < 0 ? text : text.slice(0, at), hint: at < 0 ? null : text.slice(at + 3) };
}

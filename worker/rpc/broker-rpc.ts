// The typed contract between the supervisor/controller (main process) and broker worker threads.
// Both directions run over comlink on their own MessagePort.
import type { MessagePort } from 'node:worker_threads';
import type { MetadataDelta } from './metadata.js';

/** Faults on a simulated network link, applied by the sender. */
export interface LinkFaults {
  cut: boolean;
  delayMs: number;
  /** Probability in [0, 1] that a message is lost. */
  loss: number;
}

export const HEALTHY_LINK: LinkFaults = { cut: false, delayMs: 0, loss: 0 };

export interface CreateTopicSpec {
  name: string;
  /** -1 = broker default (num.partitions). */
  numPartitions: number;
  /** -1 = broker default (default.replication.factor). */
  replicationFactor: number;
  /** Explicit assignment: partition index -> broker ids; when given, counts must be -1. */
  assignments: { partition: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

export interface CreateTopicResult {
  name: string;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
  numPartitions: number;
  replicationFactor: number;
  /** Effective configs after creation (explicit ones; defaults are added by the handler). */
  configs: { name: string; value: string }[];
}

export interface DeleteTopicResult {
  name: string | null;
  topicId: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface ProducerIdBlock {
  firstProducerId: number;
  size: number;
}

export interface AlterPartitionRequest {
  topicId: string;
  partition: number;
  leaderEpoch: number;
  partitionEpoch: number;
  isr: number[];
}

export interface ReassignmentRequest {
  topic: string;
  partition: number;
  /** Target replicas; null cancels an ongoing reassignment. */
  replicas: number[] | null;
}

export interface OngoingReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** One resource of AlterConfigs / IncrementalAlterConfigs. `op`: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT. */
export interface ConfigChangeResource {
  resourceType: number;
  resourceName: string;
  changes: { name: string; value: string | null; op: number }[];
}

export interface ConfigChangeResult {
  resourceType: number;
  resourceName: string;
  errorCode: number;
  errorMessage: string | null;
}

/** Calls a broker makes to the controller. */
export interface ControllerApi {
  createTopics(specs: CreateTopicSpec[], validateOnly: boolean): Promise<CreateTopicResult[]>;
  deleteTopics(topics: { name: string | null; topicId: string | null }[]): Promise<DeleteTopicResult[]>;
  allocateProducerIds(brokerId: number): Promise<ProducerIdBlock>;
  /** The leader asks to shrink or expand the ISR (Kafka's AlterPartition); returns an error code. */
  alterPartition(brokerId: number, req: AlterPartitionRequest): Promise<number>;
  /** A write to the partition's log failed on this broker: move leadership away. */
  reportStorageFailure(brokerId: number, topicId: string, partition: number): Promise<void>;
  /** Liveness (broker.heartbeat.interval.ms); a broker silent for broker.session.timeout.ms is fenced. */
  brokerHeartbeat(brokerId: number): Promise<void>;
  /** AlterConfigs (incremental = false: replace all values) and IncrementalAlterConfigs. */
  alterConfigs(resources: ConfigChangeResource[], validateOnly: boolean, incremental: boolean): Promise<ConfigChangeResult[]>;
  /** CreatePartitions: more partitions for existing topics (never fewer). */
  createPartitions(
    items: { topic: string; count: number; assignments: number[][] | null }[],
    validateOnly: boolean,
  ): Promise<{ topic: string; errorCode: number; errorMessage: string | null }[]>;
  /** AlterPartitionReassignments: move replicas (null replicas cancels); returns per-partition errors. */
  alterPartitionReassignments(items: ReassignmentRequest[]): Promise<{ topic: string; partition: number; errorCode: number; errorMessage: string | null }[]>;
  /** ListPartitionReassignments: the ongoing ones (all, or those asked for). */
  listPartitionReassignments(only: { topic: string; partition: number }[] | null): Promise<OngoingReassignment[]>;
  /** ElectLeaders: preferred (type 0) or unclean (type 1) election, for the given partitions or all (null). */
  electLeaders(type: number, partitions: { topic: string; partition: number }[] | null): Promise<{ topic: string; partition: number; errorCode: number }[]>;
}

export interface BrokerStats {
  brokerId: number;
  connections: number;
  partitions: number;
  rssBytes: number;
}

/** Calls the supervisor makes to a broker worker. */
export interface BrokerControlApi {
  applyMetadata(delta: MetadataDelta): Promise<void>;
  stats(): Promise<BrokerStats>;
  /** Stops accepting connections, finishes in-flight requests, closes the log. */
  shutdown(): Promise<void>;
  /** Installs the port to a peer broker (at start, and when the peer restarts). */
  connectPeer(peer: number, port: MessagePort): Promise<void>;
  /** Faults on the link to a peer, applied to what this broker sends. */
  setLinkFaults(peer: number, faults: LinkFaults): Promise<void>;
  /** Faults on the link to the controller (cut: calls from this broker go unanswered). */
  setControllerLinkFaults(faults: LinkFaults): Promise<void>;
  /** The next `count` log writes of this broker fail (storage fault injection). */
  failNextWrites(count: number): Promise<void>;
  /** Blocks the broker's thread until the shared pause flag is cleared (a frozen node). */
  freeze(): void;
  /** Per-partition replica state for status and the GUI. */
  replicaStatus(): Promise<ReplicaStatus[]>;
}

export interface ReplicaStatus {
  topic: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
}

/** Broker-wide settings (Kafka broker config names where one exists). */
export interface BrokerSettings {
  'auto.create.topics.enable': boolean;
  'num.partitions': number;
  'default.replication.factor': number;
  'socket.request.max.bytes': number;
  'message.max.bytes': number;
  'log.retention.check.interval.ms': number;
  'log.cleaner.backoff.ms': number;
  'replica.lag.time.max.ms': number;
  'broker.heartbeat.interval.ms': number;
  'broker.session.timeout.ms': number;
  'unclean.leader.election.enable': boolean;
  'auto.leader.rebalance.enable': boolean;
  'leader.imbalance.check.interval.seconds': number;
  'min.insync.replicas': number;
  'offsets.topic.num.partitions': number;
  'offsets.topic.replication.factor': number;
  'offsets.retention.minutes': number;
  'offsets.retention.check.interval.ms': number;
  'offset.metadata.max.bytes': number;
  'group.initial.rebalance.delay.ms': number;
  'group.min.session.timeout.ms': number;
  'group.max.session.timeout.ms': number;
  'group.max.size': number;
  'group.consumer.session.timeout.ms': number;
  'group.consumer.heartbeat.interval.ms': number;
  'group.consumer.max.size': number;
  /** Server-side assignors for KIP-848 groups, the first being the default. */
  'group.consumer.assignors': string[];
  /**
   * 1 = fsync every log commit. Unset (Kafka's default: never) = no fsync per write; acknowledged records are in
   * the OS page cache (safe from a process kill) and a background sync flushes them at least every
   * `log.flush.interval.ms` (Eddy: 1000 ms when unset). Broker-wide: one LMDB environment holds all of a broker's logs.
   */
  'log.flush.interval.messages'?: number;
  'log.flush.interval.ms'?: number;
  /**
   * How long the group coordinator keeps a batch of its writes open for more: -1 (unset; Kafka 4.2+'s default)
   * until the end of the event-loop turn, 0 = every write alone, > 0 = that many ms.
   */
  'group.coordinator.append.linger.ms'?: number;
  /**
   * Eddy's own (LMDB files never shrink by themselves): at start, a broker whose data file is at least this big
   * and at most half in use replaces it with a compacted copy. Unset: 64 MiB; -1: never.
   */
  'eddy.log.shrink.min.bytes'?: number;
}

export const DEFAULT_BROKER_SETTINGS: BrokerSettings = {
  'auto.create.topics.enable': true,
  'num.partitions': 1,
  'default.replication.factor': 1,
  'socket.request.max.bytes': 104857600,
  'message.max.bytes': 1048588,
  'log.retention.check.interval.ms': 300000,
  'log.cleaner.backoff.ms': 15000,
  'replica.lag.time.max.ms': 30000,
  'broker.heartbeat.interval.ms': 2000,
  'broker.session.timeout.ms': 9000,
  'unclean.leader.election.enable': false,
  'auto.leader.rebalance.enable': true,
  'leader.imbalance.check.interval.seconds': 300,
  'min.insync.replicas': 1,
  'offsets.topic.num.partitions': 50,
  'offsets.topic.replication.factor': 3,
  'offsets.retention.minutes': 10080,
  'offsets.retention.check.interval.ms': 600000,
  'offset.metadata.max.bytes': 4096,
  'group.initial.rebalance.delay.ms': 3000,
  'group.min.session.timeout.ms': 6000,
  'group.max.session.timeout.ms': 1800000,
  'group.max.size': 2147483647,
  'group.consumer.session.timeout.ms': 45000,
  'group.consumer.heartbeat.interval.ms': 5000,
  'group.consumer.max.size': 2147483647,
  'group.consumer.assignors': ['uniform', 'range'],
};

export interface BrokerWorkerData {
  brokerId: number;
  /** Ports to the other brokers, by broker id (the simulated network). */
  peerPorts: Record<number, MessagePort>;
  /** Int32Array over a SharedArrayBuffer: non-zero while the supervisor holds this broker frozen. */
  pauseFlag: SharedArrayBuffer;
  host: string;
  /** 0 = pick a free port. */
  port: number;
  dataDir: string;
  settings: BrokerSettings;
  controllerPort: MessagePort;
  controlPort: MessagePort;
}

/** First message a worker posts on its parent port: where it listens, or why it could not start. */
export type BrokerStartupMessage = { type: 'listening'; port: number } | { type: 'failed'; message: string; code?: string };

/** Values of a broker's pause flag (an Int32 shared with the supervisor). */
export const PauseFlag = { RUNNING: 0, FROZEN: 1, CRASH: 2 } as const;

/**
 * The supervisor's one message on a broker worker's parent port: end the thread now (a node crash). The broker exits
 * by itself between two event-loop tasks rather than being terminated from outside: Worker.terminate() can stop it
 * inside a synchronous LMDB transaction, and lmdb-js's clean-up of that thread then waits for a lock the thread
 * itself holds, so terminate() never returns (measured: 1 kill in 3 during a write loop).
 */
export interface BrokerCrashMessage {
  type: 'crash';
}

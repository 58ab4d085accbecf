// Cluster metadata as a log of records, in the spirit of KRaft's metadata records (TopicRecord,
// PartitionRecord, ConfigRecord, ...). The controller appends them to its LMDB log and pushes the same
// records to every broker; both sides fold them into a MetadataImage with the same code, so a broker's view
// is exactly the controller's view at some log offset.
import { TOPIC_CONFIGS } from './topic-configs.js';

export type MetadataRecord =
  | { type: 'cluster'; clusterId: string }
  | { type: 'registerBroker'; brokerId: number; host: string; port: number; rack: string | null }
  | { type: 'topic'; name: string; topicId: string }
  | {
      type: 'partition';
      topicId: string;
      partition: number;
      replicas: number[];
      isr: number[];
      leader: number;
      leaderEpoch: number;
      partitionEpoch: number;
      addingReplicas?: number[];
      removingReplicas?: number[];
    }
  | { type: 'removeTopic'; topicId: string }
  | { type: 'config'; resourceType: 'topic' | 'broker'; resourceName: string; name: string; value: string | null }
  | { type: 'producerIds'; brokerId: number; nextProducerId: number };

/** Liveness is runtime state: it is pushed to brokers but not written to the metadata log. */
export interface BrokerLiveness {
  brokerId: number;
  alive: boolean;
}

export interface BrokerRegistration {
  brokerId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionState {
  partition: number;
  replicas: number[];
  isr: number[];
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  /** During a reassignment: replicas being added (in `replicas` already) and being removed. */
  addingReplicas?: number[];
  removingReplicas?: number[];
}

export interface TopicImage {
  name: string;
  topicId: string;
  partitions: PartitionState[];
}

/** An ordered batch of metadata changes pushed from the controller to brokers. */
export interface MetadataDelta {
  /** Log offset of the last record in `records` (or the current offset when only liveness changes). */
  offset: number;
  records: MetadataRecord[];
  liveness?: BrokerLiveness[];
}

export class MetadataImage {
  clusterId = '';
  offset = -1;
  readonly brokers = new Map<number, BrokerRegistration>();
  readonly liveBrokers = new Set<number>();
  readonly topicsById = new Map<string, TopicImage>();
  readonly topicsByName = new Map<string, TopicImage>();
  /** Keyed by `${resourceType}:${resourceName}`; only explicitly set values (defaults live elsewhere). */
  readonly configs = new Map<string, Map<string, string>>();
  nextProducerId = 0;

  apply(record: MetadataRecord): void {
    switch (record.type) {
      case 'cluster':
        this.clusterId = record.clusterId;
        break;
      case 'registerBroker':
        this.brokers.set(record.brokerId, { brokerId: record.brokerId, host: record.host, port: record.port, rack: record.rack });
        break;
      case 'topic': {
        const t: TopicImage = { name: record.name, topicId: record.topicId, partitions: [] };
        this.topicsById.set(t.topicId, t);
        this.topicsByName.set(t.name, t);
        break;
      }
      case 'partition': {
        const t = this.topicsById.get(record.topicId);
        if (!t) break;
        const { type: _type, topicId: _topicId, ...state } = record;
        t.partitions[record.partition] = state;
        break;
      }
      case 'removeTopic': {
        const t = this.topicsById.get(record.topicId);
        if (!t) break;
        this.topicsById.delete(t.topicId);
        this.topicsByName.delete(t.name);
        this.configs.delete(`topic:${t.name}`);
        this.effectiveConfigs.clear();
        break;
      }
      case 'config': {
        const key = `${record.resourceType}:${record.resourceName}`;
        let m = this.configs.get(key);
        if (!m) this.configs.set(key, (m = new Map()));
        if (record.value === null) m.delete(record.name);
        else m.set(record.name, record.value);
        this.effectiveConfigs.clear();
        break;
      }
      case 'producerIds':
        this.nextProducerId = Math.max(this.nextProducerId, record.nextProducerId);
        break;
    }
  }

  applyDelta(delta: MetadataDelta): void {
    for (const r of delta.records) this.apply(r);
    for (const l of delta.liveness ?? []) {
      if (l.alive) this.liveBrokers.add(l.brokerId);
      else this.liveBrokers.delete(l.brokerId);
    }
    this.offset = Math.max(this.offset, delta.offset);
  }

  /** The topic's own config values (TOPIC_CONFIG source). */
  topicOverrides(name: string): ReadonlyMap<string, string> {
    return this.configs.get(`topic:${name}`) ?? EMPTY_CONFIG;
  }

  /** Cluster-wide dynamic broker configs (`kafka-configs --entity-type brokers --entity-default`). */
  clusterDefaults(): ReadonlyMap<string, string> {
    return this.configs.get('broker:') ?? EMPTY_CONFIG;
  }

  private readonly effectiveConfigs = new Map<string, ReadonlyMap<string, string>>();
  /** Topic defaults from the broker's static settings (e.g. message.max.bytes for max.message.bytes). */
  private staticDefaults: ReadonlyMap<string, string> = EMPTY_CONFIG;

  /**
   * Takes the broker's static settings that are broker synonyms of topic configs and differ from Kafka's topic
   * default: they default every topic below the cluster-wide dynamic defaults, as server.properties does in Kafka.
   */
  setStaticDefaults(settings: Readonly<Record<string, unknown>>): void {
    const m = new Map<string, string>();
    for (const def of TOPIC_CONFIGS) {
      const v = def.brokerSynonym ? settings[def.brokerSynonym] : undefined;
      if (v !== undefined && v !== null && String(v) !== def.defaultValue) m.set(def.brokerSynonym!, String(v));
    }
    this.staticDefaults = m;
    this.effectiveConfigs.clear();
  }

  /**
   * The values that apply to a topic beyond Kafka's static defaults: its own settings over the cluster-wide
   * dynamic defaults of their broker synonyms (log.retention.ms for retention.ms, ...).
   */
  topicConfig(name: string): ReadonlyMap<string, string> {
    let m = this.effectiveConfigs.get(name);
    if (m) return m;
    const own = this.topicOverrides(name);
    const cluster = this.clusterDefaults();
    if (cluster.size === 0 && this.staticDefaults.size === 0) m = own;
    else {
      const merged = new Map<string, string>();
      for (const def of TOPIC_CONFIGS) {
        const v = def.brokerSynonym ? (cluster.get(def.brokerSynonym) ?? this.staticDefaults.get(def.brokerSynonym)) : undefined;
        if (v !== undefined) merged.set(def.name, v);
      }
      for (const [k, v] of own) merged.set(k, v);
      m = merged;
    }
    this.effectiveConfigs.set(name, m);
    return m;
  }

  /** The whole image as records, for a broker that starts (or restarts) after the log has grown. */
  toRecords(): MetadataRecord[] {
    const out: MetadataRecord[] = [{ type: 'cluster', clusterId: this.clusterId }];
    for (const b of this.brokers.values()) out.push({ type: 'registerBroker', ...b });
    for (const t of this.topicsById.values()) {
      out.push({ type: 'topic', name: t.name, topicId: t.topicId });
      for (const p of t.partitions) out.push({ type: 'partition', topicId: t.topicId, ...p });
    }
    for (const [key, m] of this.configs) {
      const sep = key.indexOf(':');
      const resourceType = key.slice(0, sep) as 'topic' | 'broker';
      for (const [name, value] of m) out.push({ type: 'config', resourceType, resourceName: key.slice(sep + 1), name, value });
    }
    out.push({ type: 'producerIds', brokerId: -1, nextProducerId: this.nextProducerId });
    return out;
  }
}

const EMPTY_CONFIG: ReadonlyMap<string, string> = new Map();

// Topic pages: the list with message counts and sizes, one topic's partitions, and the admin actions (create with
// its validate-only path, delete, purge, add partitions, configs). Everything goes to the cluster over Kafka.
import { ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import type { ConfigChange, ConfigEntry, CreateTopicInput, PartitionInfo, TopicDetail, TopicSummary } from '../contract/ui-api.js';
import type { Cluster } from '../supervisor/cluster.js';
import { logDirSizes, type LogDirSizes } from './cluster-info.js';
import { toConfigEntry } from './configs.js';
import type { Connection } from './connection.js';
import { badRequest, kafkaError, toUiError } from './errors.js';
import { errorName, type ClusterMetadataSnapshot, type MetadataTopic } from './kafka-client.js';
import { offsetRange, pkey, type TopicPartitions } from './offsets.js';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function checkTopicName(name: unknown): string {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || !TOPIC_NAME.test(name)) {
    throw kafkaError('INVALID_TOPIC_EXCEPTION', `"${String(name)}" is not a valid topic name`, 'topic name');
  }
  return name;
}

/** The topic from a metadata answer, or UNKNOWN_TOPIC_OR_PARTITION. */
export function findTopic(md: ClusterMetadataSnapshot, name: string): MetadataTopic {
  const t = md.topics.find((x) => x.name === name);
  if (!t || t.errorCode === 3) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${name} does not exist`, `topic ${name}`);
  return t;
}

/** Partitions that have a leader (ListOffsets would fail as a whole on an offline one). */
function online(topics: MetadataTopic[]): TopicPartitions[] {
  return topics.map((t) => ({ topic: t.name, partitions: t.partitions.filter((p) => p.leader >= 0).map((p) => p.partition) }));
}

function leaderSize(sizes: LogDirSizes, t: MetadataTopic, p: MetadataTopic['partitions'][number]): number | null {
  return p.leader >= 0 ? (sizes.replicaBytes.get(`${p.leader}/${t.name}/${p.partition}`) ?? null) : null;
}

export async function topicSummaries(c: Connection, ratesByTopic: Map<string, number>): Promise<TopicSummary[]> {
  const md = await c.metadata();
  const topics = md.topics.filter((t) => t.errorCode === 0);
  const [range, sizes] = await Promise.all([offsetRange(c.client, online(topics)), logDirSizes(c.client, md)]);
  return topics.map((t) => {
    let messages = 0;
    let size: number | null = sizes.brokerBytes.size > 0 ? 0 : null;
    let under = 0;
    let offline = 0;
    for (const p of t.partitions) {
      const k = pkey(t.name, p.partition);
      messages += Math.max(0, (range.end.get(k) ?? 0) - (range.start.get(k) ?? 0));
      const s = leaderSize(sizes, t, p);
      if (size !== null) size = s === null ? size : size + s;
      if (p.isr.length < p.replicas.length) under++;
      if (p.leader < 0) offline++;
    }
    return {
      name: t.name,
      internal: t.internal,
      partitions: t.partitions.length,
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      messages,
      sizeBytes: size,
      messagesInPerSec: ratesByTopic.get(t.name) ?? 0,
      underReplicatedPartitions: under,
      offlinePartitions: offline,
    };
  });
}

export async function topicDetail(c: Connection, name: string, local: Cluster | null): Promise<TopicDetail> {
  const md = await c.metadata();
  const t = findTopic(md, name);
  const [range, sizes] = await Promise.all([offsetRange(c.client, online([t])), logDirSizes(c.client, md)]);
  // The local supervisor knows each leader's log end offset; a remote cluster does not say over Kafka.
  const leo = new Map<number, number>();
  if (local) {
    const leaders = new Set(t.partitions.map((p) => p.leader).filter((l) => l >= 0));
    for (const l of leaders) {
      for (const r of await local.replicaStatus(l).catch(() => [])) if (r.topic === name && r.leader === l) leo.set(r.partition, r.logEndOffset);
    }
  }
  const partitions: PartitionInfo[] = t.partitions.map((p) => {
    const k = pkey(name, p.partition);
    return {
      partition: p.partition,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      offlineReplicas: p.offlineReplicas,
      logStartOffset: range.start.get(k) ?? 0,
      highWatermark: range.end.get(k) ?? 0,
      logEndOffset: leo.get(p.partition) ?? null,
      sizeBytes: leaderSize(sizes, t, p),
    };
  });
  return { name, topicId: t.topicId, internal: t.internal, partitions };
}

interface RawCreateTopics {
  topics: {
    name: string;
    errorCode: number;
    errorMessage: string | null;
    numPartitions: number;
    replicationFactor: number;
    configs: { name: string; value: string | null; readOnly: boolean; configSource: number; isSensitive: boolean }[] | null;
  }[];
}

async function rawCreate(c: Connection, topic: { name: string; numPartitions: number; replicationFactor: number; configs: Record<string, string> }, validateOnly: boolean): Promise<RawCreateTopics['topics'][number]> {
  let r: RawCreateTopics;
  try {
    const req = [{ ...topic, assignments: [], configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })) }];
    r = await c.client.request<[unknown[], number, boolean], RawCreateTopics>('CreateTopics', await c.client.anyBroker(), req, 30_000, validateOnly);
  } catch (e) {
    throw toUiError(e, `could not create topic ${topic.name}`);
  }
  const t = r.topics[0]!;
  if (t.errorCode !== 0) throw kafkaError(errorName(t.errorCode), t.errorMessage, `could not create topic ${topic.name}`);
  return t;
}

export async function createTopic(c: Connection, input: CreateTopicInput): Promise<void> {
  if (!input || typeof input !== 'object') throw badRequest('createTopic: expected { name, partitions, replicationFactor }');
  const name = checkTopicName(input.name);
  // -1 asks for the cluster's defaults (num.partitions, default.replication.factor), as kafka-topics does.
  const numPartitions = input.partitions ?? -1;
  const replicationFactor = input.replicationFactor ?? -1;
  if (!Number.isInteger(numPartitions) || (numPartitions < 1 && numPartitions !== -1)) throw kafkaError('INVALID_PARTITIONS', `partitions must be at least 1, got ${input.partitions}`, `topic ${name}`);
  if (!Number.isInteger(replicationFactor) || (replicationFactor < 1 && replicationFactor !== -1)) {
    throw kafkaError('INVALID_REPLICATION_FACTOR', `replication factor must be at least 1, got ${input.replicationFactor}`, `topic ${name}`);
  }
  await rawCreate(c, { name, numPartitions, replicationFactor, configs: input.configs ?? {} }, Boolean(input.validateOnly));
  if (!input.validateOnly) await untilLed(c, name);
}

// Kafka answers CreateTopics once its controller has the topic; brokers learn of it a little later. The page the
// user goes to next (the topic, or producing to it) asks a broker, so wait until brokers report every partition led.
// Past the limit the topic still exists: the next refresh shows it.
async function untilLed(c: Connection, name: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const t = (await c.metadata()).topics.find((x) => x.name === name);
    if (t && t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)) return;
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The configs a new topic would get: a validate-only CreateTopics answers them (v5+), as the cluster would set them. */
export async function newTopicDefaults(c: Connection): Promise<ConfigEntry[]> {
  const probe = `eddy-defaults-probe-${Date.now()}`;
  const t = await rawCreate(c, { name: probe, numPartitions: -1, replicationFactor: -1, configs: {} }, true);
  return (t.configs ?? []).map((x) => toConfigEntry({ ...x, synonyms: [] })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function deleteTopic(c: Connection, name: string): Promise<void> {
  checkTopicName(name);
  try {
    await c.client.admin.deleteTopics({ topics: [name] });
  } catch (e) {
    throw toUiError(e, `could not delete topic ${name}`);
  }
}

export async function purgeTopic(c: Connection, name: string, partitions?: number[]): Promise<void> {
  const md = await c.metadata();
  const t = findTopic(md, name);
  const chosen = partitions ?? t.partitions.map((p) => p.partition);
  for (const p of chosen) if (!t.partitions.some((x) => x.partition === p)) throw badRequest(`topic ${name} has no partition ${p}`);
  const { end } = await offsetRange(c.client, [{ topic: name, partitions: chosen }]);
  try {
    await c.client.refresh([name]);
    await c.client.admin.deleteRecords({ topics: [{ name, partitions: chosen.map((p) => ({ partition: p, offset: BigInt(end.get(pkey(name, p)) ?? 0) })) }] });
  } catch (e) {
    throw toUiError(e, `could not purge topic ${name}`);
  }
}

export async function addPartitions(c: Connection, name: string, totalCount: number): Promise<void> {
  checkTopicName(name);
  if (!Number.isInteger(totalCount) || totalCount < 1) throw kafkaError('INVALID_PARTITIONS', `the new partition count must be a whole number, got ${totalCount}`, `topic ${name}`);
  try {
    await c.client.admin.createPartitions({ topics: [{ name, count: totalCount, assignments: null }] });
  } catch (e) {
    throw toUiError(e, `could not add partitions to ${name}`);
  }
}

/** Set and delete overrides with IncrementalAlterConfigs: validated by the cluster first, so nothing changes on a refusal. */
export async function alterTopicConfigs(c: Connection, name: string, change: ConfigChange): Promise<void> {
  checkTopicName(name);
  const configs = [
    ...Object.entries(change?.set ?? {}).map(([k, v]) => ({ name: k, configOperation: IncrementalAlterConfigOperationTypes.SET, value: String(v) })),
    ...(change?.delete ?? []).map((k) => ({ name: k, configOperation: IncrementalAlterConfigOperationTypes.DELETE })),
  ];
  if (configs.length === 0) return;
  const resources = [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configs }];
  try {
    await c.client.admin.incrementalAlterConfigs({ resources, validateOnly: true });
    await c.client.admin.incrementalAlterConfigs({ resources, validateOnly: false });
  } catch (e) {
    throw toUiError(e, `could not change the configs of ${name}`);
  }
}

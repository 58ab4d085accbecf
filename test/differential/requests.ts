// Request bodies and small steps shared by the differential scenarios. Everything goes over raw TCP with Eddy's
// generated codec, so each side sees exactly the same bytes.
import { encodeRecordBatch, type EncodeBatchOptions } from '../../worker/protocol/records/record-batch.js';
import { ZERO_UUID, type System } from './harness.js';

/** A fixed time for record timestamps (2023-11-14), so batches are byte-identical on both sides and across runs. */
export const T0 = 1_700_000_000_000n;

export async function createTopic(s: System, name: string, opts: { partitions?: number; replicationFactor?: number; configs?: Record<string, string> } = {}): Promise<string> {
  const partitions = opts.partitions ?? 1;
  const res = await s.request(19, 7, {
    topics: [
      {
        name,
        numPartitions: partitions,
        replicationFactor: opts.replicationFactor ?? 1,
        assignments: [],
        configs: Object.entries(opts.configs ?? {}).map(([k, v]) => ({ name: k, value: v })),
      },
    ],
    timeoutMs: 15_000,
    validateOnly: false,
  });
  const t = res.topics[0];
  if (t.errorCode !== 0) throw new Error(`${s.name}: create ${name}: error ${t.errorCode} ${t.errorMessage}`);
  await s.waitForTopic(name, partitions);
  return t.topicId;
}

export interface SimpleRecord {
  key?: string | null;
  value: string | null;
  headers?: { key: string; value: string | null }[];
  timestamp?: bigint;
}

/** One batch with deterministic timestamps (T0 + index unless given). */
export function batch(records: SimpleRecord[], opts: Omit<EncodeBatchOptions, 'records'> = {}): Buffer {
  return encodeRecordBatch({
    ...opts,
    records: records.map((r, i) => ({
      key: r.key == null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: (r.headers ?? []).map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) })),
      timestamp: r.timestamp ?? T0 + BigInt(i),
    })),
  });
}

export function produceBody(topic: string, partition: number, records: Buffer | null, acks = -1) {
  return { transactionalId: null, acks, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
}

/** Produce on the partition's leader; the partition response. */
export async function produce(s: System, version: number, topic: string, partition: number, records: Buffer | null, acks = -1) {
  const leader = await s.leaderOf(topic, partition).catch(() => 0);
  const res = await s.request(0, version, produceBody(topic, partition, records, acks), leader);
  return res.responses[0].partitionResponses[0];
}

export interface FetchTarget {
  topic: string;
  topicId?: string;
  partition: number;
  offset: bigint;
  partitionMaxBytes?: number;
  currentLeaderEpoch?: number;
}

export function fetchBody(version: number, targets: FetchTarget[], opts: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; isolationLevel?: number } = {}) {
  const byTopic = new Map<string, FetchTarget[]>();
  for (const t of targets) byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), t]);
  return {
    replicaId: -1,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.minBytes ?? 0,
    maxBytes: opts.maxBytes ?? 10_000_000,
    isolationLevel: opts.isolationLevel ?? 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...byTopic].map(([topic, ps]) => ({
      topic,
      topicId: version >= 13 ? (ps[0]!.topicId ?? ZERO_UUID) : ZERO_UUID,
      partitions: ps.map((p) => ({
        partition: p.partition,
        currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
        fetchOffset: p.offset,
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: p.partitionMaxBytes ?? 1_000_000,
      })),
    })),
    forgottenTopicsData: [],
    rackId: '',
  };
}

export function listOffsetsBody(topic: string, partitions: { partition: number; timestamp: bigint; currentLeaderEpoch?: number }[], isolationLevel = 0) {
  return {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: p.currentLeaderEpoch ?? -1, timestamp: p.timestamp, maxNumOffsets: 1 })) }],
    timeoutMs: 10_000,
  };
}

/** Topic id of a topic, from Metadata v12. */
export async function topicIdOf(s: System, topic: string): Promise<string> {
  const md = await s.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return md.topics[0].topicId;
}

// Reads records of chosen partitions at exact offsets with raw Fetch requests to their leaders (no consumer group,
// nothing committed), a bounded number of bytes per partition per request, so a big topic is read piece by piece.
import type { ClusterMetadataSnapshot, KafkaClient } from '../kafka-client.js';
import { errorName } from '../kafka-client.js';
import { toUiError } from '../errors.js';

export interface FetchedRecord {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface PartitionFetch {
  partition: number;
  offset: number;
  maxBytes: number;
}

export interface PartitionFetched {
  partition: number;
  records: FetchedRecord[];
  /** Kafka error name, when the partition answered one (OFFSET_OUT_OF_RANGE, NOT_LEADER_OR_FOLLOWER …). */
  error: string | null;
  highWatermark: number;
  logStartOffset: number;
  /** The offset after the last batch returned (control batches and compacted gaps included); null if none came. */
  nextOffset: number | null;
}

interface RawFetchResponse {
  errorCode: number;
  responses: {
    topicId: string;
    partitions: {
      partitionIndex: number;
      errorCode: number;
      highWatermark: bigint;
      logStartOffset: bigint;
      records?: {
        firstOffset: bigint;
        lastOffsetDelta: number;
        attributes: number;
        firstTimestamp: bigint;
        maxTimestamp: bigint;
        records: { timestampDelta: bigint; offsetDelta: number; key: Buffer | null; value: Buffer | null; headers: [Buffer | null, Buffer | null][] }[];
      }[];
    }[];
  }[];
}

const CONTROL_BATCH = 0x20;
/** Shared by every record without headers (most of them): one allocation less per record read. */
const NO_HEADERS: FetchedRecord['headers'] = Object.freeze([]) as unknown as FetchedRecord['headers'];
const LOG_APPEND_TIME = 0x08;

/** One Fetch per leader for the given partitions of `topic`; waits up to maxWaitMs for data when minBytes > 0. */
export async function fetchPartitions(
  client: KafkaClient,
  md: ClusterMetadataSnapshot,
  topic: string,
  wanted: PartitionFetch[],
  opts: { maxWaitMs?: number; minBytes?: number } = {},
): Promise<PartitionFetched[]> {
  const t = md.topics.find((x) => x.name === topic);
  if (!t) return wanted.map((w) => ({ partition: w.partition, records: [], error: 'UNKNOWN_TOPIC_OR_PARTITION', highWatermark: 0, logStartOffset: 0, nextOffset: null }));
  const byLeader = new Map<number, PartitionFetch[]>();
  const out: PartitionFetched[] = [];
  for (const w of wanted) {
    const leader = t.partitions.find((p) => p.partition === w.partition)?.leader ?? -1;
    if (leader < 0) {
      out.push({ partition: w.partition, records: [], error: 'LEADER_NOT_AVAILABLE', highWatermark: 0, logStartOffset: 0, nextOffset: null });
      continue;
    }
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), w]);
  }
  const api = await client.api<unknown[], RawFetchResponse>('Fetch');
  await Promise.all(
    [...byLeader].map(async ([leader, parts]) => {
      const b = md.brokers.find((x) => x.id === leader);
      if (!b) {
        for (const w of parts) out.push({ partition: w.partition, records: [], error: 'BROKER_NOT_AVAILABLE', highWatermark: 0, logStartOffset: 0, nextOffset: null });
        return;
      }
      let r: RawFetchResponse;
      try {
        const connection = await client.broker(b);
        // Fetch v12 names topics, v13+ carries topic ids.
        const topicRef = api.version >= 13 ? t.topicId : topic;
        const partitions = parts.map((w) => ({ partition: w.partition, currentLeaderEpoch: -1, fetchOffset: BigInt(w.offset), lastFetchedEpoch: -1, partitionMaxBytes: w.maxBytes }));
        const maxBytes = parts.reduce((s, w) => s + w.maxBytes, 0);
        // Partition errors (OFFSET_OUT_OF_RANGE …) are read per partition.
        r = await client.requestLenient('Fetch', connection, opts.maxWaitMs ?? 0, opts.minBytes ?? 0, maxBytes, 0, 0, -1, [{ topicId: topicRef, partitions }], [], '');
      } catch (e) {
        throw toUiError(e, `could not read ${topic} from broker ${leader}`);
      }
      for (const resp of r.responses) {
        for (const p of resp.partitions) {
          const records: FetchedRecord[] = [];
          let nextOffset: number | null = null;
          for (const batch of p.records ?? []) {
            nextOffset = Math.max(nextOffset ?? 0, Number(batch.firstOffset) + batch.lastOffsetDelta + 1);
            if (batch.attributes & CONTROL_BATCH) continue; // transaction markers are not messages
            const appendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
            for (const rec of batch.records) {
              records.push({
                partition: p.partitionIndex,
                offset: Number(batch.firstOffset) + rec.offsetDelta,
                timestamp: appendTime ? Number(batch.maxTimestamp) : Number(batch.firstTimestamp + rec.timestampDelta),
                timestampType: appendTime ? 'LogAppendTime' : 'CreateTime',
                key: rec.key,
                value: rec.value,
                headers: rec.headers.length === 0 ? NO_HEADERS : rec.headers.map(([k, v]) => ({ key: k ? k.toString('utf8') : '', value: v })),
              });
            }
          }
          out.push({
            partition: p.partitionIndex,
            records,
            error: p.errorCode === 0 ? null : errorName(p.errorCode),
            highWatermark: Number(p.highWatermark),
            logStartOffset: Number(p.logStartOffset),
            nextOffset,
          });
        }
      }
    }),
  );
  return out;
}

// Reads records of chosen partitions at exact offsets with raw Fetch requests to their leaders (no consumer group,
// nothing committed), a bounded number of bytes per partition per request, so a big topic is read piece by piece.
import { fetchV12, fetchV13, fetchV14, fetchV15, fetchV16, fetchV17, readRecordsBatch, Reader, type Connection } from '@platformatic/kafka';
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
  /** Batches left undecoded because they could not match (see FetchOptions.mustContain): offsets and record count. */
  skipped: SkippedBatch[];
}

export interface SkippedBatch {
  first: number;
  /** The offset after the batch. */
  next: number;
  records: number;
}

export interface FetchOptions {
  maxWaitMs?: number;
  minBytes?: number;
  /**
   * Byte strings a record must contain to be wanted (a filter's substrings): an uncompressed batch that lacks any of
   * them cannot hold a wanted record, so it is counted, not decoded - a filter over a whole topic mostly skips.
   */
  mustContain?: Buffer[];
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
        /** Records of a batch not decoded (it could not match); 0 when decoded. */
        skipped?: number;
      }[];
    }[];
  }[];
}

type RawBatch = NonNullable<RawFetchResponse['responses'][number]['partitions'][number]['records']>[number];

/** The request builders of the Fetch versions the client may negotiate (the library's own, by version). */
const FETCH_REQUESTS: Record<number, (...args: unknown[]) => unknown> = {
  12: fetchV12.createRequest as (...args: unknown[]) => unknown,
  13: fetchV13.createRequest as (...args: unknown[]) => unknown,
  14: fetchV14.createRequest as (...args: unknown[]) => unknown,
  15: fetchV15.createRequest as (...args: unknown[]) => unknown,
  16: fetchV16.createRequest as (...args: unknown[]) => unknown,
  17: fetchV17.createRequest as (...args: unknown[]) => unknown,
};

// Offsets in a v2 record batch (Kafka's record-batch format).
const BATCH_LENGTH_AT = 8;
const BATCH_ATTRIBUTES_AT = 21;
const BATCH_LAST_OFFSET_DELTA_AT = 23;
const BATCH_MAX_TIMESTAMP_AT = 35;
const BATCH_RECORD_COUNT_AT = 57;
const BATCH_HEADER_BYTES = 61;
const COMPRESSION_BITS = 0x07;

/**
 * The batches of one partition's records. A batch that is uncompressed and lacks one of `mustContain` comes back
 * without its records (counted in `skipped`): a record's key, value and headers are byte ranges of its batch, so a
 * record can only contain a string its batch contains. Compressed batches are always decoded.
 */
export function readBatches(records: Buffer, mustContain: Buffer[]): RawBatch[] {
  const batches: RawBatch[] = [];
  let pos = 0;
  while (records.length - pos >= BATCH_HEADER_BYTES) {
    const end = pos + 12 + records.readInt32BE(pos + BATCH_LENGTH_AT);
    if (end > records.length) break; // a partial batch at the end of a size-capped answer
    const batch = records.subarray(pos, end);
    pos = end;
    const attributes = batch.readInt16BE(BATCH_ATTRIBUTES_AT);
    if (mustContain.length > 0 && (attributes & COMPRESSION_BITS) === 0 && !mustContain.every((n) => batch.indexOf(n, BATCH_HEADER_BYTES) >= 0)) {
      batches.push({
        firstOffset: batch.readBigInt64BE(0),
        lastOffsetDelta: batch.readInt32BE(BATCH_LAST_OFFSET_DELTA_AT),
        attributes,
        firstTimestamp: 0n,
        maxTimestamp: batch.readBigInt64BE(BATCH_MAX_TIMESTAMP_AT),
        records: [],
        skipped: batch.readInt32BE(BATCH_RECORD_COUNT_AT),
      });
      continue;
    }
    batches.push(readRecordsBatch(Reader.from(batch)) as unknown as RawBatch);
  }
  return batches;
}

/** Fetch response v12-v17, as the library reads it but with readBatches for the records and no throw on errors. */
function fetchResponseParser(mustContain: Buffer[]) {
  return (_correlationId: number, _apiKey: number, apiVersion: number, reader: Reader): RawFetchResponse => {
    reader.readInt32(); // throttle time
    const errorCode = reader.readInt16();
    reader.readInt32(); // session id
    const responses = reader.readArray((r) => ({
      topicId: apiVersion >= 13 ? r.readUUID() : (r.readString() ?? ''),
      partitions: r.readArray((r) => {
        const partitionIndex = r.readInt32();
        const partitionError = r.readInt16();
        const highWatermark = r.readInt64();
        r.readInt64(); // last stable offset
        const logStartOffset = r.readInt64();
        r.readArray((r) => (r.readInt64(), r.readInt64())); // aborted transactions
        r.readInt32(); // preferred read replica
        // COMPACT_RECORDS: length + 1, 0 for null.
        const size = r.readUnsignedVarInt() - 1;
        let records: RawBatch[] | undefined;
        if (size > 0) {
          records = readBatches(r.buffer.slice(r.position, r.position + size), mustContain);
          r.skip(size);
        }
        return { partitionIndex, errorCode: partitionError, highWatermark, logStartOffset, records };
      }),
    }));
    return { errorCode, responses };
  };
}

/** One Fetch request at the negotiated version, answered through fetchResponseParser. */
function sendFetch(connection: Connection, version: number, mustContain: Buffer[], args: unknown[]): Promise<RawFetchResponse> {
  const build = FETCH_REQUESTS[version];
  if (!build) return Promise.reject(new Error(`Fetch v${version} is not supported`));
  return new Promise((resolve, reject) => {
    connection.send(1, version, () => build(...args) as never, fetchResponseParser(mustContain) as never, true, true, (error: unknown, response: unknown) =>
      error ? reject(error) : resolve(response as RawFetchResponse),
    );
  });
}

const CONTROL_BATCH = 0x20;
/** Shared by every record without headers (most of them): one allocation less per record read. */
const NO_HEADERS: FetchedRecord['headers'] = Object.freeze([]) as unknown as FetchedRecord['headers'];
const LOG_APPEND_TIME = 0x08;

/** How many skipped records lie in [from, to): all of a batch inside, a share by offsets of one cut by the range. */
export function skippedWithin(batches: SkippedBatch[], from: number, to: number): number {
  let n = 0;
  for (const b of batches) {
    const lo = Math.max(b.first, from);
    const hi = Math.min(b.next, to);
    if (hi > lo) n += hi - lo === b.next - b.first ? b.records : Math.round((b.records * (hi - lo)) / (b.next - b.first));
  }
  return n;
}

/** One Fetch per leader for the given partitions of `topic`; waits up to maxWaitMs for data when minBytes > 0. */
export async function fetchPartitions(
  client: KafkaClient,
  md: ClusterMetadataSnapshot,
  topic: string,
  wanted: PartitionFetch[],
  opts: FetchOptions = {},
): Promise<PartitionFetched[]> {
  const t = md.topics.find((x) => x.name === topic);
  if (!t) return wanted.map((w) => ({ partition: w.partition, records: [], error: 'UNKNOWN_TOPIC_OR_PARTITION', highWatermark: 0, logStartOffset: 0, nextOffset: null, skipped: [] }));
  const byLeader = new Map<number, PartitionFetch[]>();
  const out: PartitionFetched[] = [];
  for (const w of wanted) {
    const leader = t.partitions.find((p) => p.partition === w.partition)?.leader ?? -1;
    if (leader < 0) {
      out.push({ partition: w.partition, records: [], error: 'LEADER_NOT_AVAILABLE', highWatermark: 0, logStartOffset: 0, nextOffset: null, skipped: [] });
      continue;
    }
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), w]);
  }
  const api = await client.api<unknown[], RawFetchResponse>('Fetch');
  await Promise.all(
    [...byLeader].map(async ([leader, parts]) => {
      const b = md.brokers.find((x) => x.id === leader);
      if (!b) {
        for (const w of parts) out.push({ partition: w.partition, records: [], error: 'BROKER_NOT_AVAILABLE', highWatermark: 0, logStartOffset: 0, nextOffset: null, skipped: [] });
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
        r = await sendFetch(connection, api.version, opts.mustContain ?? [], [opts.maxWaitMs ?? 0, opts.minBytes ?? 0, maxBytes, 0, 0, -1, [{ topicId: topicRef, partitions }], [], '']);
      } catch (e) {
        throw toUiError(e, `could not read ${topic} from broker ${leader}`);
      }
      for (const resp of r.responses) {
        for (const p of resp.partitions) {
          const records: FetchedRecord[] = [];
          let nextOffset: number | null = null;
          const skipped: SkippedBatch[] = [];
          for (const batch of p.records ?? []) {
            nextOffset = Math.max(nextOffset ?? 0, Number(batch.firstOffset) + batch.lastOffsetDelta + 1);
            if (batch.attributes & CONTROL_BATCH) continue; // transaction markers are not messages
            if (batch.skipped) skipped.push({ first: Number(batch.firstOffset), next: Number(batch.firstOffset) + batch.lastOffsetDelta + 1, records: batch.skipped });
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
            skipped,
          });
        }
      }
    }),
  );
  return out;
}

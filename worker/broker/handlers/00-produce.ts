// Produce (key 0). Advertised 0-11 like Kafka 4 (old librdkafka only compresses when it sees v0), but v0-2
// are refused: Kafka 4 accepts only record batch v2 (magic 2), which starts at v3.
// Per partition, as Kafka's ProduceRequest.validateRecords and LogValidator do: exactly one batch, magic 2,
// valid CRC, no control batch from a client, size within max.message.bytes, zstd only from v7,
// timestamps within message.timestamp.{before,after}.max.ms; then the topic's policies (keys on compacted topics,
// recompression to the topic's compression.type). Records are parsed one by one only for those policies and to
// report a batch that failed the timestamp check.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeProduceRequest,
  encodeProduceResponse,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponseTopicProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from '../../protocol/generated/index.js';
import { ATTRIBUTES_OFFSET, MAGIC_OFFSET, decodeRecordBatch, iterateBatches, readBatchHeader, validateBatch, type BatchHeader } from '../../protocol/records/record-batch.js';
import { topicConfigValue } from '../../rpc/topic-configs.js';
import { INTERNAL_TOPICS } from '../../rpc/topic-names.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import type { AppendResult } from '../replica/partition.js';
import { isCompacted, keylessRecordErrors, keylessRecordsMessage, recompressBatch, targetCodec } from '../log/topic-policies.js';

const ZSTD = 4;

interface PartitionOutcome {
  index: number;
  result: AppendResult;
  recordErrors?: { batchIndex: number; batchIndexErrorMessage: string | null }[];
}

function failed(errorCode: number, errorMessage: string | null, logStartOffset = -1): AppendResult {
  return { errorCode, errorMessage, baseOffset: -1, lastOffset: -1, logAppendTime: -1, logStartOffset, committed: Promise.resolve() };
}

function produceToPartition(
  broker: BrokerContext,
  version: number,
  topicName: string,
  index: number,
  records: Buffer | null,
  acks: number,
  now: number,
): PartitionOutcome {
  const topic = broker.metadata.topicsByName.get(topicName);
  const meta = topic?.partitions[index];
  if (!topic || !meta) return { index, result: failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null) };
  // Internal topics are written only by their coordinators (Kafka: "Cannot append to internal topic").
  if (INTERNAL_TOPICS.has(topicName)) return { index, result: failed(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topicName}`) };
  const partition = broker.replicas.get(topic.topicId, index);
  if (!partition || meta.leader !== broker.brokerId) return { index, result: failed(ErrorCode.NOT_LEADER_OR_FOLLOWER, null) };
  const logStart = partition.logStartOffset;

  // Kafka answers these per stage (checked by test/differential): the request-level checks of KafkaApis
  // (ProduceRequest.validateRecords) and the log's analysis (UnifiedLog.analyzeAndValidateRecords: size, CRC) give
  // logStartOffset -1 and no message; LogValidator's checks give the log start offset and no message, except
  // INVALID_TIMESTAMP, which carries per-record errors.
  const frame = frameOneBatch(records);
  if (frame !== null) return { index, result: failed(frame, null) };
  const batch = records!;
  if (batch.readInt8(MAGIC_OFFSET) !== 2) return { index, result: failed(ErrorCode.INVALID_RECORD, null) };
  const cfg = broker.metadata.topicConfig(topicName);
  if ((batch.readUInt16BE(ATTRIBUTES_OFFSET) & 0x07) === ZSTD && version < 7) return { index, result: failed(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, null) };
  if (batch.length > Number(topicConfigValue(cfg, 'max.message.bytes'))) return { index, result: failed(ErrorCode.MESSAGE_TOO_LARGE, null) };
  const check = validateBatch(batch, 0);
  if (!check.ok) return { index, result: failed(check.errorCode, null, check.errorCode === ErrorCode.CORRUPT_MESSAGE ? -1 : logStart) };
  const timestampErrors = checkTimestamps(cfg, batch, check.header, now);
  if (timestampErrors) {
    return { index, result: failed(ErrorCode.INVALID_TIMESTAMP, 'One or more records have been rejected due to invalid timestamp', logStart), recordErrors: timestampErrors };
  }
  const stored = applyTopicPolicies(cfg, batch, check.header, check.size, `${topicName}-${index}`);
  if ('errorCode' in stored) return { index, result: failed(stored.errorCode, stored.errorMessage, stored.logStartKnown ? logStart : -1), recordErrors: stored.recordErrors };
  const { header, size } = stored;

  const minIsr = Number(topicConfigValue(cfg, 'min.insync.replicas'));
  if (acks === -1 && partition.isr.length < minIsr) {
    return {
      index,
      result: failed(ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR ${partition.isr.length} is insufficient to satisfy the min.isr requirement of ${minIsr}`, logStart),
    };
  }
  const appendTime = topicConfigValue(cfg, 'message.timestamp.type') === 'LogAppendTime' ? now : null;
  return { index, result: partition.append(stored.batch, header, size, appendTime) };
}

type PolicyOutcome =
  | { batch: Buffer; header: BatchHeader; size: number }
  | { errorCode: number; errorMessage: string | null; logStartKnown: boolean; recordErrors?: { batchIndex: number; batchIndexErrorMessage: string }[] };

/**
 * The topic's say in what is stored (Kafka's LogValidator): compacted topics need a key on every record, and
 * compression.type other than "producer" means the batch is stored recompressed in that codec (then the new batch
 * must still fit max.message.bytes). Batches of other topics pass untouched, without decoding a record.
 */
function applyTopicPolicies(cfg: ReadonlyMap<string, string>, batch: Buffer, header: BatchHeader, size: number, topicPartition: string): PolicyOutcome {
  const compacted = isCompacted(topicConfigValue(cfg, 'cleanup.policy'));
  const codec = targetCodec(topicConfigValue(cfg, 'compression.type'), header.compression);
  if (!compacted && codec === null) return { batch, header, size };
  let decoded;
  try {
    decoded = decodeRecordBatch(batch, 0);
  } catch {
    return { errorCode: ErrorCode.CORRUPT_MESSAGE, errorMessage: null, logStartKnown: false };
  }
  const keyless = compacted ? keylessRecordErrors(decoded, topicPartition) : null;
  if (keyless) return { errorCode: ErrorCode.INVALID_RECORD, errorMessage: keylessRecordsMessage(keyless), logStartKnown: true, recordErrors: keyless };
  if (codec === null) return { batch, header, size };
  const rebuilt = recompressBatch(batch, header, codec, decoded);
  // Checked by the log after validation (UnifiedLog), which answers without the log start offset.
  if (rebuilt.length > Number(topicConfigValue(cfg, 'max.message.bytes'))) return { errorCode: ErrorCode.MESSAGE_TOO_LARGE, errorMessage: null, logStartKnown: false };
  return { batch: rebuilt, header: readBatchHeader(rebuilt, 0), size: rebuilt.length };
}

/**
 * Kafka's ProduceRequest.validateRecords: the payload must hold exactly one whole batch (a trailing partial batch is
 * not counted, as Kafka's batch iterator stops there). Returns the error code, or null when there is one batch.
 */
function frameOneBatch(records: Buffer | null): number | null {
  if (!records) return ErrorCode.INVALID_RECORD;
  const batches = iterateBatches(records);
  let count = 0;
  try {
    while (!batches.next().done) if (++count > 1) break;
  } catch {
    return ErrorCode.CORRUPT_MESSAGE;
  }
  // A cut-off payload holds no whole batch: Kafka answers INVALID_RECORD ("at least one record batch").
  return count === 1 ? null : ErrorCode.INVALID_RECORD;
}

/** Java's long arithmetic, for the bounds Kafka prints (now - Long.MAX_VALUE and the like). */
const long = (v: bigint) => BigInt.asIntN(64, v);

/**
 * message.timestamp.{before,after}.max.ms for CreateTime topics. The batch's first and largest timestamps screen
 * it without touching records; only a batch that fails is decoded, to name each record out of range as Kafka does.
 */
function checkTimestamps(cfg: ReadonlyMap<string, string>, batch: Buffer, h: BatchHeader, now: number): { batchIndex: number; batchIndexErrorMessage: string }[] | null {
  if (topicConfigValue(cfg, 'message.timestamp.type') !== 'CreateTime') return null;
  const before = BigInt(topicConfigValue(cfg, 'message.timestamp.before.max.ms'));
  const after = BigInt(topicConfigValue(cfg, 'message.timestamp.after.max.ms'));
  const at = BigInt(now);
  const bad = (ts: bigint) => ts >= 0n && (at - ts > before || ts - at > after);
  if (!bad(h.baseTimestamp) && !bad(h.maxTimestamp)) return null;
  const message = (ts: bigint, offset: bigint) =>
    `Timestamp ${ts} of message with offset ${offset} is out of range. The timestamp should be within [${long(at - before)}, ${long(at + after)}]`;
  try {
    const errors = decodeRecordBatch(batch, 0).records.flatMap((r, i) => (bad(r.timestamp) ? [{ batchIndex: i, batchIndexErrorMessage: message(r.timestamp, r.offset) }] : []));
    if (errors.length > 0) return errors;
  } catch {
    // Records that do not decode: report the batch by its first record.
  }
  return [{ batchIndex: 0, batchIndexErrorMessage: message(bad(h.baseTimestamp) ? h.baseTimestamp : h.maxTimestamp, h.baseOffset) }];
}

export const produceHandler = defineHandler<ProduceRequest, ProduceResponse>({
  apiKey: 0,
  name: 'Produce',
  minVersion: 0,
  minAcceptedVersion: 3,
  maxVersion: 11,
  concurrent: true,
  decode: decodeProduceRequest,
  encode: encodeProduceResponse,
  async handle(req, ctx, broker) {
    const acks = req.acks;
    const now = Date.now();
    const topics: { name: string; outcomes: PartitionOutcome[] }[] = [];
    for (const t of req.topicData) {
      const outcomes: PartitionOutcome[] = [];
      for (const p of t.partitionData) {
        if (acks !== 0 && acks !== 1 && acks !== -1) {
          outcomes.push({ index: p.index, result: failed(ErrorCode.INVALID_REQUIRED_ACKS, null) });
          continue;
        }
        outcomes.push(produceToPartition(broker, ctx.apiVersion, t.name, p.index, p.records as Buffer | null, acks, now));
      }
      topics.push({ name: t.name, outcomes });
    }

    // Respond only after every accepted batch is durable (DESIGN: acknowledge only what is committed), and for
    // acks=all only once the whole ISR has it (the high watermark passed it) with min.insync.replicas held.
    await Promise.all(
      topics.flatMap((t) =>
        t.outcomes.map(async (o) => {
          try {
            await o.result.committed;
          } catch (e) {
            broker.log.error(`append to ${t.name}-${o.index} failed`, e);
            o.result = failed(ErrorCode.KAFKA_STORAGE_ERROR, 'the write to the log failed', o.result.logStartOffset);
            return;
          }
          if (acks !== -1 || o.result.errorCode !== ErrorCode.NONE) return;
          const partition = broker.replicas.getByName(t.name, o.index);
          if (!partition) {
            o.result = failed(ErrorCode.NOT_LEADER_OR_FOLLOWER, null, o.result.logStartOffset);
            return;
          }
          const code = await partition.waitForHighWatermark(o.result.lastOffset + 1, req.timeoutMs);
          const minIsr = Number(topicConfigValue(broker.metadata.topicConfig(t.name), 'min.insync.replicas'));
          if (code !== ErrorCode.NONE) o.result = { ...o.result, errorCode: code, errorMessage: null };
          else if (partition.isr.length < minIsr) {
            o.result = {
              ...o.result,
              errorCode: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
              errorMessage: `The size of the current ISR ${partition.isr.length} is insufficient to satisfy the min.isr requirement of ${minIsr}`,
            };
          }
        }),
      ),
    );
    if (acks === 0) return null;

    // KIP-951 (v10+): a NOT_LEADER_OR_FOLLOWER answer names the current leader and, at the top level, where it
    // listens, so the client can retry without a Metadata round trip.
    const leaderEndpoints = new Map<number, { nodeId: number; host: string; port: number; rack: string | null }>();
    const currentLeader = (topicName: string, index: number, errorCode: number) => {
      if (errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER) return { leaderId: -1, leaderEpoch: -1 };
      const meta = broker.metadata.topicsByName.get(topicName)?.partitions[index];
      const registration = meta && broker.metadata.liveBrokers.has(meta.leader) ? broker.metadata.brokers.get(meta.leader) : undefined;
      if (!meta || !registration) return { leaderId: -1, leaderEpoch: -1 };
      leaderEndpoints.set(meta.leader, { nodeId: meta.leader, host: registration.host, port: registration.port, rack: registration.rack });
      return { leaderId: meta.leader, leaderEpoch: meta.leaderEpoch };
    };
    const responses: ProduceResponseTopicProduceResponse[] = topics.map((t) => ({
      name: t.name,
      partitionResponses: t.outcomes.map(
        (o): ProduceResponsePartitionProduceResponse => ({
          currentLeader: currentLeader(t.name, o.index, o.result.errorCode),
          index: o.index,
          errorCode: o.result.errorCode,
          baseOffset: BigInt(o.result.baseOffset),
          logAppendTimeMs: BigInt(o.result.logAppendTime),
          logStartOffset: BigInt(o.result.logStartOffset),
          recordErrors: o.recordErrors ?? [],
          // Kafka sends a message only with record errors (RecordValidationException); other errors go without.
          errorMessage: o.recordErrors ? o.result.errorMessage : null,
        }),
      ),
    }));
    return { responses, throttleTimeMs: 0, nodeEndpoints: [...leaderEndpoints.values()].sort((x, y) => x.nodeId - y.nodeId) };
  },
});

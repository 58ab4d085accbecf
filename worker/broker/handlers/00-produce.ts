// Produce (key 0). Advertised 0-11 like Kafka 4 (old librdkafka only compresses when it sees v0), but v0-2
// are refused: Kafka 4 accepts only record batch v2 (magic 2), which starts at v3.
// Per partition, as Kafka's ProduceRequest.validateRecords and LogValidator do: exactly one batch, magic 2,
// valid CRC, no control batch from a client, size within max.message.bytes, zstd only from v7,
// timestamps within message.timestamp.{before,after}.max.ms. Records are never parsed one by one here.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeProduceRequest,
  encodeProduceResponse,
  type ProduceRequest,
  type ProduceResponse,
  type ProduceResponseTopicProduceResponse,
  type ProduceResponsePartitionProduceResponse,
} from '../../protocol/generated/index.js';
import { validateBatch, type BatchHeader } from '../../protocol/records/record-batch.js';
import { topicConfigValue } from '../../rpc/topic-configs.js';
import { INTERNAL_TOPICS } from '../../rpc/topic-names.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import type { AppendResult } from '../replica/partition.js';

const ZSTD = 4;

interface PartitionOutcome {
  index: number;
  result: AppendResult;
  recordErrors?: { batchIndex: number; batchIndexErrorMessage: string | null }[];
}

function failed(errorCode: number, errorMessage: string | null, logStartOffset = -1): AppendResult {
  return { errorCode, errorMessage, baseOffset: -1, logAppendTime: -1, logStartOffset, committed: Promise.resolve() };
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

  if (!records || records.length === 0) {
    return { index, result: failed(ErrorCode.INVALID_RECORD, `Produce requests with version ${version} must have at least one record batch per partition`, logStart) };
  }
  const check = validateBatch(records, 0);
  if (!check.ok) return { index, result: failed(check.errorCode, check.message, logStart) };
  const { header, size } = check;
  if (size !== records.length) {
    return { index, result: failed(ErrorCode.INVALID_RECORD, `Produce requests with version ${version} are only allowed to contain exactly one record batch per partition`, logStart) };
  }
  const invalid = validateAgainstTopic(broker, topicName, version, header, size, now);
  if (invalid) return { index, result: invalid, ...(invalid.errorCode === ErrorCode.INVALID_TIMESTAMP ? { recordErrors: [{ batchIndex: 0, batchIndexErrorMessage: invalid.errorMessage }] } : {}) };

  const minIsr = Number(topicConfigValue(broker.metadata.topicConfig(topicName), 'min.insync.replicas'));
  if (acks === -1 && partition.isr.length < minIsr) {
    return {
      index,
      result: failed(ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR ${partition.isr.length} is insufficient to satisfy the min.isr requirement of ${minIsr}`, logStart),
    };
  }
  const appendTime = topicConfigValue(broker.metadata.topicConfig(topicName), 'message.timestamp.type') === 'LogAppendTime' ? now : null;
  return { index, result: partition.append(records, header, size, appendTime) };
}

function validateAgainstTopic(broker: BrokerContext, topicName: string, version: number, h: BatchHeader, size: number, now: number): AppendResult | null {
  const cfg = broker.metadata.topicConfig(topicName);
  if (h.compression === ZSTD && version < 7) return failed(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd compression requires Produce v7 or later');
  const maxMessageBytes = Number(topicConfigValue(cfg, 'max.message.bytes'));
  if (size > maxMessageBytes) {
    return failed(ErrorCode.MESSAGE_TOO_LARGE, `The record batch size ${size} is larger than max.message.bytes ${maxMessageBytes}`);
  }
  if (topicConfigValue(cfg, 'message.timestamp.type') === 'CreateTime') {
    const before = Number(topicConfigValue(cfg, 'message.timestamp.before.max.ms'));
    const after = Number(topicConfigValue(cfg, 'message.timestamp.after.max.ms'));
    // Batch-level bounds: the first and the largest timestamp of the batch (records are not parsed here).
    for (const ts of [Number(h.baseTimestamp), Number(h.maxTimestamp)]) {
      if (ts < 0) continue;
      if (now - ts > before || ts - now > after) {
        return failed(
          ErrorCode.INVALID_TIMESTAMP,
          `Timestamp ${ts} of message is out of range. The timestamp should be within [${now - before}, ${now + after}]`,
        );
      }
    }
  }
  return null;
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

    // Respond only after every accepted batch is durable (DESIGN: acknowledge only what is committed).
    await Promise.all(
      topics.flatMap((t) =>
        t.outcomes.map((o) =>
          o.result.committed.catch((e: unknown) => {
            broker.log.error(`append to ${t.name}-${o.index} failed`, e);
            o.result = failed(ErrorCode.KAFKA_STORAGE_ERROR, 'the write to the log failed', o.result.logStartOffset);
          }),
        ),
      ),
    );
    if (acks === 0) return null;

    const responses: ProduceResponseTopicProduceResponse[] = topics.map((t) => ({
      name: t.name,
      partitionResponses: t.outcomes.map(
        (o): ProduceResponsePartitionProduceResponse => ({
          index: o.index,
          errorCode: o.result.errorCode,
          baseOffset: BigInt(o.result.baseOffset),
          logAppendTimeMs: BigInt(o.result.logAppendTime),
          logStartOffset: BigInt(o.result.logStartOffset),
          recordErrors: o.recordErrors ?? [],
          errorMessage: o.result.errorCode === ErrorCode.NONE ? null : o.result.errorMessage,
        }),
      ),
    }));
    return { responses, throttleTimeMs: 0 };
  },
});

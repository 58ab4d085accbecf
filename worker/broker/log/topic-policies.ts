// The parts of Kafka's LogValidator that depend on the topic's configs rather than on the batch alone:
// compacted topics refuse records without a key (compaction keeps the latest value *per key*), and a topic whose
// compression.type names a codec stores every batch in that codec, so the broker recompresses what producers send.
import { Compression } from '../../protocol/records/compression.js';
import { decodeRecordBatch, encodeRecordBatch, type BatchHeader, type DecodedBatch } from '../../protocol/records/record-batch.js';

export interface RecordError {
  batchIndex: number;
  batchIndexErrorMessage: string;
}

/** cleanup.policy is a list ("compact, delete" as given by a user too): whether it names `policy`. */
export function hasCleanupPolicy(cleanupPolicy: string, policy: 'compact' | 'delete'): boolean {
  return cleanupPolicy.split(',').some((p) => p.trim() === policy);
}

/** "compact" and "compact,delete" both make a compacted topic. */
export function isCompacted(cleanupPolicy: string): boolean {
  return hasCleanupPolicy(cleanupPolicy, 'compact');
}

/**
 * One error per record without a key, Kafka's wording; null when every record has one. Kafka answers such a batch
 * with INVALID_RECORD, these record errors and a summary message (see keylessRecordsMessage).
 */
export function keylessRecordErrors(decoded: DecodedBatch, topicPartition: string): RecordError[] | null {
  const errors: RecordError[] = [];
  decoded.records.forEach((r, i) => {
    if (r.key === null) errors.push({ batchIndex: i, batchIndexErrorMessage: `Compacted topic cannot accept message without key in topic partition ${topicPartition}` });
  });
  return errors.length > 0 ? errors : null;
}

/** Kafka's summary (LogValidator.processRecordErrors): the count, then at most three errors in Java's toString. */
export function keylessRecordsMessage(errors: RecordError[]): string {
  const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.batchIndexErrorMessage}')`);
  return `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`;
}

/**
 * The codec a batch must be stored in: the producer's with compression.type=producer, otherwise the topic's.
 * Returns null when the batch can be stored as it came.
 */
export function targetCodec(compressionType: string, source: number): number | null {
  if (compressionType === 'producer') return null;
  const target = compressionType === 'uncompressed' ? Compression.none : Compression[compressionType as keyof typeof Compression];
  if (target === undefined || target === source) return null;
  return target;
}

/**
 * Rebuilds a producer batch in another codec, keeping everything a consumer or the idempotence checks see:
 * producer id/epoch/sequence, transactional flag, timestamp type and every record's offset delta, timestamp, key,
 * value and headers. Throws a ProtocolError if the records do not decode.
 */
export function recompressBatch(batch: Buffer, header: BatchHeader, codec: number, decoded = decodeRecordBatch(batch, 0)): Buffer {
  return encodeRecordBatch({
    baseOffset: header.baseOffset,
    records: decoded.records.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: Number(r.offset - header.baseOffset),
    })),
    compression: codec,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    isTransactional: header.isTransactional,
    timestampType: header.timestampType,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    maxTimestamp: header.maxTimestamp,
    lastOffsetDelta: header.lastOffsetDelta,
  });
}

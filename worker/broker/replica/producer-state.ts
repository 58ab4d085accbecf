// Idempotent-producer checks for one partition, following Kafka's ProducerStateManager: a retried batch that
// matches one of the producer's last five batches is acknowledged with its original offsets; a gap in
// sequence numbers is OUT_OF_ORDER_SEQUENCE_NUMBER; an older epoch is INVALID_PRODUCER_EPOCH.
import { ErrorCode } from '../../protocol/errors.js';
import type { ProducerBatch, ProducerEntry } from '../log/log-store.js';

export const MAX_CACHED_BATCHES = 5;
const INT32_MAX = 2147483647;

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; batch: ProducerBatch }
  | { kind: 'error'; errorCode: number; message: string };

/** Sequence numbers wrap at int32 max (NOTES §5). */
function nextSeq(seq: number, delta: number): number {
  const n = seq + delta;
  return n > INT32_MAX ? n - INT32_MAX - 1 : n;
}

export function lastSeqOf(firstSeq: number, recordCount: number): number {
  return nextSeq(firstSeq, recordCount - 1);
}

export function checkSequence(entry: ProducerEntry | undefined, epoch: number, firstSeq: number, lastSeq: number): SequenceCheck {
  if (!entry) {
    // Unknown producer (new, or its state was removed with old data): any sequence is accepted, as Kafka does.
    return { kind: 'append' };
  }
  if (epoch < entry.producerEpoch) {
    return {
      kind: 'error',
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
      message: `Epoch of producer ${entry.producerId} is ${epoch}, which is smaller than the last seen epoch ${entry.producerEpoch}`,
    };
  }
  if (epoch === entry.producerEpoch) {
    const dup = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (dup) return { kind: 'duplicate', batch: dup };
    const last = entry.batches.at(-1);
    if (last && firstSeq !== nextSeq(last.lastSeq, 1)) {
      return {
        kind: 'error',
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `Out of order sequence number for producer ${entry.producerId}: ${firstSeq} (incoming seq. number), ${last.lastSeq} (current end sequence number)`,
      };
    }
    return { kind: 'append' };
  }
  // A bumped epoch starts again at sequence 0.
  if (firstSeq !== 0) {
    return {
      kind: 'error',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      message: `Invalid sequence number for new epoch of producer ${entry.producerId} at offset ${firstSeq}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${entry.producerEpoch} (current producer epoch)`,
    };
  }
  return { kind: 'append' };
}

/** The producer's entry after appending a batch (a new object; the caller decides when it becomes current). */
export function recordBatch(entry: ProducerEntry | undefined, producerId: number, epoch: number, batch: ProducerBatch): ProducerEntry {
  const kept = entry && entry.producerEpoch === epoch ? entry.batches : [];
  const batches = [...kept, batch];
  if (batches.length > MAX_CACHED_BATCHES) batches.splice(0, batches.length - MAX_CACHED_BATCHES);
  return { producerId, producerEpoch: epoch, batches };
}

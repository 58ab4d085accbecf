// Rebuilding a batch with a subset of its records (log compaction), by copying each kept record's bytes rather
// than decoding and re-encoding it. The result is what Kafka's cleaner writes (MemoryRecords.filterTo →
// MemoryRecordsBuilder): the batch keeps its base offset, offset range, producer fields, timestamp type and
// codec; baseTimestamp becomes the first kept record's timestamp, or the delete horizon (KIP-534) when one is
// set, and every record's timestampDelta is re-based on it. A record whose delta does not change is copied
// byte for byte; otherwise only its length, attributes and timestampDelta are written anew and the rest
// (offsetDelta, key, value, headers) is copied.
import { Reader, Writer } from '../primitives.js';
import { BATCH_HEADER_SIZE, sealBatch, sizeOfVarlong, writeTimestampDelta } from './record-batch.js';
import type { CompressionCodec } from './compression.js';
import type { RecordCursor } from './record-cursor.js';

const HEADER_ROOM = Buffer.alloc(BATCH_HEADER_SIZE);
/** Per kept record: start, bodyStart, offsetDeltaStart, end (positions in the cursor's body). */
const SPAN = 4;

/** The records of one batch that stay, collected while a RecordCursor walks it. Reusable across batches. */
export class KeptRecords {
  private spans = new Int32Array(SPAN * 256);
  count = 0;
  /** Bytes of the kept records as they are in the batch. */
  bytes = 0;

  clear(): void {
    this.count = 0;
    this.bytes = 0;
  }

  /** Keeps the record the cursor is on. */
  add(cursor: RecordCursor): void {
    if ((this.count + 1) * SPAN > this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    const at = this.count * SPAN;
    this.spans[at] = cursor.start;
    this.spans[at + 1] = cursor.bodyStart;
    this.spans[at + 2] = cursor.offsetDeltaStart;
    this.spans[at + 3] = cursor.end;
    this.count++;
    this.bytes += cursor.end - cursor.start;
  }

  /** The batch `cursor` walked, with only the kept records (at least one); see the file comment. */
  rebuild(cursor: RecordCursor, deleteHorizonMs: bigint | null): Buffer {
    const { header, body } = cursor;
    const spans = this.spans;
    // The record timestamps as decodeRecordBatch reports them: with LogAppendTime, the batch's maxTimestamp.
    const logAppendTime = header.timestampType === 'LogAppendTime';
    const timestampAt = (bodyStart: number): bigint => (logAppendTime ? header.maxTimestamp : header.baseTimestamp + deltaAt(body, bodyStart));
    const baseTimestamp = deleteHorizonMs ?? timestampAt(spans[1]!);
    const unchanged = !logAppendTime && baseTimestamp === header.baseTimestamp;

    const w = new Writer(BATCH_HEADER_SIZE + this.bytes + 16 * this.count);
    w.writeRaw(HEADER_ROOM);
    for (let i = 0; i < this.count; i++) {
      const start = spans[i * SPAN]!;
      const bodyStart = spans[i * SPAN + 1]!;
      const offsetDeltaStart = spans[i * SPAN + 2]!;
      const end = spans[i * SPAN + 3]!;
      if (!unchanged) {
        const delta = timestampAt(bodyStart) - baseTimestamp;
        if (delta !== deltaAt(body, bodyStart)) {
          const tail = body.subarray(offsetDeltaStart, end);
          w.writeVarint(1 + sizeOfVarlong(delta) + tail.length);
          w.writeRaw(body.subarray(bodyStart, bodyStart + 1)); // attributes
          writeTimestampDelta(w, delta);
          w.writeRaw(tail);
          continue;
        }
      }
      w.writeRaw(body.subarray(start, end));
    }
    return sealBatch(w.toBuffer(), {
      baseOffset: header.baseOffset,
      compression: header.compression as CompressionCodec,
      recordCount: this.count,
      baseTimestamp,
      maxTimestamp: header.maxTimestamp,
      // The offset range stays the batch's own (an idempotent producer's sequence range depends on it).
      lastOffsetDelta: header.lastOffsetDelta,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
      isTransactional: header.isTransactional,
      isControl: header.isControl,
      timestampType: header.timestampType,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      ...(deleteHorizonMs !== null ? { deleteHorizonMs } : {}),
    });
  }
}

/** The timestampDelta of the record whose attributes byte is at `bodyStart`. */
function deltaAt(body: Buffer, bodyStart: number): bigint {
  return new Reader(body, bodyStart + 1).readVarlong();
}

// Walking the records of a batch without decoding them (for the log cleaner, which reads every record of a
// compacted log). decodeRecordBatch builds an object per record with views for key, value and every header, a
// BigInt timestamp and header-key strings; the cleaner needs only where each record is, its offset, its key and
// whether its value is null. RecordCursor reads the same fields in place (NOTES.md §5: length, attributes,
// timestampDelta, offsetDelta, key, value, headers) and allocates nothing per record. It applies the same checks
// as decodeRecordBatch, so a batch one rejects the other rejects too.
import { openBatchRecords, RecordBatchError, type BatchHeader, type DecodeBatchOptions } from './record-batch.js';

export class RecordCursor {
  /** The records section: a view into the batch, or the decompressed records of a compressed batch. */
  readonly body: Buffer;
  readonly header: BatchHeader;
  /** header.baseOffset as a number (offsets inside the broker are numbers, log-store.ts). */
  readonly baseOffset: number;
  /** Records left to read, including the current one until next() moves on. */
  private left: number;
  private pos = 0;

  // The current record, all positions in `body`.
  /** Where its length varint starts. */
  start = 0;
  /** Where its attributes byte starts (after the length varint). */
  bodyStart = 0;
  /** Where its offsetDelta starts: from here to `end` a rewrite can copy the record as it is. */
  offsetDeltaStart = 0;
  /** The position after its last byte. */
  end = 0;
  offsetDelta = 0;
  /** -1 for a null key. */
  keyLength = -1;
  keyStart = 0;
  /** -1 for a null value (a tombstone). */
  valueLength = -1;

  constructor(batch: Buffer, opts?: DecodeBatchOptions) {
    const { header, body } = openBatchRecords(batch, 0, opts);
    this.header = header;
    this.body = body;
    this.baseOffset = Number(header.baseOffset);
    this.left = header.recordCount;
  }

  /** The current record's offset. */
  get offset(): number {
    return this.baseOffset + this.offsetDelta;
  }

  /** Moves to the next record; false after the last one (and then the records must have used up the body). */
  next(): boolean {
    const body = this.body;
    if (this.left === 0) {
      if (this.pos !== body.length) corrupt(`record batch has ${body.length - this.pos} bytes after its ${this.header.recordCount} declared records`);
      return false;
    }
    const index = this.header.recordCount - this.left;
    if (this.pos >= body.length) corrupt(`record batch declares ${this.header.recordCount} records but holds ${index}`);
    this.start = this.pos;
    const length = this.varint(body.length);
    if (length < 0 || length > body.length - this.pos) corrupt(`record ${index} has invalid length ${length} (${body.length - this.pos} bytes left)`);
    const end = this.pos + length;
    this.bodyStart = this.pos;
    this.end = end;
    this.need(1, end);
    this.pos++; // attributes
    this.skipVarlong(end);
    this.offsetDeltaStart = this.pos;
    this.offsetDelta = this.varint(end);
    this.keyLength = this.nullableBytes(end, 'key');
    this.keyStart = this.pos - Math.max(0, this.keyLength);
    this.valueLength = this.nullableBytes(end, 'value');
    const headerCount = this.varint(end);
    if (headerCount < 0 || headerCount > (end - this.pos) / 2) corrupt(`record ${index} has invalid header count ${headerCount}`);
    for (let h = 0; h < headerCount; h++) {
      const keyLength = this.varint(end);
      if (keyLength < 0) corrupt(`record ${index} has invalid header key length ${keyLength}`);
      this.need(keyLength, end);
      this.pos += keyLength;
      this.nullableBytes(end, 'header value');
    }
    if (this.pos !== end) corrupt(`record ${index} declares ${length} bytes but its fields take ${this.pos - this.bodyStart}`);
    this.left--;
    return true;
  }

  private need(n: number, end: number): void {
    if (n > end - this.pos) corrupt(`${n} bytes needed, ${end - this.pos} left`);
  }

  /** A zigzag varint (32 bits), as Reader.readVarint. */
  private varint(end: number): number {
    const body = this.body;
    let u = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= end) corrupt('varint runs past the record');
      const b = body[this.pos++]!;
      u += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (u > 0xffffffff) corrupt('unsigned varint overflows 32 bits');
        return (u >>> 1) ^ -(u & 1);
      }
      mul *= 128;
    }
    return corrupt('unsigned varint longer than 5 bytes');
  }

  /** Skips a varlong (at most 10 bytes), as Reader.readVarlong would read it. */
  private skipVarlong(end: number): void {
    const body = this.body;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) corrupt('varlong runs past the record');
      if ((body[this.pos++]! & 0x80) === 0) return;
    }
    corrupt('varlong longer than 10 bytes');
  }

  /** Skips a nullable varint-length field; returns its length, -1 for null. */
  private nullableBytes(end: number, what: string): number {
    const len = this.varint(end);
    if (len === -1) return -1;
    if (len < 0) corrupt(`invalid ${what} length ${len}`);
    this.need(len, end);
    this.pos += len;
    return len;
  }
}

function corrupt(message: string): never {
  throw new RecordBatchError('CORRUPT_MESSAGE', `record batch is corrupt: ${message}`);
}

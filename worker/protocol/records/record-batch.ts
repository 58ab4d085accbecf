// Record batch v2 (magic 2), the only on-wire record format Eddy speaks (NOTES.md §5; Kafka's DefaultRecordBatch).
//
// Two layers:
//  - header-only helpers for the broker's hot paths (produce validation, offset assignment, fetch framing): they
//    read fixed offsets and never walk individual records;
//  - a full encoder/decoder (all four codecs, headers, control records) for clients, tests, compaction and the GUI.
//
// Layout (offsets from the start of a batch):
//   0 baseOffset i64 | 8 batchLength i32 | 12 partitionLeaderEpoch i32 | 16 magic i8 | 17 crc u32 (CRC-32C of
//   [21, end)) | 21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64 | 35 maxTimestamp i64 |
//   43 producerId i64 | 51 producerEpoch i16 | 53 baseSequence i32 | 57 recordCount i32 | 61 records...
import { ProtocolError, Reader, Writer } from '../primitives.js';
import { crc32c } from './crc32c.js';
import { Compression, compress, decompress, isCompressionCodec, type CompressionCodec } from './compression.js';

// ---------------------------------------------------------------------------------------------------------------
// Layout constants (names follow Kafka's DefaultRecordBatch)

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;
/** Size of the fixed batch header; also the smallest valid batch (zero records, uncompressed). */
export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** CRC coverage starts at the attributes, so baseOffset and partitionLeaderEpoch can change without a new CRC. */
export const CRC_START_OFFSET = ATTRIBUTES_OFFSET;
/** Smallest size a log entry (batch or legacy message) can frame as (Kafka's LegacyRecord.RECORD_OVERHEAD_V0). */
const MIN_ENTRY_BODY = 14;
/** A record needs at least 7 bytes: length, attributes, timestampDelta, offsetDelta, keyLength, valueLength, headerCount. */
const MIN_RECORD_SIZE = 7;

export const MAGIC_V2 = 2;

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TIMESTAMP_TYPE = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
export const ATTR_DELETE_HORIZON = 0x40;
/** Bits 7-15 are unused and must be 0. */
export const ATTR_UNUSED_MASK = 0xff80;

export const NO_TIMESTAMP = -1n;
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface BatchHeader {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** Stored CRC-32C, unsigned. */
  crc: number;
  attributes: number;
  compression: number;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  /** The delete horizon when hasDeleteHorizon (KIP-534); otherwise the first record's timestamp. */
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

export const BatchErrorCode = {
  CORRUPT_MESSAGE: 2,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;
export type BatchErrorName = keyof typeof BatchErrorCode;

/** Malformed batch or record; `error`/`errorCode` is the Kafka error a broker answers with. */
export class RecordBatchError extends ProtocolError {
  override name = 'RecordBatchError';
  readonly errorCode: number;
  constructor(
    readonly error: BatchErrorName,
    message: string,
  ) {
    super(message);
    this.errorCode = BatchErrorCode[error];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Header-only access

/** Total bytes of the batch starting at `at` (batchLength + 12); reads only the length field. */
export function batchSizeAt(buf: Buffer, at = 0): number {
  return buf.readInt32BE(at + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
}

/** Reads the 61-byte header without touching the records or checking the CRC. Throws ProtocolError when truncated. */
export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  if (at < 0 || buf.length - at < BATCH_HEADER_SIZE) {
    throw new RecordBatchError('CORRUPT_MESSAGE', `record batch header truncated: ${Math.max(0, buf.length - at)} of ${BATCH_HEADER_SIZE} bytes`);
  }
  const attributes = buf.readUInt16BE(at + ATTRIBUTES_OFFSET);
  return {
    baseOffset: buf.readBigInt64BE(at + BASE_OFFSET_OFFSET),
    batchLength: buf.readInt32BE(at + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(at + MAGIC_OFFSET),
    crc: buf.readUInt32BE(at + CRC_OFFSET),
    attributes,
    compression: attributes & ATTR_COMPRESSION_MASK,
    timestampType: attributes & ATTR_TIMESTAMP_TYPE ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    hasDeleteHorizon: (attributes & ATTR_DELETE_HORIZON) !== 0,
    lastOffsetDelta: buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: buf.readBigInt64BE(at + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: buf.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET),
    producerId: buf.readBigInt64BE(at + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(at + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(at + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(at + RECORDS_COUNT_OFFSET),
  };
}

/** Offset of the last record (baseOffset + lastOffsetDelta). */
export function lastOffsetOf(header: Pick<BatchHeader, 'baseOffset' | 'lastOffsetDelta'>): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}

/** The offset after this batch: where the next batch starts. */
export function nextOffsetOf(header: Pick<BatchHeader, 'baseOffset' | 'lastOffsetDelta'>): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta) + 1n;
}

/** CRC-32C the batch at `at` should carry, computed over [at+21, at+size). */
export function computeBatchCrc(buf: Buffer, at = 0): number {
  return crc32c(buf.subarray(at + CRC_START_OFFSET, at + batchSizeAt(buf, at)));
}

// ---------------------------------------------------------------------------------------------------------------
// Validation (produce hot path: fixed-offset reads and one native CRC pass; no record parsing, no per-record work)

export type BatchValidation =
  | { ok: true; header: BatchHeader; size: number }
  | { ok: false; error: BatchErrorName; errorCode: number; message: string };

export interface ValidateOptions {
  /**
   * 'produce' (default): the batch came from a client, so also apply Kafka's LogValidator rules for producer
   * batches: at least one record, lastOffsetDelta == recordCount - 1, not a control batch, and an idempotent
   * producer's batch has baseSequence >= 0.
   * 'stored': a batch already in a log (replication, compaction output): recordCount may be 0 and
   * lastOffsetDelta may exceed recordCount - 1 (compaction removes records but keeps the offset range).
   */
  mode?: 'produce' | 'stored';
  /** End of the bytes the batch may occupy (default buf.length). */
  end?: number;
}

function fail(error: BatchErrorName, message: string): BatchValidation {
  return { ok: false, error, errorCode: BatchErrorCode[error], message };
}

/**
 * Checks the batch at `at`: framing (size >= 61, batchLength within the available bytes), magic 2, CRC-32C,
 * attributes (known codec, unused bits zero), record count and offset-delta consistency. Returns the parsed header
 * and the batch's total size; the caller compares size with the bytes it got (Produce v3+ wants exactly one batch).
 */
export function validateBatch(buf: Buffer, at = 0, opts?: ValidateOptions): BatchValidation {
  const end = opts?.end ?? buf.length;
  const available = end - at;
  if (available < LOG_OVERHEAD + 5) {
    return fail('CORRUPT_MESSAGE', `record batch is corrupt: ${Math.max(0, available)} bytes is smaller than the minimum batch overhead ${BATCH_HEADER_SIZE}`);
  }
  const batchLength = buf.readInt32BE(at + BATCH_LENGTH_OFFSET);
  const size = batchLength + LOG_OVERHEAD;
  const magic = buf.readInt8(at + MAGIC_OFFSET);
  if (magic !== MAGIC_V2) {
    return fail('INVALID_RECORD', `record batch has magic ${magic}; only magic 2 record batches are accepted`);
  }
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    return fail('CORRUPT_MESSAGE', `record batch is corrupt: size ${size} is smaller than the minimum batch overhead ${BATCH_HEADER_SIZE}`);
  }
  if (size > available) {
    return fail('CORRUPT_MESSAGE', `record batch is corrupt: batchLength ${batchLength} needs ${size} bytes, only ${available} available`);
  }
  const stored = buf.readUInt32BE(at + CRC_OFFSET);
  const computed = crc32c(buf.subarray(at + CRC_START_OFFSET, at + size));
  if (stored !== computed) {
    return fail('CORRUPT_MESSAGE', `record batch is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  }
  const attributes = buf.readUInt16BE(at + ATTRIBUTES_OFFSET);
  if ((attributes & ATTR_UNUSED_MASK) !== 0) {
    return fail('INVALID_RECORD', `record batch attributes 0x${attributes.toString(16)} set unused bits 7-15`);
  }
  const codec = attributes & ATTR_COMPRESSION_MASK;
  if (!isCompressionCodec(codec)) {
    return fail('UNSUPPORTED_COMPRESSION_TYPE', `record batch uses unknown compression codec ${codec}`);
  }
  const recordCount = buf.readInt32BE(at + RECORDS_COUNT_OFFSET);
  if (recordCount < 0) return fail('INVALID_RECORD', `record batch has invalid record count ${recordCount}`);
  if (codec === Compression.none && recordCount > (size - BATCH_HEADER_SIZE) / MIN_RECORD_SIZE) {
    return fail('CORRUPT_MESSAGE', `record batch declares ${recordCount} records in ${size - BATCH_HEADER_SIZE} bytes of records`);
  }
  const lastOffsetDelta = buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET);
  if ((opts?.mode ?? 'produce') === 'produce') {
    if (recordCount === 0) return fail('INVALID_RECORD', 'invalid reported count for record batch: 0');
    if (lastOffsetDelta !== recordCount - 1) {
      return fail('INVALID_RECORD', `inconsistent batch offset range: lastOffsetDelta ${lastOffsetDelta} for ${recordCount} records`);
    }
    if (attributes & ATTR_CONTROL) return fail('INVALID_RECORD', 'clients are not allowed to write control records');
    const producerId = buf.readBigInt64BE(at + PRODUCER_ID_OFFSET);
    if (producerId >= 0n && buf.readInt32BE(at + BASE_SEQUENCE_OFFSET) < 0) {
      return fail('INVALID_RECORD', `invalid base sequence for producer ${producerId}`);
    }
  } else if (lastOffsetDelta < recordCount - 1 || lastOffsetDelta < -1) {
    return fail('INVALID_RECORD', `inconsistent batch offset range: lastOffsetDelta ${lastOffsetDelta} for ${recordCount} records`);
  }
  return { ok: true, header: readBatchHeader(buf, at), size };
}

// ---------------------------------------------------------------------------------------------------------------
// Framing concatenated batches (produce payloads, stored runs, fetch responses)

/**
 * Iterates the batches in `buf` as views (no copies). A trailing partial batch - normal at the end of a fetch
 * response cut at the size limit - ends the iteration; `partialBytes` then says how many bytes were left over.
 * A length field too small to frame any entry means corruption and throws RecordBatchError (CORRUPT_MESSAGE).
 * Only framing is checked; run validateBatch on each batch for the rest.
 */
export class BatchIterator implements IterableIterator<Buffer> {
  /** Offset in `buf` of the next batch. */
  position: number;
  /** Bytes after the last whole batch that do not form a whole batch (set once the iteration ends). */
  partialBytes = 0;

  constructor(
    readonly buf: Buffer,
    at = 0,
    readonly end = buf.length,
  ) {
    this.position = at;
  }

  next(): IteratorResult<Buffer, undefined> {
    const at = this.position;
    const available = this.end - at;
    if (available <= 0) return { done: true, value: undefined };
    if (available < LOG_OVERHEAD) {
      this.partialBytes = available;
      return { done: true, value: undefined };
    }
    const batchLength = this.buf.readInt32BE(at + BATCH_LENGTH_OFFSET);
    if (batchLength < MIN_ENTRY_BODY) {
      throw new RecordBatchError('CORRUPT_MESSAGE', `record batch at byte ${at} has invalid length ${batchLength}`);
    }
    const size = batchLength + LOG_OVERHEAD;
    if (size > available) {
      this.partialBytes = available;
      return { done: true, value: undefined };
    }
    this.position = at + size;
    return { done: false, value: this.buf.subarray(at, at + size) };
  }

  [Symbol.iterator](): BatchIterator {
    return this;
  }
}

export function iterateBatches(buf: Buffer, at = 0, end = buf.length): BatchIterator {
  return new BatchIterator(buf, at, end);
}

/** The whole batches in `buf`, as views. A trailing partial batch is dropped; use splitBatchesWithTail to see it. */
export function splitBatches(buf: Buffer): Buffer[] {
  return [...new BatchIterator(buf)];
}

export function splitBatchesWithTail(buf: Buffer): { batches: Buffer[]; partialBytes: number } {
  const it = new BatchIterator(buf);
  const batches = [...it];
  return { batches, partialBytes: it.partialBytes };
}

// ---------------------------------------------------------------------------------------------------------------
// In-place setters for what the broker writes

/** Assigns the batch's base offset (outside the CRC, no recomputation). */
export function setBaseOffset(buf: Buffer, at: number, offset: bigint): void {
  buf.writeBigInt64BE(offset, at + BASE_OFFSET_OFFSET);
}

/** Stamps the leader epoch (outside the CRC, no recomputation). */
export function setPartitionLeaderEpoch(buf: Buffer, at: number, epoch: number): void {
  buf.writeInt32BE(epoch, at + PARTITION_LEADER_EPOCH_OFFSET);
}

/** Rewrites the stored CRC from the batch's current bytes. */
export function recomputeCrc(buf: Buffer, at = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, at), at + CRC_OFFSET);
}

/**
 * Sets the timestamp type and maxTimestamp and recomputes the CRC, as Kafka's DefaultRecordBatch.setMaxTimestamp;
 * nothing is written when both already hold.
 */
export function setMaxTimestamp(buf: Buffer, at: number, type: TimestampType, timestamp: bigint): void {
  const attributes = buf.readUInt16BE(at + ATTRIBUTES_OFFSET);
  const next = type === 'LogAppendTime' ? attributes | ATTR_TIMESTAMP_TYPE : attributes & ~ATTR_TIMESTAMP_TYPE;
  if (next === attributes && buf.readBigInt64BE(at + MAX_TIMESTAMP_OFFSET) === timestamp) return;
  buf.writeUInt16BE(next, at + ATTRIBUTES_OFFSET);
  buf.writeBigInt64BE(timestamp, at + MAX_TIMESTAMP_OFFSET);
  recomputeCrc(buf, at);
}

/** For topics with message.timestamp.type=LogAppendTime: every record's timestamp becomes `timestamp`. */
export function setLogAppendTime(buf: Buffer, at: number, timestamp: bigint): void {
  setMaxTimestamp(buf, at, 'LogAppendTime', timestamp);
}

// ---------------------------------------------------------------------------------------------------------------
// Full encoding

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordInput {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: ReadonlyArray<{ key: string; value: Uint8Array | null }>;
  /** Milliseconds; defaults to the time of the encode call. */
  timestamp?: bigint | number;
  /** Defaults to the record's index. */
  offsetDelta?: number;
}

export interface EncodeBatchOptions {
  baseOffset?: bigint;
  records: ReadonlyArray<RecordInput>;
  compression?: number;
  /** Codec level (gzip, zstd); defaults as the Java client's. */
  compressionLevel?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  timestampType?: TimestampType;
  partitionLeaderEpoch?: number;
  /** Defaults to the largest record timestamp (-1 without records); with LogAppendTime, pass the append time. */
  maxTimestamp?: bigint;
  /** Defaults to the largest offsetDelta (0 without records); compaction output keeps the original range. */
  lastOffsetDelta?: number;
  /** KIP-534: sets attribute bit 6 and stores the horizon in baseTimestamp (record deltas are relative to it). */
  deleteHorizonMs?: bigint;
}

function sizeOfVarint(v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

export function sizeOfVarlong(v: bigint): number {
  if (v >= -0x80000000n && v <= 0x7fffffffn) return sizeOfVarint(Number(v));
  let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  let n = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    n++;
  }
  return n;
}

function toTimestamp(t: bigint | number | undefined, now: bigint): bigint {
  if (t === undefined) return now;
  return typeof t === 'bigint' ? t : BigInt(Math.trunc(t));
}

const ZERO_HEADER = Buffer.alloc(BATCH_HEADER_SIZE);
const utf8Encoder = new TextEncoder();

/** Builds one magic-2 batch, as a producer (or the broker for control batches) would; CRC included. */
export function encodeRecordBatch(opts: EncodeBatchOptions): Buffer {
  const records = opts.records;
  const n = records.length;
  const codec = opts.compression ?? Compression.none;
  if (!isCompressionCodec(codec)) throw new RangeError(`unknown compression codec ${codec}`);
  const now = BigInt(Date.now());
  const timestamps = new Array<bigint>(n);
  let maxTimestamp = NO_TIMESTAMP;
  let maxDelta = 0;
  for (let i = 0; i < n; i++) {
    const ts = toTimestamp(records[i]!.timestamp, now);
    timestamps[i] = ts;
    if (i === 0 || ts > maxTimestamp) maxTimestamp = ts;
    const delta = records[i]!.offsetDelta ?? i;
    if (delta > maxDelta) maxDelta = delta;
  }
  const baseTimestamp = opts.deleteHorizonMs ?? (n > 0 ? timestamps[0]! : NO_TIMESTAMP);

  const w = new Writer(BATCH_HEADER_SIZE + 64 * n + 64);
  w.writeRaw(ZERO_HEADER);
  for (let i = 0; i < n; i++) writeRecord(w, records[i]!, timestamps[i]! - baseTimestamp, records[i]!.offsetDelta ?? i);
  return sealBatch(w.toBuffer(), {
    ...opts,
    compression: codec,
    recordCount: n,
    baseTimestamp,
    maxTimestamp: opts.maxTimestamp ?? maxTimestamp,
    lastOffsetDelta: opts.lastOffsetDelta ?? maxDelta,
  });
}

/** What sealBatch writes into the header besides the records; every field is as in EncodeBatchOptions. */
export interface SealBatchOptions extends Omit<EncodeBatchOptions, 'records' | 'compression' | 'maxTimestamp' | 'lastOffsetDelta'> {
  compression: CompressionCodec;
  recordCount: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  lastOffsetDelta: number;
}

/**
 * Finishes a batch from `written`: BATCH_HEADER_SIZE bytes of room for the header, then the encoded records.
 * Compresses the records with the codec, fills in the header and the CRC. Shared by encodeRecordBatch and the
 * compaction rewrite (record-rewrite.ts), which copies records instead of encoding them.
 */
export function sealBatch(written: Buffer, opts: SealBatchOptions): Buffer {
  const codec = opts.compression;
  // The result owns an exact-size, unpooled ArrayBuffer, so it can be transferred to another thread as is.
  let out: Buffer;
  if (codec !== Compression.none) {
    const packed = compress(codec, written.subarray(BATCH_HEADER_SIZE), { level: opts.compressionLevel });
    out = Buffer.allocUnsafeSlow(BATCH_HEADER_SIZE + packed.length);
    packed.copy(out, BATCH_HEADER_SIZE);
  } else {
    out = Buffer.allocUnsafeSlow(written.length);
    written.copy(out, 0);
  }

  let attributes: number = codec;
  if (opts.timestampType === 'LogAppendTime') attributes |= ATTR_TIMESTAMP_TYPE;
  if (opts.isTransactional) attributes |= ATTR_TRANSACTIONAL;
  if (opts.isControl) attributes |= ATTR_CONTROL;
  if (opts.deleteHorizonMs !== undefined) attributes |= ATTR_DELETE_HORIZON;

  out.writeBigInt64BE(opts.baseOffset ?? 0n, BASE_OFFSET_OFFSET);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(opts.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, PARTITION_LEADER_EPOCH_OFFSET);
  out.writeInt8(MAGIC_V2, MAGIC_OFFSET);
  out.writeUInt16BE(attributes, ATTRIBUTES_OFFSET);
  out.writeInt32BE(opts.lastOffsetDelta, LAST_OFFSET_DELTA_OFFSET);
  out.writeBigInt64BE(opts.baseTimestamp, BASE_TIMESTAMP_OFFSET);
  out.writeBigInt64BE(opts.maxTimestamp, MAX_TIMESTAMP_OFFSET);
  out.writeBigInt64BE(opts.producerId ?? NO_PRODUCER_ID, PRODUCER_ID_OFFSET);
  out.writeInt16BE(opts.producerEpoch ?? NO_PRODUCER_EPOCH, PRODUCER_EPOCH_OFFSET);
  out.writeInt32BE(opts.baseSequence ?? NO_SEQUENCE, BASE_SEQUENCE_OFFSET);
  out.writeInt32BE(opts.recordCount, RECORDS_COUNT_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(CRC_START_OFFSET)), CRC_OFFSET);
  return out;
}

function writeRecord(w: Writer, r: RecordInput, timestampDelta: bigint, offsetDelta: number): void {
  const headers = r.headers ?? [];
  const headerKeys = headers.map((h) => utf8Encoder.encode(h.key));
  let size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta);
  size += r.key === null ? 1 : sizeOfVarint(r.key.length) + r.key.length;
  size += r.value === null ? 1 : sizeOfVarint(r.value.length) + r.value.length;
  size += sizeOfVarint(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const k = headerKeys[i]!;
    const v = headers[i]!.value;
    size += sizeOfVarint(k.length) + k.length + (v === null ? 1 : sizeOfVarint(v.length) + v.length);
  }

  w.writeVarint(size);
  w.writeInt8(0); // record attributes: unused
  writeTimestampDelta(w, timestampDelta);
  w.writeVarint(offsetDelta);
  if (r.key === null) w.writeVarint(-1);
  else w.writeVarint(r.key.length).writeRaw(r.key);
  if (r.value === null) w.writeVarint(-1);
  else w.writeVarint(r.value.length).writeRaw(r.value);
  w.writeVarint(headers.length);
  for (let i = 0; i < headers.length; i++) {
    const k = headerKeys[i]!;
    const v = headers[i]!.value;
    w.writeVarint(k.length).writeRaw(k);
    if (v === null) w.writeVarint(-1);
    else w.writeVarint(v.length).writeRaw(v);
  }
}

/** A record's timestampDelta (zigzag varlong); sizeOfVarlong says how many bytes it takes. */
export function writeTimestampDelta(w: Writer, timestampDelta: bigint): void {
  // A zigzag varlong of a value in int32 range is the same bytes as the zigzag varint: skip the BigInt path.
  if (timestampDelta >= -0x80000000n && timestampDelta <= 0x7fffffffn) w.writeVarint(Number(timestampDelta));
  else w.writeVarlong(timestampDelta);
}

// ---------------------------------------------------------------------------------------------------------------
// Full decoding

export interface DecodedRecord {
  offset: bigint;
  /** baseTimestamp + timestampDelta; with LogAppendTime the batch's maxTimestamp, as Kafka's clients report it. */
  timestamp: bigint;
  /** Views into the batch (uncompressed) or into the decompressed records (compressed); copy to keep them long. */
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  attributes: number;
}

export interface DecodedBatch {
  header: BatchHeader;
  records: DecodedRecord[];
  /** Total bytes of the batch in the input. */
  size: number;
}

export interface DecodeBatchOptions {
  /** Bound on the decompressed records (zip bombs); DecompressionLimitError beyond it. */
  maxDecompressedBytes?: number;
  /** Check the CRC-32C (default true, like the Java consumer's check.crcs). */
  verifyCrc?: boolean;
}

/**
 * Decodes the batch at `at` with all its records. Throws RecordBatchError (a ProtocolError) for anything malformed -
 * bad framing/magic/CRC/codec, negative lengths other than -1 for nullable fields, lengths past the data, a record
 * count that disagrees with the records present, trailing bytes - and CompressionError/DecompressionLimitError
 * (also ProtocolErrors) for compressed data that does not decode or inflates past the bound.
 */
export function decodeRecordBatch(buf: Buffer, at = 0, opts?: DecodeBatchOptions): DecodedBatch {
  const { header, body, size } = openBatchRecords(buf, at, opts);
  try {
    return { header, records: decodeRecords(body, header), size };
  } catch (e) {
    if (e instanceof RecordBatchError || !(e instanceof ProtocolError)) throw e;
    throw new RecordBatchError('CORRUPT_MESSAGE', `record batch is corrupt: ${e.message}`);
  }
}

/**
 * The checks every reader of a batch's records makes (framing, magic, CRC, codec, record count) and the records
 * section itself: a view into `buf`, or the decompressed records of a compressed batch.
 */
export function openBatchRecords(buf: Buffer, at = 0, opts?: DecodeBatchOptions): { header: BatchHeader; body: Buffer; size: number } {
  const header = readBatchHeader(buf, at);
  if (header.magic !== MAGIC_V2) throw new RecordBatchError('INVALID_RECORD', `record batch has magic ${header.magic}; only magic 2 is supported`);
  const size = header.batchLength + LOG_OVERHEAD;
  if (header.batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD || at + size > buf.length) {
    throw new RecordBatchError('CORRUPT_MESSAGE', `record batch length ${header.batchLength} does not fit the ${buf.length - at} bytes available`);
  }
  if (opts?.verifyCrc !== false) {
    const computed = crc32c(buf.subarray(at + CRC_START_OFFSET, at + size));
    if (computed !== header.crc) throw new RecordBatchError('CORRUPT_MESSAGE', `record batch is corrupt (stored crc = ${header.crc}, computed crc = ${computed})`);
  }
  if (!isCompressionCodec(header.compression)) {
    throw new RecordBatchError('UNSUPPORTED_COMPRESSION_TYPE', `record batch uses unknown compression codec ${header.compression}`);
  }
  if (header.recordCount < 0) throw new RecordBatchError('INVALID_RECORD', `record batch has invalid record count ${header.recordCount}`);

  let body = buf.subarray(at + BATCH_HEADER_SIZE, at + size);
  if (header.compression !== Compression.none) {
    body = decompress(header.compression as CompressionCodec, body, { maxBytes: opts?.maxDecompressedBytes });
  }
  if (header.recordCount > body.length / MIN_RECORD_SIZE) {
    throw new RecordBatchError('CORRUPT_MESSAGE', `record batch declares ${header.recordCount} records but holds ${body.length} bytes of records`);
  }
  return { header, body, size };
}

function decodeRecords(body: Buffer, header: BatchHeader): DecodedRecord[] {
  const count = header.recordCount;
  const logAppendTime = header.timestampType === 'LogAppendTime' ? header.maxTimestamp : undefined;
  const records = new Array<DecodedRecord>(count);
  const r = new Reader(body);
  for (let i = 0; i < count; i++) {
    if (r.remaining() === 0) throw new RecordBatchError('CORRUPT_MESSAGE', `record batch declares ${count} records but holds ${i}`);
    const length = r.readVarint();
    if (length < 0 || length > r.remaining()) {
      throw new RecordBatchError('CORRUPT_MESSAGE', `record ${i} has invalid length ${length} (${r.remaining()} bytes left)`);
    }
    const end = r.offset + length;
    const rr = new Reader(body, r.offset, end);
    const attributes = rr.readInt8();
    const deltaAt = rr.offset;
    let tsDelta: bigint;
    const d = rr.readVarlongNumber();
    if (Number.isSafeInteger(d)) tsDelta = BigInt(d);
    else {
      rr.offset = deltaAt;
      tsDelta = rr.readVarlong();
    }
    const offsetDelta = rr.readVarint();
    const key = readNullableVarBytes(rr, 'key');
    const value = readNullableVarBytes(rr, 'value');
    const headerCount = rr.readVarint();
    if (headerCount < 0 || headerCount > rr.remaining() / 2) {
      throw new RecordBatchError('CORRUPT_MESSAGE', `record ${i} has invalid header count ${headerCount}`);
    }
    const headers = new Array<RecordHeader>(headerCount);
    for (let h = 0; h < headerCount; h++) {
      const keyLength = rr.readVarint();
      if (keyLength < 0) throw new RecordBatchError('CORRUPT_MESSAGE', `record ${i} has invalid header key length ${keyLength}`);
      const keyBytes = rr.readRaw(keyLength);
      // Lenient UTF-8 (U+FFFD for bad sequences), as Java's Utils.utf8 used by DefaultRecord.
      headers[h] = { key: keyBytes.toString('utf8'), value: readNullableVarBytes(rr, 'header value') };
    }
    if (rr.offset !== end) {
      throw new RecordBatchError('CORRUPT_MESSAGE', `record ${i} declares ${length} bytes but its fields take ${rr.offset - (end - length)}`);
    }
    r.offset = end;
    records[i] = {
      offset: header.baseOffset + BigInt(offsetDelta),
      timestamp: logAppendTime ?? header.baseTimestamp + tsDelta,
      key,
      value,
      headers,
      attributes,
    };
  }
  if (r.remaining() !== 0) {
    throw new RecordBatchError('CORRUPT_MESSAGE', `record batch has ${r.remaining()} bytes after its ${count} declared records`);
  }
  return records;
}

function readNullableVarBytes(r: Reader, what: string): Buffer | null {
  const len = r.readVarint();
  if (len === -1) return null;
  if (len < 0) throw new RecordBatchError('CORRUPT_MESSAGE', `invalid ${what} length ${len}`);
  return r.readRaw(len);
}

// ---------------------------------------------------------------------------------------------------------------
// Control records (transaction markers, KRaft internals)

export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const;
export type ControlRecordTypeName = keyof typeof ControlRecordType | 'UNKNOWN';
const CONTROL_TYPE_NAMES: readonly ControlRecordTypeName[] = ['ABORT', 'COMMIT', 'LEADER_CHANGE', 'SNAPSHOT_HEADER', 'SNAPSHOT_FOOTER', 'KRAFT_VERSION', 'KRAFT_VOTERS'];

export interface ControlRecord {
  /** Key schema version (0 today). */
  version: number;
  type: number;
  typeName: ControlRecordTypeName;
  /** For ABORT/COMMIT: the end-transaction-marker value. */
  marker?: { version: number; coordinatorEpoch: number };
}

/**
 * Reads a control record's key (int16 version, int16 type) and, for ABORT/COMMIT, its value (int16 version,
 * int32 coordinatorEpoch). Like Kafka, newer versions are read by their version-0 prefix.
 */
export function decodeControlRecord(record: { key: Uint8Array | null; value: Uint8Array | null }): ControlRecord {
  const key = record.key;
  if (key === null || key.length < 4) throw new RecordBatchError('INVALID_RECORD', `invalid control record key size ${key?.length ?? -1}`);
  const kb = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const version = kb.readInt16BE(0);
  if (version < 0) throw new RecordBatchError('INVALID_RECORD', `invalid control record key version ${version}`);
  const type = kb.readInt16BE(2);
  const out: ControlRecord = { version, type, typeName: CONTROL_TYPE_NAMES[type] ?? 'UNKNOWN' };
  if (type === ControlRecordType.ABORT || type === ControlRecordType.COMMIT) {
    const value = record.value;
    if (value === null || value.length < 6) throw new RecordBatchError('INVALID_RECORD', `invalid end transaction marker value size ${value?.length ?? -1}`);
    const vb = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const markerVersion = vb.readInt16BE(0);
    if (markerVersion < 0) throw new RecordBatchError('INVALID_RECORD', `invalid end transaction marker version ${markerVersion}`);
    out.marker = { version: markerVersion, coordinatorEpoch: vb.readInt32BE(2) };
  }
  return out;
}

export interface EndTxnMarkerOptions {
  type: 'COMMIT' | 'ABORT';
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  timestamp?: bigint | number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** A transaction marker batch as the broker writes it: transactional + control, baseSequence -1, one record. */
export function encodeEndTxnMarker(opts: EndTxnMarkerOptions): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(ControlRecordType[opts.type], 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(opts.coordinatorEpoch, 2);
  return encodeRecordBatch({
    baseOffset: opts.baseOffset,
    partitionLeaderEpoch: opts.partitionLeaderEpoch,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: NO_SEQUENCE,
    isTransactional: true,
    isControl: true,
    records: [{ key, value, timestamp: opts.timestamp }],
  });
}

// The four record-batch compression codecs (attributes bits 0-2, NOTES.md §5), byte-compatible with what the
// Java client, librdkafka and kafkajs (with its codec plugins) write and read.
//
//   gzip   - a standard gzip stream (RFC 1952), Node's zlib. Like Java's GZIPInputStream, several concatenated
//            members are read as one stream.
//   snappy - compress writes xerial framing (what the Java client's snappy-java SnappyOutputStream writes; read by
//            librdkafka, kafkajs-snappy, Sarama, franz-go); decompress accepts xerial framing and raw snappy (what
//            librdkafka writes). Not the official snappy "framing format" (ff 06 00 00 sNaPpY), no Kafka client
//            uses it. Package: `snappy` (raw blocks; the framing is done here).
//   lz4    - the LZ4 frame format (magic 04 22 4D 18), package `lz4-napi` (lz4_flex). The Kafka HC-byte bug
//            (KAFKA-3160) applies to magic 0/1 message sets only; v2 batches carry a correct header checksum.
//   zstd   - a standard zstd frame, package `zstd-napi` (libzstd). Kafka needs Produce v7+/Fetch v10+ for zstd;
//            that check belongs to the request handlers.
//
// Decompression is bounded by `maxBytes` (default DEFAULT_MAX_DECOMPRESSED_BYTES) *before* large output buffers
// are allocated wherever the format allows it (gzip: zlib's maxOutputLength; snappy: the length preambles;
// lz4: block headers, then an exact size scan of the sequences when needed; zstd: frame content size or a
// bounded streaming loop). A batch that would inflate beyond it fails with DecompressionLimitError.
//
// The snappy, lz4 and zstd packages load on first use, not at import: a broker stores batches as they come and
// decompresses only for compaction, recompression and GUI decode, and loading the three native packages cost each
// broker worker 35-65 ms of its start-up (test/bench/PROFILE.md (e)). createRequire keeps the API synchronous.
import { createRequire } from 'node:module';
import { gunzip, gunzipSync, gzipSync } from 'node:zlib';
import type * as SnappyPackage from 'snappy';
import type * as Lz4Package from 'lz4-napi';
import type * as ZstdPackage from 'zstd-napi';
import type * as ZstdBindingPackage from 'zstd-napi/binding.js';
import type { DCtx } from 'zstd-napi/binding.js';
import { ProtocolError } from '../primitives.js';

const requirePackage = createRequire(import.meta.url);
let snappyPackage: typeof SnappyPackage | undefined;
let lz4Package: typeof Lz4Package | undefined;
let zstdPackage: typeof ZstdPackage | undefined;
let zstdBindingPackage: typeof ZstdBindingPackage | undefined;

const snappy = () => (snappyPackage ??= requirePackage('snappy') as typeof SnappyPackage);
const lz4 = () => (lz4Package ??= requirePackage('lz4-napi') as typeof Lz4Package);
const zstd = () => (zstdPackage ??= requirePackage('zstd-napi') as typeof ZstdPackage);
const zstdBinding = () => (zstdBindingPackage ??= requirePackage('zstd-napi/binding.js') as typeof ZstdBindingPackage);

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionCodec = (typeof Compression)[keyof typeof Compression];
export type CompressionName = keyof typeof Compression;

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Kafka's name for a codec id ('none', 'gzip', ...), as used by `compression.type`. */
export function compressionName(codec: number): CompressionName {
  const name = NAMES[codec];
  if (name === undefined) throw new UnsupportedCompressionError(codec);
  return name;
}

export function isCompressionCodec(codec: number): codec is CompressionCodec {
  return Number.isInteger(codec) && codec >= 0 && codec <= 4;
}

/** Generous for any sane batch (Kafka's default max.message.bytes is 1 MiB), small enough to stop zip bombs. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export interface DecompressOptions {
  /** Largest decompressed size accepted; DecompressionLimitError beyond it. */
  maxBytes?: number;
}

export interface CompressOptions {
  /** Codec level (gzip 1-9, zstd 1-22); defaults match the Java client's (gzip 6 via Deflater default, zstd 3). Ignored for snappy and lz4. */
  level?: number;
}

/** Bytes that do not decompress with the codec the batch declares. Maps to CORRUPT_MESSAGE. */
export class CompressionError extends ProtocolError {
  override name = 'CompressionError';
}

/** Decompressed output would exceed the caller's bound (zip bomb, or a batch too large for this reader). */
export class DecompressionLimitError extends CompressionError {
  override name = 'DecompressionLimitError';
  constructor(
    readonly codec: CompressionName,
    readonly maxBytes: number,
    readonly size?: number,
  ) {
    super(`${codec} data decompresses to ${size === undefined ? 'more than' : size + ' bytes, over'} the ${maxBytes}-byte limit`);
  }
}

/** Codec id 5-7 (or anything else not defined). Maps to UNSUPPORTED_COMPRESSION_TYPE / CORRUPT_MESSAGE. */
export class UnsupportedCompressionError extends ProtocolError {
  override name = 'UnsupportedCompressionError';
  constructor(readonly codec: number) {
    super(`unsupported compression codec ${codec}`);
  }
}

const EMPTY = Buffer.alloc(0);

function limitOf(opts: DecompressOptions | undefined): number {
  const max = opts?.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (!(max >= 0)) throw new RangeError(`maxBytes must be >= 0, got ${max}`);
  return max;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

export function compress(codec: number, data: Uint8Array, opts?: CompressOptions): Buffer {
  const input = asBuffer(data);
  switch (codec) {
    case Compression.none:
      return input;
    case Compression.gzip:
      return gzipSync(input, opts?.level === undefined ? undefined : { level: opts.level });
    case Compression.snappy:
      return xerialCompress(input);
    case Compression.lz4:
      // lz4_flex defaults: independent blocks, no block/content checksums, no content size - the flags the Java
      // client's KafkaLZ4BlockOutputStream uses. Block size is chosen by input size (64 KiB .. 4 MiB).
      return lz4().compressFrameSync(input);
    case Compression.zstd:
      return zstd().compress(input, { compressionLevel: opts?.level ?? 3 });
    default:
      throw new UnsupportedCompressionError(codec);
  }
}

export function decompress(codec: number, data: Uint8Array, opts?: DecompressOptions): Buffer {
  const input = asBuffer(data);
  const max = limitOf(opts);
  switch (codec) {
    case Compression.none:
      if (input.length > max) throw new DecompressionLimitError('none', max, input.length);
      return input;
    case Compression.gzip:
      return gunzipBounded(input, max);
    case Compression.snappy:
      return snappyDecompress(input, max);
    case Compression.lz4:
      return lz4Decompress(input, max);
    case Compression.zstd:
      return zstdDecompress(input, max);
    default:
      throw new UnsupportedCompressionError(codec);
  }
}

/** Same as compress; gzip runs on the libuv thread pool, the other codecs are fast enough to run inline. */
export async function compressAsync(codec: number, data: Uint8Array, opts?: CompressOptions): Promise<Buffer> {
  return compress(codec, data, opts);
}

/** Same as decompress; gzip and in-bound lz4 frames run off the event loop, snappy and zstd inline. */
export async function decompressAsync(codec: number, data: Uint8Array, opts?: DecompressOptions): Promise<Buffer> {
  const input = asBuffer(data);
  const max = limitOf(opts);
  if (codec === Compression.gzip) {
    return new Promise((resolve, reject) => {
      gunzip(input, { maxOutputLength: Math.max(1, max) }, (err, out) => {
        if (err) reject(gzipError(err, max));
        else if (out.length > max) reject(new DecompressionLimitError('gzip', max, out.length));
        else resolve(out);
      });
    });
  }
  if (codec === Compression.lz4) {
    const scan = scanLz4(input, max);
    if (scan.size > max) throw new DecompressionLimitError('lz4', max, scan.exact ? scan.size : undefined);
    try {
      return checkSize('lz4', await lz4().decompressFrame(input), max);
    } catch (e) {
      throw wrap('lz4', e);
    }
  }
  return decompress(codec, input, opts);
}

function checkSize(codec: CompressionName, out: Buffer, max: number): Buffer {
  if (out.length > max) throw new DecompressionLimitError(codec, max, out.length);
  return out;
}

function wrap(codec: CompressionName, e: unknown): Error {
  if (e instanceof ProtocolError) return e;
  return new CompressionError(`invalid ${codec} data: ${(e as Error)?.message ?? String(e)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// gzip

function gzipError(e: unknown, max: number): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return new DecompressionLimitError('gzip', max);
  return wrap('gzip', e);
}

function gunzipBounded(input: Buffer, max: number): Buffer {
  try {
    // maxOutputLength must be >= 1; a 0-byte bound still has to reject a non-empty output, hence checkSize.
    return checkSize('gzip', gunzipSync(input, { maxOutputLength: Math.max(1, max) }), max);
  } catch (e) {
    throw gzipError(e, max);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// snappy: xerial framing (snappy-java's SnappyOutputStream) around raw snappy blocks

/** 0x82 'SNAPPY' 0x00, then int32 version, int32 min-compatible version (both 1 in snappy-java). */
export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** snappy-java's default block size, so our chunks look exactly like the Java client's. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerialSnappy(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

function xerialCompress(input: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // version
  header.writeInt32BE(1, 12); // compatible version
  parts.push(header);
  let total = XERIAL_HEADER_SIZE;
  for (let at = 0; at < input.length; at += XERIAL_BLOCK_SIZE) {
    const block = snappy().compressSync(input.subarray(at, Math.min(at + XERIAL_BLOCK_SIZE, input.length)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}

/** The uncompressed length a raw snappy block declares in its leading unsigned varint (at most 32 bits). */
function snappyDeclaredLength(buf: Buffer, start: number, end: number): number {
  let result = 0;
  for (let i = 0, shift = 0; i < 5; i++, shift += 7) {
    if (start + i >= end) throw new CompressionError('invalid snappy data: truncated length preamble');
    const b = buf[start + i]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) {
      if (result > 0xffffffff) throw new CompressionError('invalid snappy data: length preamble overflows 32 bits');
      return result;
    }
  }
  throw new CompressionError('invalid snappy data: length preamble longer than 5 bytes');
}

function snappyBlock(block: Buffer, expected: number): Buffer {
  let out: Buffer;
  try {
    out = snappy().uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (e) {
    throw wrap('snappy', e);
  }
  if (out.length !== expected) throw new CompressionError(`invalid snappy data: block decoded to ${out.length} bytes, declared ${expected}`);
  return out;
}

function snappyDecompress(input: Buffer, max: number): Buffer {
  if (!isXerialSnappy(input)) {
    const declared = snappyDeclaredLength(input, 0, input.length);
    if (declared > max) throw new DecompressionLimitError('snappy', max, declared);
    return snappyBlock(input, declared);
  }
  // Walk the chunk headers first so the whole output size is known (and bounded) before decompressing anything.
  const chunks: Array<[start: number, end: number, size: number]> = [];
  let total = 0;
  let at = XERIAL_HEADER_SIZE;
  while (at < input.length) {
    if (at + 4 > input.length) throw new CompressionError('invalid snappy data: truncated xerial chunk length');
    const len = input.readInt32BE(at);
    at += 4;
    if (len < 0 || at + len > input.length) throw new CompressionError(`invalid snappy data: xerial chunk length ${len} exceeds the input`);
    if (len === 0) continue; // snappy-java skips empty chunks (a zero-length read)
    const size = snappyDeclaredLength(input, at, at + len);
    total += size;
    if (total > max) throw new DecompressionLimitError('snappy', max);
    chunks.push([at, at + len, size]);
    at += len;
  }
  if (chunks.length === 1) return snappyBlock(input.subarray(chunks[0]![0], chunks[0]![1]), chunks[0]![2]);
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const [start, end, size] of chunks) {
    snappyBlock(input.subarray(start, end), size).copy(out, pos);
    pos += size;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// lz4 frame (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md)

const LZ4_MAGIC = 0x184d2204;
const LZ4_SKIPPABLE_MASK = 0xfffffff0;
const LZ4_SKIPPABLE_MAGIC = 0x184d2a50;

interface Lz4Scan {
  /** Exact decoded size when `exact`, otherwise an upper bound (sum of block maximums). */
  size: number;
  exact: boolean;
}

/**
 * Walks the frame(s) without decompressing: validates the header structure and block lengths, and bounds the
 * output. Only when the cheap bound (content size, or blocks x block max size) exceeds `max` does it scan the
 * LZ4 sequences of each compressed block to get the exact decoded size (token/length bytes only; no output).
 */
function scanLz4(input: Buffer, max: number): Lz4Scan {
  const frames: Array<{ contentSize: number | undefined; blocks: Array<[start: number, end: number, raw: boolean]>; blockMax: number }> = [];
  let at = 0;
  if (input.length === 0) throw new CompressionError('invalid lz4 data: empty input');
  while (at < input.length) {
    if (at + 4 > input.length) throw new CompressionError('invalid lz4 data: truncated frame magic');
    const magic = input.readUInt32LE(at);
    if ((magic & LZ4_SKIPPABLE_MASK) >>> 0 === LZ4_SKIPPABLE_MAGIC) {
      if (at + 8 > input.length) throw new CompressionError('invalid lz4 data: truncated skippable frame');
      const len = input.readUInt32LE(at + 4);
      at += 8 + len;
      if (at > input.length) throw new CompressionError('invalid lz4 data: truncated skippable frame');
      continue;
    }
    if (magic !== LZ4_MAGIC) throw new CompressionError(`invalid lz4 data: bad frame magic 0x${magic.toString(16)}`);
    if (at + 7 > input.length) throw new CompressionError('invalid lz4 data: truncated frame header');
    const flg = input[at + 4]!;
    const bd = input[at + 5]!;
    if (flg >> 6 !== 1) throw new CompressionError(`invalid lz4 data: frame version ${flg >> 6}`);
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const hasDictId = (flg & 0x01) !== 0;
    const bsid = (bd >> 4) & 0x7;
    if (bsid < 4) throw new CompressionError(`invalid lz4 data: block size id ${bsid}`);
    const blockMax = 1 << (2 * bsid + 8); // 4: 64 KiB, 5: 256 KiB, 6: 1 MiB, 7: 4 MiB
    let p = at + 6;
    let contentSize: number | undefined;
    if (hasContentSize) {
      if (p + 8 > input.length) throw new CompressionError('invalid lz4 data: truncated frame header');
      const cs = input.readBigUInt64LE(p);
      contentSize = cs > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cs);
      p += 8;
    }
    if (hasDictId) p += 4;
    p += 1; // header checksum (verified by the decoder)
    if (p > input.length) throw new CompressionError('invalid lz4 data: truncated frame header');
    const blocks: Array<[number, number, boolean]> = [];
    for (;;) {
      if (p + 4 > input.length) throw new CompressionError('invalid lz4 data: truncated block header');
      const word = input.readUInt32LE(p);
      p += 4;
      if (word === 0) break; // EndMark
      const raw = (word & 0x80000000) !== 0;
      const len = word & 0x7fffffff;
      if (len > blockMax) throw new CompressionError(`invalid lz4 data: block of ${len} bytes exceeds the ${blockMax}-byte block size`);
      if (p + len > input.length) throw new CompressionError('invalid lz4 data: truncated block');
      blocks.push([p, p + len, raw]);
      p += len + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) p += 4;
    if (p > input.length) throw new CompressionError('invalid lz4 data: truncated frame');
    frames.push({ contentSize, blocks, blockMax });
    at = p;
  }

  let bound = 0;
  for (const f of frames) {
    if (f.contentSize !== undefined) {
      if (f.contentSize > max) return { size: f.contentSize, exact: true };
      bound += f.contentSize;
      continue;
    }
    for (const [start, end, raw] of f.blocks) bound += raw ? end - start : f.blockMax;
  }
  if (bound <= max) return { size: bound, exact: false };

  // The bound is too loose to accept: count exactly, stopping as soon as the limit is passed.
  let exact = 0;
  for (const f of frames) {
    if (f.contentSize !== undefined) {
      exact += f.contentSize;
    } else {
      for (const [start, end, raw] of f.blocks) {
        exact += raw ? end - start : lz4BlockDecodedSize(input, start, end, max - exact + 1);
        if (exact > max) return { size: exact, exact: false };
      }
    }
    if (exact > max) return { size: exact, exact: false };
  }
  return { size: exact, exact: true };
}

/** Decoded length of one LZ4 block (sequence format), reading only tokens and length bytes; stops past `limit`. */
function lz4BlockDecodedSize(buf: Buffer, start: number, end: number, limit: number): number {
  let p = start;
  let out = 0;
  while (p < end) {
    const token = buf[p++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (p >= end) throw new CompressionError('invalid lz4 data: truncated literal length');
        b = buf[p++]!;
        lit += b;
      } while (b === 255);
    }
    p += lit;
    out += lit;
    if (p > end) throw new CompressionError('invalid lz4 data: literals run past the block');
    if (p === end) break; // the last sequence carries literals only
    if (p + 2 > end) throw new CompressionError('invalid lz4 data: truncated match offset');
    p += 2;
    let ml = token & 15;
    if (ml === 15) {
      let b: number;
      do {
        if (p >= end) throw new CompressionError('invalid lz4 data: truncated match length');
        b = buf[p++]!;
        ml += b;
      } while (b === 255);
    }
    out += ml + 4;
    if (out > limit) return out;
  }
  return out;
}

function lz4Decompress(input: Buffer, max: number): Buffer {
  const scan = scanLz4(input, max);
  if (scan.size > max) throw new DecompressionLimitError('lz4', max, scan.exact ? scan.size : undefined);
  let out: Buffer;
  try {
    out = lz4().decompressFrameSync(input);
  } catch (e) {
    throw wrap('lz4', e);
  }
  return checkSize('lz4', out, max);
}

// ---------------------------------------------------------------------------------------------------------------
// zstd

let zstdCtx: DCtx | undefined;

/** Sum of the frames' declared content sizes, or null when any frame does not declare one. */
function zstdDeclaredSize(input: Buffer): number | null {
  let total = 0;
  let frame = input;
  while (frame.length > 0) {
    const size = zstdBinding().getFrameContentSize(frame);
    if (size === null) return null;
    total += size;
    frame = frame.subarray(zstdBinding().findFrameCompressedSize(frame));
  }
  return total;
}

function zstdDecompress(input: Buffer, max: number): Buffer {
  if (input.length === 0) throw new CompressionError('invalid zstd data: empty input');
  const dctx = (zstdCtx ??= new (zstdBinding().DCtx)());
  try {
    // Frames written in one shot (zstd-napi, librdkafka) declare their size: allocate exactly, decode in one call.
    let declared: number | null;
    try {
      declared = zstdDeclaredSize(input);
    } catch {
      declared = null; // let the streaming decoder produce the precise error
    }
    if (declared !== null) {
      if (declared > max) throw new DecompressionLimitError('zstd', max, declared);
      const out = Buffer.allocUnsafe(declared);
      const n = dctx.decompress(out, input);
      return n === declared ? out : out.subarray(0, n);
    }
    // Streaming frames (zstd-jni's ZstdOutputStream, the Java client) have no content size: decode in chunks,
    // stopping as soon as the output passes the bound.
    dctx.reset(zstdBinding().ResetDirective.sessionOnly);
    const parts: Buffer[] = [];
    let total = 0;
    let src = input;
    for (;;) {
      const dst = Buffer.allocUnsafe(Math.min(zstdBinding().dStreamOutSize(), max - total + 1));
      const [ret, produced, consumed] = dctx.decompressStream(dst, src);
      src = src.subarray(consumed);
      if (produced > 0) {
        total += produced;
        if (total > max) throw new DecompressionLimitError('zstd', max);
        parts.push(dst.subarray(0, produced));
      }
      if (src.length === 0 && ret === 0) break; // last frame fully decoded and flushed
      if (produced === 0 && consumed === 0) throw new CompressionError('invalid zstd data: truncated frame');
    }
    return parts.length === 1 ? parts[0]! : parts.length === 0 ? EMPTY : Buffer.concat(parts, total);
  } catch (e) {
    // A failed call leaves the context mid-frame; start clean next time.
    zstdCtx = undefined;
    throw wrap('zstd', e);
  }
}

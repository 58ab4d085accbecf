// Byte-level readers and writers for the Kafka wire format (see ../shared/kafka-protocol/NOTES.md §2).
// Sans-io: no sockets, no files. Shared by the broker, the generated codec, clients in tests and tools.

/** Thrown when input bytes do not form a valid message; callers map it to a Kafka error or a closed connection. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

const EMPTY = Buffer.alloc(0);
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Node's Buffer has latin1Slice at runtime, but @types/node does not declare it. */
type LatinSlicer = Buffer & { latin1Slice(start: number, end: number): string };

/** Decodes UTF-8, rejecting invalid sequences (Kafka strings are UTF-8; garbage must not become U+FFFD silently). */
function decodeUtf8(buf: Buffer, start: number, end: number): string {
  // ASCII fast path: most names on the wire are ASCII and latin1 decoding is much cheaper than a strict UTF-8 pass.
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return (buf as LatinSlicer).latin1Slice(start, end);
  try {
    return utf8Strict.decode(buf.subarray(start, end));
  } catch {
    throw new ProtocolError('invalid UTF-8 in string');
  }
}

/** Kafka prints UUIDs as URL-safe base64 without padding (Uuid.toString()). */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function uuidToBytes(uuid: string): Buffer {
  const b = Buffer.from(uuid, 'base64url');
  if (b.length !== 16) throw new ProtocolError(`invalid uuid ${uuid}`);
  return b;
}

export class Reader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) throw new ProtocolError(`truncated: need ${n} bytes at ${at}, have ${this.end - at}`);
    this.offset = at + n;
    return at;
  }

  readInt8(): number {
    return this.buf.readInt8(this.need(1));
  }
  readInt16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  readUInt16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  readInt32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  readUInt32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  readInt64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  readFloat64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  readBool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  readUuid(): string {
    const at = this.need(16);
    return this.buf.toString('base64url', at, at + 16);
  }

  readUVarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.buf[this.need(1)]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new ProtocolError('unsigned varint overflows 32 bits');
        return result;
      }
      shift += 7;
    }
    throw new ProtocolError('unsigned varint longer than 5 bytes');
  }

  readVarint(): number {
    const u = this.readUVarint();
    // zigzag decode on a 32-bit value
    return (u >>> 1) ^ -(u & 1);
  }

  readVarlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.need(1)]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >> 1n) ^ -(result & 1n);
      shift += 7n;
    }
    throw new ProtocolError('varlong longer than 10 bytes');
  }

  /** Varlong as a JS number; record-level deltas fit easily and avoid BigInt cost in hot loops. */
  readVarlongNumber(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.need(1)]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        // zigzag: even -> positive, odd -> negative
        return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      }
      mul *= 128;
    }
    throw new ProtocolError('varlong longer than 10 bytes');
  }

  private stringOfLength(len: number): string {
    const at = this.need(len);
    return decodeUtf8(this.buf, at, at + len);
  }

  readString(): string {
    const len = this.readInt16();
    if (len < 0) throw new ProtocolError('null string where a string is required');
    return this.stringOfLength(len);
  }
  readNullableString(): string | null {
    const len = this.readInt16();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError(`invalid string length ${len}`);
    return this.stringOfLength(len);
  }
  readCompactString(): string {
    const len = this.readUVarint() - 1;
    if (len < 0) throw new ProtocolError('null string where a string is required');
    return this.stringOfLength(len);
  }
  readCompactNullableString(): string | null {
    const len = this.readUVarint() - 1;
    if (len === -1) return null;
    return this.stringOfLength(len);
  }

  /** Returns a view into the input buffer, not a copy. */
  readRaw(len: number): Buffer {
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }
  readBytes(): Buffer {
    const len = this.readInt32();
    if (len < 0) throw new ProtocolError('null bytes where bytes are required');
    return this.readRaw(len);
  }
  readNullableBytes(): Buffer | null {
    const len = this.readInt32();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolError(`invalid bytes length ${len}`);
    return this.readRaw(len);
  }
  readCompactBytes(): Buffer {
    const len = this.readUVarint() - 1;
    if (len < 0) throw new ProtocolError('null bytes where bytes are required');
    return this.readRaw(len);
  }
  readCompactNullableBytes(): Buffer | null {
    const len = this.readUVarint() - 1;
    if (len === -1) return null;
    return this.readRaw(len);
  }

  /** Array length; -1 means null. A count larger than the bytes left is rejected before anything is allocated. */
  readArrayLength(): number {
    const n = this.readInt32();
    if (n < -1) throw new ProtocolError(`invalid array length ${n}`);
    if (n > this.remaining()) throw new ProtocolError(`array length ${n} exceeds remaining ${this.remaining()} bytes`);
    return n;
  }
  readCompactArrayLength(): number {
    const n = this.readUVarint() - 1;
    if (n > this.remaining()) throw new ProtocolError(`array length ${n} exceeds remaining ${this.remaining()} bytes`);
    return n;
  }
}

/**
 * Appends bytes into a growing buffer. Large byte fields (record batches) can be passed by reference with
 * writeBytesRef so a Fetch response is written to the socket without copying stored batches.
 */
export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private flushedLength = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.flushedLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n, 256));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  writeInt8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  writeInt16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  writeUInt16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  writeInt32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  writeUInt32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  writeInt64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }
  writeFloat64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }
  writeBool(v: boolean): this {
    return this.writeInt8(v ? 1 : 0);
  }
  writeUuid(uuid: string): this {
    return this.writeRaw(uuidToBytes(uuid));
  }

  writeUVarint(v: number): this {
    if (v < 0 || v > 0xffffffff) throw new RangeError(`unsigned varint out of range: ${v}`);
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
    return this;
  }
  writeVarint(v: number): this {
    return this.writeUVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }
  writeVarlong(v: bigint): this {
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
    return this;
  }

  writeRaw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Appends b without copying it; b must not change until the output has been written out. */
  writeBytesRef(b: Buffer): this {
    if (b.length < 4096) return this.writeRaw(b);
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.flushedLength += this.pos;
    this.chunks.push(b);
    this.flushedLength += b.length;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    return this;
  }

  private writeStringBody(s: string, compact: boolean): this {
    const len = Buffer.byteLength(s, 'utf8');
    if (compact) this.writeUVarint(len + 1);
    else {
      if (len > 0x7fff) throw new RangeError(`string too long for int16 length: ${len}`);
      this.writeInt16(len);
    }
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
    return this;
  }
  writeString(s: string): this {
    return this.writeStringBody(s, false);
  }
  writeNullableString(s: string | null | undefined): this {
    if (s == null) return this.writeInt16(-1);
    return this.writeStringBody(s, false);
  }
  writeCompactString(s: string): this {
    return this.writeStringBody(s, true);
  }
  writeCompactNullableString(s: string | null | undefined): this {
    if (s == null) return this.writeUVarint(0);
    return this.writeStringBody(s, true);
  }

  writeBytes(b: Uint8Array): this {
    this.writeInt32(b.length);
    return this.writeRaw(b);
  }
  writeNullableBytes(b: Uint8Array | null | undefined): this {
    if (b == null) return this.writeInt32(-1);
    return this.writeBytes(b);
  }
  writeCompactBytes(b: Uint8Array): this {
    this.writeUVarint(b.length + 1);
    return this.writeRaw(b);
  }
  writeCompactNullableBytes(b: Uint8Array | null | undefined): this {
    if (b == null) return this.writeUVarint(0);
    return this.writeCompactBytes(b);
  }

  /** Record batches: a single buffer or a list of stored batches written back to back, by reference. */
  writeRecords(r: Buffer | readonly Buffer[] | null | undefined, compact: boolean): this {
    if (r == null) return compact ? this.writeUVarint(0) : this.writeInt32(-1);
    const parts: readonly Buffer[] = Buffer.isBuffer(r) ? [r] : r;
    let total = 0;
    for (const p of parts) total += p.length;
    if (compact) this.writeUVarint(total + 1);
    else this.writeInt32(total);
    for (const p of parts) this.writeBytesRef(p);
    return this;
  }

  writeArrayLength(n: number | null, compact: boolean): this {
    if (compact) return this.writeUVarint(n === null ? 0 : n + 1);
    return this.writeInt32(n === null ? -1 : n);
  }

  /** Overwrites 4 bytes at an absolute position (e.g. a size prefix) already written to this writer. */
  patchInt32(at: number, v: number): void {
    if (at >= this.flushedLength) {
      this.buf.writeInt32BE(v, at - this.flushedLength);
      return;
    }
    let base = 0;
    for (const c of this.chunks) {
      if (at < base + c.length) {
        if (at + 4 > base + c.length) throw new RangeError('patch spans chunks');
        c.writeInt32BE(v, at - base);
        return;
      }
      base += c.length;
    }
  }

  /** All written bytes as chunks (suitable for socket.cork/write or writev). */
  chunksOut(): Buffer[] {
    const out = this.chunks.slice();
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    return out;
  }

  /** All written bytes as one buffer (copies when referenced chunks were appended). */
  toBuffer(): Buffer {
    const parts = this.chunksOut();
    if (parts.length === 0) return EMPTY;
    if (parts.length === 1) return parts[0]!;
    return Buffer.concat(parts, this.length);
  }
}

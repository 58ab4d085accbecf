// The cleaner's map from record key to the offset of its latest record (Kafka's OffsetMap). Kafka's
// SkimpyOffsetMap keeps only a 16-byte MD5 of each key, accepting that two keys with the same hash lose one of
// them; this map keeps the key bytes themselves, so no key is ever mistaken for another. Keys are hashed and
// compared straight from the record bytes: no string or Buffer per record, one copy per distinct key into an
// arena. Open addressing with linear probing over typed arrays, so the map is a handful of objects however
// many keys it holds (nothing for the garbage collector to trace).

const EMPTY = 0;
const MIN_SLOTS = 1024;

export class KeyOffsetMap {
  /** Entry index + 1 per slot, EMPTY for none; the slot count is a power of two, at most half full. */
  private slots = new Int32Array(MIN_SLOTS);
  private hashes = new Int32Array(MIN_SLOTS / 2);
  private keyStarts = new Int32Array(MIN_SLOTS / 2);
  private keyLengths = new Int32Array(MIN_SLOTS / 2);
  private offsets = new Float64Array(MIN_SLOTS / 2);
  private arena = Buffer.allocUnsafe(64 * 1024);
  private arenaUsed = 0;
  size = 0;

  /** The offset stored for the key in buf[start, start + length), or -1. */
  get(buf: Uint8Array, start: number, length: number): number {
    const entry = this.find(buf, start, length, hashOf(buf, start, length));
    return entry < 0 ? -1 : this.offsets[entry]!;
  }

  /** Stores the offset for the key in buf[start, start + length) (replacing any earlier one). */
  set(buf: Uint8Array, start: number, length: number, offset: number): void {
    const hash = hashOf(buf, start, length);
    const found = this.find(buf, start, length, hash);
    if (found >= 0) {
      this.offsets[found] = offset;
      return;
    }
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const entry = this.size++;
    if (this.arenaUsed + length > this.arena.length) {
      const arena = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + length));
      this.arena.copy(arena, 0, 0, this.arenaUsed);
      this.arena = arena;
    }
    this.arena.set(buf.subarray(start, start + length), this.arenaUsed);
    this.hashes[entry] = hash;
    this.keyStarts[entry] = this.arenaUsed;
    this.keyLengths[entry] = length;
    this.offsets[entry] = offset;
    this.arenaUsed += length;
    this.insert(entry, hash);
  }

  /** The entry holding the key, or -1. */
  private find(buf: Uint8Array, start: number, length: number, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const e = this.slots[slot]! - 1;
      if (e < 0) return -1;
      if (this.hashes[e] === hash && this.keyLengths[e] === length && this.sameBytes(this.keyStarts[e]!, buf, start, length)) return e;
    }
  }

  private sameBytes(at: number, buf: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    for (let i = 0; i < length; i++) if (arena[at + i] !== buf[start + i]) return false;
    return true;
  }

  private insert(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  private grow(): void {
    const capacity = this.slots.length; // entries the grown map can hold: half its slots
    this.slots = new Int32Array(capacity * 2);
    this.hashes = extend(this.hashes, capacity);
    this.keyStarts = extend(this.keyStarts, capacity);
    this.keyLengths = extend(this.keyLengths, capacity);
    const offsets = new Float64Array(capacity);
    offsets.set(this.offsets);
    this.offsets = offsets;
    for (let e = 0; e < this.size; e++) this.insert(e, this.hashes[e]!);
  }
}

function extend(a: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(length);
  grown.set(a);
  return grown;
}

/** FNV-1a over the bytes, finished with a murmur3 mix so that the low bits (the slot) depend on every byte. */
function hashOf(buf: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < start + length; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

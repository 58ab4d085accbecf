// The batches a partition appended most recently, kept in memory exactly as written, so that followers and
// consumers reading at the tail are served without LMDB cursors and without a copy out of the map. Followers of a
// busy partition ask for the batch the leader has just appended, again and again; reading it back from LMDB cost
// a cursor walk and a fresh copy per follower per fetch (the largest share of a broker's CPU under RF=3 load).
// Kafka gets the same from the OS page cache and sendfile. Bounded per partition and per broker.
import type { StoredBatch } from '../log/log-store.js';

export interface CachedBatch {
  baseOffset: number;
  /** Offset after the batch's last record. */
  endOffset: number;
  bytes: Buffer;
}

/** Bytes held by every partition's cache on one broker; a partition over the budget keeps only its newest batches. */
export class TailCacheBudget {
  bytes = 0;
  constructor(readonly maxBytes: number) {}
}

export class TailCache {
  private entries: CachedBatch[] = [];
  private head = 0;
  private bytes = 0;
  /** When the last batch was added (the broker drops the caches of partitions that went quiet). */
  lastAddMs = 0;

  constructor(
    private readonly budget: TailCacheBudget,
    private readonly maxBytes: number,
  ) {}

  /**
   * Adds batches just committed at the log end, in offset order. A batch that is a small view into a much larger
   * buffer (one partition's batch in a produce request of many) is copied, so the cache never pins the rest.
   */
  add(batches: readonly CachedBatch[], now: number): void {
    for (const b of batches) {
      if (b.bytes.length > this.maxBytes) {
        // Too large to keep: what the cache holds would no longer end at the log end.
        this.clear();
        continue;
      }
      const bytes = b.bytes.length * 2 < b.bytes.buffer.byteLength ? Buffer.from(b.bytes) : b.bytes;
      this.entries.push({ baseOffset: b.baseOffset, endOffset: b.endOffset, bytes });
      this.bytes += bytes.length;
      this.budget.bytes += bytes.length;
    }
    this.lastAddMs = now;
    const limit = this.budget.bytes > this.budget.maxBytes ? this.maxBytes / 4 : this.maxBytes;
    while (this.bytes > limit && this.head < this.entries.length) this.dropOldest();
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private dropOldest(): void {
    const e = this.entries[this.head++]!;
    this.bytes -= e.bytes.length;
    this.budget.bytes -= e.bytes.length;
  }

  /**
   * Batches from the one containing `from`, before `end`, up to `maxBytes` (the first one even when larger, as
   * KIP-74 wants): what LogStore.read returns. Null when the cache does not reach back to `from`.
   */
  read(from: number, end: number, maxBytes: number): StoredBatch[] | null {
    if (this.head >= this.entries.length) return null;
    const first = this.entries[this.head]!;
    if (from < first.baseOffset) return null;
    // Binary search for the first batch ending after `from`.
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.endOffset <= from) lo = mid + 1;
      else hi = mid;
    }
    const out: StoredBatch[] = [];
    let bytes = 0;
    for (let i = lo; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.baseOffset >= end) break;
      if (out.length > 0 && bytes + e.bytes.length > maxBytes) break;
      out.push({ baseOffset: e.baseOffset, bytes: e.bytes });
      bytes += e.bytes.length;
      if (bytes >= maxBytes) break;
    }
    return out;
  }

  /** Forgets everything (truncation, a reset, compaction rewriting stored batches, a partition going away). */
  clear(): void {
    while (this.head < this.entries.length) this.dropOldest();
    this.entries = [];
    this.head = 0;
  }
}

// The in-memory tail answers reads exactly as LogStore.read would for the offsets it holds, and keeps its budgets.
import { describe, expect, test } from 'vitest';
import type { StoredBatch } from '../../worker/broker/log/log-store.js';
import { TailCache, TailCacheBudget, type CachedBatch } from '../../worker/broker/replica/tail-cache.js';

/** LogStore.read's contract over a plain list: from the batch containing `from`, before `end`, KIP-74 first batch. */
function referenceRead(all: CachedBatch[], from: number, end: number, maxBytes: number): StoredBatch[] {
  const out: StoredBatch[] = [];
  let bytes = 0;
  for (const b of all) {
    if (b.endOffset <= from) continue;
    if (b.baseOffset >= end) break;
    if (out.length > 0 && bytes + b.bytes.length > maxBytes) break;
    out.push({ baseOffset: b.baseOffset, bytes: b.bytes });
    bytes += b.bytes.length;
    if (bytes >= maxBytes) break;
  }
  return out;
}

function seeded(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), t | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe('TailCache', () => {
  test('reads match LogStore.read for every offset the cache reaches (batches with gaps, random sizes)', () => {
    for (let round = 0; round < 20; round++) {
      const rand = seeded(round + 1);
      const budget = new TailCacheBudget(1 << 30);
      const cache = new TailCache(budget, 64 * 1024);
      const all: CachedBatch[] = [];
      let offset = 0;
      for (let i = 0; i < 200; i++) {
        offset += rand() < 0.2 ? Math.floor(rand() * 5) : 0; // compacted logs keep gaps
        const records = 1 + Math.floor(rand() * 10);
        const batch = { baseOffset: offset, endOffset: offset + records, bytes: Buffer.alloc(100 + Math.floor(rand() * 3000), i) };
        offset += records;
        all.push(batch);
        cache.add([batch], i);
      }
      const oldest = all.findIndex((b) => cache.read(b.baseOffset, offset, 1) !== null);
      expect(oldest).toBeGreaterThan(0); // the per-partition cap evicted the start
      expect(cache.read(all[oldest - 1]!.baseOffset, offset, 1 << 20)).toBeNull();
      for (let q = 0; q < 300; q++) {
        const from = all[oldest]!.baseOffset + Math.floor(rand() * (offset + 3 - all[oldest]!.baseOffset));
        const end = from + Math.floor(rand() * (offset - from + 5));
        const maxBytes = Math.floor(rand() * 20_000);
        const got = cache.read(from, end, maxBytes);
        expect(got?.map((b) => [b.baseOffset, b.bytes.length])).toEqual(referenceRead(all, from, end, maxBytes).map((b) => [b.baseOffset, b.bytes.length]));
      }
    }
  });

  test('a small view into a large buffer is copied; the budget counts what is held and shrinks a partition over it', () => {
    const budget = new TailCacheBudget(10_000);
    const a = new TailCache(budget, 8_000);
    const b = new TailCache(budget, 8_000);
    const request = Buffer.alloc(64 * 1024, 7);
    a.add([{ baseOffset: 0, endOffset: 1, bytes: request.subarray(100, 1100) }], 0);
    const [held] = a.read(0, 1, 1 << 20)!;
    expect(held!.bytes.buffer).not.toBe(request.buffer);
    expect(held!.bytes.equals(request.subarray(100, 1100))).toBe(true);
    for (let i = 1; i <= 7; i++) a.add([{ baseOffset: i, endOffset: i + 1, bytes: Buffer.alloc(1000) }], i);
    expect(budget.bytes).toBe(8_000);
    // b pushes the broker over its budget: b keeps only a quarter of its cap.
    for (let i = 0; i < 5; i++) b.add([{ baseOffset: i, endOffset: i + 1, bytes: Buffer.alloc(1000) }], i);
    expect(b.read(0, 5, 1 << 20)).toBeNull();
    expect(b.read(3, 5, 1 << 20)!.map((x) => x.baseOffset)).toEqual([3, 4]);
    a.clear();
    b.clear();
    expect(budget.bytes).toBe(0);
    expect(a.read(0, 10, 100)).toBeNull();
  });

  test('a batch larger than the cap empties the cache instead of leaving a hole at the tail', () => {
    const cache = new TailCache(new TailCacheBudget(1 << 30), 4_000);
    cache.add([{ baseOffset: 0, endOffset: 5, bytes: Buffer.alloc(1000) }], 0);
    cache.add([{ baseOffset: 5, endOffset: 9, bytes: Buffer.alloc(5000) }], 1);
    expect(cache.read(0, 9, 1 << 20)).toBeNull();
    expect(cache.read(5, 9, 1 << 20)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { readBatches, skippedWithin } from '../../main/gui/messages/fetch.js';
import { encodeRecordBatch } from '../../worker/protocol/records/record-batch.js';
import { Compression } from '../../worker/protocol/records/compression.js';

// The message browser's filter reads a Fetch answer's batches and decodes only those that can hold a match.

const rec = (key: string, value: string, headers: [string, string][] = []) => ({
  key: Buffer.from(key),
  value: Buffer.from(value),
  headers: headers.map(([k, v]) => ({ key: k, value: Buffer.from(v) })),
  timestamp: 1_700_000_000_000,
});

const answer = () =>
  Buffer.concat([
    encodeRecordBatch({ baseOffset: 0n, records: [rec('a', 'apple'), rec('b', 'banana')] }),
    encodeRecordBatch({ baseOffset: 2n, records: [rec('c', 'cherry', [['trace', 'needle-in-header']]), rec('d', 'date')] }),
    encodeRecordBatch({ baseOffset: 4n, records: [rec('e', 'needle')], compression: Compression.gzip }),
    encodeRecordBatch({ baseOffset: 5n, records: [rec('f', 'fig'), rec('g', 'grape'), rec('h', 'honeydew')] }),
  ]);

describe('readBatches', () => {
  it('decodes every batch without substrings', () => {
    const batches = readBatches(answer(), []);
    expect(batches.map((b) => b.records.length)).toEqual([2, 2, 1, 3]);
    expect(batches.every((b) => !b.skipped)).toBe(true);
  });

  it('counts instead of decoding the uncompressed batches that lack a substring; compressed ones are always decoded', () => {
    const batches = readBatches(answer(), [Buffer.from('needle')]);
    expect(batches.map((b) => [Number(b.firstOffset), b.lastOffsetDelta, b.records.length, b.skipped ?? 0])).toEqual([
      [0, 1, 0, 2],
      [2, 1, 2, 0], // the header value holds it
      [4, 0, 1, 0], // gzip: the bytes say nothing
      [5, 2, 0, 3],
    ]);
    expect(batches[1]!.records.map((r) => r.key!.toString())).toEqual(['c', 'd']);
    // Every substring must be there: 'needle' and 'date' are both in the second batch only.
    expect(readBatches(answer(), [Buffer.from('needle'), Buffer.from('date')]).map((b) => b.skipped ?? 0)).toEqual([2, 0, 0, 3]);
  });

  it('stops at a batch cut short by the answer size', () => {
    const full = answer();
    expect(readBatches(full.subarray(0, full.length - 5), []).map((b) => Number(b.firstOffset))).toEqual([0, 2, 4]);
  });

  it('skippedWithin counts what lies inside a range', () => {
    const skipped = [{ first: 0, next: 2, records: 2 }, { first: 5, next: 8, records: 3 }];
    expect(skippedWithin(skipped, 0, 100)).toBe(5);
    expect(skippedWithin(skipped, 1, 7)).toBe(1 + 2);
    expect(skippedWithin(skipped, 2, 5)).toBe(0);
  });
});

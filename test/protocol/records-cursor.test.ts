// The cleaner's record walking against the full decoder: RecordCursor must see exactly what decodeRecordBatch sees
// (and reject exactly what it rejects), and KeptRecords.rebuild must produce the bytes the cleaner used to get by
// decoding, filtering and re-encoding with encodeRecordBatch.
import { describe, expect, test } from 'vitest';
import {
  BATCH_HEADER_SIZE,
  KeptRecords,
  RecordCursor,
  decodeRecordBatch,
  encodeRecordBatch,
  recomputeCrc,
  type DecodedBatch,
  type RecordInput,
  type TimestampType,
} from '../../worker/protocol/records/index.js';
import { prng } from '../helpers/prng';

const T = 1_700_000_000_000;

function randomBatch(rnd: () => number, codec: number): Buffer {
  const bytes = (max: number) => Buffer.from(Array.from({ length: Math.floor(rnd() * max) }, () => Math.floor(rnd() * 256)));
  const n = 1 + Math.floor(rnd() * 40);
  let offsetDelta = 0;
  const records: RecordInput[] = Array.from({ length: n }, () => {
    // Gaps in the offsets, as in batches the cleaner already rewrote.
    offsetDelta += rnd() < 0.2 ? 1 + Math.floor(rnd() * 5) : 1;
    // Timestamps out of order, some more than 2^31 ms away from the first (varlong deltas past the varint range).
    const timestamp = rnd() < 0.05 ? T + Math.floor(rnd() * 2 ** 40) : T + Math.floor(rnd() * 20000) - 10000;
    return {
      key: rnd() < 0.15 ? null : rnd() < 0.1 ? Buffer.alloc(0) : bytes(rnd() < 0.1 ? 300 : 20),
      value: rnd() < 0.2 ? null : bytes(rnd() < 0.1 ? 500 : 60),
      headers: Array.from({ length: rnd() < 0.7 ? 0 : Math.floor(rnd() * 4) }, (_, i) => ({ key: `h${i}-${Math.floor(rnd() * 100)}`, value: rnd() < 0.2 ? null : bytes(30) })),
      timestamp,
      offsetDelta,
    };
  });
  const timestampType: TimestampType = rnd() < 0.2 ? 'LogAppendTime' : 'CreateTime';
  return encodeRecordBatch({
    baseOffset: BigInt(Math.floor(rnd() * 1e6)),
    records,
    compression: codec,
    timestampType,
    ...(timestampType === 'LogAppendTime' ? { maxTimestamp: BigInt(T + 5000) } : {}),
    producerId: rnd() < 0.5 ? 7n : -1n,
    producerEpoch: 3,
    baseSequence: 11,
    isTransactional: rnd() < 0.2,
    partitionLeaderEpoch: 4,
    lastOffsetDelta: offsetDelta + (rnd() < 0.3 ? 3 : 0),
    ...(rnd() < 0.2 ? { deleteHorizonMs: BigInt(T + 60000) } : {}),
  });
}

/** What the cleaner wrote before KeptRecords: decode, filter, encodeRecordBatch with the batch's own header fields. */
function reencode(b: DecodedBatch, keep: boolean[], deleteHorizonMs: bigint | null): Buffer {
  const h = b.header;
  return encodeRecordBatch({
    baseOffset: h.baseOffset,
    records: b.records
      .filter((_, i) => keep[i])
      .map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: Number(r.offset - h.baseOffset) })),
    compression: h.compression,
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    isTransactional: h.isTransactional,
    timestampType: h.timestampType,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    maxTimestamp: h.maxTimestamp,
    lastOffsetDelta: h.lastOffsetDelta,
    ...(deleteHorizonMs !== null ? { deleteHorizonMs } : {}),
  });
}

function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { errorCode?: number }).errorCode !== undefined ? `error ${(e as { errorCode: number }).errorCode}` : `throws ${(e as Error).name}`;
  }
}

describe('RecordCursor', () => {
  test('sees what decodeRecordBatch sees on random batches, every codec', () => {
    const rnd = prng(1);
    for (let i = 0; i < 500; i++) {
      const codec = i % 5;
      const batch = randomBatch(rnd, codec);
      const decoded = decodeRecordBatch(batch);
      const r = new RecordCursor(batch);
      expect(r.header).toEqual(decoded.header);
      for (const d of decoded.records) {
        expect(r.next()).toBe(true);
        expect(r.offset).toBe(Number(d.offset));
        expect(r.keyLength).toBe(d.key === null ? -1 : d.key.length);
        if (d.key) expect(Buffer.compare(r.body.subarray(r.keyStart, r.keyStart + r.keyLength), d.key)).toBe(0);
        expect(r.valueLength).toBe(d.value === null ? -1 : d.value.length);
        expect(r.bodyStart).toBeGreaterThan(r.start);
        expect(r.offsetDeltaStart).toBeGreaterThan(r.bodyStart + 1);
      }
      expect(r.next()).toBe(false);
      expect(r.end).toBe(r.body.length);
    }
  });

  test('rejects exactly the corrupt batches decodeRecordBatch rejects', () => {
    const rnd = prng(2);
    const results = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const batch = randomBatch(rnd, 0);
      // Flip, zero or set a few bytes of the records (the CRC recomputed, so only the record structure is wrong).
      for (let k = 0, n = 1 + Math.floor(rnd() * 3); k < n; k++) {
        const at = BATCH_HEADER_SIZE + Math.floor(rnd() * (batch.length - BATCH_HEADER_SIZE));
        batch[at] = rnd() < 0.3 ? 0 : rnd() < 0.5 ? 0xff : Math.floor(rnd() * 256);
      }
      recomputeCrc(batch);
      const walk = () => {
        const r = new RecordCursor(batch);
        while (r.next());
      };
      const expected = outcome(() => decodeRecordBatch(batch));
      expect(outcome(walk), `batch ${i}`).toBe(expected);
      results.set(expected, (results.get(expected) ?? 0) + 1);
    }
    // Both outcomes occur often enough for the comparison to mean something.
    expect(results.get('ok')).toBeGreaterThan(100);
    expect(results.get('error 2')).toBeGreaterThan(100);
  });
});

describe('KeptRecords.rebuild', () => {
  test('writes the bytes decode + filter + encodeRecordBatch wrote, every codec, with and without a delete horizon', () => {
    const rnd = prng(3);
    const kept = new KeptRecords();
    for (let i = 0; i < 500; i++) {
      const batch = randomBatch(rnd, i % 5);
      const decoded = decodeRecordBatch(batch);
      const keep = decoded.records.map(() => rnd() < 0.4);
      if (!keep.includes(true)) keep[Math.floor(rnd() * keep.length)] = true;
      const horizon = decoded.header.hasDeleteHorizon ? decoded.header.baseTimestamp : rnd() < 0.3 ? BigInt(T + 86_400_000) : null;
      const r = new RecordCursor(batch);
      kept.clear();
      for (let j = 0; r.next(); j++) if (keep[j]) kept.add(r);
      const rebuilt = kept.rebuild(r, horizon);
      expect(rebuilt.equals(reencode(decoded, keep, horizon)), `batch ${i}`).toBe(true);
      // And it reads back as the kept records.
      const back = decodeRecordBatch(rebuilt);
      expect(back.records.map((x) => x.offset)).toEqual(decoded.records.filter((_, j) => keep[j]).map((x) => x.offset));
    }
  });
});

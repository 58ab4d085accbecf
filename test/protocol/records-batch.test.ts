import { describe, expect, it } from 'vitest';
import { ProtocolError, Writer } from '../../worker/protocol/primitives.js';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BatchIterator,
  Compression,
  DecompressionLimitError,
  RECORDS_COUNT_OFFSET,
  RecordBatchError,
  compress,
  computeBatchCrc,
  crc32c,
  decodeControlRecord,
  decodeRecordBatch,
  encodeEndTxnMarker,
  encodeRecordBatch,
  lastOffsetOf,
  nextOffsetOf,
  readBatchHeader,
  recomputeCrc,
  setBaseOffset,
  setLogAppendTime,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  splitBatches,
  splitBatchesWithTail,
  validateBatch,
  type RecordInput,
} from '../../worker/protocol/records/index.js';

const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const T = 1_700_000_000_000n;

const sample: RecordInput[] = [
  { key: Buffer.from('k0'), value: Buffer.from('v0'), timestamp: T, headers: [{ key: 'h', value: Buffer.from('x') }] },
  { key: null, value: Buffer.from('null key'), timestamp: T + 10n },
  { key: Buffer.from('tombstone'), value: null, timestamp: T - 1000n }, // negative delta
  { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: T + 1n, headers: [{ key: '', value: Buffer.alloc(0) }, { key: 'n', value: null }] },
  { key: null, value: null, timestamp: Number(T) + 2, headers: [{ key: 'ключ ✓', value: Buffer.from('значение') }, { key: 'dup', value: Buffer.from('1') }, { key: 'dup', value: Buffer.from('2') }] },
];

const sameBytes = (a: Uint8Array | null, b: Uint8Array | null) => (a === null || b === null ? a === b : Buffer.compare(a, b) === 0);

function expectRecords(decoded: ReturnType<typeof decodeRecordBatch>['records'], input: RecordInput[], baseOffset = 0n): void {
  expect(decoded.length).toBe(input.length);
  // Plain comparisons first (deep-equality on megabyte buffers is slow); describe the first mismatch on failure.
  const bad = input.findIndex((r, i) => {
    const d = decoded[i]!;
    const headers = r.headers ?? [];
    return (
      d.offset !== baseOffset + BigInt(r.offsetDelta ?? i) ||
      (r.timestamp !== undefined && d.timestamp !== BigInt(r.timestamp)) ||
      !sameBytes(d.key, r.key) ||
      !sameBytes(d.value, r.value) ||
      d.attributes !== 0 ||
      d.headers.length !== headers.length ||
      d.headers.some((h, j) => h.key !== headers[j]!.key || !sameBytes(h.value, headers[j]!.value))
    );
  });
  if (bad >= 0) {
    const d = decoded[bad]!;
    const r = input[bad]!;
    expect({ index: bad, offset: d.offset, timestamp: d.timestamp, key: d.key, value: d.value, headers: d.headers, attributes: d.attributes }).toEqual({
      index: bad,
      attributes: 0,
      offset: baseOffset + BigInt(r.offsetDelta ?? bad),
      timestamp: r.timestamp === undefined ? d.timestamp : BigInt(r.timestamp),
      key: r.key && Buffer.from(r.key),
      value: r.value && Buffer.from(r.value),
      headers: (r.headers ?? []).map((h) => ({ key: h.key, value: h.value && Buffer.from(h.value) })),
    });
  }
}

/** A batch around hand-written record bytes, with a correct CRC (to test record-level validation). */
function rawBatch(body: Buffer, count: number, codec = 0): Buffer {
  const payload = codec === 0 ? body : compress(codec, body);
  const b = Buffer.alloc(BATCH_HEADER_SIZE + payload.length);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt32BE(-1, 12);
  b.writeInt8(2, 16);
  b.writeUInt16BE(codec, 21);
  b.writeInt32BE(Math.max(count - 1, 0), 23);
  b.writeBigInt64BE(T, 27);
  b.writeBigInt64BE(T, 35);
  b.writeBigInt64BE(-1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(count, 57);
  payload.copy(b, 61);
  recomputeCrc(b, 0);
  return b;
}

/** One record's bytes; `tweak` can replace fields with raw varints to build malformed records. */
function recordBytes(fields: { keyLen?: number; key?: Buffer; valueLen?: number; value?: Buffer; headers?: Array<[number, Buffer, number, Buffer]>; headerCount?: number; extra?: number; lengthDelta?: number }): Buffer {
  const w = new Writer();
  w.writeInt8(0).writeVarint(0).writeVarint(0);
  w.writeVarint(fields.keyLen ?? fields.key?.length ?? -1);
  if (fields.key) w.writeRaw(fields.key);
  w.writeVarint(fields.valueLen ?? fields.value?.length ?? -1);
  if (fields.value) w.writeRaw(fields.value);
  const headers = fields.headers ?? [];
  w.writeVarint(fields.headerCount ?? headers.length);
  for (const [kl, k, vl, v] of headers) w.writeVarint(kl).writeRaw(k).writeVarint(vl).writeRaw(v);
  if (fields.extra) w.writeRaw(Buffer.alloc(fields.extra));
  const rec = w.toBuffer();
  return Buffer.concat([new Writer().writeVarint(rec.length + (fields.lengthDelta ?? 0)).toBuffer(), rec]);
}

describe('encode/decode round trips', () => {
  for (const name of codecs) {
    it(`${name}: null/empty keys and values, headers, negative timestamp deltas`, () => {
      const buf = encodeRecordBatch({ records: sample, compression: Compression[name], baseOffset: 100n });
      expect(buf.byteLength).toBe(buf.buffer.byteLength); // owns its memory: transferable to another thread
      const v = validateBatch(buf);
      expect(v.ok).toBe(true);
      const { header, records, size } = decodeRecordBatch(buf);
      expect(size).toBe(buf.length);
      expect(header.compression).toBe(Compression[name]);
      expect(header.recordCount).toBe(sample.length);
      expect(header.lastOffsetDelta).toBe(sample.length - 1);
      expect(header.baseTimestamp).toBe(T);
      expect(header.maxTimestamp).toBe(T + 10n);
      expect(header.timestampType).toBe('CreateTime');
      expect(header.producerId).toBe(-1n);
      expect(header.producerEpoch).toBe(-1);
      expect(header.baseSequence).toBe(-1);
      expect(header.partitionLeaderEpoch).toBe(-1);
      expectRecords(records, sample, 100n);
    });

    it(`${name}: large records and many records`, () => {
      const large = Buffer.alloc(2_000_000);
      for (let i = 0; i < large.length; i++) large[i] = (i * 31) & 0xff;
      const big: RecordInput[] = [
        { key: Buffer.alloc(100_000, 1), value: large, timestamp: T, headers: [{ key: 'big', value: Buffer.alloc(70_000, 2) }] },
      ];
      expectRecords(decodeRecordBatch(encodeRecordBatch({ records: big, compression: Compression[name] })).records, big);

      const many: RecordInput[] = Array.from({ length: 5000 }, (_, i) => ({
        key: Buffer.from(`key-${i}`),
        value: i % 7 === 0 ? null : Buffer.from(`value-${i}-${'x'.repeat(i % 50)}`),
        timestamp: T + BigInt((i * 37) % 1000) - 500n,
      }));
      const buf = encodeRecordBatch({ records: many, compression: Compression[name] });
      expect(validateBatch(buf).ok).toBe(true);
      expectRecords(decodeRecordBatch(buf).records, many);
    });
  }

  it('keeps producer fields, flags, epochs, offsets and offset gaps', () => {
    const records: RecordInput[] = [
      { key: null, value: Buffer.from('a'), timestamp: T, offsetDelta: 0 },
      { key: null, value: Buffer.from('b'), timestamp: T, offsetDelta: 3 },
    ];
    const buf = encodeRecordBatch({
      records,
      baseOffset: 1n << 40n,
      producerId: 123456789012n,
      producerEpoch: 32000,
      baseSequence: 2147483000,
      isTransactional: true,
      partitionLeaderEpoch: 9,
      compression: Compression.zstd,
      lastOffsetDelta: 5, // compaction removed offsets 4 and 5
    });
    const h = readBatchHeader(buf);
    expect(h).toMatchObject({ baseOffset: 1n << 40n, producerId: 123456789012n, producerEpoch: 32000, baseSequence: 2147483000, isTransactional: true, isControl: false, partitionLeaderEpoch: 9, lastOffsetDelta: 5, recordCount: 2, magic: 2 });
    expect(lastOffsetOf(h)).toBe((1n << 40n) + 5n);
    expect(nextOffsetOf(h)).toBe((1n << 40n) + 6n);
    expect(validateBatch(buf, 0, { mode: 'stored' }).ok).toBe(true);
    expect(validateBatch(buf)).toMatchObject({ ok: false, error: 'INVALID_RECORD' }); // producers send dense offsets
    expectRecords(decodeRecordBatch(buf).records, records, 1n << 40n);
  });

  it('encodes timestamp deltas beyond int32 and negative timestamps', () => {
    const records: RecordInput[] = [
      { key: null, value: null, timestamp: 0n },
      { key: null, value: null, timestamp: 1n << 45n },
      { key: null, value: null, timestamp: -(1n << 50n) },
      { key: null, value: null, timestamp: -1n },
      { key: null, value: null, timestamp: (1n << 62n) + 12345n }, // needs the BigInt varlong path on decode
    ];
    expectRecords(decodeRecordBatch(encodeRecordBatch({ records })).records, records);
  });

  it('defaults timestamps to now and offset deltas to the index', () => {
    const before = BigInt(Date.now());
    const { records, header } = decodeRecordBatch(encodeRecordBatch({ records: [{ key: null, value: Buffer.from('x') }, { key: null, value: Buffer.from('y') }] }));
    expect(records[0]!.timestamp).toBeGreaterThanOrEqual(before);
    expect(records[1]!.offset).toBe(1n);
    expect(header.maxTimestamp).toBe(records[0]!.timestamp);
  });

  it('encodes an empty batch (as compaction leaves them) that stored-mode validation accepts', () => {
    const buf = encodeRecordBatch({ records: [], lastOffsetDelta: 4, baseOffset: 10n });
    expect(buf.length).toBe(BATCH_HEADER_SIZE);
    expect(validateBatch(buf, 0, { mode: 'stored' }).ok).toBe(true);
    expect(validateBatch(buf)).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
    expect(decodeRecordBatch(buf).records).toEqual([]);
  });

  it('delete horizon: sets attribute bit 6 and keeps record timestamps', () => {
    const records: RecordInput[] = [{ key: Buffer.from('k'), value: null, timestamp: T }];
    const buf = encodeRecordBatch({ records, deleteHorizonMs: T + 86_400_000n });
    const { header, records: out } = decodeRecordBatch(buf);
    expect(header.hasDeleteHorizon).toBe(true);
    expect(header.baseTimestamp).toBe(T + 86_400_000n);
    expect(out[0]!.timestamp).toBe(T);
  });

  it('honours maxDecompressedBytes', () => {
    const buf = encodeRecordBatch({ records: [{ key: null, value: Buffer.alloc(5_000_000), timestamp: T }], compression: Compression.zstd });
    expect(() => decodeRecordBatch(buf, 0, { maxDecompressedBytes: 1_000_000 })).toThrow(DecompressionLimitError);
    expect(decodeRecordBatch(buf, 0, { maxDecompressedBytes: 6_000_000 }).records[0]!.value!.length).toBe(5_000_000);
  });
});

describe('CRC-32C', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.from('6789'), crc32c(Buffer.from('12345')))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  for (const name of ['none', 'gzip'] as const) {
    it(`${name}: a flipped byte anywhere in [21, end) fails validation; baseOffset and leader epoch do not matter`, () => {
      const buf = encodeRecordBatch({ records: sample.slice(0, 3), compression: Compression[name] });
      for (let i = 21; i < buf.length; i++) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const bad = Buffer.from(buf);
          bad[i] ^= mask;
          const v = validateBatch(bad, 0, { mode: 'stored' });
          expect(v.ok, `byte ${i} ^ ${mask}`).toBe(false);
          if (!v.ok) expect(v.error).toBe('CORRUPT_MESSAGE');
          expect(() => decodeRecordBatch(bad)).toThrow(RecordBatchError);
        }
      }
      const moved = Buffer.from(buf);
      setBaseOffset(moved, 0, 987654321n);
      setPartitionLeaderEpoch(moved, 0, 77);
      expect(validateBatch(moved).ok).toBe(true);
      expect(computeBatchCrc(moved)).toBe(readBatchHeader(moved).crc);
      const { header, records } = decodeRecordBatch(moved);
      expect(header.partitionLeaderEpoch).toBe(77);
      expect(records.map((r) => r.offset)).toEqual([987654321n, 987654322n, 987654323n]);
    });
  }

  it('a flipped stored CRC byte fails', () => {
    const buf = encodeRecordBatch({ records: sample });
    for (let i = 17; i < 21; i++) {
      const bad = Buffer.from(buf);
      bad[i] ^= 0x10;
      expect(validateBatch(bad)).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' });
    }
  });
});

describe('validateBatch', () => {
  const good = encodeRecordBatch({ records: sample });

  it('returns the header and the batch size', () => {
    const v = validateBatch(good);
    expect(v).toMatchObject({ ok: true, size: good.length });
    if (v.ok) expect(v.header).toEqual(readBatchHeader(good));
  });

  it('validates a batch in the middle of a buffer', () => {
    const three = Buffer.concat([good, good, good]);
    const v = validateBatch(three, good.length);
    expect(v).toMatchObject({ ok: true, size: good.length });
    expect(validateBatch(three, good.length, { end: 2 * good.length - 1 })).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' });
  });

  it('rejects truncation and impossible lengths', () => {
    for (const n of [0, 5, 12, 16, 17, 60, good.length - 1]) {
      expect(validateBatch(good.subarray(0, n)), `${n} bytes`).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE', errorCode: 2 });
    }
    for (const len of [-1, 0, 48, 0x7fffffff]) {
      const bad = Buffer.from(good);
      bad.writeInt32BE(len, 8);
      expect(validateBatch(bad), `batchLength ${len}`).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' });
    }
  });

  it('rejects magic other than 2 with INVALID_RECORD', () => {
    for (const magic of [0, 1, 3, -1]) {
      const bad = Buffer.from(good);
      bad.writeInt8(magic, 16);
      expect(validateBatch(bad)).toMatchObject({ ok: false, error: 'INVALID_RECORD', errorCode: 87 });
      expect(() => decodeRecordBatch(bad)).toThrow(RecordBatchError);
    }
  });

  it('rejects unused attribute bits and unknown codecs even with a valid CRC', () => {
    for (const [attributes, error] of [[0x80, 'INVALID_RECORD'], [0x8000, 'INVALID_RECORD'], [0x05, 'UNSUPPORTED_COMPRESSION_TYPE'], [0x07, 'UNSUPPORTED_COMPRESSION_TYPE']] as const) {
      const bad = Buffer.from(good);
      bad.writeUInt16BE(attributes, ATTRIBUTES_OFFSET);
      recomputeCrc(bad);
      expect(validateBatch(bad)).toMatchObject({ ok: false, error });
    }
  });

  it('rejects bad record counts and offset ranges', () => {
    const cases: Array<[number, number, string]> = [
      [-1, 4, 'INVALID_RECORD'], // negative count
      [1_000_000, 999_999, 'CORRUPT_MESSAGE'], // more records than the bytes can hold
      [5, 7, 'INVALID_RECORD'], // produce: lastOffsetDelta must be count-1
      [5, 3, 'INVALID_RECORD'],
    ];
    for (const [count, lastOffsetDelta, error] of cases) {
      const bad = Buffer.from(good);
      bad.writeInt32BE(count, RECORDS_COUNT_OFFSET);
      bad.writeInt32BE(lastOffsetDelta, 23);
      recomputeCrc(bad);
      expect(validateBatch(bad), `count ${count} lastOffsetDelta ${lastOffsetDelta}`).toMatchObject({ ok: false, error });
    }
    // Stored mode allows a larger offset range (compaction), not a smaller one.
    const gap = Buffer.from(good);
    gap.writeInt32BE(7, 23);
    recomputeCrc(gap);
    expect(validateBatch(gap, 0, { mode: 'stored' }).ok).toBe(true);
    const tight = Buffer.from(good);
    tight.writeInt32BE(3, 23);
    recomputeCrc(tight);
    expect(validateBatch(tight, 0, { mode: 'stored' })).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
  });

  it('produce mode: rejects control batches and idempotent batches without a sequence', () => {
    const marker = encodeEndTxnMarker({ type: 'COMMIT', producerId: 5n, producerEpoch: 0, coordinatorEpoch: 1, timestamp: T });
    expect(validateBatch(marker)).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
    expect(validateBatch(marker, 0, { mode: 'stored' }).ok).toBe(true);
    const noSeq = encodeRecordBatch({ records: sample, producerId: 5n, producerEpoch: 0, baseSequence: -1 });
    expect(validateBatch(noSeq)).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
    const idempotent = encodeRecordBatch({ records: sample, producerId: 5n, producerEpoch: 0, baseSequence: 0 });
    expect(validateBatch(idempotent).ok).toBe(true);
  });

  it('checks a 10,000-record batch from the header and one CRC pass (no record parsing)', () => {
    const records: RecordInput[] = Array.from({ length: 10_000 }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: T + BigInt(i) }));
    for (const codec of [Compression.none, Compression.lz4]) {
      const buf = encodeRecordBatch({ records, compression: codec });
      const v = validateBatch(buf);
      expect(v.ok).toBe(true);
      if (v.ok) {
        expect(v.header.recordCount).toBe(10_000);
        expect(v.header.lastOffsetDelta).toBe(9_999);
        expect(v.header.maxTimestamp).toBe(T + 9_999n);
        expect(v.size).toBe(buf.length);
      }
      // A corrupted record byte deep inside is caught by the CRC alone.
      const bad = Buffer.from(buf);
      bad[buf.length - 3] ^= 1;
      expect(validateBatch(bad).ok).toBe(false);
    }
  });
});

describe('splitting concatenated batches', () => {
  const a = encodeRecordBatch({ records: sample.slice(0, 1), baseOffset: 0n });
  const b = encodeRecordBatch({ records: sample, baseOffset: 1n, compression: Compression.gzip });
  const c = encodeRecordBatch({ records: sample.slice(0, 2), baseOffset: 6n });
  const all = Buffer.concat([a, b, c]);

  it('returns views of whole batches', () => {
    const parts = splitBatches(all);
    expect(parts.map((p) => p.length)).toEqual([a.length, b.length, c.length]);
    expect(parts.every((p) => p.buffer === all.buffer)).toBe(true); // no copies
    expect(parts.map((p) => readBatchHeader(p).baseOffset)).toEqual([0n, 1n, 6n]);
    expect(splitBatches(Buffer.alloc(0))).toEqual([]);
  });

  it('ignores a trailing partial batch and reports its size', () => {
    for (const cut of [1, 11, 12, 13, 60, 61, c.length - 1]) {
      const truncated = all.subarray(0, a.length + b.length + cut);
      expect(splitBatches(truncated).length).toBe(2);
      const { batches, partialBytes } = splitBatchesWithTail(truncated);
      expect(batches.length).toBe(2);
      expect(partialBytes).toBe(cut);
    }
    expect(splitBatchesWithTail(all).partialBytes).toBe(0);
  });

  it('iterates lazily from an offset', () => {
    const it = new BatchIterator(all, a.length);
    const first = it.next();
    expect(first.done).toBe(false);
    expect(it.position).toBe(a.length + b.length);
    expect([...it].length).toBe(1);
    expect(it.partialBytes).toBe(0);
  });

  it('throws RecordBatchError on a length that cannot frame an entry', () => {
    const bad = Buffer.from(all);
    bad.writeInt32BE(3, a.length + 8);
    expect(() => splitBatches(bad)).toThrow(RecordBatchError);
    bad.writeInt32BE(-100, a.length + 8);
    expect(() => splitBatches(bad)).toThrow(RecordBatchError);
  });
});

describe('broker setters', () => {
  it('setLogAppendTime sets the type bit and maxTimestamp, fixes the CRC, and every record reports it', () => {
    for (const codec of [Compression.none, Compression.snappy]) {
      const buf = encodeRecordBatch({ records: sample, compression: codec });
      const before = readBatchHeader(buf);
      setLogAppendTime(buf, 0, T + 5555n);
      const v = validateBatch(buf);
      expect(v.ok).toBe(true);
      const { header, records } = decodeRecordBatch(buf);
      expect(header.timestampType).toBe('LogAppendTime');
      expect(header.maxTimestamp).toBe(T + 5555n);
      expect(header.baseTimestamp).toBe(before.baseTimestamp);
      expect(header.compression).toBe(codec);
      expect(records.every((r) => r.timestamp === T + 5555n)).toBe(true);
      // Back to CreateTime restores the record timestamps.
      setMaxTimestamp(buf, 0, 'CreateTime', before.maxTimestamp);
      expect(buf.equals(encodeRecordBatch({ records: sample, compression: codec }))).toBe(true);
      expect(decodeRecordBatch(buf).records.map((r) => r.timestamp)).toEqual(sample.map((r) => BigInt(r.timestamp!)));
    }
  });

  it('setters work on a batch inside a larger buffer', () => {
    const x = encodeRecordBatch({ records: sample.slice(0, 1) });
    const y = encodeRecordBatch({ records: sample.slice(0, 2) });
    const both = Buffer.concat([x, y]);
    setBaseOffset(both, x.length, 500n);
    setPartitionLeaderEpoch(both, x.length, 3);
    setLogAppendTime(both, x.length, 42n);
    expect(validateBatch(both, 0, { end: x.length }).ok).toBe(true);
    const v = validateBatch(both, x.length);
    expect(v.ok && v.header).toMatchObject({ baseOffset: 500n, partitionLeaderEpoch: 3, maxTimestamp: 42n, timestampType: 'LogAppendTime' });
    expect(both.subarray(0, x.length).equals(x)).toBe(true);
  });
});

describe('malformed records', () => {
  const ok = recordBytes({ key: Buffer.from('k'), value: Buffer.from('v') });

  const cases: Array<[string, Buffer, number]> = [
    ['key length -2', recordBytes({ keyLen: -2 }), 1],
    ['value length -7', recordBytes({ key: Buffer.from('k'), valueLen: -7 }), 1],
    ['key length beyond the record', recordBytes({ keyLen: 50, key: Buffer.from('abc') }), 1],
    ['value length beyond the batch', recordBytes({ valueLen: 1_000_000 }), 1],
    ['negative header count', recordBytes({ headerCount: -1 }), 1],
    ['header count beyond the bytes', recordBytes({ headerCount: 100_000 }), 1],
    ['negative header key length', recordBytes({ headers: [[-1, Buffer.alloc(0), 0, Buffer.alloc(0)]] }), 1],
    ['header value length -3', recordBytes({ headers: [[1, Buffer.from('h'), -3, Buffer.alloc(0)]] }), 1],
    ['record longer than its fields', recordBytes({ extra: 3 }), 1],
    ['record length past the data', recordBytes({ lengthDelta: 5 }), 1],
    ['record length negative', Buffer.concat([Buffer.from([0x03]), ok.subarray(1)]), 1],
    ['count larger than the records present', Buffer.concat([ok, ok]), 3],
    ['count smaller than the records present', Buffer.concat([ok, ok, ok]), 2],
    ['varint longer than 5 bytes', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0, 0, 0, 0, 0]), 1],
    ['timestamp varlong longer than 10 bytes', Buffer.concat([Buffer.from([20, 0]), Buffer.alloc(11, 0xff), Buffer.alloc(8)]), 1],
  ];

  for (const codec of [Compression.none, Compression.gzip, Compression.zstd]) {
    for (const [label, body, count] of cases) {
      it(`codec ${codec}: ${label}`, () => {
        const buf = rawBatch(body, count, codec);
        let err: unknown;
        try {
          decodeRecordBatch(buf);
        } catch (e) {
          err = e;
        }
        expect(err, 'should throw').toBeInstanceOf(RecordBatchError);
        expect((err as RecordBatchError).error).toBe('CORRUPT_MESSAGE');
        expect(err).toBeInstanceOf(ProtocolError);
      });
    }
  }

  it('the well-formed control case decodes', () => {
    const { records } = decodeRecordBatch(rawBatch(Buffer.concat([ok, ok]), 2));
    expect(records.map((r) => r.key!.toString())).toEqual(['k', 'k']);
  });

  it('a huge declared count in a compressed batch fails without allocating for it', () => {
    const buf = rawBatch(ok, 1, Compression.lz4);
    buf.writeInt32BE(0x7fffffff, RECORDS_COUNT_OFFSET);
    recomputeCrc(buf);
    expect(() => decodeRecordBatch(buf)).toThrow(RecordBatchError);
  });

  it('undecodable compressed bytes throw a ProtocolError', () => {
    const buf = rawBatch(ok, 1);
    buf.writeUInt16BE(Compression.snappy, ATTRIBUTES_OFFSET);
    recomputeCrc(buf);
    expect(() => decodeRecordBatch(buf)).toThrow(ProtocolError);
  });

  it('random corruption never escapes as anything but a ProtocolError', () => {
    const buf = encodeRecordBatch({ records: sample });
    let x = 99;
    for (let i = 0; i < 3000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const bad = Buffer.from(buf);
      const at = BATCH_HEADER_SIZE + (x % (buf.length - BATCH_HEADER_SIZE));
      bad[at] = x >>> 24;
      if (i % 2) bad[(at * 7) % bad.length] ^= (x >>> 16) & 0xff;
      try {
        decodeRecordBatch(bad, 0, { verifyCrc: false });
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
      }
    }
  });

  it('readBatchHeader rejects truncated headers', () => {
    expect(() => readBatchHeader(Buffer.alloc(60))).toThrow(RecordBatchError);
    expect(() => decodeRecordBatch(Buffer.alloc(10))).toThrow(ProtocolError);
  });
});

describe('control records', () => {
  for (const type of ['COMMIT', 'ABORT'] as const) {
    it(`${type} marker round trip`, () => {
      const buf = encodeEndTxnMarker({ type, producerId: 77n, producerEpoch: 4, coordinatorEpoch: 9, timestamp: T, baseOffset: 30n, partitionLeaderEpoch: 2 });
      const { header, records } = decodeRecordBatch(buf);
      expect(header).toMatchObject({ isControl: true, isTransactional: true, producerId: 77n, producerEpoch: 4, baseSequence: -1, recordCount: 1, baseOffset: 30n, partitionLeaderEpoch: 2 });
      expect(records[0]!.key!.equals(Buffer.from([0, 0, 0, type === 'COMMIT' ? 1 : 0]))).toBe(true);
      expect(decodeControlRecord(records[0]!)).toEqual({ version: 0, type: type === 'COMMIT' ? 1 : 0, typeName: type, marker: { version: 0, coordinatorEpoch: 9 } });
    });
  }

  it('reads other control types by key only and rejects short keys/values', () => {
    expect(decodeControlRecord({ key: Buffer.from([0, 0, 0, 2]), value: Buffer.from([1, 2, 3]) })).toEqual({ version: 0, type: 2, typeName: 'LEADER_CHANGE' });
    expect(decodeControlRecord({ key: Buffer.from([0, 1, 0, 99]), value: null }).typeName).toBe('UNKNOWN');
    expect(() => decodeControlRecord({ key: Buffer.from([0, 0, 0]), value: null })).toThrow(RecordBatchError);
    expect(() => decodeControlRecord({ key: null, value: null })).toThrow(RecordBatchError);
    expect(() => decodeControlRecord({ key: Buffer.from([0xff, 0xff, 0, 1]), value: Buffer.alloc(6) })).toThrow(RecordBatchError);
    expect(() => decodeControlRecord({ key: Buffer.from([0, 0, 0, 1]), value: Buffer.alloc(5) })).toThrow(RecordBatchError);
    // A newer marker value version is read by its version-0 prefix.
    const v1 = Buffer.from([0, 1, 0, 0, 0, 5, 0]);
    expect(decodeControlRecord({ key: Buffer.from([0, 0, 0, 0]), value: v1 }).marker).toEqual({ version: 1, coordinatorEpoch: 5 });
  });
});

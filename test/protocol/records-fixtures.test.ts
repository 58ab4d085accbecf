// Record batches captured from real clients (test/fixtures/records, see its README): the Java client 4.1.1 for every
// codec, kafkajs 2.2.4 for none/gzip; plus what the Java client decoded from batches Eddy wrote.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Compression,
  decodeControlRecord,
  decodeRecordBatch,
  encodeEndTxnMarker,
  encodeRecordBatch,
  splitBatchesWithTail,
  validateBatch,
  type DecodedRecord,
} from '../../worker/protocol/records/index.js';
import { CODECS, KAFKAJS_RECORDS, SAMPLE_RECORDS, T0, type SampleRecord } from '../fixtures/records/samples.js';

const fixturesDir = fileURLToPath(new URL('../fixtures/records/', import.meta.url));
const fixture = (name: string) => readFileSync(join(fixturesDir, name));
const require = createRequire(import.meta.url);

function expectSame(decoded: DecodedRecord[], expected: SampleRecord[], baseOffset = 0n): void {
  expect(decoded.length).toBe(expected.length);
  expected.forEach((e, i) => {
    const d = decoded[i]!;
    expect(d.offset).toBe(baseOffset + BigInt(i));
    expect(d.timestamp).toBe(e.timestamp);
    expect(d.key && Buffer.from(d.key)).toEqual(e.key);
    expect(d.value && Buffer.from(d.value)).toEqual(e.value);
    expect(d.headers.map((h) => [h.key, h.value && Buffer.from(h.value)])).toEqual(e.headers.map((h) => [h.key, h.value]));
  });
}

describe('Java client 4.1.1 batches (MemoryRecordsBuilder)', () => {
  for (const name of CODECS) {
    it(`${name}: decodes the exact records`, () => {
      const buf = fixture(`java-${name}.bin`);
      const { batches, partialBytes } = splitBatchesWithTail(buf);
      expect(batches.length).toBe(1);
      expect(partialBytes).toBe(0);
      const v = validateBatch(buf);
      expect(v.ok).toBe(true);
      const { header, records } = decodeRecordBatch(buf);
      expect(header).toMatchObject({
        baseOffset: 0n,
        magic: 2,
        compression: Compression[name],
        timestampType: 'CreateTime',
        isTransactional: false,
        isControl: false,
        lastOffsetDelta: 5,
        baseTimestamp: T0,
        maxTimestamp: T0 + 5n,
        producerId: -1n,
        producerEpoch: -1,
        baseSequence: -1,
        partitionLeaderEpoch: -1,
        recordCount: 6,
      });
      expectSame(records, SAMPLE_RECORDS);
    });
  }

  it('none: our encoder writes the same bytes as the Java client', () => {
    expect(encodeRecordBatch({ records: SAMPLE_RECORDS, compression: Compression.none }).equals(fixture('java-none.bin'))).toBe(true);
  });

  it('snappy: our xerial framing matches snappy-java (header and chunk layout)', () => {
    const ours = encodeRecordBatch({ records: SAMPLE_RECORDS, compression: Compression.snappy });
    const theirs = fixture('java-snappy.bin');
    const chunks = (b: Buffer) => {
      const lengths: number[] = [];
      for (let at = 61 + 16; at < b.length; at += 4 + b.readInt32BE(at)) lengths.push(b.readInt32BE(at));
      return lengths;
    };
    expect(ours.subarray(61, 77).equals(theirs.subarray(61, 77))).toBe(true); // magic, version 1, compat 1
    expect(chunks(ours).length).toBe(chunks(theirs).length);
    // (With snappy 7.4.3 and snappy-java 1.1.10.7 the whole batches are even byte-identical.)
  });

  it('lz4 and zstd: the Java frames use the flags our decoder expects', () => {
    const lz4 = fixture('java-lz4.bin').subarray(61);
    expect(lz4.readUInt32LE(0)).toBe(0x184d2204);
    expect([lz4[4], lz4[5]]).toEqual([0x60, 0x40]); // v1, independent blocks, no checksums/size; 64 KiB blocks
    const zstd = fixture('java-zstd.bin').subarray(61);
    expect(zstd.readUInt32LE(0)).toBe(0xfd2fb528);
    expect(zstd[4]! & 0xc0).toBe(0); // streamed by zstd-jni: no content size in the frame header
  });

  it('idempotent transactional batch as stored (offset 42, leader epoch 7)', () => {
    const buf = fixture('java-transactional.bin');
    expect(validateBatch(buf).ok).toBe(true);
    const { header, records } = decodeRecordBatch(buf);
    expect(header).toMatchObject({ baseOffset: 42n, partitionLeaderEpoch: 7, producerId: 4000n, producerEpoch: 3, baseSequence: 17, isTransactional: true, isControl: false, recordCount: 2 });
    expect(records.map((r) => [r.offset, r.timestamp, r.key!.toString(), r.value!.toString()])).toEqual([
      [42n, T0, 'tk0', 'tv0'],
      [43n, T0 + 1n, 'tk1', 'tv1'],
    ]);
  });

  for (const [file, type, epoch, offset, ts] of [['java-commit-marker.bin', 'COMMIT', 12, 44n, T0 + 100n], ['java-abort-marker.bin', 'ABORT', 13, 45n, T0 + 200n]] as const) {
    it(`${type} marker`, () => {
      const buf = fixture(file);
      expect(validateBatch(buf, 0, { mode: 'stored' }).ok).toBe(true);
      const { header, records } = decodeRecordBatch(buf);
      expect(header).toMatchObject({ baseOffset: offset, isControl: true, isTransactional: true, producerId: 4000n, producerEpoch: 3, baseSequence: -1, partitionLeaderEpoch: 7, recordCount: 1 });
      expect(records[0]!.timestamp).toBe(ts);
      expect(decodeControlRecord(records[0]!)).toEqual({ version: 0, type: type === 'COMMIT' ? 1 : 0, typeName: type, marker: { version: 0, coordinatorEpoch: epoch } });
      // Our marker encoder writes the same bytes.
      const ours = encodeEndTxnMarker({ type, producerId: 4000n, producerEpoch: 3, coordinatorEpoch: epoch, timestamp: ts, baseOffset: offset, partitionLeaderEpoch: 7 });
      expect(ours.equals(buf)).toBe(true);
    });
  }

  it('LogAppendTime batch: every record reports the append time', () => {
    const buf = fixture('java-log-append-time.bin');
    expect(validateBatch(buf).ok).toBe(true);
    const { header, records } = decodeRecordBatch(buf);
    expect(header).toMatchObject({ timestampType: 'LogAppendTime', maxTimestamp: T0 + 9999n, baseTimestamp: T0, baseOffset: 100n, partitionLeaderEpoch: 2, compression: Compression.lz4 });
    expect(records.map((r) => [r.offset, r.timestamp])).toEqual([
      [100n, T0 + 9999n],
      [101n, T0 + 9999n],
    ]);
  });
});

describe('kafkajs 2.2.4 batches', () => {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
  const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');
  const KafkajsDecoder = require('kafkajs/src/protocol/decoder');
  const { Types } = require('kafkajs/src/protocol/message/compression');
  const Long = require('kafkajs/src/utils/long');

  for (const name of ['none', 'gzip'] as const) {
    it(`${name}: captured fixture decodes to the exact records`, () => {
      const buf = fixture(`kafkajs-${name}.bin`);
      const v = validateBatch(buf);
      expect(v.ok).toBe(true);
      const { header, records } = decodeRecordBatch(buf);
      // kafkajs writes leader epoch 0 and producer epoch/sequence 0 even without idempotence.
      expect(header).toMatchObject({ compression: Compression[name], partitionLeaderEpoch: 0, producerId: -1n, producerEpoch: 0, baseSequence: 0, maxTimestamp: T0 + 5n, lastOffsetDelta: 4 });
      expectSame(records, KAFKAJS_RECORDS);
    });

    it(`${name}: kafkajs's encoder today agrees with the fixture and our decoder`, async () => {
      const records = KAFKAJS_RECORDS.map((r, i) =>
        Record({ offsetDelta: i, timestampDelta: Number(r.timestamp - T0), key: r.key, value: r.value, headers: kafkajsHeaders(r.headers) }),
      );
      const batch = await RecordBatch({
        compression: name === 'none' ? Types.None : Types.GZIP,
        firstOffset: Long.fromInt(0),
        firstTimestamp: Number(T0),
        maxTimestamp: Number(T0) + 5,
        partitionLeaderEpoch: 0,
        lastOffsetDelta: records.length - 1,
        producerId: Long.fromValue(-1),
        producerEpoch: 0,
        firstSequence: 0,
        records,
      });
      const buf: Buffer = batch.buffer;
      if (name === 'none') expect(buf.equals(fixture('kafkajs-none.bin'))).toBe(true);
      expectSame(decodeRecordBatch(buf).records, KAFKAJS_RECORDS);
    });

    it(`${name}: kafkajs's decoder reads our batches`, async () => {
      const ours = encodeRecordBatch({ records: KAFKAJS_RECORDS, compression: Compression[name], baseOffset: 7n, partitionLeaderEpoch: 3 });
      const decoded = await decodeKafkajsBatch(new KafkajsDecoder(ours));
      expect(decoded.firstOffset).toBe('7');
      expect(decoded.partitionLeaderEpoch).toBe(3);
      expect(decoded.records.length).toBe(KAFKAJS_RECORDS.length);
      decoded.records.forEach((r: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[]> }, i: number) => {
        const e = KAFKAJS_RECORDS[i]!;
        expect(r.offset).toBe(String(7 + i));
        expect(r.timestamp).toBe(String(e.timestamp));
        expect(r.key).toEqual(e.key);
        expect(r.value).toEqual(e.value);
        expect(r.headers).toEqual(kafkajsHeaders(e.headers));
      });
    });
  }
});

/** kafkajs's header object: one key -> value, repeated keys -> array of values. */
function kafkajsHeaders(headers: SampleRecord['headers']): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const h of headers) {
    const prev = out[h.key];
    if (prev === undefined) out[h.key] = h.value!;
    else out[h.key] = Array.isArray(prev) ? [...prev, h.value!] : [prev, h.value!];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The Java client decoding Eddy's batches

interface JavaRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value?: string | null;
  valueLength?: number;
  valueSha256?: string;
  headers: Array<{ key: string; value: string | null }>;
}
interface JavaBatch {
  baseOffset: number;
  lastOffset: number;
  partitionLeaderEpoch: number;
  compression: string;
  timestampType: string;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
  isControl: boolean;
  records: JavaRecord[];
}
type JavaDecoded = Array<{ file: string; batches: JavaBatch[] }>;

const b64 = (b: Buffer | null) => (b === null ? null : b.toString('base64'));

function javaView(records: SampleRecord[], baseOffset = 0): JavaRecord[] {
  return records.map((r, i) => {
    const out: JavaRecord = { offset: baseOffset + i, timestamp: Number(r.timestamp), key: b64(r.key), headers: r.headers.map((h) => ({ key: h.key, value: b64(h.value) })) };
    if (r.value !== null && r.value.length > 1024) {
      out.valueLength = r.value.length;
      out.valueSha256 = createHash('sha256').update(r.value).digest('hex');
    } else out.value = b64(r.value);
    return out;
  });
}

/** Java's CompressionType names. */
const javaCodecName = { none: 'none', gzip: 'gzip', snappy: 'snappy', lz4: 'lz4', zstd: 'zstd' } as const;

describe('Eddy batches decoded by the Java client (recorded at capture time)', () => {
  const decoded: JavaDecoded = JSON.parse(fixture('eddy-decoded-by-java.json').toString());
  const byFile = new Map(decoded.map((f) => [f.file, f.batches]));

  for (const name of CODECS) {
    it(`${name}: Java read the exact records (and passed ensureValid)`, () => {
      const batches = byFile.get(`eddy-${name}.bin`)!;
      expect(batches.length).toBe(1);
      expect(batches[0]).toMatchObject({ baseOffset: 0, lastOffset: 5, compression: javaCodecName[name], timestampType: 'CreateTime', maxTimestamp: Number(T0) + 5, producerId: -1, isControl: false });
      expect(batches[0]!.records).toEqual(javaView(SAMPLE_RECORDS));
      // The stored file is what our encoder produced; it still decodes to the same records here.
      expectSame(decodeRecordBatch(fixture(`eddy-${name}.bin`)).records, SAMPLE_RECORDS);
    });
  }

  it('none: the encoder still writes the bytes Java read', () => {
    expect(encodeRecordBatch({ records: SAMPLE_RECORDS }).equals(fixture('eddy-none.bin'))).toBe(true);
  });

  it('transactional zstd batch and COMMIT marker', () => {
    expect(byFile.get('eddy-transactional.bin')![0]).toMatchObject({ baseOffset: 42, lastOffset: 43, partitionLeaderEpoch: 7, compression: 'zstd', producerId: 4000, producerEpoch: 3, baseSequence: 17, isTransactional: true, isControl: false });
    expect(byFile.get('eddy-commit-marker.bin')![0]).toMatchObject({ baseOffset: 44, isControl: true, isTransactional: true, producerId: 4000, baseSequence: -1, maxTimestamp: Number(T0) + 100 });
    expect(fixture('eddy-commit-marker.bin').equals(fixture('java-commit-marker.bin'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Live check against the Java client, when a JDK and the kafka-clients jars are at hand (EDDY_KAFKA_CLIENTS_CP, or
// the reference Kafka that test/reference/kafka.sh caches). Skipped otherwise: the recorded results above stand in.

function javaClasspath(): { cp?: string; reason: string } {
  if (process.env.EDDY_KAFKA_CLIENTS_CP) return { cp: process.env.EDDY_KAFKA_CLIENTS_CP, reason: '' };
  const cache = process.env.EDDY_CACHE_DIR ?? join(homedir(), '.cache', 'eddy');
  try {
    for (const dir of readdirSync(cache).filter((d) => d.startsWith('kafka-')).sort().reverse()) {
      const libs = join(cache, dir, 'libs');
      if (!existsSync(libs)) continue;
      const jars = readdirSync(libs).filter((f) => f.endsWith('.jar'));
      if (jars.some((j) => j.startsWith('kafka-clients-'))) return { cp: jars.map((j) => join(libs, j)).join(':'), reason: '' };
    }
  } catch {
    // no cache directory
  }
  return { reason: `no kafka-clients jars (set EDDY_KAFKA_CLIENTS_CP or run test/reference/kafka.sh to fill ${cache})` };
}

function javaWorks(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs RecordFixtures.java decode. Kafka 4.2+ moved the record classes to org.apache.kafka.common.record.internal;
 * when the source does not compile against the jars at hand, a copy with the newer imports is tried.
 */
function runJavaDecode(dir: string, files: string[]): string {
  const source = join(fixturesDir, 'capture', 'RecordFixtures.java');
  const run = (src: string) =>
    execFileSync('java', ['-cp', classpath.cp!, src, 'decode', ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  try {
    return run(source);
  } catch (e) {
    if (!String((e as { stderr?: string }).stderr).includes('cannot find symbol')) throw e;
    const patched = join(dir, 'RecordFixtures.java');
    writeFileSync(
      patched,
      readFileSync(source, 'utf8').replace(
        /import org\.apache\.kafka\.common\.record\.(ControlRecordType|EndTransactionMarker|MemoryRecords|MemoryRecordsBuilder|Record|RecordBatch);/g,
        'import org.apache.kafka.common.record.internal.$1;',
      ),
    );
    return run(patched);
  }
}

const classpath = javaClasspath();
const liveJava = classpath.cp !== undefined && javaWorks();
if (!liveJava) console.warn(`[skip] live Java decode of Eddy batches: ${classpath.cp ? 'java not found' : classpath.reason}`);

describe.skipIf(!liveJava)('Eddy batches decoded by the Java client (live)', () => {
  it('every codec, small and multi-block batches', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-records-'));
    try {
      const compressible = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i % 1000}`).join('\n'));
      const random = Buffer.alloc(150_000);
      let x = 5;
      for (let i = 0; i < random.length; i++) random[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
      const large: SampleRecord[] = [
        { key: Buffer.from('c'), value: compressible, timestamp: T0, headers: [] },
        { key: null, value: random, timestamp: T0 - 1n, headers: [{ key: 'h', value: null }] },
        ...SAMPLE_RECORDS,
      ];
      const files: string[] = [];
      for (const name of CODECS) {
        for (const [label, records] of [['small', SAMPLE_RECORDS], ['large', large]] as const) {
          const file = join(dir, `${name}-${label}.bin`);
          writeFileSync(file, encodeRecordBatch({ records, compression: Compression[name], baseOffset: 1000n }));
          files.push(file);
        }
      }
      const result: JavaDecoded = JSON.parse(runJavaDecode(dir, files));
      expect(result.length).toBe(files.length);
      for (const f of result) {
        const [name, label] = f.file.replace('.bin', '').split('-') as [(typeof CODECS)[number], string];
        expect(f.batches.length).toBe(1);
        expect(f.batches[0]!.compression).toBe(javaCodecName[name]);
        expect(f.batches[0]!.records).toEqual(javaView(label === 'small' ? SAMPLE_RECORDS : large, 1000));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

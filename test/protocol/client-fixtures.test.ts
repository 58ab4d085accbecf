// Byte fixtures captured from real clients (kafkajs' habit: test the codec against what real peers sent, not
// only against itself). test/fixtures/protocol/<client>/ holds the request frames each client sent on its
// bootstrap connection and the responses a 1-broker Eddy gave; test/fixtures/records/librdkafka-*.bin the batches
// kcat produced, as Eddy stored them. How they were captured: test/fixtures/protocol/README.md. This file reads
// only committed files; it needs no client, broker or tool.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Reader, Writer } from '../../worker/protocol/primitives.js';
import * as codec from '../../worker/protocol/generated/index.js';
import { requestHeaderVersion, responseHeaderVersion } from '../../worker/protocol/generated/api-keys.js';
import { readUnknownTaggedFields } from '../../worker/protocol/generated/types.js';
import { Compression, decompress, decodeRecordBatch, isXerialSnappy, splitBatchesWithTail, validateBatch } from '../../worker/protocol/records/index.js';
import { EXPECTED_HEADERS, EXPECTED_RECORDS, LIBRDKAFKA_CODECS } from '../fixtures/protocol/capture/librdkafka-records.js';

const PROTOCOL_DIR = fileURLToPath(new URL('../fixtures/protocol/', import.meta.url));
const RECORDS_DIR = fileURLToPath(new URL('../fixtures/records/', import.meta.url));
const FIXTURE_TOPIC = 'fixture-topic';
const UNSUPPORTED_VERSION = 35;

type Codec = { decode: (r: Reader, v: number) => any; encode: (w: Writer, v: number, m: any) => void; validVersions: readonly [number, number] };
const lib = codec as unknown as Record<string, unknown>;

function codecOf(apiKey: number, kind: 'Request' | 'Response'): Codec {
  const info = codec.API_KEYS.find((k) => k.apiKey === apiKey)!;
  return {
    decode: lib[`decode${info.name}${kind}`] as Codec['decode'],
    encode: lib[`encode${info.name}${kind}`] as Codec['encode'],
    validVersions: info.validVersions,
  };
}

interface Frame {
  client: string;
  file: string;
  apiName: string;
  apiKey: number;
  version: number;
  bytes: Buffer;
  response: Buffer | null;
}

function framesOf(client: string): Frame[] {
  const dir = join(PROTOCOL_DIR, client);
  return readdirSync(dir)
    .filter((f) => /^\d\d-[A-Za-z]+-v\d+\.bin$/.test(f))
    .sort()
    .map((file) => {
      const [, apiName, version] = /^\d\d-([A-Za-z]+)-v(\d+)\.bin$/.exec(file)!;
      const info = codec.API_KEYS.find((k) => k.name === apiName);
      if (!info) throw new Error(`${client}/${file}: unknown API ${apiName}`);
      const responseFile = file.replace(/\.bin$/, '-response.bin');
      const response = readdirSync(dir).includes(responseFile) ? readFileSync(join(dir, responseFile)) : null;
      return { client, file, apiName: apiName!, apiKey: info.apiKey, version: Number(version), bytes: readFileSync(join(dir, file)), response };
    });
}

/**
 * What each client sent on its bootstrap connection, in order; the client id it put in every header; the
 * correlation id of its first request (librdkafka and @platformatic/kafka count from 1, the others from 0).
 */
const CLIENTS: Record<string, { clientId: string; firstCorrelationId: number; sequence: string[]; software: [string, string] | null }> = {
  kcat: { clientId: 'rdkafka', firstCorrelationId: 1, sequence: ['ApiVersions v3', 'Metadata v4', 'Metadata v4'], software: ['librdkafka', '2.0.2'] },
  'confluent-kafka-python': {
    clientId: 'rdkafka',
    firstCorrelationId: 1,
    sequence: ['ApiVersions v3', 'Metadata v4', 'Metadata v4'],
    software: ['confluent-kafka-python', '1.7.0-rdkafka-2.0.2'],
  },
  // kafkajs 2.2.4 tops out at ApiVersions v2: no client software fields.
  kafkajs: { clientId: 'kafkajs', firstCorrelationId: 0, sequence: ['ApiVersions v2', 'Metadata v6'], software: null },
  'platformatic-kafka': {
    clientId: 'eddy-fixtures',
    firstCorrelationId: 1,
    sequence: ['ApiVersions v3', 'Metadata v12'],
    software: ['platformatic-kafka', '1.35.0'],
  },
  // Kafka 4.4's client opens with ApiVersions v5, which Eddy (definitions 0-4) answers with the KIP-511 fallback;
  // the client retries at v4.
  'java-kafka-topics': {
    clientId: 'adminclient-1',
    firstCorrelationId: 0,
    sequence: ['ApiVersions v5', 'ApiVersions v4', 'Metadata v12'],
    software: ['apache-kafka-java', '4.4.0'],
  },
};

/** Decodes header + body of a request frame and checks that nothing is left over. */
function decodeRequest(f: Frame): { header: codec.RequestHeader; body: any } {
  const r = new Reader(f.bytes);
  const header = codec.decodeRequestHeader(r, requestHeaderVersion(f.apiKey, f.version));
  const body = codecOf(f.apiKey, 'Request').decode(r, f.version);
  expect(r.remaining(), `${f.client}/${f.file}: trailing bytes`).toBe(0);
  return { header, body };
}

function encodeRequest(f: Frame, header: codec.RequestHeader, body: unknown): Buffer {
  const w = new Writer();
  codec.encodeRequestHeader(w, requestHeaderVersion(f.apiKey, f.version), header);
  codecOf(f.apiKey, 'Request').encode(w, f.version, body);
  return w.toBuffer();
}

/**
 * Decodes a response frame; returns the version its body was decoded at. An ApiVersions response to a version the
 * broker does not serve is in the v0 layout with UNSUPPORTED_VERSION (KIP-511), whatever version was asked for.
 */
function decodeResponse(f: Frame): { correlationId: number; body: any; bodyVersion: number } {
  const bytes = f.response!;
  const r = new Reader(bytes);
  const header = codec.decodeResponseHeader(r, responseHeaderVersion(f.apiKey, f.version));
  const { decode, encode, validVersions } = codecOf(f.apiKey, 'Response');
  const bodyVersion = f.apiKey === 18 && f.version > validVersions[1] ? 0 : f.version;
  const bodyStart = r.offset;
  const body = decode(r, bodyVersion);
  expect(r.remaining(), `${f.client}/${f.file} response: trailing bytes`).toBe(0);
  // Eddy's encoder wrote these; decoding and re-encoding must give the same bytes back.
  const w = new Writer();
  encode(w, bodyVersion, body);
  expect(w.toBuffer().equals(bytes.subarray(bodyStart)), `${f.client}/${f.file} response re-encodes`).toBe(true);
  return { correlationId: header.correlationId, body, bodyVersion };
}

const all = Object.keys(CLIENTS).map((client) => ({ client, frames: framesOf(client) }));

describe('request frames captured from real clients', () => {
  for (const { client, frames } of all) {
    const expected = CLIENTS[client]!;
    describe(client, () => {
      it(`sent ${expected.sequence.join(', ')} on the bootstrap connection`, () => {
        expect(frames.map((f) => `${f.apiName} v${f.version}`)).toEqual(expected.sequence);
        const manifest = JSON.parse(readFileSync(join(PROTOCOL_DIR, client, 'capture.json'), 'utf8'));
        expect(manifest.frames.map((m: { request: string }) => m.request)).toEqual(frames.map((f) => f.file));
      });

      for (const f of frames) {
        const inRange = f.version <= codecOf(f.apiKey, 'Request').validVersions[1];
        it(`${f.file}: header says ${f.apiName} v${f.version}, correlation id and client id "${expected.clientId}"`, () => {
          const r = new Reader(f.bytes);
          const header = codec.decodeRequestHeader(r, requestHeaderVersion(f.apiKey, f.version));
          expect(header).toMatchObject({ requestApiKey: f.apiKey, requestApiVersion: f.version, clientId: expected.clientId });
          expect(header.correlationId).toBe(expected.firstCorrelationId + frames.indexOf(f));
          expect(header._unknownTaggedFields).toBeUndefined();
        });

        if (inRange) {
          it(`${f.file}: decodes with the generated codec, no trailing bytes, and re-encodes to the same bytes`, () => {
            const { header, body } = decodeRequest(f);
            expect(body._unknownTaggedFields).toBeUndefined();
            expect(encodeRequest(f, header, body).equals(f.bytes)).toBe(true);
          });
        }

        if (f.response) {
          it(`${f.file}: the broker's response decodes fully and matches the request's correlation id`, () => {
            const { correlationId } = decodeResponse(f);
            expect(correlationId).toBe(f.bytes.readInt32BE(4));
          });
        }
      }

      it('ApiVersions: client software name and version (v3+), and the broker answered with its ranges', () => {
        const f = frames.find((x) => x.apiName === 'ApiVersions' && x.version <= 4)!;
        const { body } = decodeRequest(f);
        if (expected.software) {
          expect(f.version).toBeGreaterThanOrEqual(3);
          expect([body.clientSoftwareName, body.clientSoftwareVersion]).toEqual(expected.software);
        } else {
          expect(f.version).toBeLessThan(3);
          expect(f.bytes.length).toBe(10 + expected.clientId.length); // header only: v0-2 requests have no body
        }
        const { body: res } = decodeResponse(f);
        expect(res.errorCode).toBe(0);
        const range = (k: number) => res.apiKeys.find((a: { apiKey: number }) => a.apiKey === k);
        expect(range(18)).toMatchObject({ minVersion: 0, maxVersion: 4 });
        expect(range(3)).toMatchObject({ minVersion: 0, maxVersion: 12 });
      });
    });
  }
});

describe('Metadata requests: topic lists and auto-creation flags', () => {
  const metadata = (client: string) =>
    framesOf(client)
      .filter((f) => f.apiName === 'Metadata')
      .map((f) => ({ f, ...decodeRequest(f) }));
  const topicNames = (body: any) => (body.topics === null ? null : body.topics.map((t: { name: string }) => t.name));

  it('librdkafka (kcat, confluent-kafka-python): first brokers only ([] topics, no auto-create), then all topics (null, auto-create on)', () => {
    for (const client of ['kcat', 'confluent-kafka-python']) {
      const [brokersOnly, allTopics] = metadata(client);
      expect(topicNames(brokersOnly!.body)).toEqual([]);
      expect(brokersOnly!.body.allowAutoTopicCreation).toBe(false);
      expect(topicNames(allTopics!.body)).toBeNull();
      expect(allTopics!.body.allowAutoTopicCreation).toBe(true);
      // The client ids match, and the bytes of the two librdkafka-based clients are identical.
      const kcat = metadata('kcat');
      expect(brokersOnly!.f.bytes.equals(kcat[0]!.f.bytes)).toBe(true);
      expect(allTopics!.f.bytes.equals(kcat[1]!.f.bytes)).toBe(true);
      // Responses: the broker list, then the topic too.
      expect(decodeResponse(brokersOnly!.f).body.topics).toEqual([]);
      expect(decodeResponse(allTopics!.f).body.topics.map((t: { name: string }) => t.name)).toContain(FIXTURE_TOPIC);
    }
  });

  it('kafkajs: v6 naming the topic, auto-create off (admin.fetchTopicMetadata)', () => {
    const [m] = metadata('kafkajs');
    expect(topicNames(m!.body)).toEqual([FIXTURE_TOPIC]);
    expect(m!.body.allowAutoTopicCreation).toBe(false);
    const res = decodeResponse(m!.f).body;
    expect(res.topics).toHaveLength(1);
    expect(res.topics[0]).toMatchObject({ errorCode: 0, name: FIXTURE_TOPIC });
    expect(res.topics[0].partitions.map((p: { partitionIndex: number }) => p.partitionIndex)).toEqual([0]);
  });

  it('@platformatic/kafka: v12 naming the topic with a zero topic id, auto-create off, topic authorized operations on', () => {
    const [m] = metadata('platformatic-kafka');
    expect(m!.body.topics).toEqual([{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: FIXTURE_TOPIC }]);
    expect(m!.body.allowAutoTopicCreation).toBe(false);
    expect(m!.body.includeTopicAuthorizedOperations).toBe(true);
    const res = decodeResponse(m!.f).body;
    expect(res.topics[0]).toMatchObject({ errorCode: 0, name: FIXTURE_TOPIC, isInternal: false });
    expect(res.topics[0].topicId).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('Java 4.4 admin: v12 with an empty topic list (brokers only) and auto-create on, the builder default', () => {
    // kafka-topics --list then asks for all topics on a connection to the broker's advertised port, not recorded.
    const [m] = metadata('java-kafka-topics');
    expect(topicNames(m!.body)).toEqual([]);
    expect(m!.body.allowAutoTopicCreation).toBe(true);
    expect(m!.body.includeTopicAuthorizedOperations).toBe(false);
    const res = decodeResponse(m!.f).body;
    expect(res.brokers).toHaveLength(1);
    expect(res.brokers[0]).toMatchObject({ nodeId: 0, host: '127.0.0.1' });
    expect(res.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('Java 4.4 ApiVersions v5 (beyond the definitions the codec is generated from)', () => {
  const [v5, v4] = framesOf('java-kafka-topics');

  it('the codec stops at v4; v5 adds ClusterId (nullable) and NodeId after the v3 fields', () => {
    expect(codec.ApiVersionsRequestMeta.validVersions).toEqual([0, 4]);
    // Kafka 4.4's ApiVersionsRequest.json: v5 appends ClusterId (compact nullable string, default null) and NodeId
    // (int32, default -1), both ignorable. Decoded by hand here; the rest of the frame is the v4 layout.
    const r = new Reader(v5!.bytes);
    const header = codec.decodeRequestHeader(r, requestHeaderVersion(18, 5));
    expect(header).toMatchObject({ requestApiKey: 18, requestApiVersion: 5, correlationId: 0, clientId: 'adminclient-1' });
    expect([r.readCompactString(), r.readCompactString()]).toEqual(['apache-kafka-java', '4.4.0']);
    expect(r.readCompactNullableString()).toBeNull();
    expect(r.readInt32()).toBe(-1);
    expect(readUnknownTaggedFields(r)).toBeUndefined();
    expect(r.remaining()).toBe(0);
    // Up to the v5 fields, the body is the v4 request the client sent next: the two software strings (18 + 6 bytes),
    // followed by ClusterId (1), NodeId (4) and the tagged fields (1) in v5, by the tagged fields alone in v4.
    const strings = (b: Buffer, tail: number) => b.subarray(b.length - tail - 24, b.length - tail);
    expect(strings(v5!.bytes, 6).equals(strings(v4!.bytes, 1))).toBe(true);
  });

  it('Eddy answered with the KIP-511 fallback: v0 layout, UNSUPPORTED_VERSION and its own ApiVersions range', () => {
    const { body, bodyVersion } = decodeResponse(v5!);
    expect(bodyVersion).toBe(0);
    expect(body.errorCode).toBe(UNSUPPORTED_VERSION);
    expect(body.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
    // ... and the client retried at the highest version offered.
    expect(v4!.version).toBe(4);
  });
});

describe('librdkafka 2.0.2 record batches (kcat -P, as stored by Eddy)', () => {
  const fixture = (codecName: string) => readFileSync(join(RECORDS_DIR, `librdkafka-${codecName}.bin`));

  for (const name of LIBRDKAFKA_CODECS) {
    it(`${name}: one valid batch holding exactly the produced records, headers and all`, () => {
      const buf = fixture(name);
      const { batches, partialBytes } = splitBatchesWithTail(buf);
      expect(batches.length).toBe(1);
      expect(partialBytes).toBe(0);
      const v = validateBatch(buf);
      expect(v.ok, v.ok ? '' : v.message).toBe(true);
      expect(validateBatch(buf, 0, { mode: 'stored' }).ok).toBe(true);
      const { header, records } = decodeRecordBatch(buf);
      expect(header).toMatchObject({
        baseOffset: 0n, // first batch of a new partition
        partitionLeaderEpoch: 0, // set by Eddy on append
        magic: 2,
        compression: Compression[name],
        timestampType: 'CreateTime',
        isTransactional: false,
        isControl: false,
        producerId: -1n, // enable.idempotence=false (librdkafka's default)
        producerEpoch: -1,
        baseSequence: -1,
        recordCount: EXPECTED_RECORDS.length,
        lastOffsetDelta: EXPECTED_RECORDS.length - 1,
      });
      expect(header.maxTimestamp).toBeGreaterThanOrEqual(header.baseTimestamp);
      expect(header.baseTimestamp).toBeGreaterThan(1_600_000_000_000n); // wall-clock create times
      expect(
        records.map((r) => ({ key: r.key && r.key.toString('utf8'), value: r.value && r.value.toString('utf8') })),
      ).toEqual(EXPECTED_RECORDS);
      records.forEach((r, i) => {
        expect(r.offset).toBe(BigInt(i));
        expect(r.timestamp).toBeGreaterThanOrEqual(header.baseTimestamp);
        expect(r.timestamp).toBeLessThanOrEqual(header.maxTimestamp);
        expect(r.headers.map((h) => ({ key: h.key, value: h.value && Buffer.from(h.value).toString('utf8') }))).toEqual(EXPECTED_HEADERS);
      });
    });
  }

  it('snappy is raw snappy (a varint length, then the block), not the xerial framing snappy-java writes', () => {
    const payload = fixture('snappy').subarray(61);
    expect(isXerialSnappy(payload)).toBe(false);
    let length = 0;
    let shift = 0;
    let at = 0;
    for (;;) {
      const b = payload[at++]!;
      length |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) break;
    }
    expect(length).toBe(decompress(Compression.snappy, payload).length);
  });

  it('lz4 and zstd frames: lz4 independent 64 KiB blocks without checksums or size; zstd streamed (no content size)', () => {
    const lz4 = fixture('lz4').subarray(61);
    expect(lz4.readUInt32LE(0)).toBe(0x184d2204);
    expect([lz4[4], lz4[5]]).toEqual([0x60, 0x40]); // the same flags the Java client writes
    const zstd = fixture('zstd').subarray(61);
    expect(zstd.readUInt32LE(0)).toBe(0xfd2fb528);
    expect(zstd[4]! & 0xc0).toBe(0);
    expect(zstd[4]! & 0x20).toBe(0); // not single-segment: a window descriptor follows
  });
});

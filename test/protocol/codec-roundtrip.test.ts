// Round trip of every generated message at every valid version, with sample values built from the JSON
// definitions at test time (not by hand), plus null handling, tagged fields, truncation and byte fixtures.
import { describe, expect, it } from 'vitest';
import * as gen from '../../worker/protocol/generated/index.js';
import { ProtocolError, Reader, Writer, ZERO_UUID } from '../../worker/protocol/primitives.js';
import {
  type FieldSpec,
  type MessageSpec,
  type StructSpec,
  contains,
  fieldDefault,
  intersect,
  isTagged,
  loadDefinitions,
} from '../../worker/protocol/codegen/schema.js';
import { protocolDirExists, resolveProtocolDir } from '../../worker/protocol/codegen/project.js';

const inCI = process.env.CI === 'true' || process.env.CI === '1';
const protocolDir = resolveProtocolDir();
const haveDefs = protocolDirExists(protocolDir);
if (!haveDefs) {
  const msg = `[skip] protocol definitions not found at ${protocolDir}`;
  if (inCI) throw new Error(`${msg}; CI=true requires them`);
  console.warn(msg);
}
const defs: MessageSpec[] = haveDefs ? loadDefinitions(protocolDir) : [];

type Decode = (r: Reader, version: number) => Record<string, unknown>;
type Encode = (w: Writer, version: number, m: unknown) => void;
const api = gen as unknown as Record<string, unknown>;

function codec(name: string): { decode: Decode; encode: Encode } {
  const decode = api[`decode${name}`] as Decode | undefined;
  const encode = api[`encode${name}`] as Encode | undefined;
  if (typeof decode !== 'function' || typeof encode !== 'function') throw new Error(`no codec exported for ${name}`);
  return { decode, encode };
}

function encode(name: string, version: number, m: unknown): Buffer {
  const w = new Writer(16);
  codec(name).encode(w, version, m);
  return w.toBuffer();
}

function decodeAll(name: string, version: number, buf: Buffer): Record<string, unknown> {
  const r = new Reader(buf);
  const out = codec(name).decode(r, version);
  expect(r.remaining(), `${name} v${version}: bytes left after decode`).toBe(0);
  return out;
}

function versionsOf(msg: MessageSpec): number[] {
  const out: number[] = [];
  for (let v = msg.validVersions.lo; v <= msg.validVersions.hi; v++) out.push(v);
  return out;
}

// ---- sample values, derived from the definitions ----

function isFlexible(msg: MessageSpec, version: number): boolean {
  return contains(msg.flexibleVersions, version);
}

function runtimeDefault(msg: MessageSpec, f: FieldSpec): unknown {
  const d = fieldDefault(f);
  switch (d.kind) {
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'string':
      return d.value;
    case 'uuid':
      return ZERO_UUID;
    case 'emptyBytes':
      return Buffer.alloc(0);
    case 'emptyArray':
      return [];
    case 'null':
      return null;
    case 'struct':
      return defaultStruct(msg, d.struct);
  }
}

function defaultStruct(msg: MessageSpec, s: StructSpec): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of s.fields) o[f.prop] = runtimeDefault(msg, f);
  return o;
}

let counter = 0;
function nextUuid(): string {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0xdeadbeef, 0);
  b.writeUInt32BE(++counter, 12);
  return b.toString('base64url');
}

/** Whether one element of this struct encodes to zero bytes (then Kafka-style length checks reject counts > 0). */
function encodesEmpty(msg: MessageSpec, s: StructSpec, version: number): boolean {
  return !isFlexible(msg, version) && s.fields.every((f) => isTagged(f) || !contains(f.versions, version));
}

interface Options {
  /** Set every field that is nullable at the version to null. */
  nulls: boolean;
  /** Add unknown tagged fields to every struct in flexible versions. */
  unknownTags: boolean;
}

interface Sample {
  input: Record<string, unknown>;
  expected: Record<string, unknown>;
}

function pickOther<T>(candidates: T[], d: unknown): T {
  return candidates.find((c) => c !== d)!;
}

function primSample(name: string, f: FieldSpec, d: unknown, i: number): unknown {
  switch (name) {
    case 'bool':
      return !(d as boolean);
    case 'int8':
      return pickOther([-7 - i, 7 + i], d);
    case 'int16':
      return pickOther([-1234 - i, 1234 + i], d);
    case 'int32':
      return pickOther([-123456789 - i, 123 + i], d);
    case 'uint16':
      return pickOther([65000 + i, 1 + i], d);
    case 'uint32':
      return pickOther([4000000000 + i, 1 + i], d);
    case 'float64':
      return pickOther([-1.25 - i, 2.5 + i], d);
    case 'int64':
      return pickOther([-1234567890123n - BigInt(i), 5n + BigInt(i)], d);
    case 'uuid':
      return nextUuid();
    case 'string':
      return `${f.prop}-${i}-é✓`;
    case 'bytes':
      return Buffer.from([1, 2, 3, i, f.prop.length]);
    case 'records':
      return Buffer.from(`records:${f.prop}:${i}`);
  }
  throw new Error(`no sample for ${name}`);
}

function fieldSample(msg: MessageSpec, f: FieldSpec, version: number, opts: Options): unknown {
  return fieldSamplePair(msg, f, version, opts).input;
}

function fieldSamplePair(msg: MessageSpec, f: FieldSpec, version: number, opts: Options): { input: unknown; expected: unknown } {
  if (opts.nulls && contains(f.nullableVersions, version)) return { input: null, expected: null };
  const t = f.type;
  const d = runtimeDefault(msg, f);
  if (t.kind === 'primitive') {
    const v = primSample(t.name, f, d, 0);
    return { input: v, expected: v };
  }
  if (t.kind === 'struct') {
    const s = structSample(msg, t.struct, version, opts);
    return { input: s.input, expected: s.expected };
  }
  const el = t.element;
  if (el.kind === 'struct') {
    if (encodesEmpty(msg, el.struct, version)) return { input: [], expected: [] };
    const a = structSample(msg, el.struct, version, opts);
    const b = structSample(msg, el.struct, version, opts);
    return { input: [a.input, b.input], expected: [a.expected, b.expected] };
  }
  const vals = [primSample(el.name, f, undefined, 1), primSample(el.name, f, undefined, 2)];
  return { input: vals, expected: vals };
}

function unknownTagsFor(s: StructSpec): { tag: number; data: Buffer }[] {
  const used = new Set(s.fields.filter(isTagged).map((f) => f.tag!));
  let low = 0;
  while (used.has(low)) low++;
  return [
    { tag: low, data: Buffer.from([0xab, low]) },
    { tag: 1000, data: Buffer.from([0xcd, 0xef, 0x01]) },
  ];
}

function structSample(msg: MessageSpec, s: StructSpec, version: number, opts: Options): Sample {
  const input: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const f of s.fields) {
    if (contains(f.versions, version)) {
      const p = fieldSamplePair(msg, f, version, opts);
      input[f.prop] = p.input;
      expected[f.prop] = p.expected;
    } else {
      // absent at this version: give it a non-default value anyway; it must not be written
      const at = f.versions ? f.versions.lo : version;
      input[f.prop] =
        f.type.kind === 'primitive' ? primSample(f.type.name, f, runtimeDefault(msg, f), 3) : fieldSample(msg, f, at, opts);
      expected[f.prop] = runtimeDefault(msg, f);
    }
  }
  if (opts.unknownTags && isFlexible(msg, version)) {
    const u = unknownTagsFor(s);
    input._unknownTaggedFields = u;
    expected._unknownTaggedFields = u;
  }
  return { input, expected };
}

/** Every field of every decoded struct must be present (decoders populate defaults). */
function expectComplete(msg: MessageSpec, s: StructSpec, obj: unknown, path: string): void {
  expect(obj, path).toBeTypeOf('object');
  const o = obj as Record<string, unknown>;
  for (const f of s.fields) {
    expect(Object.prototype.hasOwnProperty.call(o, f.prop), `${path}.${f.prop} missing`).toBe(true);
    expect(o[f.prop], `${path}.${f.prop}`).not.toBeUndefined();
    const v = o[f.prop];
    if (v === null) continue;
    if (f.type.kind === 'struct') expectComplete(msg, f.type.struct, v, `${path}.${f.prop}`);
    if (f.type.kind === 'array' && f.type.element.kind === 'struct') {
      for (const [i, e] of (v as unknown[]).entries()) expectComplete(msg, f.type.element.struct, e, `${path}.${f.prop}[${i}]`);
    }
  }
}

function hasNullable(msg: MessageSpec, version: number): boolean {
  return msg.structs.some((s) => s.fields.some((f) => contains(intersect(f.versions, s.versions), version) && contains(f.nullableVersions, version)));
}

// ---- the round trip over everything ----

describe.skipIf(!haveDefs)('generated codec round trip', () => {
  it('covers every definition file', () => {
    expect(defs.length).toBeGreaterThan(200);
    for (const m of defs) {
      expect(api[`${m.name}Meta`], m.name).toBeDefined();
      const meta = api[`${m.name}Meta`] as { apiKey: number; validVersions: readonly number[]; flexibleVersions: number };
      expect(meta.validVersions).toEqual([m.validVersions.lo, m.validVersions.hi]);
      expect(meta.flexibleVersions).toBe(m.flexibleVersions ? m.flexibleVersions.lo : -1);
      expect(meta.apiKey).toBe(m.apiKey ?? -1);
    }
  });

  for (const msg of defs) {
    it(`${msg.name}: every version, all fields set, unknown tags kept`, () => {
      for (const version of versionsOf(msg)) {
        for (const opts of [
          { nulls: false, unknownTags: false },
          { nulls: false, unknownTags: true },
          ...(hasNullable(msg, version) ? [{ nulls: true, unknownTags: true }] : []),
        ]) {
          const label = `${msg.name} v${version} ${JSON.stringify(opts)}`;
          const { input, expected } = structSample(msg, msg.root, version, opts);
          const bytes = encode(msg.name, version, input);
          const decoded = decodeAll(msg.name, version, bytes);
          expect(decoded, label).toEqual(expected);
          expectComplete(msg, msg.root, decoded, label);
          const again = encode(msg.name, version, decoded);
          expect(again.equals(bytes), `${label}: re-encoding differs`).toBe(true);
        }
        // An empty object encodes as all defaults and decodes to a complete default object.
        const bytes = encode(msg.name, version, {});
        const decoded = decodeAll(msg.name, version, bytes);
        expectComplete(msg, msg.root, decoded, `${msg.name} v${version} defaults`);
        expect(encode(msg.name, version, decoded).equals(bytes)).toBe(true);
      }
    });
  }

  it('truncated input always throws ProtocolError', () => {
    let checked = 0;
    for (const msg of defs) {
      const vs = versionsOf(msg);
      for (const version of new Set([vs[0]!, vs[vs.length - 1]!])) {
        const { input } = structSample(msg, msg.root, version, { nulls: false, unknownTags: true });
        const bytes = encode(msg.name, version, input);
        for (let len = 0; len < bytes.length; len++) {
          const r = new Reader(bytes.subarray(0, len));
          let err: unknown;
          try {
            codec(msg.name).decode(r, version);
          } catch (e) {
            err = e;
          }
          expect(err, `${msg.name} v${version} prefix ${len}/${bytes.length}`).toBeInstanceOf(ProtocolError);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('corrupted input throws ProtocolError or decodes, never anything else', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const msg of defs) {
      const version = msg.validVersions.hi;
      const { input } = structSample(msg, msg.root, version, { nulls: false, unknownTags: true });
      const bytes = encode(msg.name, version, input);
      if (bytes.length === 0) continue;
      for (let k = 0; k < 40; k++) {
        const b = Buffer.from(bytes);
        for (let j = 0; j < 3; j++) b[rand(b.length)] = rand(256);
        try {
          codec(msg.name).decode(new Reader(b), version);
        } catch (e) {
          expect(e, `${msg.name} v${version}`).toBeInstanceOf(ProtocolError);
        }
      }
    }
  });
});

// ---- targeted behaviour ----

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const str = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

describe('nulls: compact vs classic', () => {
  it('MetadataRequest topics null is int32 -1 in v1 and compact 0 in v9', () => {
    expect(encode('MetadataRequest', 1, { topics: null })).toEqual(hex('ffffffff'));
    expect(encode('MetadataRequest', 9, { topics: null, allowAutoTopicCreation: true })).toEqual(hex('00 01 00 00 00'));
    expect(gen.decodeMetadataRequest(new Reader(hex('ffffffff')), 1).topics).toBeNull();
    expect(gen.decodeMetadataRequest(new Reader(hex('00 01 00 00 00')), 9).topics).toBeNull();
  });

  it('empty (not null) arrays and strings', () => {
    expect(encode('MetadataRequest', 1, { topics: [] })).toEqual(hex('00000000'));
    expect(encode('MetadataRequest', 9, { topics: [] })).toEqual(hex('01 01 00 00 00'));
    const w = new Writer();
    gen.encodeProduceRequest(w, 9, { transactionalId: '', acks: 1, timeoutMs: 0, topicData: [] });
    expect(w.toBuffer().subarray(0, 1)).toEqual(hex('01'));
  });

  it('ProduceRequest transactionalId null: int16 -1 in v3, compact 0 in v9', () => {
    const m = { transactionalId: null, acks: 1, timeoutMs: 5, topicData: [] };
    expect(encode('ProduceRequest', 3, m)).toEqual(hex('ffff 0001 00000005 00000000'));
    expect(encode('ProduceRequest', 9, m)).toEqual(hex('00 0001 00000005 01 00'));
  });

  it('decoding null into a non-nullable field throws ProtocolError', () => {
    expect(() => gen.decodeMetadataRequest(new Reader(hex('ffffffff')), 0)).toThrow(ProtocolError);
    expect(() => gen.decodeProduceRequest(new Reader(hex('00 0001 00000005 00 00')), 9)).toThrow(ProtocolError);
    expect(() => gen.decodeFindCoordinatorRequest(new Reader(hex('ffff')), 0)).toThrow(ProtocolError);
    expect(() => gen.decodeFindCoordinatorRequest(new Reader(hex('00 00 00')), 3)).toThrow(ProtocolError);
  });

  it('encoding null into a non-nullable field throws an Error naming message, field and version', () => {
    expect(() => encode('MetadataRequest', 0, { topics: null })).toThrow(/MetadataRequest\.topics.*version 0/);
    expect(() => encode('ProduceRequest', 9, { acks: 1, timeoutMs: 0, topicData: null })).toThrow(
      /ProduceRequest\.topicData.*version 9/,
    );
    expect(() =>
      encode('ProduceRequest', 3, { acks: 1, timeoutMs: 0, topicData: [{ name: null, partitionData: [] }] }),
    ).toThrow(/ProduceRequestTopicProduceData\.name.*version 3/);
  });

  it('RequestHeader ClientId stays a classic string in the flexible header v2', () => {
    const b = encode('RequestHeader', 2, { requestApiKey: 3, requestApiVersion: 12, correlationId: 7, clientId: null });
    expect(b).toEqual(hex('0003 000c 00000007 ffff 00'));
    const c = encode('RequestHeader', 2, { requestApiKey: 3, requestApiVersion: 12, correlationId: 7, clientId: 'ab' });
    expect(c).toEqual(hex(`0003 000c 00000007 0002 ${str('ab')} 00`));
  });
});

describe('tagged fields', () => {
  it('writes known tags only when not default, and merges unknown tags in order', () => {
    const base = { errorCode: 0, apiKeys: [], throttleTimeMs: 0 };
    expect(encode('ApiVersionsResponse', 3, base)).toEqual(hex('0000 01 00000000 00'));
    const withTags = encode('ApiVersionsResponse', 3, {
      ...base,
      finalizedFeaturesEpoch: 5n,
      zkMigrationReady: true,
      _unknownTaggedFields: [
        { tag: 9, data: hex('aa') },
        { tag: 4, data: hex('01') },
      ],
    });
    // tags 1, 3 (known), 4, 9 (unknown)
    expect(withTags).toEqual(hex('0000 01 00000000 04 01 08 0000000000000005 03 01 01 04 01 01 09 01 aa'));
    const back = gen.decodeApiVersionsResponse(new Reader(withTags), 3);
    expect(back.finalizedFeaturesEpoch).toBe(5n);
    expect(back.zkMigrationReady).toBe(true);
    expect(back.finalizedFeatures).toEqual([]);
    expect(back._unknownTaggedFields).toEqual([
      { tag: 4, data: hex('01') },
      { tag: 9, data: hex('aa') },
    ]);
    expect(encode('ApiVersionsResponse', 3, back)).toEqual(withTags);
  });

  it('interleaves unknown tags between known ones in increasing order', () => {
    const w = new Writer();
    gen.writeTaggedFields(
      w,
      [
        { tag: 1, data: hex('11') },
        { tag: 3, data: hex('33') },
      ],
      [
        { tag: 9, data: hex('99') },
        { tag: 2, data: hex('22') },
        { tag: 0, data: hex('00') },
      ],
    );
    expect(w.toBuffer()).toEqual(hex('05 00 01 00 01 01 11 02 01 22 03 01 33 09 01 99'));
  });

  it('a known tag sent with its default value is accepted (and, being default, not re-sent)', () => {
    // FinalizedFeatures (tag 2) as an empty array
    const b = hex('0000 01 00000000 01 02 01 01');
    const m = gen.decodeApiVersionsResponse(new Reader(b), 3);
    expect(m.finalizedFeatures).toEqual([]);
    expect(m._unknownTaggedFields).toBeUndefined();
    expect(encode('ApiVersionsResponse', 3, m)).toEqual(hex('0000 01 00000000 00'));
  });

  it('a duplicate tag between known and unknown fields is a caller error', () => {
    expect(() =>
      encode('ApiVersionsResponse', 3, {
        errorCode: 0,
        apiKeys: [],
        finalizedFeaturesEpoch: 1n,
        _unknownTaggedFields: [{ tag: 1, data: hex('00') }],
      }),
    ).toThrow(/duplicate tagged field 1/);
  });

  it('a known tag whose payload size does not match its value is rejected', () => {
    // FinalizedFeaturesEpoch (tag 1, int64) with a 9-byte payload
    expect(() => gen.decodeApiVersionsResponse(new Reader(hex('0000 01 00000000 01 01 09 000000000000000500')), 3)).toThrow(
      ProtocolError,
    );
    // ...and with a 7-byte payload
    expect(() => gen.decodeApiVersionsResponse(new Reader(hex('0000 01 00000000 01 01 07 00000000000005')), 3)).toThrow(
      ProtocolError,
    );
  });

  it('tagged structs (FetchResponse CurrentLeader) are written only when not default', () => {
    const part = { partitionIndex: 0, errorCode: 6, highWatermark: 10n, records: null };
    const plain = encode('FetchResponse', 12, { responses: [{ topic: 't', partitions: [part] }] });
    const withLeader = encode('FetchResponse', 12, {
      responses: [{ topic: 't', partitions: [{ ...part, currentLeader: { leaderId: 2, leaderEpoch: 7 } }] }],
    });
    // tag 1, size 9: int32 2, int32 7, empty tagged section
    expect(withLeader.length - plain.length).toBe(1 + 1 + 9);
    expect(withLeader.includes(hex('01 01 09 00000002 00000007 00'))).toBe(true);
    const defaultLeader = encode('FetchResponse', 12, {
      responses: [{ topic: 't', partitions: [{ ...part, currentLeader: { leaderId: -1, leaderEpoch: -1 } }] }],
    });
    expect(defaultLeader).toEqual(plain);
    const back = gen.decodeFetchResponse(new Reader(withLeader), 12);
    expect(back.responses[0]!.partitions[0]!.currentLeader).toEqual({ leaderId: 2, leaderEpoch: 7 });
    expect(back.responses[0]!.partitions[0]!.divergingEpoch).toEqual({ epoch: -1, endOffset: -1n });
  });
});

describe('records', () => {
  it('encodes a list of batches by reference and decodes to one view of the input', () => {
    const big = Buffer.alloc(5000, 7);
    const small = Buffer.from([1, 2, 3]);
    const w = new Writer(64);
    gen.encodeProduceRequest(w, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'a', partitionData: [{ index: 0, records: [big, small] }] }],
    });
    expect(w.chunksOut().includes(big)).toBe(true);
    const frame = w.toBuffer();
    const req = gen.decodeProduceRequest(new Reader(frame), 9);
    const rec = req.topicData[0]!.partitionData[0]!.records as Buffer;
    expect(Buffer.isBuffer(rec)).toBe(true);
    expect(rec.length).toBe(5003);
    expect(rec.equals(Buffer.concat([big, small]))).toBe(true);
    expect(rec.buffer).toBe(frame.buffer); // a view, not a copy
  });

  it('records undefined encode as empty, not null', () => {
    const b = encode('FetchResponse', 4, { responses: [{ topic: 't', partitions: [{ partitionIndex: 0 }] }] });
    expect(b.subarray(b.length - 4)).toEqual(hex('00000000'));
  });
});

describe('hand-checked byte fixtures', () => {
  it('ApiVersions v3 request as librdkafka sends it', () => {
    const frame = hex(
      `00000025 0012 0003 00000001 0007 ${str('rdkafka')} 00` + ` 0b ${str('librdkafka')} 07 ${str('2.15.0')} 00`,
    );
    const r = new Reader(frame);
    expect(frame.length - 4).toBe(r.readInt32());
    const hv = gen.requestHeaderVersion(18, 3);
    expect(hv).toBe(2);
    const header = gen.decodeRequestHeader(r, hv);
    expect(header).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    const body = gen.decodeApiVersionsRequest(r, 3);
    expect(body).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.15.0' });
    expect(r.remaining()).toBe(0);

    const w = new Writer();
    w.writeInt32(0);
    gen.encodeRequestHeader(w, hv, header);
    gen.encodeApiVersionsRequest(w, 3, body);
    w.patchInt32(0, w.length - 4);
    expect(w.toBuffer()).toEqual(frame);
  });

  it('Metadata v1 request as kafkajs sends it', () => {
    const frame = hex(`00000021 0003 0001 00000002 0007 ${str('kafkajs')} 00000001 000a ${str('test-topic')}`);
    const r = new Reader(frame);
    expect(r.readInt32()).toBe(frame.length - 4);
    expect(gen.requestHeaderVersion(3, 1)).toBe(1);
    const header = gen.decodeRequestHeader(r, 1);
    expect(header).toEqual({ requestApiKey: 3, requestApiVersion: 1, correlationId: 2, clientId: 'kafkajs' });
    const body = gen.decodeMetadataRequest(r, 1);
    expect(body.topics).toEqual([{ topicId: ZERO_UUID, name: 'test-topic' }]);
    expect(r.remaining()).toBe(0);

    const w = new Writer();
    w.writeInt32(0);
    gen.encodeRequestHeader(w, 1, header);
    gen.encodeMetadataRequest(w, 1, { topics: [{ name: 'test-topic' }] });
    w.patchInt32(0, w.length - 4);
    expect(w.toBuffer()).toEqual(frame);
  });

  it('ApiVersions UNSUPPORTED_VERSION fallback: response header v0 and a v0 body', () => {
    const w = new Writer();
    gen.encodeResponseHeader(w, gen.responseHeaderVersion(18, 4), { correlationId: 9 });
    gen.encodeApiVersionsResponse(w, 0, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] });
    expect(w.toBuffer()).toEqual(hex('00000009 0023 00000001 0012 0000 0004'));
  });

  it('ApiVersions v3 response: flexible body behind a v0 header', () => {
    const bytes = hex('00000009 0000 02 0000 0000 0004 00 00000000 00');
    const r = new Reader(bytes);
    expect(gen.decodeResponseHeader(r, gen.responseHeaderVersion(18, 3))).toEqual({ correlationId: 9 });
    const body = gen.decodeApiVersionsResponse(r, 3);
    expect(body.apiKeys).toEqual([{ apiKey: 0, minVersion: 0, maxVersion: 4 }]);
    expect(body.finalizedFeaturesEpoch).toBe(-1n);
    expect(r.remaining()).toBe(0);
  });

  it('Produce v3 request with one small batch', () => {
    const bytes = hex(`ffff ffff 00007530 00000001 0004 ${str('test')} 00000001 00000000 00000003 010203`);
    const m = gen.decodeProduceRequest(new Reader(bytes), 3);
    expect(m).toEqual({
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'test', partitionData: [{ index: 0, records: hex('010203') }] }],
    });
    expect(encode('ProduceRequest', 3, m)).toEqual(bytes);
  });
});

describe('API key table and header versions', () => {
  it('lists the request definitions', () => {
    const produce = gen.API_KEYS.find((k) => k.apiKey === 0)!;
    expect(produce).toEqual({
      apiKey: 0,
      name: 'Produce',
      validVersions: [0, 11],
      flexibleVersions: 9,
      listeners: ['zkBroker', 'broker'],
    });
    expect(gen.ApiKey.ApiVersions).toBe(18);
    expect(gen.apiKeyInfo(17)!.flexibleVersions).toBe(-1);
    const keys = gen.API_KEYS.map((k) => k.apiKey);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
  });

  it('header versions follow flexibility with the two exceptions', () => {
    expect(gen.requestHeaderVersion(0, 8)).toBe(1);
    expect(gen.requestHeaderVersion(0, 9)).toBe(2);
    expect(gen.responseHeaderVersion(0, 8)).toBe(0);
    expect(gen.responseHeaderVersion(0, 9)).toBe(1);
    expect(gen.requestHeaderVersion(7, 0)).toBe(0);
    expect(gen.requestHeaderVersion(7, 1)).toBe(1);
    expect(gen.requestHeaderVersion(7, 3)).toBe(2);
    expect(gen.requestHeaderVersion(18, 3)).toBe(2);
    expect(gen.responseHeaderVersion(18, 3)).toBe(0);
    expect(gen.responseHeaderVersion(18, 0)).toBe(0);
    expect(gen.requestHeaderVersion(17, 1)).toBe(1);
    expect(() => gen.requestHeaderVersion(999, 0)).toThrow(ProtocolError);
  });
});

// Parses Kafka's JSON message definitions (requests, responses, headers, data and coordinator records) into a
// normalised model. Used by the code generator and, at test time, by the codec round-trip tests.
// Nothing in here runs inside the broker.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Highest version number Kafka allows ("N+" means up to this). */
export const MAX_VERSION = 0x7fff;

/** An inclusive version range; `null` is the empty set ("none"). */
export interface Range {
  lo: number;
  hi: number;
}
export type Versions = Range | null;

export function parseVersions(text: string | undefined, what: string): Versions {
  if (text === undefined) throw new Error(`${what}: missing version range`);
  const s = String(text).trim();
  if (s === 'none') return null;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: MAX_VERSION };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) {
    const lo = Number(m[1]);
    const hi = Number(m[2]);
    if (hi < lo) throw new Error(`${what}: empty version range "${s}"`);
    return { lo, hi };
  }
  m = /^(\d+)$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`${what}: cannot parse version range "${s}"`);
}

export function intersect(a: Versions, b: Versions): Versions {
  if (!a || !b) return null;
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : null;
}

/** Smallest range holding both (version sets here are always ranges, so a hull is exact enough). */
export function hull(a: Versions, b: Versions): Versions {
  if (!a) return b;
  if (!b) return a;
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

export function contains(v: Versions, version: number): boolean {
  return v !== null && version >= v.lo && version <= v.hi;
}

/** True when `outer` includes every version of `inner`. */
export function covers(outer: Versions, inner: Versions): boolean {
  if (!inner) return true;
  if (!outer) return false;
  return outer.lo <= inner.lo && outer.hi >= inner.hi;
}

export type PrimitiveName =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint16'
  | 'uint32'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

const PRIMITIVES: ReadonlySet<string> = new Set([
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint16',
  'uint32',
  'float64',
  'uuid',
  'string',
  'bytes',
  'records',
]);

export type FieldType =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'struct'; struct: StructSpec }
  | { kind: 'array'; element: { kind: 'primitive'; name: PrimitiveName } | { kind: 'struct'; struct: StructSpec } };

export interface FieldSpec {
  /** Name as written in the JSON. */
  jsonName: string;
  /** Property name in the generated interface (lower camel case). */
  prop: string;
  type: FieldType;
  /** Versions carrying the field (for tagged-only fields: the tagged versions). */
  versions: Versions;
  nullableVersions: Versions;
  /** Versions in which the field is tagged (not part of the positional layout). */
  taggedVersions: Versions;
  tag: number | undefined;
  /** Field-level flexibleVersions override (only "none" appears in practice), or undefined. */
  flexibleVersions: Versions | undefined;
  /** The JSON `default`, normalised to a string, or undefined. */
  defaultText: string | undefined;
}

export interface StructSpec {
  /** Struct type name from the JSON (message name for the top-level struct). */
  jsonName: string;
  /** Interface name in the generated code: message name + struct name. */
  tsName: string;
  fields: FieldSpec[];
  /** Hull of the versions at which this struct can appear (message validVersions for the top level). */
  versions: Range;
  /** Declared versions (commonStructs only), otherwise the message validVersions. */
  declaredVersions: Versions;
  isCommon: boolean;
}

export type MessageKind = 'request' | 'response' | 'header' | 'data';

export interface MessageSpec {
  name: string;
  /** `messages` or `records`. */
  group: 'messages' | 'records';
  fileName: string;
  kind: MessageKind;
  apiKey: number | undefined;
  listeners: string[];
  validVersions: Range;
  flexibleVersions: Versions;
  latestVersionUnstable: boolean;
  root: StructSpec;
  /** Every struct of the message, root first, then nested structs depth-first, then common structs. */
  structs: StructSpec[];
}

/** Removes `//` comments outside of string literals; the definitions are JSON with line comments. */
export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\' && i + 1 < text.length) {
        out += text[++i];
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      if (i < text.length) out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated /* comment');
      // keep line numbers stable for JSON.parse error messages
      out += text.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

export function lowerCamel(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`unsupported field name "${name}"`);
  return name[0]!.toLowerCase() + name.slice(1);
}

export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number | string;
  flexibleVersions?: string;
  default?: unknown;
  fields?: RawField[];
  [k: string]: unknown;
}

interface RawStruct {
  name: string;
  versions?: string;
  fields: RawField[];
}

interface RawMessage {
  name: string;
  type: string;
  apiKey?: number;
  listeners?: string[];
  validVersions: string;
  flexibleVersions?: string;
  latestVersionUnstable?: boolean;
  fields?: RawField[];
  commonStructs?: RawStruct[];
}

function normaliseDefault(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (v === null) return 'null';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`unsupported default ${JSON.stringify(v)}`);
}

export function parseMessage(text: string, fileName: string, group: 'messages' | 'records'): MessageSpec {
  let raw: RawMessage;
  try {
    raw = JSON.parse(stripComments(text)) as RawMessage;
  } catch (e) {
    throw new Error(`${fileName}: ${(e as Error).message}`);
  }
  const where = fileName;
  const kind = raw.type as MessageKind;
  if (!['request', 'response', 'header', 'data'].includes(kind)) throw new Error(`${where}: unknown type ${raw.type}`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(raw.name)) throw new Error(`${where}: bad message name ${raw.name}`);
  const validVersions = parseVersions(raw.validVersions, `${where} validVersions`);
  if (!validVersions) throw new Error(`${where}: no valid versions`);
  const flexibleVersions = parseVersions(raw.flexibleVersions ?? 'none', `${where} flexibleVersions`);
  const msgName = raw.name;

  // Struct registry: every struct name must be unique within a message (as in Kafka's generator).
  const structsByName = new Map<string, StructSpec>();
  const order: StructSpec[] = [];
  const commonRaw = new Map<string, RawStruct>();
  for (const cs of raw.commonStructs ?? []) {
    if (commonRaw.has(cs.name)) throw new Error(`${where}: duplicate common struct ${cs.name}`);
    commonRaw.set(cs.name, cs);
  }

  const newStruct = (jsonName: string, isCommon: boolean, declared: Versions): StructSpec => {
    if (structsByName.has(jsonName)) throw new Error(`${where}: struct ${jsonName} defined twice`);
    const s: StructSpec = {
      jsonName,
      tsName: jsonName === msgName && !isCommon ? msgName : msgName + jsonName,
      fields: [],
      versions: { lo: 0, hi: 0 },
      declaredVersions: declared,
      isCommon,
    };
    structsByName.set(jsonName, s);
    return s;
  };

  const commonStructs: StructSpec[] = [];
  for (const cs of raw.commonStructs ?? []) {
    commonStructs.push(newStruct(cs.name, true, parseVersions(cs.versions ?? '0+', `${where} ${cs.name} versions`)));
  }

  const parseFields = (owner: StructSpec, fields: RawField[], path: string): void => {
    const props = new Set<string>();
    const tags = new Set<number>();
    for (const f of fields) {
      const fwhere = `${path}.${f.name}`;
      // Tags are numbers, but at least one definition (BrokerHeartbeatRequest) writes one as a string.
      const tag = f.tag === undefined ? undefined : typeof f.tag === 'string' && /^\d+$/.test(f.tag) ? Number(f.tag) : f.tag;
      const taggedVersions = parseVersions(f.taggedVersions ?? 'none', `${fwhere} taggedVersions`);
      // A tagged field may leave out `versions` (TransactionLogValue): it then exists where it is tagged.
      const versions =
        f.versions === undefined && taggedVersions ? taggedVersions : parseVersions(f.versions, `${fwhere} versions`);
      const prop = lowerCamel(f.name);
      if (props.has(prop)) throw new Error(`${fwhere}: duplicate property ${prop}`);
      props.add(prop);
      if ((tag === undefined) !== (taggedVersions === null))
        throw new Error(`${fwhere}: tag and taggedVersions must be given together`);
      if (tag !== undefined) {
        if (typeof tag !== 'number' || !Number.isInteger(tag) || tag < 0) throw new Error(`${fwhere}: bad tag ${f.tag}`);
        if (tags.has(tag)) throw new Error(`${fwhere}: duplicate tag ${tag}`);
        tags.add(tag);
        if (!covers(flexibleVersions, taggedVersions)) throw new Error(`${fwhere}: tagged outside flexible versions`);
        if (!covers(versions, taggedVersions) || !covers(taggedVersions, intersect(versions, validVersions)))
          throw new Error(`${fwhere}: fields that are tagged in some versions and positional in others are not supported`);
      }
      let type: FieldType;
      const t = f.type;
      const isArray = t.startsWith('[]');
      const base = isArray ? t.slice(2) : t;
      if (PRIMITIVES.has(base)) {
        if (f.fields) throw new Error(`${fwhere}: primitive type with nested fields`);
        const prim = { kind: 'primitive' as const, name: base as PrimitiveName };
        if (isArray && (base === 'records' || base === 'bytes')) throw new Error(`${fwhere}: arrays of ${base} are not supported`);
        type = isArray ? { kind: 'array', element: prim } : prim;
      } else if (/^[A-Z][A-Za-z0-9]*$/.test(base)) {
        let struct: StructSpec;
        if (f.fields) {
          if (commonRaw.has(base)) throw new Error(`${fwhere}: struct ${base} shadows a common struct`);
          struct = newStruct(base, false, null);
          order.push(struct);
          parseFields(struct, f.fields, `${fwhere}`);
        } else {
          const found = structsByName.get(base);
          if (!found || !found.isCommon) throw new Error(`${fwhere}: unknown struct type ${base}`);
          struct = found;
        }
        const st = { kind: 'struct' as const, struct };
        type = isArray ? { kind: 'array', element: st } : st;
      } else {
        throw new Error(`${fwhere}: unsupported type ${t}`);
      }
      const flexOverride = f.flexibleVersions === undefined ? undefined : parseVersions(f.flexibleVersions, fwhere);
      if (flexOverride !== undefined && !(type.kind === 'primitive' && (type.name === 'string' || type.name === 'bytes')))
        throw new Error(`${fwhere}: flexibleVersions override is only supported on string and bytes fields`);
      const nullableVersions = parseVersions(f.nullableVersions ?? 'none', `${fwhere} nullableVersions`);
      if (nullableVersions) {
        const ok =
          type.kind !== 'primitive' ||
          type.name === 'string' ||
          type.name === 'bytes' ||
          type.name === 'records';
        if (!ok) throw new Error(`${fwhere}: type ${t} cannot be nullable`);
      }
      if (type.kind === 'primitive' && type.name === 'records' && tag !== undefined)
        throw new Error(`${fwhere}: tagged records are not supported`);
      owner.fields.push({
        jsonName: f.name,
        prop,
        type,
        versions,
        nullableVersions,
        taggedVersions,
        tag: tag as number | undefined,
        flexibleVersions: flexOverride,
        defaultText: normaliseDefault(f.default),
      });
    }
  };

  const root = newStruct(msgName, false, validVersions);
  parseFields(root, raw.fields ?? [], msgName);
  for (const cs of raw.commonStructs ?? []) {
    const s = structsByName.get(cs.name)!;
    parseFields(s, cs.fields, `${msgName}.${cs.name}`);
  }

  // Version context of every struct: the hull of the versions at which it can be reached.
  const ctx = new Map<StructSpec, Versions>();
  const visit = (s: StructSpec, v: Versions): void => {
    const clipped = s.isCommon ? intersect(v, s.declaredVersions) : v;
    if (!clipped) return;
    const before = ctx.get(s) ?? null;
    const after = hull(before, clipped);
    if (before && after && before.lo === after.lo && before.hi === after.hi) return;
    ctx.set(s, after);
    for (const f of s.fields) {
      const fv = intersect(after, f.versions);
      if (!fv) continue;
      const st = f.type.kind === 'struct' ? f.type.struct : f.type.kind === 'array' && f.type.element.kind === 'struct' ? f.type.element.struct : null;
      if (st) visit(st, fv);
    }
  };
  visit(root, validVersions);
  const all = [root, ...order, ...commonStructs];
  for (const s of all) {
    const v = ctx.get(s);
    // A struct that is never reachable still gets code; give it its declared or the message range.
    s.versions = v ?? intersect(s.declaredVersions ?? validVersions, validVersions) ?? validVersions;
  }

  return {
    name: msgName,
    group,
    fileName,
    kind,
    apiKey: kind === 'request' || kind === 'response' ? raw.apiKey : undefined,
    listeners: raw.listeners ? [...raw.listeners] : [],
    validVersions,
    flexibleVersions,
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root,
    structs: all,
  };
}

export function loadDefinitions(protocolDir: string): MessageSpec[] {
  const out: MessageSpec[] = [];
  for (const group of ['messages', 'records'] as const) {
    const dir = join(protocolDir, group);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    for (const f of files) {
      const spec = parseMessage(readFileSync(join(dir, f), 'utf8'), `${group}/${f}`, group);
      if (`${spec.name}.json` !== f) throw new Error(`${group}/${f}: message name ${spec.name} does not match the file name`);
      out.push(spec);
    }
  }
  return out;
}

// ---- field helpers shared by the generator and the tests ----

export function isPrim(t: FieldType, name: PrimitiveName): boolean {
  return t.kind === 'primitive' && t.name === name;
}

/** The message-level or field-level flexible versions governing compact encoding of a field. */
export function compactVersions(msg: MessageSpec, f: FieldSpec): Versions {
  return f.flexibleVersions !== undefined ? f.flexibleVersions : msg.flexibleVersions;
}

export function isTagged(f: FieldSpec): boolean {
  return f.tag !== undefined;
}

/** A field is required in the interface when it exists at every version of its struct and is not tagged. */
export function isRequired(s: StructSpec, f: FieldSpec): boolean {
  return !isTagged(f) && covers(f.versions, s.versions);
}

/** True if the field can be null at some version where it exists in this struct. */
export function everNullable(s: StructSpec, f: FieldSpec): boolean {
  return intersect(intersect(f.versions, s.versions), f.nullableVersions) !== null;
}

export function structCanBeFlexible(msg: MessageSpec, s: StructSpec): boolean {
  return intersect(s.versions, msg.flexibleVersions) !== null;
}

function parseIntDefault(text: string, where: string): number {
  const t = text.trim();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  let n: number;
  if (/^0x[0-9a-fA-F]+$/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^\d+$/.test(body)) n = Number(body);
  else throw new Error(`${where}: bad integer default "${text}"`);
  return neg ? -n : n;
}

function parseBigDefault(text: string, where: string): bigint {
  const t = text.trim();
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(body)) throw new Error(`${where}: bad int64 default "${text}"`);
  const n = BigInt(body);
  return neg ? -n : n;
}

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-0x80, 0x7f],
  int16: [-0x8000, 0x7fff],
  int32: [-0x80000000, 0x7fffffff],
  uint16: [0, 0xffff],
  uint32: [0, 0xffffffff],
};

/**
 * The default of a field, described so that both a code literal and a runtime value can be produced:
 * Kafka's rules (explicit `default`, else 0 / false / "" / zero UUID / empty bytes / empty array / a
 * default struct; "null" only where the JSON says so). Records default to an empty buffer.
 */
export type DefaultValue =
  | { kind: 'number'; value: number }
  | { kind: 'bigint'; value: bigint }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'uuid' }
  | { kind: 'emptyBytes' }
  | { kind: 'emptyArray' }
  | { kind: 'null' }
  | { kind: 'struct'; struct: StructSpec };

export function fieldDefault(f: FieldSpec, where = f.jsonName): DefaultValue {
  const d = f.defaultText;
  const t = f.type;
  const nullDefault = d === 'null';
  if (nullDefault) {
    if (!f.nullableVersions) throw new Error(`${where}: default null on a field that is never nullable`);
    if (t.kind === 'primitive' && !['string', 'bytes', 'records'].includes(t.name))
      throw new Error(`${where}: default null on ${t.name}`);
    return { kind: 'null' };
  }
  if (t.kind === 'array') {
    if (d !== undefined && d !== '') throw new Error(`${where}: unsupported array default "${d}"`);
    return { kind: 'emptyArray' };
  }
  if (t.kind === 'struct') {
    if (d !== undefined && d !== '') throw new Error(`${where}: unsupported struct default "${d}"`);
    return { kind: 'struct', struct: t.struct };
  }
  switch (t.name) {
    case 'bool':
      if (d === undefined || d === 'false') return { kind: 'boolean', value: false };
      if (d === 'true') return { kind: 'boolean', value: true };
      throw new Error(`${where}: bad bool default "${d}"`);
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'uint32': {
      const v = d === undefined ? 0 : parseIntDefault(d, where);
      const [lo, hi] = INT_RANGES[t.name]!;
      if (v < lo || v > hi) throw new Error(`${where}: default ${d} out of range for ${t.name}`);
      return { kind: 'number', value: v };
    }
    case 'int64': {
      const v = d === undefined ? 0n : parseBigDefault(d, where);
      if (v !== BigInt.asIntN(64, v)) throw new Error(`${where}: default ${d} out of range for int64`);
      return { kind: 'bigint', value: v };
    }
    case 'float64': {
      const v = d === undefined ? 0 : Number(d);
      if (Number.isNaN(v) && d !== 'NaN') throw new Error(`${where}: bad float64 default "${d}"`);
      return { kind: 'number', value: v };
    }
    case 'string':
      return { kind: 'string', value: d ?? '' };
    case 'uuid':
      if (d !== undefined && d !== '') throw new Error(`${where}: unsupported uuid default "${d}"`);
      return { kind: 'uuid' };
    case 'bytes':
    case 'records':
      if (d !== undefined && d !== '') throw new Error(`${where}: unsupported ${t.name} default "${d}"`);
      return { kind: 'emptyBytes' };
  }
}

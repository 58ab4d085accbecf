// Turns the parsed definitions (schema.ts) into TypeScript source: one module per message with interfaces,
// straight-line decoders/encoders gated by `if (version >= N)` checks, plus shared runtime helpers,
// the API key table and an index. Output is deterministic: same input, same bytes.
import {
  type DefaultValue,
  type FieldSpec,
  type FieldType,
  type MessageSpec,
  type PrimitiveName,
  type Range,
  type StructSpec,
  type Versions,
  compactVersions,
  everNullable,
  fieldDefault,
  intersect,
  isRequired,
  isTagged,
  kebab,
  structCanBeFlexible,
} from './schema.js';

export const GENERATED_DIR = 'worker/protocol/generated';

// ---------------------------------------------------------------------------------------------------------
// Small helpers

class Code {
  private readonly out: string[] = [];
  private depth = 0;

  line(s = ''): this {
    this.out.push(s === '' ? '' : '  '.repeat(this.depth) + s);
    return this;
  }
  open(s: string): this {
    this.line(s);
    this.depth++;
    return this;
  }
  close(s = '}'): this {
    this.depth--;
    this.line(s);
    return this;
  }
  /** Closes a block and opens the next one on the same line, e.g. `} else {`. */
  mid(s: string): this {
    this.depth--;
    this.line(s);
    this.depth++;
    return this;
  }
  text(): string {
    return this.out.join('\n');
  }
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** A version condition as code: 'true', 'false' or an expression on `version`, simplified against `ctx`. */
function cond(v: Versions, ctx: Versions): string {
  if (!ctx) return 'false';
  const i = intersect(v, ctx);
  if (!i) return 'false';
  const parts: string[] = [];
  if (i.lo > ctx.lo) parts.push(`version >= ${i.lo}`);
  if (i.hi < ctx.hi) parts.push(`version <= ${i.hi}`);
  if (parts.length === 0) return 'true';
  if (parts.length === 2 && i.lo === i.hi) return `version === ${i.lo}`;
  return parts.join(' && ');
}

function not(c: string): string {
  if (c === 'true') return 'false';
  if (c === 'false') return 'true';
  return `!(${c})`;
}

/** `c ? a : b` with constant folding; nested uses get parentheses. */
function pick(c: string, a: string, b: string, nested = false): string {
  if (c === 'true') return a;
  if (c === 'false') return b;
  const e = `${c} ? ${a} : ${b}`;
  return nested ? `(${e})` : e;
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval undefined ' +
    'r w m version flexible'
  ).split(' '),
);

function localName(prop: string): string {
  return RESERVED.has(prop) ? `${prop}_` : prop;
}

function primTs(name: PrimitiveName): string {
  switch (name) {
    case 'bool':
      return 'boolean';
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint16':
    case 'uint32':
    case 'float64':
      return 'number';
    case 'int64':
      return 'bigint';
    case 'uuid':
    case 'string':
      return 'string';
    case 'bytes':
      return 'Buffer';
    case 'records':
      return 'Records';
  }
}

function baseTs(t: FieldType): string {
  if (t.kind === 'primitive') return primTs(t.name);
  if (t.kind === 'struct') return t.struct.tsName;
  const e = t.element.kind === 'primitive' ? primTs(t.element.name) : t.element.struct.tsName;
  return `${e}[]`;
}

function fieldTs(s: StructSpec, f: FieldSpec): string {
  return baseTs(f.type) + (everNullable(s, f) ? ' | null' : '');
}

const READ_FIXED: Partial<Record<PrimitiveName, string>> = {
  bool: 'readBool()',
  int8: 'readInt8()',
  int16: 'readInt16()',
  int32: 'readInt32()',
  int64: 'readInt64()',
  uint16: 'readUInt16()',
  uint32: 'readUInt32()',
  float64: 'readFloat64()',
  uuid: 'readUuid()',
};

const WRITE_FIXED: Partial<Record<PrimitiveName, string>> = {
  bool: 'writeBool',
  int8: 'writeInt8',
  int16: 'writeInt16',
  int32: 'writeInt32',
  int64: 'writeInt64',
  uint16: 'writeUInt16',
  uint32: 'writeUInt32',
  float64: 'writeFloat64',
  uuid: 'writeUuid',
};

function isFixed(name: PrimitiveName): boolean {
  return READ_FIXED[name] !== undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Per-message generation

interface Gen {
  msg: MessageSpec;
  /** Structs whose default-value constructor is referenced. */
  needDefault: Set<StructSpec>;
  /** Structs whose isDefault check is referenced. */
  needIsDefault: Set<StructSpec>;
}

function defaultExpr(g: Gen, d: DefaultValue): string {
  switch (d.kind) {
    case 'number':
      return Object.is(d.value, -0) ? '0' : String(d.value);
    case 'bigint':
      return `${d.value}n`;
    case 'boolean':
      return String(d.value);
    case 'string':
      return quote(d.value);
    case 'uuid':
      return 'ZERO_UUID';
    case 'emptyBytes':
      return 'EMPTY_BYTES';
    case 'emptyArray':
      return '[]';
    case 'null':
      return 'null';
    case 'struct':
      g.needDefault.add(d.struct);
      return `default${d.struct.tsName}()`;
  }
}

function where(s: StructSpec, f: FieldSpec): string {
  return `${s.tsName}.${f.prop}`;
}

/** The versions of the struct at which it is encoded flexibly. */
function flexRange(g: Gen, s: StructSpec): Versions {
  return intersect(s.versions, g.msg.flexibleVersions);
}

/** Compact-encoding condition for a field within `range`; uses the local `flexible` where that is equivalent. */
function compactCond(g: Gen, f: FieldSpec, range: Range): string {
  const c = cond(compactVersions(g.msg, f), range);
  if (c === 'true' || c === 'false') return c;
  if (f.flexibleVersions === undefined) return 'flexible';
  return c;
}

function readPrimExpr(name: PrimitiveName, R: string, compact: string, nullable: string): string {
  const fixed = READ_FIXED[name];
  if (fixed) return `${R}.${fixed}`;
  if (name === 'string' || name === 'bytes') {
    const T = name === 'string' ? 'String' : 'Bytes';
    const compactRead = pick(nullable, `${R}.readCompactNullable${T}()`, `${R}.readCompact${T}()`, true);
    const classicRead = pick(nullable, `${R}.readNullable${T}()`, `${R}.read${T}()`, true);
    return pick(compact, compactRead, classicRead);
  }
  // records: the payload is returned as a view of the input, never copied
  const compactRead = pick(nullable, `${R}.readCompactNullableBytes()`, `${R}.readCompactBytes()`, true);
  const classicRead = pick(nullable, `${R}.readNullableBytes()`, `${R}.readBytes()`, true);
  return pick(compact, compactRead, classicRead);
}

/**
 * Emits statements that read field `f` with reader `R` into `target`. `range` is the set of versions at
 * which this code runs. With `declare`, the target is declared here.
 */
function emitRead(code: Code, g: Gen, s: StructSpec, f: FieldSpec, R: string, range: Range, target: string, declare: boolean): void {
  const t = f.type;
  const compact = compactCond(g, f, range);
  const nullable = cond(f.nullableVersions, range);
  const decl = declare ? 'const ' : '';
  if (t.kind === 'primitive') {
    code.line(`${decl}${target} = ${readPrimExpr(t.name, R, compact, nullable)};`);
    return;
  }
  if (t.kind === 'struct') {
    const dec = `decode${t.struct.tsName}(${R}, version)`;
    const expr = nullable === 'false' ? dec : `${nullable === 'true' ? '' : `${nullable} && `}${R}.readInt8() < 0 ? null : ${dec}`;
    code.line(`${decl}${target} = ${expr};`);
    return;
  }
  // array
  const el = t.element;
  const elTs = el.kind === 'primitive' ? primTs(el.name) : el.struct.tsName;
  const elemExpr =
    el.kind === 'struct' ? `decode${el.struct.tsName}(${R}, version)` : readPrimExpr(el.name, R, compact, 'false');
  const err = `throw new ProtocolError(${quote(`${where(s, f)}: null array in a non-nullable field`)});`;
  if (declare) code.line(`let ${target}: ${fieldTs(s, f)};`);
  if (declare) code.open('{');
  code.line(`const _n = ${pick(compact, `${R}.readCompactArrayLength()`, `${R}.readArrayLength()`)};`);
  if (nullable === 'false') {
    code.line(`if (_n < 0) ${err}`);
  } else {
    code.open('if (_n < 0) {');
    if (nullable !== 'true') code.line(`if (${not(nullable)}) ${err}`);
    code.line(`${target} = null;`);
    code.mid('} else {');
  }
  code.line(`const _a: ${elTs}[] = [];`);
  code.line(`for (let _i = 0; _i < _n; _i++) _a.push(${elemExpr});`);
  code.line(`${target} = _a;`);
  if (nullable !== 'false') code.close();
  if (declare) code.close();
}

function writePrimStmt(name: PrimitiveName, W: string, V: string, compact: string, nullable: boolean): string {
  const fixed = WRITE_FIXED[name];
  if (fixed) return `${W}.${fixed}(${V});`;
  if (name === 'records') return `${W}.writeRecords(${V}, ${compact});`;
  const T = name === 'string' ? 'String' : 'Bytes';
  const n = nullable ? 'Nullable' : '';
  const c = `${W}.writeCompact${n}${T}(${V});`;
  const k = `${W}.write${n}${T}(${V});`;
  if (compact === 'true') return c;
  if (compact === 'false') return k;
  return `if (${compact}) ${c} else ${k}`;
}

/**
 * Emits statements writing the value held in local `V` (already defaulted; may be null) for field `f`.
 * `range` is the set of versions at which this code runs.
 */
function emitWrite(code: Code, g: Gen, s: StructSpec, f: FieldSpec, W: string, range: Range, V: string): void {
  const t = f.type;
  const compact = compactCond(g, f, range);
  const nullable = cond(f.nullableVersions, range);
  const ever = nullable !== 'false';
  if (t.kind === 'primitive' && isFixed(t.name)) {
    if (t.name === 'uuid') code.line(`if (${V} === null) throw nullFieldError(${quote(where(s, f))}, version);`);
    code.line(writePrimStmt(t.name, W, V, compact, false));
    return;
  }
  if (nullable === 'false') code.line(`if (${V} === null) throw nullFieldError(${quote(where(s, f))}, version);`);
  else if (nullable !== 'true') code.line(`if (${V} === null && ${not(nullable)}) throw nullFieldError(${quote(where(s, f))}, version);`);
  if (t.kind === 'primitive') {
    code.line(writePrimStmt(t.name, W, V, compact, ever));
    return;
  }
  if (t.kind === 'struct') {
    const enc = `encode${t.struct.tsName}(${W}, version, ${V});`;
    if (!ever) {
      code.line(enc);
      return;
    }
    code.line(`if (${V} === null) ${W}.writeInt8(-1);`);
    code.open('else {');
    code.line(nullable === 'true' ? `${W}.writeInt8(1);` : `if (${nullable}) ${W}.writeInt8(1);`);
    code.line(enc);
    code.close();
    return;
  }
  const el = t.element;
  if (ever) {
    code.line(`if (${V} === null) ${W}.writeArrayLength(null, ${compact});`);
    code.open('else {');
  }
  code.line(`${W}.writeArrayLength(${V}.length, ${compact});`);
  const item = `${V}[_i]!`;
  const body =
    el.kind === 'struct' ? `encode${el.struct.tsName}(${W}, version, ${item});` : writePrimStmt(el.name, W, item, compact, false);
  if (body.startsWith('if ')) {
    code.open(`for (let _i = 0; _i < ${V}.length; _i++) {`);
    code.line(body);
    code.close();
  } else {
    code.line(`for (let _i = 0; _i < ${V}.length; _i++) ${body}`);
  }
  if (ever) code.close();
}

/** Expression testing whether value `V` (possibly undefined) equals the field default. */
function isDefaultTest(g: Gen, f: FieldSpec, V: string): string {
  const d = fieldDefault(f);
  switch (d.kind) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return `(${V} ?? ${defaultExpr(g, d)}) === ${defaultExpr(g, d)}`;
    case 'string':
    case 'uuid':
      return `(${V} === undefined || ${V} === ${defaultExpr(g, d)})`;
    case 'emptyBytes':
    case 'emptyArray':
      return `(${V} === undefined || (${V} !== null && ${V}.length === 0))`;
    case 'null':
      return `${V} == null`;
    case 'struct':
      g.needIsDefault.add(d.struct);
      return `(${V} === undefined || (${V} !== null && isDefault${d.struct.tsName}(${V}, version)))`;
  }
}

/** Condition (on defaulted local `V`) under which a tagged field is written: it differs from its default. */
function nonDefaultTest(g: Gen, f: FieldSpec, V: string): string {
  const d = fieldDefault(f);
  switch (d.kind) {
    case 'number':
    case 'bigint':
    case 'string':
      return `${V} !== ${defaultExpr(g, d)}`;
    case 'boolean':
      return d.value ? `!${V}` : V;
    case 'uuid':
      return `${V} !== ZERO_UUID`;
    case 'emptyBytes':
    case 'emptyArray':
      return `${V} === null || ${V}.length !== 0`;
    case 'null':
      return `${V} !== null`;
    case 'struct':
      g.needIsDefault.add(d.struct);
      return `${V} === null || !isDefault${d.struct.tsName}(${V}, version)`;
  }
}

/** The defaulted value of `m.<prop>` as an expression (undefined means the default). */
function defaultedValue(g: Gen, s: StructSpec, f: FieldSpec, obj: string): string {
  const d = fieldDefault(f, where(s, f));
  const acc = `${obj}.${f.prop}`;
  if (d.kind === 'null') return `${acc} ?? null`;
  return `${acc} === undefined ? ${defaultExpr(g, d)} : ${acc}`;
}

function emitInterface(code: Code, g: Gen, s: StructSpec): void {
  code.open(`export interface ${s.tsName} {`);
  for (const f of s.fields) {
    code.line(`${f.prop}${isRequired(s, f) ? '' : '?'}: ${fieldTs(s, f)};`);
  }
  if (structCanBeFlexible(g.msg, s)) code.line('_unknownTaggedFields?: TaggedField[];');
  code.close();
}

function emitDecoder(code: Code, g: Gen, s: StructSpec): void {
  const ctx = s.versions;
  const flex = flexRange(g, s);
  const body = new Code();
  const flexCond = cond(g.msg.flexibleVersions, ctx);
  const entries: string[] = [];
  for (const f of s.fields) {
    const local = localName(f.prop);
    const d = fieldDefault(f, where(s, f));
    const ts = fieldTs(s, f);
    let value = local;
    if (isTagged(f)) {
      const present = flex ? intersect(f.versions, flex) : null;
      if (!present) {
        body.line(`const ${local}: ${ts} = ${defaultExpr(g, d)};`);
      } else if (d.kind === 'struct') {
        // allocate the default struct only when the tag is absent
        body.line(`let ${local}: ${ts} | undefined;`);
        value = `${local} ?? ${defaultExpr(g, d)}`;
      } else {
        body.line(`let ${local}: ${ts} = ${defaultExpr(g, d)};`);
      }
    } else {
      const c = cond(f.versions, ctx);
      const range = intersect(f.versions, ctx);
      if (c === 'false' || !range) {
        body.line(`const ${local}: ${ts} = ${defaultExpr(g, d)};`);
      } else if (c === 'true') {
        emitRead(body, g, s, f, 'r', range, local, true);
      } else {
        body.line(`let ${local}: ${ts};`);
        body.open(`if (${c}) {`);
        emitRead(body, g, s, f, 'r', range, local, false);
        body.mid('} else {');
        body.line(`${local} = ${defaultExpr(g, d)};`);
        body.close();
      }
    }
    entries.push(value === f.prop ? f.prop : `${f.prop}: ${value}`);
  }
  if (flex) {
    const known = s.fields.filter((f) => isTagged(f) && intersect(f.versions, flex)).sort((a, b) => a.tag! - b.tag!);
    const guarded = flexCond !== 'true';
    if (known.length === 0 && !guarded) {
      body.line('const _unknown = readUnknownTaggedFields(r);');
    } else if (known.length === 0) {
      body.line('const _unknown = flexible ? readUnknownTaggedFields(r) : undefined;');
    } else {
      body.line('let _unknown: TaggedField[] | undefined;');
      if (guarded) body.open('if (flexible) {');
      body.line('const _count = r.readUVarint();');
      body.open('for (let _t = 0; _t < _count; _t++) {');
      body.line('const _tag = r.readUVarint();');
      body.line('const _data = r.readRaw(r.readUVarint());');
      known.forEach((f, i) => {
        const range = intersect(f.versions, flex)!;
        const c = cond(f.versions, flex);
        const test = c === 'true' ? `_tag === ${f.tag}` : `_tag === ${f.tag} && ${c}`;
        if (i === 0) body.open(`if (${test}) {`);
        else body.mid(`} else if (${test}) {`);
        body.line('const _r = new Reader(_data);');
        emitRead(body, g, s, f, '_r', range, localName(f.prop), false);
        body.line(`if (_r.offset !== _r.end) throw new ProtocolError(${quote(`${where(s, f)}: tagged field size mismatch`)});`);
      });
      body.mid('} else {');
      body.line('(_unknown ??= []).push({ tag: _tag, data: _data });');
      body.close();
      body.close();
      if (guarded) body.close();
    }
  }
  const bodyText = body.text();
  const bare = stripStrings(bodyText + '\n' + entries.join(' '));
  const usesFlexible = usesIdent(bare, 'flexible');
  const usesVersion = usesFlexible || usesIdent(bare, 'version');
  const usesR = usesIdent(bare, 'r');
  code.open(
    `export function decode${s.tsName}(${usesR ? 'r' : '_r'}: Reader, ${usesVersion ? 'version' : '_version'}: number): ${s.tsName} {`,
  );
  if (usesFlexible) code.line(`const flexible = ${flexCond};`);
  for (const l of bodyText.split('\n')) if (l.length > 0) code.line(l);
  if (flex) {
    code.line(`const _m: ${s.tsName} = ${objectLiteral(entries)};`);
    code.line('if (_unknown !== undefined) _m._unknownTaggedFields = _unknown;');
    code.line('return _m;');
  } else {
    code.line(`return ${objectLiteral(entries)};`);
  }
  code.close();
}

function objectLiteral(entries: string[], indent = '  '): string {
  if (entries.length === 0) return '{}';
  const flat = `{ ${entries.join(', ')} }`;
  if (flat.length <= 90) return flat;
  return `{\n${entries.map((e) => `${indent}  ${e},`).join('\n')}\n${indent}}`;
}

function paren(e: string): string {
  return /^[\w.!]+$/.test(e) || /^[\w.]+ !== [\w.'-]+$/.test(e) ? e : `(${e})`;
}

function stripStrings(s: string): string {
  return s.replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
}

/** Whether generated code (strings removed) uses identifier `id` as a variable, not as a property or key. */
function usesIdent(code: string, id: string): boolean {
  return new RegExp(`(?<![.\\w$])${id}(?![\\w$:])`).test(code);
}

function emitEncoder(code: Code, g: Gen, s: StructSpec): void {
  const ctx = s.versions;
  const flex = flexRange(g, s);
  const body = new Code();
  const flexCond = cond(g.msg.flexibleVersions, ctx);
  for (const f of s.fields) {
    if (isTagged(f)) continue;
    const range = intersect(f.versions, ctx);
    const c = cond(f.versions, ctx);
    if (!range || c === 'false') continue;
    const guarded = c !== 'true';
    if (guarded) body.open(`if (${c}) {`);
    const t = f.type;
    if (t.kind === 'primitive' && isFixed(t.name) && t.name !== 'uuid') {
      const d = fieldDefault(f, where(s, f));
      body.line(writePrimStmt(t.name, 'w', `m.${f.prop} ?? ${defaultExpr(g, d)}`, 'false', false));
    } else {
      if (!guarded) body.open('{');
      body.line(`const _v = ${defaultedValue(g, s, f, 'm')};`);
      emitWrite(body, g, s, f, 'w', range, '_v');
      if (!guarded) body.close();
    }
    if (guarded) body.close();
  }
  if (flex) {
    const tagged = s.fields.filter((f) => isTagged(f) && intersect(f.versions, flex)).sort((a, b) => a.tag! - b.tag!);
    if (tagged.length === 0) {
      body.line(`${flexCond !== 'true' ? 'if (flexible) ' : ''}writeTaggedFields(w, undefined, m._unknownTaggedFields);`);
    } else {
      if (flexCond !== 'true') body.open('if (flexible) {');
      body.line('let _tagged: TaggedField[] | undefined;');
      for (const f of tagged) {
        const range = intersect(f.versions, flex)!;
        const c = cond(f.versions, flex);
        body.open(c === 'true' ? '{' : `if (${c}) {`);
        // undefined is the default, and defaults are not written
        body.line(`const _v = m.${f.prop};`);
        body.open(`if (_v !== undefined && ${paren(nonDefaultTest(g, f, '_v'))}) {`);
        body.line('const _w = new Writer(64);');
        emitWrite(body, g, s, f, '_w', range, '_v');
        body.line(`(_tagged ??= []).push({ tag: ${f.tag}, data: _w.toBuffer() });`);
        body.close();
        body.close();
      }
      body.line('writeTaggedFields(w, _tagged, m._unknownTaggedFields);');
      if (flexCond !== 'true') body.close();
    }
  }
  const bodyText = body.text();
  const bare = stripStrings(bodyText);
  const usesFlexible = usesIdent(bare, 'flexible');
  const usesVersion = usesFlexible || usesIdent(bare, 'version');
  const fn = new Code();
  fn.open(
    `export function encode${s.tsName}(${usesIdent(bare, 'w') ? 'w' : '_w'}: Writer, ${usesVersion ? 'version' : '_version'}: number, ${usesIdent(bare, 'm') ? 'm' : '_m'}: ${s.tsName}): void {`,
  );
  if (usesFlexible) fn.line(`const flexible = ${flexCond};`);
  for (const l of bodyText.split('\n')) if (l.length > 0) fn.line(l);
  fn.close();
  for (const l of fn.text().split('\n')) code.line(l);
}

function emitDefaultFn(code: Code, g: Gen, s: StructSpec): void {
  const entries = s.fields.map((f) => `${f.prop}: ${defaultExpr(g, fieldDefault(f, where(s, f)))}`);
  code.open(`function default${s.tsName}(): ${s.tsName} {`);
  code.line(`return ${objectLiteral(entries)};`);
  code.close();
}

function emitIsDefaultFn(code: Code, g: Gen, s: StructSpec): void {
  const terms: string[] = [];
  for (const f of s.fields) {
    const c = cond(f.versions, s.versions);
    if (c === 'false') continue;
    const t = isDefaultTest(g, f, `s.${f.prop}`);
    terms.push(c === 'true' ? t : `(${not(c)} || ${t})`);
  }
  if (structCanBeFlexible(g.msg, s)) terms.push('(s._unknownTaggedFields === undefined || s._unknownTaggedFields.length === 0)');
  const bare = stripStrings(terms.join(' '));
  const v = usesIdent(bare, 'version') ? 'version' : '_version';
  const sv = usesIdent(bare, 's') ? 's' : '_s';
  code.open(`function isDefault${s.tsName}(${sv}: ${s.tsName}, ${v}: number): boolean {`);
  if (terms.length === 0) code.line('return true;');
  else {
    code.line(`return (`);
    for (let i = 0; i < terms.length; i++) code.line(`  ${terms[i]}${i < terms.length - 1 ? ' &&' : ''}`);
    code.line(');');
  }
  code.close();
}

function metaFlexible(msg: MessageSpec): number {
  return msg.flexibleVersions ? msg.flexibleVersions.lo : -1;
}

export function emitMessage(msg: MessageSpec): string {
  const g: Gen = { msg, needDefault: new Set(), needIsDefault: new Set() };
  const parts = new Code();
  for (const s of msg.structs) {
    emitInterface(parts, g, s);
    parts.line();
  }
  parts.line(
    `export const ${msg.name}Meta = { apiKey: ${msg.apiKey ?? -1}, validVersions: [${msg.validVersions.lo}, ${msg.validVersions.hi}], flexibleVersions: ${metaFlexible(msg)} } as const;`,
  );
  for (const s of msg.structs) {
    parts.line();
    emitDecoder(parts, g, s);
    parts.line();
    emitEncoder(parts, g, s);
  }
  // helpers referenced by the code above (and by each other), in a stable order
  const emittedDefault = new Set<StructSpec>();
  const emittedIsDefault = new Set<StructSpec>();
  for (;;) {
    let progress = false;
    for (const s of msg.structs) {
      if (g.needDefault.has(s) && !emittedDefault.has(s)) {
        emittedDefault.add(s);
        parts.line();
        emitDefaultFn(parts, g, s);
        progress = true;
      }
      if (g.needIsDefault.has(s) && !emittedIsDefault.has(s)) {
        emittedIsDefault.add(s);
        parts.line();
        emitIsDefaultFn(parts, g, s);
        progress = true;
      }
    }
    if (!progress) break;
  }
  const body = parts.text();
  const bare = stripStrings(body);
  const uses = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(bare);
  const depth = msg.group === 'records' ? '../../' : '../';
  const typesPath = msg.group === 'records' ? '../types.js' : './types.js';
  const prim: string[] = [];
  if (uses('ProtocolError')) prim.push('ProtocolError');
  prim.push(/new Reader\(/.test(bare) ? 'Reader' : 'type Reader');
  prim.push(/new Writer\(/.test(bare) ? 'Writer' : 'type Writer');
  if (uses('ZERO_UUID')) prim.push('ZERO_UUID');
  const typeImports: string[] = [];
  for (const n of ['EMPTY_BYTES', 'nullFieldError', 'readUnknownTaggedFields', 'writeTaggedFields']) if (uses(n)) typeImports.push(n);
  for (const n of ['Records', 'TaggedField']) if (uses(n)) typeImports.push(`type ${n}`);
  const head = new Code();
  head.line(`// Generated by worker/protocol/codegen from ${msg.name}.json. Do not edit.`);
  head.line(`import { ${prim.join(', ')} } from '${depth}primitives.js';`);
  if (typeImports.length > 0) head.line(`import { ${typeImports.join(', ')} } from '${typesPath}';`);
  head.line();
  return `${head.text()}\n${body}\n`;
}

export function messagePath(msg: MessageSpec): string {
  return msg.group === 'records' ? `records/${kebab(msg.name)}.ts` : `${kebab(msg.name)}.ts`;
}

// ---------------------------------------------------------------------------------------------------------
// Shared runtime helpers (types.ts), API key table (api-keys.ts) and index.ts

export function emitTypes(): string {
  return `// Generated by worker/protocol/codegen. Do not edit.
// Types and small helpers shared by the generated message codecs.
import type { Reader, Writer } from '../primitives.js';

/** Record batches: decoders return one Buffer (a view of the input); encoders also take a list written by reference. */
export type Records = Buffer | readonly Buffer[];

/** A tagged field the codec does not know, kept so that a decode/encode round trip preserves it. */
export interface TaggedField {
  tag: number;
  data: Buffer;
}

/** Default for bytes and records fields. Zero-length, so sharing it is harmless. */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/** Reads a tagged-field section of a struct that has no known tagged fields. */
export function readUnknownTaggedFields(r: Reader): TaggedField[] | undefined {
  const count = r.readUVarint();
  if (count === 0) return undefined;
  const out: TaggedField[] = [];
  for (let i = 0; i < count; i++) {
    const tag = r.readUVarint();
    out.push({ tag, data: r.readRaw(r.readUVarint()) });
  }
  return out;
}

function byTag(a: TaggedField, b: TaggedField): number {
  return a.tag - b.tag;
}

/**
 * Writes a tagged-field section: the known fields (already in increasing tag order) merged with the
 * unknown ones kept from a decode, in increasing tag order.
 */
export function writeTaggedFields(
  w: Writer,
  known: readonly TaggedField[] | undefined,
  unknown: readonly TaggedField[] | undefined,
): void {
  if (unknown === undefined || unknown.length === 0) {
    if (known === undefined) {
      w.writeUVarint(0);
      return;
    }
    w.writeUVarint(known.length);
    for (const f of known) w.writeUVarint(f.tag).writeUVarint(f.data.length).writeRaw(f.data);
    return;
  }
  const all = known === undefined ? unknown.slice() : known.concat(unknown);
  all.sort(byTag);
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.tag === all[i - 1]!.tag) throw new Error('duplicate tagged field ' + all[i]!.tag);
  }
  w.writeUVarint(all.length);
  for (const f of all) w.writeUVarint(f.tag).writeUVarint(f.data.length).writeRaw(f.data);
}

/** A caller tried to encode null into a field that is not nullable at that version: a bug, not bad input. */
export function nullFieldError(field: string, version: number): Error {
  return new Error(field + ' is not nullable in version ' + version + ' but is null');
}
`;
}

export function emitApiKeys(messages: MessageSpec[]): string {
  const requests = messages.filter((m) => m.kind === 'request').sort((a, b) => a.apiKey! - b.apiKey!);
  const responses = new Map(messages.filter((m) => m.kind === 'response').map((m) => [m.apiKey!, m]));
  const seen = new Set<number>();
  const code = new Code();
  code.line('// Generated by worker/protocol/codegen from messages/*Request.json. Do not edit.');
  code.line("import { ProtocolError } from '../primitives.js';");
  code.line();
  code.open('export interface ApiKeyInfo {');
  code.line('apiKey: number;');
  code.line('name: string;');
  code.line('validVersions: [number, number];');
  code.line('/** First flexible version, or -1 when the API is never flexible. */');
  code.line('flexibleVersions: number;');
  code.line('listeners: readonly string[];');
  code.close();
  code.line();
  code.open('export const API_KEYS: readonly ApiKeyInfo[] = [');
  let controlledShutdown: number | undefined;
  let apiVersions: number | undefined;
  const names: [string, number][] = [];
  for (const m of requests) {
    const key = m.apiKey;
    if (key === undefined || !Number.isInteger(key)) throw new Error(`${m.fileName}: request without apiKey`);
    if (seen.has(key)) throw new Error(`${m.fileName}: duplicate apiKey ${key}`);
    seen.add(key);
    if (!m.name.endsWith('Request')) throw new Error(`${m.fileName}: request name must end in Request`);
    const name = m.name.slice(0, -'Request'.length);
    const res = responses.get(key);
    if (!res) throw new Error(`${m.fileName}: no response for apiKey ${key}`);
    if (metaFlexible(res) !== metaFlexible(m) || res.validVersions.lo !== m.validVersions.lo || res.validVersions.hi !== m.validVersions.hi)
      throw new Error(`${m.fileName}: request and response disagree on versions`);
    if (name === 'ControlledShutdown') controlledShutdown = key;
    if (name === 'ApiVersions') apiVersions = key;
    names.push([name, key]);
    const listeners = m.listeners.map(quote).join(', ');
    code.line(
      `{ apiKey: ${key}, name: ${quote(name)}, validVersions: [${m.validVersions.lo}, ${m.validVersions.hi}], flexibleVersions: ${metaFlexible(m)}, listeners: [${listeners}] },`,
    );
  }
  code.close('];');
  if (controlledShutdown === undefined || apiVersions === undefined) throw new Error('ApiVersions/ControlledShutdown definitions missing');
  code.line();
  code.open('export const ApiKey = {');
  for (const [n, k] of names) code.line(`${n}: ${k},`);
  code.close('} as const;');
  code.line();
  code.line('const BY_KEY: (ApiKeyInfo | undefined)[] = [];');
  code.line('for (const info of API_KEYS) BY_KEY[info.apiKey] = info;');
  code.line();
  code.open('export function apiKeyInfo(apiKey: number): ApiKeyInfo | undefined {');
  code.line('return BY_KEY[apiKey];');
  code.close();
  code.line();
  code.open('function lookup(apiKey: number): ApiKeyInfo {');
  code.line('const info = BY_KEY[apiKey];');
  code.line("if (info === undefined) throw new ProtocolError('unknown API key ' + apiKey);");
  code.line('return info;');
  code.close();
  code.line();
  code.line('/** Request header version: 2 for flexible versions, 1 otherwise; 0 for ControlledShutdown v0. */');
  code.open('export function requestHeaderVersion(apiKey: number, version: number): number {');
  code.line('const info = lookup(apiKey);');
  code.line(`if (apiKey === ${controlledShutdown} && version === 0) return 0;`);
  code.line('return info.flexibleVersions >= 0 && version >= info.flexibleVersions ? 2 : 1;');
  code.close();
  code.line();
  code.line('/** Response header version: 1 for flexible versions, 0 otherwise; always 0 for ApiVersions (KIP-511). */');
  code.open('export function responseHeaderVersion(apiKey: number, version: number): number {');
  code.line('const info = lookup(apiKey);');
  code.line(`if (apiKey === ${apiVersions}) return 0;`);
  code.line('return info.flexibleVersions >= 0 && version >= info.flexibleVersions ? 1 : 0;');
  code.close();
  return code.text() + '\n';
}

export function emitIndex(messages: MessageSpec[]): string {
  const lines = ['// Generated by worker/protocol/codegen. Do not edit.', "export * from './types.js';", "export * from './api-keys.js';"];
  const paths = messages.map(messagePath).sort();
  for (const p of paths) lines.push(`export * from './${p.replace(/\.ts$/, '.js')}';`);
  return lines.join('\n') + '\n';
}

/** Every generated file, keyed by path relative to the generated directory. */
export function emitAll(messages: MessageSpec[]): Map<string, string> {
  const files = new Map<string, string>();
  const exported = new Map<string, string>();
  const claim = (name: string, file: string): void => {
    const prev = exported.get(name);
    if (prev !== undefined) throw new Error(`exported name ${name} is defined by both ${prev} and ${file}`);
    exported.set(name, file);
  };
  for (const n of ['Records', 'TaggedField', 'EMPTY_BYTES', 'readUnknownTaggedFields', 'writeTaggedFields', 'nullFieldError'])
    claim(n, 'types.ts');
  for (const n of ['ApiKeyInfo', 'API_KEYS', 'ApiKey', 'apiKeyInfo', 'requestHeaderVersion', 'responseHeaderVersion']) claim(n, 'api-keys.ts');
  const sorted = [...messages].sort((a, b) => (a.group + a.name < b.group + b.name ? -1 : 1));
  for (const m of sorted) {
    const p = messagePath(m);
    if (files.has(p)) throw new Error(`two definitions generate ${p}`);
    claim(`${m.name}Meta`, p);
    for (const s of m.structs) {
      claim(s.tsName, p);
      claim(`decode${s.tsName}`, p);
      claim(`encode${s.tsName}`, p);
    }
    files.set(p, emitMessage(m));
  }
  files.set('types.ts', emitTypes());
  files.set('api-keys.ts', emitApiKeys(messages));
  files.set('index.ts', emitIndex(messages));
  return new Map([...files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

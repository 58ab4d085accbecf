// Turning a record's bytes (base64 from the contract) into something to show. Everything here is bounded: a 10 MB
// value is decoded once into bytes, but only a capped prefix is ever turned into text for the DOM, and JSON is parsed
// only when the user opens the JSON view.
import type { Bytes } from '../../../../main/contract/ui-api.js';

export type DecodeMode = 'auto' | 'text' | 'json' | 'hex' | 'base64';
/** What auto-detection settled on. */
export type DetectedKind = 'empty' | 'json' | 'text' | 'binary';

export const DECODE_MODES: readonly DecodeMode[] = ['auto', 'text', 'json', 'hex', 'base64'];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const step = 0x8000; // String.fromCharCode's argument count stays well below engine limits
  for (let i = 0; i < bytes.length; i += step) bin += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(bin);
}

/** The first `maxBytes` bytes of a base64 string without decoding the rest. */
export function base64Prefix(b64: string, maxBytes: number): Uint8Array {
  const chars = Math.ceil(maxBytes / 3) * 4;
  return base64ToBytes(chars >= b64.length ? b64 : b64.slice(0, chars)).subarray(0, maxBytes);
}

/** UTF-8 text, or null when the bytes are not valid UTF-8. A prefix may end inside a character: tolerate that. */
export function utf8OrNull(bytes: Uint8Array, isPrefix = false): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    if (!isPrefix) return null;
    // Drop up to 3 trailing bytes of a character cut by the prefix and try again.
    for (let cut = 1; cut <= 3 && cut < bytes.length; cut++) {
      try {
        return strictUtf8.decode(bytes.subarray(0, bytes.length - cut));
      } catch {
        /* keep cutting */
      }
    }
    return null;
  }
}

export function utf8Lenient(bytes: Uint8Array): string {
  return lenientUtf8.decode(bytes);
}

/** Mostly printable text (control characters other than whitespace make it binary). */
function looksPrintable(text: string): boolean {
  const sample = text.length > 4096 ? text.slice(0, 4096) : text;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) control++;
  }
  return control <= sample.length * 0.02;
}

/**
 * Auto-detection: JSON when the text starts like a JSON object/array and (for complete values) parses; text for
 * printable UTF-8; binary otherwise. Truncated values that start like JSON are called JSON without parsing.
 */
export function detect(bytes: Uint8Array, truncated: boolean): DetectedKind {
  if (bytes.length === 0) return 'empty';
  const text = utf8OrNull(bytes, truncated);
  if (text === null || !looksPrintable(text)) return 'binary';
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    if (truncated) return 'json';
    try {
      JSON.parse(text);
      return 'json';
    } catch {
      return 'text';
    }
  }
  return 'text';
}

/**
 * The schema id of a value in the Schema Registry wire format (magic byte 0, then the id as a big-endian int32,
 * then the Avro/Protobuf/JSON-Schema payload), or null when the bytes do not look like one.
 */
export function schemaRegistryId(bytes: Uint8Array): number | null {
  if (bytes.length < 6 || bytes[0] !== 0) return null;
  const id = ((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0;
  return id > 0 && id < 1 << 30 ? id : null;
}

/** Hex dump lines ("00000000  7b 22 61 …  {"a…") of the first maxBytes. */
export function hexDump(bytes: Uint8Array, maxBytes = 64 * 1024): string {
  const n = Math.min(bytes.length, maxBytes);
  const lines: string[] = [];
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i < row.length) {
        hex += row[i]!.toString(16).padStart(2, '0') + ' ';
        ascii += row[i]! >= 32 && row[i]! < 127 ? String.fromCharCode(row[i]!) : '.';
      } else hex += '   ';
      if (i === 7) hex += ' ';
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} ${ascii}`);
  }
  return lines.join('\n');
}

/** Compact hex ("7b2261…") of the first maxBytes: for one-line previews. */
export function hexShort(bytes: Uint8Array, maxBytes = 32): string {
  let s = '';
  for (let i = 0; i < Math.min(bytes.length, maxBytes); i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return bytes.length > maxBytes ? `${s}…` : s;
}

const PREVIEW_BYTES = 240;
const previews = new WeakMap<Bytes, string>();

/** A one-line preview of a key or value for the list row: never decodes more than a few hundred bytes. */
export function preview(b: Bytes | null, mode: DecodeMode = 'auto'): string {
  if (b === null) return '';
  if (b.size === 0) return '';
  const cacheable = mode === 'auto';
  if (cacheable) {
    const hit = previews.get(b);
    if (hit !== undefined) return hit;
  }
  let out: string;
  if (mode === 'base64') out = b.base64.slice(0, PREVIEW_BYTES);
  else {
    const head = base64Prefix(b.base64, PREVIEW_BYTES);
    const partial = head.length < b.size;
    if (mode === 'hex') out = hexShort(head, 64);
    else {
      const text = utf8OrNull(head, partial);
      if (text === null || (mode === 'auto' && !looksPrintable(text))) {
        const schema = mode === 'auto' ? schemaRegistryId(head) : null;
        out = mode !== 'auto' ? utf8Lenient(head) : schema !== null ? `[schema ${schema}] 0x${hexShort(head.subarray(5), 32)}` : `0x${hexShort(head, 32)}`;
      }
      else out = text.replace(/\s+/g, ' ');
    }
  }
  if (cacheable) previews.set(b, out);
  return out;
}

/** Value as text for exports and copying: UTF-8 when it is valid, otherwise null (the caller falls back to base64). */
export function fullText(b: Bytes | null): string | null {
  if (b === null) return null;
  return utf8OrNull(base64ToBytes(b.base64));
}

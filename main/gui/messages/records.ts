// Records as the contract shows them (base64 bytes cut at maxValueBytes) and the message filter's plain checks.
import type { Bytes, MessageFilter, MessageRecord } from '../../contract/ui-api.js';
import type { FilterInput } from './filter-sandbox.js';
import type { FetchedRecord } from './fetch.js';

/** The expression sees at most this much of a key or value as text. */
const FILTER_TEXT_LIMIT = 1024 * 1024;

export function toBytes(buf: Buffer | null, max: number): Bytes | null {
  if (buf === null) return null;
  const truncated = buf.length > max;
  return { base64: (truncated ? buf.subarray(0, max) : buf).toString('base64'), size: buf.length, truncated };
}

export function toMessage(topic: string, r: FetchedRecord, max: number): MessageRecord {
  const size = (r.key?.length ?? 0) + (r.value?.length ?? 0) + r.headers.reduce((s, h) => s + Buffer.byteLength(h.key) + (h.value?.length ?? 0), 0);
  return {
    topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    timestampType: r.timestampType,
    key: toBytes(r.key, max),
    value: toBytes(r.value, max),
    headers: r.headers.map((h) => ({ key: h.key, value: toBytes(h.value, max) })),
    size,
  };
}

const text = (b: Buffer | null, limit = Infinity): string | null => (b === null ? null : (b.length > limit ? b.subarray(0, limit) : b).toString('utf8'));

/** A filter's substrings as UTF-8 bytes, encoded once per browse. */
export interface PlainFilter {
  key: Buffer | null;
  value: Buffer | null;
  header: string | null;
  headerBytes: Buffer | null;
}

export function plainFilter(f: MessageFilter | undefined): PlainFilter | null {
  if (!f || (!f.key && !f.value && !f.header)) return null;
  return {
    key: f.key ? Buffer.from(f.key, 'utf8') : null,
    value: f.value ? Buffer.from(f.value, 'utf8') : null,
    header: f.header || null,
    headerBytes: f.header ? Buffer.from(f.header, 'utf8') : null,
  };
}

/**
 * The substring parts of a filter (key, value, header); all given must match. Searched in the bytes: for UTF-8 text a
 * substring of the decoded string is exactly a byte substring, and scanning a whole topic no longer decodes every
 * key and value into a string first.
 */
export function plainMatch(f: PlainFilter | null, r: FetchedRecord): boolean {
  if (!f) return true;
  if (f.key && (r.key === null || r.key.indexOf(f.key) < 0)) return false;
  if (f.value && (r.value === null || r.value.indexOf(f.value) < 0)) return false;
  if (f.header && !r.headers.some((h) => h.key.includes(f.header!) || (h.value !== null && h.value.indexOf(f.headerBytes!) >= 0))) return false;
  return true;
}

export function filterInput(r: FetchedRecord): FilterInput {
  return {
    key: text(r.key, FILTER_TEXT_LIMIT),
    value: text(r.value, FILTER_TEXT_LIMIT),
    headers: r.headers.map((h) => ({ key: h.key, value: text(h.value, FILTER_TEXT_LIMIT) })),
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
  };
}

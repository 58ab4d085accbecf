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

/** The substring parts of a filter (key, value, header); all given must match. */
export function plainMatch(f: MessageFilter | undefined, r: FetchedRecord): boolean {
  if (!f) return true;
  if (f.key && !(text(r.key) ?? '').includes(f.key)) return false;
  if (f.value && !(text(r.value) ?? '').includes(f.value)) return false;
  if (f.header && !r.headers.some((h) => h.key.includes(f.header!) || (text(h.value) ?? '').includes(f.header!))) return false;
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

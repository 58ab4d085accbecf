// Export of records to JSON lines or CSV. "All matching" pages through browse/browseMore with the view's query (its
// filter included) until the selected partitions are exhausted; values the page truncated are fetched whole with
// message(). The file is assembled as a Blob from string chunks, so the page never builds one giant string.
import type { Bytes, BrowseQuery, MessageRecord } from '../../../../main/contract/ui-api.js';
import { call } from '../api/index.js';
import { base64ToBytes, utf8OrNull } from './decode.js';

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportProgress {
  exported: number;
  scanned: number;
  /** Records in the selected partitions at the start (an upper bound for the bar); null when unknown. */
  total: number | null;
}

/** Value of a key, value or header in an export: UTF-8 text when valid, else { base64 }. */
export type ExportedBytes = string | { base64: string } | null;

export function exportedBytes(b: Bytes | null): ExportedBytes {
  if (b === null) return null;
  const text = utf8OrNull(base64ToBytes(b.base64));
  return text === null ? { base64: b.base64 } : text;
}

export function recordToJson(m: MessageRecord): Record<string, unknown> {
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    timestampType: m.timestampType,
    key: exportedBytes(m.key),
    value: exportedBytes(m.value),
    headers: m.headers.map((h) => ({ key: h.key, value: exportedBytes(h.value) })),
  };
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvBytes(b: ExportedBytes): string {
  if (b === null) return '';
  return typeof b === 'string' ? b : `base64:${b.base64}`;
}

export const CSV_HEADER = 'topic,partition,offset,timestamp,timestampType,key,value,headers\r\n';

export function formatRecord(m: MessageRecord, format: ExportFormat): string {
  const j = recordToJson(m);
  if (format === 'jsonl') return `${JSON.stringify(j)}\n`;
  const headers = m.headers.length ? JSON.stringify(j.headers) : '';
  return [m.topic, String(m.partition), String(m.offset), new Date(m.timestamp).toISOString(), m.timestampType, csvBytes(j.key as ExportedBytes), csvBytes(j.value as ExportedBytes), headers].map(csvField).join(',') + '\r\n';
}

/** Records whose key or value the browse truncated, fetched whole. */
async function whole(conn: string, m: MessageRecord): Promise<MessageRecord> {
  const cut = m.key?.truncated || m.value?.truncated || m.headers.some((h) => h.value?.truncated);
  if (!cut) return m;
  return (await call('message', conn, m.topic, m.partition, m.offset)) ?? m;
}

export class ExportCancelled extends Error {
  override name = 'CANCELLED';
  constructor() {
    super('export cancelled');
  }
}

const PAGE = 10_000;
/** Bytes per key/value per page; bigger ones come whole from message(). */
const PAGE_VALUE_BYTES = 1 << 20;

export interface ExportJob {
  conn: string;
  format: ExportFormat;
  /** Given rows (selected or loaded), or every record matching the query. */
  source: { rows: MessageRecord[] } | { query: BrowseQuery; total: number | null };
  signal: AbortSignal;
  onProgress: (p: ExportProgress) => void;
}

export async function exportRecords(job: ExportJob): Promise<{ blob: Blob; count: number }> {
  const chunks: string[] = job.format === 'csv' ? [CSV_HEADER] : [];
  let pending = '';
  let exported = 0;
  let scanned = 0;
  const check = () => {
    if (job.signal.aborted) throw new ExportCancelled();
  };
  const add = async (messages: MessageRecord[]) => {
    for (const m of messages) {
      check();
      pending += formatRecord(await whole(job.conn, m), job.format);
      exported++;
      if (pending.length > 1 << 20) {
        chunks.push(pending);
        pending = '';
      }
    }
  };

  if ('rows' in job.source) {
    const rows = job.source.rows;
    for (let i = 0; i < rows.length; i += 1000) {
      await add(rows.slice(i, i + 1000));
      job.onProgress({ exported, scanned: exported, total: rows.length });
      await new Promise((r) => setTimeout(r, 0)); // let the progress bar paint and Cancel click
    }
  } else {
    const query: BrowseQuery = { ...job.source.query, limit: PAGE, maxValueBytes: PAGE_VALUE_BYTES };
    let r = await call('browse', job.conn, query);
    for (;;) {
      check();
      scanned += r.scanned;
      await add(r.messages);
      job.onProgress({ exported, scanned, total: job.source.total });
      if (r.done) break;
      check();
      r = await call('browseMore', job.conn, query, r.cursor);
    }
  }
  if (pending) chunks.push(pending);
  const type = job.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  return { blob: new Blob(chunks, { type }), count: exported };
}

/** Saves a Blob through the browser's download (the same in Electron, which shows a save dialog). */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// The message browser's state: the loaded records (one $state.raw array, replaced on every page so Svelte never
// proxies 100,000 records), the cursor to continue from, and the live-tail loop (long-polls tail() and appends).
import type { BrowseCursor, BrowseQuery, BrowseResult, MessageRecord } from '../../../../main/contract/ui-api.js';
import { call } from '../api/index.js';

/** Loaded rows kept at most: live tail drops the oldest beyond this. */
export const MAX_ROWS = 200_000;
/** Records one tail() round trip may bring. */
const TAIL_LIMIT = 2000;
const TAIL_WAIT_MS = 2_000;
/**
 * Tailed records reach the list at most this often. A busy topic answers tail() many times a second, and every
 * update re-renders the rows in view; at 10,000 msg/s painting each answer kept frames near 80 ms.
 */
const TAIL_PAINT_MS = 200;

export function recordKey(m: { partition: number; offset: number }): string {
  return `${m.partition}:${m.offset}`;
}

export class MessageBrowser {
  rows = $state.raw<MessageRecord[]>([]);
  cursor = $state.raw<BrowseCursor | null>(null);
  /** Every selected partition exhausted in the direction read. */
  done = $state(false);
  timedOut = $state(false);
  /** Records the backend read (more than rows when a filter is on). */
  scanned = $state(0);
  loading = $state(false);
  error = $state.raw<unknown>(null);
  /** The live-tail loop is running. */
  live = $state(false);
  /** Keys of the rows ticked for export. */
  checked = $state.raw<ReadonlySet<string>>(new Set());
  /** Messages per second arriving in live mode (over the last few seconds). */
  liveRate = $state(0);

  readonly conn: string;
  readonly query: BrowseQuery;
  /** Newest first on screen: tailed records go on top. */
  readonly newestFirst: boolean;
  #generation = 0;
  #tailCursor: BrowseCursor | null = null;
  /** For a newest-first view: where the topic ended when it was read, so a later live tail misses nothing. */
  #endCursor: BrowseCursor | null = null;
  #arrivals: { t: number; n: number }[] = [];
  /** Tailed records not painted yet, and when the list last took some. */
  #pending: MessageRecord[] = [];
  #paintTimer: ReturnType<typeof setTimeout> | null = null;
  #lastPaint = 0;

  constructor(conn: string, query: BrowseQuery) {
    this.conn = conn;
    this.query = query;
    this.newestFirst = query.direction === 'backward';
  }

  /** The query's first page. */
  async run(): Promise<void> {
    const gen = ++this.#generation;
    this.#dropPending();
    this.live = false;
    this.loading = true;
    this.error = null;
    try {
      const fromEnd = this.query.direction === 'backward' && this.query.start.kind === 'latest';
      const [r, end] = await Promise.all([call('browse', this.conn, this.query), fromEnd ? call('browse', this.conn, this.#endQuery()).catch(() => null) : null]);
      if (gen !== this.#generation) return;
      this.rows = r.messages;
      this.#endCursor = end?.cursor ?? null;
      this.#took(r, true);
    } catch (e) {
      if (gen === this.#generation) this.error = e;
    } finally {
      if (gen === this.#generation) this.loading = false;
    }
  }

  /** The next page after the cursor. */
  async more(): Promise<void> {
    if (!this.cursor || this.loading || this.live) return;
    const gen = this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const r = await call('browseMore', this.conn, this.query, this.cursor);
      if (gen !== this.#generation) return;
      this.rows = this.rows.concat(r.messages);
      this.#took(r, false);
    } catch (e) {
      if (gen === this.#generation) this.error = e;
    } finally {
      if (gen === this.#generation) this.loading = false;
    }
  }

  #took(r: BrowseResult, first: boolean): void {
    this.cursor = r.cursor;
    this.done = r.done;
    this.timedOut = r.timedOut;
    this.scanned = first ? r.scanned : this.scanned + r.scanned;
  }

  /**
   * Live tail: continue a forward view from its cursor (so "from earliest, then follow" works), or from the end of
   * the topic for a newest-first view. Records arrive through tail() long-polls until pause() or dispose().
   */
  async startLive(): Promise<void> {
    if (this.live) return;
    const gen = ++this.#generation;
    this.live = true;
    this.loading = false;
    this.error = null;
    this.#arrivals = [];
    // The page's limit (e.g. 100) would cap a busy topic's tail at one page per round trip: take up to TAIL_LIMIT.
    const tailQuery: BrowseQuery = { ...this.query, start: { kind: 'latest' }, direction: 'forward', limit: Math.max(this.query.limit ?? 0, TAIL_LIMIT) };
    try {
      let cursor = this.#tailCursor ?? (this.query.direction === 'forward' ? this.cursor : this.#afterRows());
      if (!cursor) {
        // Start at the end of the topic (start latest, forward: only records that arrive from now on).
        const r: BrowseResult = await call('browse', this.conn, tailQuery);
        if (gen !== this.#generation) return;
        if (r.messages.length) this.#queue(r.messages);
        cursor = r.cursor;
        this.#tailCursor = cursor;
      }
      while (gen === this.#generation) {
        const r: BrowseResult = await call('tail', this.conn, tailQuery, cursor, TAIL_WAIT_MS);
        // Paused or replaced while waiting: drop the answer and keep the old cursor, so resuming reads it again.
        if (gen !== this.#generation) return;
        cursor = r.cursor;
        this.#tailCursor = cursor;
        if (this.query.direction === 'forward') this.cursor = cursor;
        if (r.messages.length) this.#queue(r.messages);
        this.#rate(r.messages.length);
      }
    } catch (e) {
      if (gen === this.#generation) {
        this.error = e;
        this.live = false;
      }
    }
  }

  /** Where the selected partitions end now (start latest, forward, nothing read). */
  #endQuery(): BrowseQuery {
    const q: BrowseQuery = { topic: this.query.topic, start: { kind: 'latest' }, direction: 'forward', limit: 1 };
    if (this.query.partitions) q.partitions = this.query.partitions;
    return q;
  }

  /**
   * A forward cursor just after the newest loaded record of each partition: the newest-first page holds every
   * partition's newest matching records, so tailing from there shows exactly what arrived since. Partitions without
   * a loaded record start where the topic ended when the view was read.
   */
  #afterRows(): BrowseCursor | null {
    const end = this.#endCursor;
    if (!end) return null;
    const positions: Record<number, number> = { ...end.positions };
    const seen = new Set<number>();
    for (const m of this.rows) {
      if (!seen.has(m.partition) || m.offset + 1 > positions[m.partition]!) positions[m.partition] = m.offset + 1;
      seen.add(m.partition);
    }
    return { topic: end.topic, direction: 'forward', positions };
  }

  pause(): void {
    if (!this.live) return;
    this.#generation++;
    this.live = false;
    this.liveRate = 0;
    // What arrived before the pause is shown.
    this.#paint();
  }

  dispose(): void {
    this.#generation++;
    this.live = false;
    this.#dropPending();
  }

  #dropPending(): void {
    if (this.#paintTimer) clearTimeout(this.#paintTimer);
    this.#paintTimer = null;
    this.#pending = [];
  }

  /** Shows tailed records now when the list has not changed for TAIL_PAINT_MS, else with the next paint. */
  #queue(messages: MessageRecord[]): void {
    for (const m of messages) this.#pending.push(m);
    if (this.#paintTimer) return;
    const wait = this.#lastPaint + TAIL_PAINT_MS - Date.now();
    if (wait <= 0) this.#paint();
    else this.#paintTimer = setTimeout(() => this.#paint(), wait);
  }

  #paint(): void {
    if (this.#paintTimer) clearTimeout(this.#paintTimer);
    this.#paintTimer = null;
    if (this.#pending.length === 0) return;
    const messages = this.#pending;
    this.#pending = [];
    this.#lastPaint = Date.now();
    this.#append(messages);
  }

  #append(messages: MessageRecord[]): void {
    let rows = this.newestFirst ? messages.slice().reverse().concat(this.rows) : this.rows.concat(messages);
    if (rows.length > MAX_ROWS) rows = this.newestFirst ? rows.slice(0, MAX_ROWS) : rows.slice(rows.length - MAX_ROWS);
    this.rows = rows;
  }

  #rate(n: number): void {
    const now = Date.now();
    this.#arrivals.push({ t: now, n });
    this.#arrivals = this.#arrivals.filter((a) => now - a.t <= 5_000);
    const span = Math.max(1, now - this.#arrivals[0]!.t) / 1000;
    this.liveRate = this.#arrivals.reduce((s, a) => s + a.n, 0) / Math.max(span, 1);
  }

  toggleChecked(key: string): void {
    const next = new Set(this.checked);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    this.checked = next;
  }

  checkAll(on: boolean): void {
    this.checked = on ? new Set(this.rows.map(recordKey)) : new Set();
  }

  checkedRows(): MessageRecord[] {
    const keys = this.checked;
    return this.rows.filter((m) => keys.has(recordKey(m)));
  }
}

/** The full record behind a truncated one ("show all"); cached per connection/topic/partition/offset. */
const fullRecords = new Map<string, Promise<MessageRecord | null>>();

export function fullRecord(conn: string, m: MessageRecord): Promise<MessageRecord | null> {
  const k = `${conn}\u0000${m.topic}\u0000${m.partition}\u0000${m.offset}`;
  let p = fullRecords.get(k);
  if (!p) {
    p = call('message', conn, m.topic, m.partition, m.offset);
    p.catch(() => fullRecords.delete(k));
    // Keep a handful: a full record can be many megabytes.
    if (fullRecords.size >= 8) fullRecords.delete(fullRecords.keys().next().value!);
    fullRecords.set(k, p);
  }
  return p;
}

// Browsing a topic's messages forward or backward from a start position, all chosen partitions merged by timestamp,
// with filters, a message limit and a time budget; a cursor continues where a browse stopped. Partitions are read
// in bounded chunks (never the whole topic), each record is filtered once and kept only as its truncated copy.
import type { BrowseCursor, BrowseQuery, BrowseResult, MessageRecord } from '../../contract/ui-api.js';
import type { Connection } from '../connection.js';
import { badRequest, uiError } from '../errors.js';
import type { ClusterMetadataSnapshot } from '../kafka-client.js';
import { listOffsets, offsetRange, pkey } from '../offsets.js';
import { findTopic } from '../topics.js';
import { fetchPartitions, skippedWithin, type FetchedRecord, type SkippedBatch } from './fetch.js';
import type { FilterCache } from './filter-sandbox.js';
import { filterInput, plainFilter, plainMatch, toMessage } from './records.js';

const CHUNK_BYTES = 1024 * 1024;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
const DEFAULT_VALUE_BYTES = 16 * 1024;
const DEFAULT_BUDGET_MS = 3_000;

interface Item {
  record: FetchedRecord;
  match: boolean;
}

interface PartitionState {
  partition: number;
  /** forward: next offset to read; backward: read below this. */
  pos: number;
  start: number;
  end: number;
  /** Read but not yet taken, in the order they are taken, from `head` on (no shift(): buffers hold ~26k records). */
  buffer: Item[];
  head: number;
  /**
   * Where the read that filled the buffer ended (forward) or began (backward): once the buffer is taken, the
   * position moves there, past records that were skipped (FetchOptions.mustContain) or were not messages.
   */
  bound: number;
  /** Batches of the last read left undecoded (no match possible): counted as scanned when the position passes them. */
  skipped: SkippedBatch[];
  failures: number;
}

function normalize(q: BrowseQuery) {
  if (!q || typeof q.topic !== 'string') throw badRequest('browse: topic is required');
  const direction = q.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') throw badRequest(`browse: direction must be forward or backward, got ${direction}`);
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest(`browse: limit must be between 1 and ${MAX_LIMIT}, got ${q.limit}`);
  const maxValueBytes = q.maxValueBytes ?? DEFAULT_VALUE_BYTES;
  if (!Number.isInteger(maxValueBytes) || maxValueBytes < 0) throw badRequest('browse: maxValueBytes must be a whole number of bytes');
  const budget = q.timeBudgetMs ?? DEFAULT_BUDGET_MS;
  if (!Number.isFinite(budget) || budget <= 0) throw badRequest('browse: timeBudgetMs must be positive');
  const start = q.start ?? { kind: direction === 'backward' ? 'latest' : 'earliest' };
  return { direction, limit, maxValueBytes, budget, start } as const;
}

/** Where each partition starts for a query without a cursor. */
async function startPositions(c: Connection, q: BrowseQuery, direction: 'forward' | 'backward', partitions: number[], range: { start: Map<string, number>; end: Map<string, number> }): Promise<Map<number, number>> {
  const s = q.start ?? { kind: direction === 'backward' ? 'latest' : 'earliest' };
  const lso = (p: number) => range.start.get(pkey(q.topic, p)) ?? 0;
  const hw = (p: number) => range.end.get(pkey(q.topic, p)) ?? 0;
  const clamp = (p: number, o: number) => Math.min(Math.max(o, lso(p)), hw(p));
  const out = new Map<number, number>();
  switch (s.kind) {
    case 'earliest':
      for (const p of partitions) out.set(p, lso(p));
      break;
    case 'latest':
      for (const p of partitions) out.set(p, hw(p));
      break;
    case 'offset':
      if (!Number.isInteger(s.offset)) throw badRequest('browse: start.offset must be a whole number');
      // Backward from an offset includes that offset.
      for (const p of partitions) out.set(p, clamp(p, direction === 'backward' ? s.offset + 1 : s.offset));
      break;
    case 'timestamp': {
      if (!Number.isFinite(s.timestamp)) throw badRequest('browse: start.timestamp must be ms since the epoch');
      const at = await listOffsets(c.client, [{ topic: q.topic, partitions }], BigInt(Math.trunc(s.timestamp)));
      for (const p of partitions) {
        const o = at.get(pkey(q.topic, p)) ?? -1;
        out.set(p, o < 0 ? hw(p) : clamp(p, o));
      }
      break;
    }
    case 'group': {
      let committed: Awaited<ReturnType<typeof c.client.admin.listConsumerGroupOffsets>>;
      try {
        committed = await c.client.admin.listConsumerGroupOffsets({ groups: [{ groupId: s.groupId, topics: [{ name: q.topic, partitionIndexes: partitions }] }] });
      } catch {
        committed = [];
      }
      const by = new Map<number, number>();
      for (const g of committed) for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) by.set(p.partitionIndex, Number(p.committedOffset));
      // Without a committed offset, where a new consumer of the group would start by default (earliest here).
      for (const p of partitions) out.set(p, clamp(p, by.get(p) ?? lso(p)));
      break;
    }
    default:
      throw badRequest(`browse: unknown start ${(s as { kind: string }).kind}`);
  }
  return out;
}

export class Browser {
  constructor(
    private readonly c: Connection,
    private readonly filters: FilterCache,
  ) {}

  async run(query: BrowseQuery, cursor?: BrowseCursor): Promise<BrowseResult> {
    const { direction, limit, maxValueBytes, budget } = normalize(query);
    if (cursor && (cursor.topic !== query.topic || cursor.direction !== direction)) throw badRequest('browse: the cursor belongs to another topic or direction', 'start a new browse');
    const started = Date.now();
    let md = await this.c.metadata();
    const t = findTopic(md, query.topic);
    const all = t.partitions.map((p) => p.partition);
    const chosen = query.partitions?.length ? query.partitions : all;
    for (const p of chosen) if (!all.includes(p)) throw badRequest(`topic ${query.topic} has no partition ${p}`);
    const online = chosen.filter((p) => (t.partitions.find((x) => x.partition === p)?.leader ?? -1) >= 0);
    const range = await offsetRange(this.c.client, [{ topic: query.topic, partitions: online }]);
    const missing = chosen.filter((p) => cursor?.positions[p] === undefined);
    const starts = missing.length ? await startPositions(this.c, query, direction, missing, range) : new Map<number, number>();
    const states: PartitionState[] = chosen.map((p) => ({
      partition: p,
      pos: cursor?.positions[p] ?? starts.get(p) ?? 0,
      start: range.start.get(pkey(query.topic, p)) ?? 0,
      end: range.end.get(pkey(query.topic, p)) ?? 0,
      buffer: [],
      head: 0,
      bound: 0,
      skipped: [],
      failures: 0,
    }));
    const forward = direction === 'forward';
    const buffered = (s: PartitionState) => s.buffer.length - s.head;
    const exhausted = (s: PartitionState) => buffered(s) === 0 && (forward ? s.pos >= s.end : s.pos <= s.start);
    const sandbox = query.filter?.expression ? this.filters.get(query.filter.expression) : null;
    const messages: MessageRecord[] = [];
    let scanned = 0;
    /** Turns of the merge loop, for the time-budget check (scanned jumps by whole skipped batches). */
    let turns = 0;
    // The filter's substrings: a chunk's batches without them are counted, not decoded (expressions see every record).
    const plain = plainFilter(query.filter);
    const mustContain = plain ? [plain.key, plain.value, plain.headerBytes].filter((b): b is Buffer => b !== null) : [];
    let timedOut = false;

    /** Moves a partition's position on (forward: up, backward: down), counting the skipped records it passes. */
    const advance = (s: PartitionState, to: number) => {
      if (s.skipped.length > 0) scanned += forward ? skippedWithin(s.skipped, s.pos, to) : skippedWithin(s.skipped, to, s.pos);
      s.pos = to;
    };

    const refresh = async () => {
      md = await this.c.metadata();
    };

    /** Reads the next chunk of one partition into its buffer (filtered, truncated). */
    const fill = async (s: PartitionState): Promise<void> => {
      let got: FetchedRecord[] = [];
      if (forward) {
        const [r] = await fetchPartitions(this.c.client, md, query.topic, [{ partition: s.partition, offset: s.pos, maxBytes: CHUNK_BYTES }], { mustContain });
        if (!r) return;
        if (r.error) return this.onError(query.topic, s, r.error, refresh);
        s.end = r.highWatermark;
        s.start = r.logStartOffset;
        s.skipped = r.skipped;
        got = r.records.filter((x) => x.offset >= s.pos && x.offset < s.end);
        s.bound = Math.min(r.nextOffset ?? s.pos, s.end);
        if (got.length === 0) {
          // Only control batches, compacted gaps or skipped batches: go past them; nothing at all means nothing below
          // the end.
          if (r.nextOffset !== null && r.nextOffset > s.pos) advance(s, Math.min(r.nextOffset, s.end));
          else advance(s, Math.max(s.pos, s.end));
          return;
        }
      } else {
        const want = Math.max(20, Math.ceil((limit - messages.length) / Math.max(1, states.filter((x) => !exhausted(x)).length)) * (sandbox || query.filter ? 4 : 1));
        const from = Math.max(s.start, s.pos - Math.min(want, 2_000));
        let at = from;
        const skipped: SkippedBatch[] = [];
        while (at < s.pos) {
          const [r] = await fetchPartitions(this.c.client, md, query.topic, [{ partition: s.partition, offset: at, maxBytes: CHUNK_BYTES }], { mustContain });
          if (!r) return;
          if (r.error) return this.onError(query.topic, s, r.error, refresh);
          s.start = r.logStartOffset;
          skipped.push(...r.skipped);
          got.push(...r.records.filter((x) => x.offset >= at && x.offset < s.pos));
          const next = r.nextOffset ?? s.pos;
          if (next <= at) break;
          at = next;
        }
        s.skipped = skipped;
        if (got.length === 0) {
          advance(s, from);
          return;
        }
        s.bound = from;
        got.reverse();
      }
      s.failures = 0;
      const matches = await this.matches(query, got, sandbox);
      // Converted for the UI (base64, truncation) only when taken and matching.
      s.buffer = got.map((record, i) => ({ record, match: matches[i]! }));
      s.head = 0;
    };

    while (messages.length < limit) {
      if ((++turns & 255) === 0 && Date.now() - started > budget) {
        timedOut = true;
        break;
      }
      // Take the earliest (forward) or latest (backward) record among the partitions' next ones; merge only once every
      // partition still in play has its next record at hand (or has none left). No allocation per record.
      let best: PartitionState | null = null;
      let active = false;
      let needFill = false;
      for (const s of states) {
        if (exhausted(s)) continue;
        active = true;
        if (buffered(s) === 0) {
          needFill = true;
          continue;
        }
        if (!best) {
          best = s;
          continue;
        }
        const a = s.buffer[s.head]!.record;
        const b = best.buffer[best.head]!.record;
        if (forward ? a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.partition < b.partition) : a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.partition > b.partition)) best = s;
      }
      if (!active) break;
      if (needFill || !best) {
        await Promise.all(states.filter((s) => !exhausted(s) && buffered(s) === 0).map((s) => fill(s)));
        continue;
      }
      const item = best.buffer[best.head++]!;
      advance(best, forward ? item.record.offset + 1 : item.record.offset);
      if (buffered(best) === 0) advance(best, forward ? Math.max(best.pos, best.bound) : Math.min(best.pos, best.bound));
      scanned++;
      if (item.match) messages.push(toMessage(query.topic, item.record, maxValueBytes));
    }
    return {
      messages,
      cursor: { topic: query.topic, direction, positions: Object.fromEntries(states.map((s) => [s.partition, s.pos])) },
      scanned,
      done: states.every((s) => exhausted(s)),
      timedOut,
    };
  }

  private async matches(query: BrowseQuery, records: FetchedRecord[], sandbox: ReturnType<FilterCache['get']> | null): Promise<boolean[]> {
    const f = plainFilter(query.filter);
    const plain = records.map((r) => plainMatch(f, r));
    if (!sandbox) return plain;
    const idx = plain.flatMap((m, i) => (m ? [i] : []));
    const kept = await sandbox.test(idx.map((i) => filterInput(records[i]!)));
    const out = records.map(() => false);
    idx.forEach((i, j) => (out[i] = kept[j]!));
    return out;
  }

  private async onError(topic: string, s: PartitionState, error: string, refresh: () => Promise<void>): Promise<void> {
    if (error === 'OFFSET_OUT_OF_RANGE') {
      // Retention or a purge removed the records: go on from what is left.
      const range = await offsetRange(this.c.client, [{ topic, partitions: [s.partition] }]);
      s.start = range.start.get(pkey(topic, s.partition)) ?? s.start;
      s.end = range.end.get(pkey(topic, s.partition)) ?? s.end;
      s.pos = Math.min(Math.max(s.pos, s.start), s.end);
    }
    if (++s.failures > 3) throw uiError(error, `partition ${s.partition} could not be read: ${error}`, 'the cluster may be electing a leader: try again');
    await refresh();
    await new Promise((r) => setTimeout(r, 100 * s.failures));
  }
}

/** Waits (in the brokers, up to waitMs) until a partition has records at or after the cursor's positions. */
export async function waitForRecords(c: Connection, cursor: BrowseCursor, waitMs: number): Promise<void> {
  const md = await c.metadata();
  const wanted = Object.entries(cursor.positions).map(([p, offset]) => ({ partition: Number(p), offset, maxBytes: 1 }));
  if (wanted.length === 0) return;
  await fetchPartitions(c.client, md, cursor.topic, wanted, { maxWaitMs: Math.max(0, Math.round(waitMs)), minBytes: 1 });
}

/** One message in full. */
export async function readMessage(c: Connection, topic: string, partition: number, offset: number): Promise<MessageRecord | null> {
  if (!Number.isInteger(partition) || !Number.isInteger(offset) || offset < 0) throw badRequest('message: partition and offset must be whole numbers');
  const md: ClusterMetadataSnapshot = await c.metadata();
  const t = findTopic(md, topic);
  if (!t.partitions.some((p) => p.partition === partition)) throw badRequest(`topic ${topic} has no partition ${partition}`);
  const [r] = await fetchPartitions(c.client, md, topic, [{ partition, offset, maxBytes: 64 * 1024 * 1024 }]);
  if (!r || r.error === 'OFFSET_OUT_OF_RANGE') return null;
  if (r.error) throw uiError(r.error, `could not read ${topic}/${partition} at ${offset}: ${r.error}`);
  const rec = r.records.find((x) => x.offset === offset);
  return rec ? toMessage(topic, rec, Number.MAX_SAFE_INTEGER) : null;
}


// Partition logs in one LMDB environment per broker (DESIGN §3). Batches are stored exactly as they will be
// served, keyed by [partition local id, base offset] so a cursor walks a partition in offset order.
//
// Every write is a synchronous LMDB transaction on the broker's own thread: when it returns, the batch is in the
// data file (the OS page cache), so a process kill cannot lose it, and the caller may acknowledge. lmdb-js's
// asynchronous writes hand each transaction to a writer thread and fsync it in the background: measured here,
// 0.7 ms and ~480 µs of CPU per commit, against ~25 µs and ~30 µs for a synchronous commit without fsync - a
// 3-replica acks=all produce commits three times. Flushing to the disk follows Kafka's model (no fsync per write:
// replication and the OS write back) with a background sync every `syncIntervalMs` that bounds what an OS crash
// can take; `log.flush.interval.messages=1` asks for an fsync in every commit instead.
import type { Database, RootDatabase } from 'lmdb';
import { createRequire } from 'node:module';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppendBatch, LogStore, PartitionMetaUpdate, ProducerEntry, SegmentInfo, StoredBatch, StoredPartitionState } from './log-store.js';

// lmdb-js's CommonJS build, by require: importing its ES modules (a graph of ~20 files, msgpackr's among them) took a
// broker worker 2-3 times as long at start-up. The controller loads the same build, so no thread ever holds two
// copies of lmdb-js (they would share one native binding and its global read buffer).
const { open } = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');

const LAST_OFFSET_DELTA_AT = 23;

interface PartitionRecord {
  topicId: string;
  partition: number;
  logStartOffset: number;
  /** Kept so the log end survives when retention or DeleteRecords removes every batch. */
  logEndFloor: number;
  epochs?: [number, number][];
  highWatermark?: number;
  cleanedOffset?: number;
  tombstoneHorizon?: number | null;
}

export interface LmdbLogStoreOptions {
  /** fsync inside every commit (Kafka's log.flush.interval.messages=1); otherwise the background sync below. */
  syncEveryCommit?: boolean;
  /** How often the OS's copy of the data file is flushed to the disk when commits do not fsync. */
  syncIntervalMs?: number;
  /** A handle that only reads the broker's environment from another thread (the cleaner's): it leaves syncing to the broker. */
  readerOnly?: boolean;
}

const DEFAULT_SYNC_INTERVAL_MS = 1000;

/**
 * Page size of a new environment (an existing one keeps the size it was created with). Batches of a few to tens of
 * KB - what producers send (the Java client's batch.size is 16 KB) - span several 4 KB pages, and once retention or
 * compaction has freed many pages LMDB spends time proportional to its free list on each such allocation: measured
 * here, rewriting 16 KB values after deleting 60 MB of them ran at 24 MB/s with 4 KB pages (407 MB/s fresh) and at
 * 161 MB/s with 16 KB pages (495 MB/s fresh); 40 KB values 76 vs 245 MB/s; small values within 30 %.
 */
const PAGE_SIZE = 16384;

/** mdb_env_sync on lmdb-js's thread pool (the method exists on the root database, its typings omit it). */
function syncToDisk(env: RootDatabase): Promise<void> {
  return new Promise((resolve) => (env as unknown as { sync(done: (error?: Error) => void): void }).sync(() => resolve()));
}

export class LmdbLogStore implements LogStore {
  private readonly env: RootDatabase;
  private readonly batches: Database<Buffer, [number, number]>;
  private readonly timeIndex: Database<number, [number, number]>;
  private readonly partitionDb: Database<PartitionRecord, number>;
  private readonly producerDb: Database<ProducerEntry, [number, number]>;
  private readonly meta: Database<number, string>;
  private readonly segmentDb: Database<SegmentInfo, [number, number]>;
  private readonly path: string;
  private nextLocalId: number;
  private readonly localIds = new Map<string, number>();

  private readonly syncTimer: NodeJS.Timeout | null;
  private readonly readerOnly: boolean;

  constructor(path: string, options: LmdbLogStoreOptions = {}) {
    mkdirSync(path, { recursive: true });
    const syncEveryCommit = options.syncEveryCommit === true;
    // overlappingSync is lmdb-js's asynchronous-commit scheme; synchronous transactions do not use it.
    this.env = open({ path, maxDbs: 8, pageSize: PAGE_SIZE, overlappingSync: false, noSync: !syncEveryCommit });
    // One write transaction creates all six databases of a new log. Opened one by one, each openDB commits its own
    // transaction, and those six commits kept each broker waiting 30-240 ms of a cold start on a loaded machine
    // (start-up profile; ~10 ms median on a quiet one, against ~6 ms for the single commit).
    const dbs = this.env.transactionSync(() => ({
      batches: this.env.openDB<Buffer, [number, number]>({ name: 'batches', encoding: 'binary' }),
      timeIndex: this.env.openDB<number, [number, number]>({ name: 'timeindex' }),
      partitionDb: this.env.openDB<PartitionRecord, number>({ name: 'partitions' }),
      producerDb: this.env.openDB<ProducerEntry, [number, number]>({ name: 'producers' }),
      meta: this.env.openDB<number, string>({ name: 'meta' }),
      segmentDb: this.env.openDB<SegmentInfo, [number, number]>({ name: 'segments' }),
    }));
    this.batches = dbs.batches;
    this.timeIndex = dbs.timeIndex;
    this.partitionDb = dbs.partitionDb;
    this.producerDb = dbs.producerDb;
    this.meta = dbs.meta;
    this.segmentDb = dbs.segmentDb;
    this.path = path;
    this.nextLocalId = this.meta.get('nextLocalId') ?? 1;
    for (const { key, value } of this.partitionDb.getRange()) this.localIds.set(`${value.topicId}:${value.partition}`, key);
    this.readerOnly = options.readerOnly === true;
    this.syncTimer = syncEveryCommit || this.readerOnly ? null : setInterval(() => void syncToDisk(this.env), options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS);
    this.syncTimer?.unref();
  }

  /**
   * Runs `body` as one synchronous transaction: committed (or rolled back, on a throw) when this returns. The
   * promise only carries the outcome to callers written against the asynchronous LogStore interface.
   */
  private write<T>(body: () => T): Promise<T> {
    try {
      return Promise.resolve(this.env.transactionSync(body));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  partitions(): StoredPartitionState[] {
    const out: StoredPartitionState[] = [];
    for (const { key, value } of this.partitionDb.getRange()) out.push(this.stateOf(key, value));
    return out;
  }

  private stateOf(localId: number, rec: PartitionRecord): StoredPartitionState {
    let logEndOffset = Math.max(rec.logStartOffset, rec.logEndFloor);
    for (const { key, value } of this.batches.getRange({ start: [localId, Infinity], end: [localId, -Infinity], reverse: true, limit: 1 })) {
      logEndOffset = Math.max(logEndOffset, key[1] + value.readInt32BE(LAST_OFFSET_DELTA_AT) + 1);
    }
    let maxTimestamp = -1;
    for (const { key } of this.timeIndex.getRange({ start: [localId, Infinity], end: [localId, -Infinity], reverse: true, limit: 1 })) {
      maxTimestamp = key[1];
    }
    return {
      localId,
      topicId: rec.topicId,
      partition: rec.partition,
      logStartOffset: rec.logStartOffset,
      logEndOffset,
      maxTimestamp,
      epochs: rec.epochs ?? [],
      highWatermark: Math.min(rec.highWatermark ?? 0, logEndOffset),
      cleanedOffset: rec.cleanedOffset ?? 0,
      tombstoneHorizon: rec.tombstoneHorizon ?? null,
    };
  }

  /** The partition's record as committed (writes are synchronous, so a read-modify-write never sees a stale one). */
  private record(localId: number): PartitionRecord | undefined {
    return this.partitionDb.get(localId);
  }

  /** Inside a transaction: the segment records and the partition record changes of `meta`. */
  private putMeta(localId: number, meta: PartitionMetaUpdate, extra: Partial<PartitionRecord> = {}): void {
    for (const seg of meta.segments ?? []) this.segmentDb.putSync([localId, seg.baseOffset], seg);
    if (meta.epochs || meta.highWatermark !== undefined || meta.cleanedOffset !== undefined || meta.tombstoneHorizon !== undefined || Object.keys(extra).length > 0) {
      const rec = this.record(localId);
      if (!rec) return;
      const next: PartitionRecord = { ...rec, ...extra };
      if (meta.epochs) next.epochs = meta.epochs;
      if (meta.highWatermark !== undefined) next.highWatermark = meta.highWatermark;
      if (meta.cleanedOffset !== undefined) next.cleanedOffset = meta.cleanedOffset;
      if (meta.tombstoneHorizon !== undefined) next.tombstoneHorizon = meta.tombstoneHorizon;
      this.partitionDb.putSync(localId, next);
    }
  }

  createPartition(topicId: string, partition: number): { state: StoredPartitionState; durable: Promise<void> } {
    const existing = this.localIds.get(`${topicId}:${partition}`);
    const existingRec = existing === undefined ? undefined : this.record(existing);
    if (existing !== undefined && existingRec) return { state: this.stateOf(existing, existingRec), durable: Promise.resolve() };
    const localId = this.nextLocalId++;
    this.localIds.set(`${topicId}:${partition}`, localId);
    const rec: PartitionRecord = { topicId, partition, logStartOffset: 0, logEndFloor: 0 };
    const durable = this.write(() => {
      this.meta.putSync('nextLocalId', this.nextLocalId);
      this.partitionDb.putSync(localId, rec);
    });
    return { state: { localId, topicId, partition, logStartOffset: 0, logEndOffset: 0, maxTimestamp: -1, epochs: [], highWatermark: 0, cleanedOffset: 0, tombstoneHorizon: null }, durable };
  }

  async deletePartition(localId: number): Promise<void> {
    // Removal is one transaction; topics on a local cluster are small enough that slicing is not needed yet.
    await this.write(() => {
      this.removeAll(localId);
      this.partitionDb.removeSync(localId);
    });
    for (const [k, v] of this.localIds) if (v === localId) this.localIds.delete(k);
  }

  /** Inside a transaction: every batch, time-index entry, producer state and segment record of a partition. */
  private removeAll(localId: number): void {
    for (const db of [this.batches, this.timeIndex, this.producerDb, this.segmentDb] as Database<unknown, [number, number]>[]) {
      for (const key of db.getKeys({ start: [localId], end: [localId + 1] })) db.removeSync(key);
    }
  }

  append(localId: number, batches: AppendBatch[], producers: ProducerEntry[], newMaxTimestamp: number | null, meta?: PartitionMetaUpdate): Promise<void> {
    return this.write(() => {
      if (meta) this.putMeta(localId, meta);
      for (const b of batches) this.batches.putSync([localId, b.baseOffset], b.bytes);
      for (const p of producers) this.producerDb.putSync([localId, p.producerId], p);
      if (newMaxTimestamp !== null && batches.length > 0) this.timeIndex.putSync([localId, newMaxTimestamp], batches[0]!.baseOffset);
    });
  }

  read(localId: number, fromOffset: number, endOffset: number, maxBytes: number): StoredBatch[] {
    let start = fromOffset;
    for (const { key, value } of this.batches.getRange({ start: [localId, fromOffset], end: [localId, -Infinity], reverse: true, limit: 1 })) {
      // Only start at an earlier batch when it actually contains fromOffset.
      if (key[1] + value.readInt32BE(LAST_OFFSET_DELTA_AT) >= fromOffset) start = key[1];
    }
    const out: StoredBatch[] = [];
    let bytes = 0;
    for (const { key, value } of this.batches.getRange({ start: [localId, start], end: [localId, endOffset] })) {
      if (out.length > 0 && bytes + value.length > maxBytes) break;
      out.push({ baseOffset: key[1], bytes: value });
      bytes += value.length;
      if (bytes >= maxBytes) break;
    }
    return out;
  }

  /**
   * Makes the next read start a new read transaction, so it sees every commit made so far. Needed by a reader in
   * another thread (the cleaner thread): lmdb-js keeps a thread's read transaction until a timer of that thread
   * resets it, so a read soon after another thread's commit may otherwise see the snapshot from before it.
   */
  refreshReadSnapshot(): void {
    this.env.resetReadTxn();
  }

  findBatchByTimestamp(localId: number, timestamp: number): number | null {
    for (const { value } of this.timeIndex.getRange({ start: [localId, timestamp], end: [localId, Infinity], limit: 1 })) return value;
    return null;
  }

  producers(localId: number): ProducerEntry[] {
    return [...this.producerDb.getRange({ start: [localId], end: [localId + 1] })].map((e) => e.value);
  }

  async setLogStartOffset(localId: number, offset: number): Promise<void> {
    const rec = this.record(localId);
    if (!rec || offset <= rec.logStartOffset) return;
    const state = this.stateOf(localId, rec);
    const next: PartitionRecord = { ...rec, logStartOffset: offset, logEndFloor: Math.max(state.logEndOffset, offset) };
    await this.write(() => {
      // Segments wholly below the new start go now; their batches are removed in slices (deleteBelow).
      for (const { key, value } of this.segmentDb.getRange({ start: [localId, -Infinity], end: [localId, offset] })) {
        if (value.endOffset <= offset && value.endOffset < state.logEndOffset) this.segmentDb.removeSync(key);
      }
      this.partitionDb.putSync(localId, next);
    });
  }

  async deleteBelow(localId: number, offset: number, limit: number): Promise<number> {
    let removed = 0;
    await this.write(() => {
      for (const { key, value } of this.batches.getRange({ start: [localId, -Infinity], end: [localId, offset] })) {
        if (removed >= limit) break;
        // A batch straddling the start stays (it is served; clients skip the records below the start).
        if (key[1] + value.readInt32BE(LAST_OFFSET_DELTA_AT) >= offset) continue;
        this.batches.removeSync(key);
        removed++;
      }
      if (removed < limit) {
        // Entries of batches below the start go, except the latest of them, which moves to the start: it still
        // stands for the retained records of the batch that straddles the start (and those after it, up to the next
        // entry), which ListOffsets by timestamp must find.
        let covering: [number, number] | null = null;
        for (const { key, value } of this.timeIndex.getRange({ start: [localId, -Infinity], end: [localId, Infinity] })) {
          if (value < offset) {
            this.timeIndex.removeSync(key);
            covering = key as [number, number];
          }
        }
        if (covering) this.timeIndex.putSync(covering, offset);
      }
    });
    return removed;
  }

  segments(localId: number): SegmentInfo[] {
    return [...this.segmentDb.getRange({ start: [localId, -Infinity], end: [localId, Infinity] })].map((e) => e.value);
  }

  async replaceBatches(localId: number, from: number, to: number, batches: { baseOffset: number; bytes: Buffer }[], meta: PartitionMetaUpdate): Promise<void> {
    await this.write(() => {
      const keep = new Set(batches.map((b) => b.baseOffset));
      for (const key of this.batches.getKeys({ start: [localId, from], end: [localId, to] })) if (!keep.has(key[1])) this.batches.removeSync(key);
      for (const b of batches) this.batches.putSync([localId, b.baseOffset], b.bytes);
      this.putMeta(localId, meta);
    });
  }

  usage(): { usedBytes: number; fileBytes: number } {
    const stats = this.env.getStats() as { pageSize: number; treeDepth?: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number };
    let pages = stats.treeBranchPageCount + stats.treeLeafPageCount + stats.overflowPages;
    for (const db of [this.batches, this.timeIndex, this.partitionDb, this.producerDb, this.segmentDb, this.meta]) {
      const s = db.getStats() as { treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number };
      pages += s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;
    }
    let fileBytes = 0;
    try {
      fileBytes = statSync(join(this.path, 'data.mdb')).size;
    } catch {
      fileBytes = 0;
    }
    return { usedBytes: pages * stats.pageSize, fileBytes };
  }

  /** Writes a copy of the environment holding only the pages in use (mdb_env_copy2 with MDB_CP_COMPACT) to `dir`/data.mdb. */
  copyCompacted(dir: string): Promise<void> {
    return this.env.backup(dir, true);
  }

  async truncateTo(localId: number, offset: number, producers: ProducerEntry[], meta: PartitionMetaUpdate): Promise<number> {
    let end = offset;
    for (const { key, value } of this.batches.getRange({ start: [localId, offset], end: [localId, -Infinity], reverse: true, limit: 1 })) {
      // A batch that straddles the truncation point goes whole; the follower fetches it again.
      if (key[1] < offset && key[1] + value.readInt32BE(LAST_OFFSET_DELTA_AT) >= offset) end = key[1];
    }
    const rec = this.record(localId);
    const next = rec
      ? {
          ...rec,
          logEndFloor: Math.min(rec.logEndFloor, end),
          epochs: meta.epochs ?? rec.epochs ?? [],
          highWatermark: Math.min(meta.highWatermark ?? rec.highWatermark ?? 0, end),
        }
      : undefined;
    await this.write(() => {
      for (const key of this.batches.getKeys({ start: [localId, end], end: [localId, Infinity] })) this.batches.removeSync(key);
      for (const { key, value } of this.timeIndex.getRange({ start: [localId, -Infinity], end: [localId, Infinity] })) {
        if (value >= end) this.timeIndex.removeSync(key);
      }
      for (const key of this.producerDb.getKeys({ start: [localId], end: [localId + 1] })) this.producerDb.removeSync(key);
      for (const p of producers) this.producerDb.putSync([localId, p.producerId], p);
      for (const { key, value } of this.segmentDb.getRange({ start: [localId, -Infinity], end: [localId, Infinity] })) {
        if (key[1] >= end && key[1] > 0) this.segmentDb.removeSync(key);
        else if (value.endOffset > end) this.segmentDb.putSync(key, { ...value, endOffset: end });
      }
      if (next) this.partitionDb.putSync(localId, next);
    });
    return end;
  }

  updateMeta(localId: number, meta: PartitionMetaUpdate): Promise<void> {
    return this.write(() => this.putMeta(localId, meta));
  }

  async resetTo(localId: number, offset: number): Promise<void> {
    const rec = this.record(localId);
    const next: PartitionRecord | undefined = rec ? { ...rec, logStartOffset: offset, logEndFloor: offset, epochs: [], highWatermark: offset, cleanedOffset: offset } : undefined;
    await this.write(() => {
      this.removeAll(localId);
      if (next) this.partitionDb.putSync(localId, next);
    });
  }

  async close(): Promise<void> {
    if (this.syncTimer) clearInterval(this.syncTimer);
    // A clean stop leaves everything on the disk, whatever the sync policy.
    if (!this.readerOnly) await syncToDisk(this.env);
    await this.env.close();
  }
}

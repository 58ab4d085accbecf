// Partition logs in one LMDB environment per broker (DESIGN §3). Batches are stored exactly as they will be
// served, keyed by [partition local id, base offset] so a cursor walks a partition in offset order.
import { open, type Database, type RootDatabase } from 'lmdb';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AppendBatch, LogStore, PartitionMetaUpdate, ProducerEntry, SegmentInfo, StoredBatch, StoredPartitionState } from './log-store.js';

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

  constructor(path: string) {
    mkdirSync(path, { recursive: true });
    this.env = open({ path, maxDbs: 8 });
    this.batches = this.env.openDB({ name: 'batches', encoding: 'binary' });
    this.timeIndex = this.env.openDB({ name: 'timeindex' });
    this.partitionDb = this.env.openDB({ name: 'partitions' });
    this.producerDb = this.env.openDB({ name: 'producers' });
    this.meta = this.env.openDB({ name: 'meta' });
    this.segmentDb = this.env.openDB({ name: 'segments' });
    this.path = path;
    this.nextLocalId = this.meta.get('nextLocalId') ?? 1;
    for (const { key, value } of this.partitionDb.getRange()) this.localIds.set(`${value.topicId}:${value.partition}`, key);
  }

  partitions(): StoredPartitionState[] {
    const out: StoredPartitionState[] = [];
    for (const { key, value } of this.partitionDb.getRange()) out.push(this.stateOf(key, this.records.get(key) ?? value));
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

  /**
   * Each partition's record as last written. lmdb-js shows an asynchronous put to reads only once it commits, so a
   * read-modify-write from the database would start from a stale record and undo an earlier write that is still
   * pending (a new partition's first epoch, an epoch written in the same turn as a high watermark). Every writer
   * builds the next record from here when it issues the write; writes apply in the order issued.
   */
  private readonly records = new Map<number, PartitionRecord>();

  private record(localId: number): PartitionRecord | undefined {
    return this.records.get(localId) ?? this.partitionDb.get(localId);
  }

  /** Records the next version now; the put (or, inside a transaction callback, `write`) makes it durable. */
  private nextRecord(localId: number, rec: PartitionRecord): PartitionRecord {
    this.records.set(localId, rec);
    return rec;
  }

  private putMeta(localId: number, meta: PartitionMetaUpdate, extra: Partial<PartitionRecord> = {}): Promise<boolean> | null {
    let last: Promise<boolean> | null = null;
    for (const seg of meta.segments ?? []) last = this.segmentDb.put([localId, seg.baseOffset], seg);
    if (meta.epochs || meta.highWatermark !== undefined || meta.cleanedOffset !== undefined || meta.tombstoneHorizon !== undefined || Object.keys(extra).length > 0) {
      const rec = this.record(localId);
      if (!rec) return last;
      const next: PartitionRecord = { ...rec, ...extra };
      if (meta.epochs) next.epochs = meta.epochs;
      if (meta.highWatermark !== undefined) next.highWatermark = meta.highWatermark;
      if (meta.cleanedOffset !== undefined) next.cleanedOffset = meta.cleanedOffset;
      if (meta.tombstoneHorizon !== undefined) next.tombstoneHorizon = meta.tombstoneHorizon;
      last = this.partitionDb.put(localId, this.nextRecord(localId, next));
    }
    return last;
  }

  createPartition(topicId: string, partition: number): { state: StoredPartitionState; durable: Promise<void> } {
    const existing = this.localIds.get(`${topicId}:${partition}`);
    const existingRec = existing === undefined ? undefined : this.record(existing);
    if (existing !== undefined && existingRec) return { state: this.stateOf(existing, existingRec), durable: Promise.resolve() };
    const localId = this.nextLocalId++;
    this.localIds.set(`${topicId}:${partition}`, localId);
    const rec: PartitionRecord = { topicId, partition, logStartOffset: 0, logEndFloor: 0 };
    this.meta.put('nextLocalId', this.nextLocalId);
    const durable = this.partitionDb.put(localId, this.nextRecord(localId, rec)).then(() => undefined);
    return { state: { localId, topicId, partition, logStartOffset: 0, logEndOffset: 0, maxTimestamp: -1, epochs: [], highWatermark: 0, cleanedOffset: 0, tombstoneHorizon: null }, durable };
  }

  async deletePartition(localId: number): Promise<void> {
    // Removal is one transaction; topics on a local cluster are small enough that slicing is not needed yet.
    await this.env.transaction(() => {
      for (const key of this.batches.getKeys({ start: [localId], end: [localId + 1] })) this.batches.remove(key);
      for (const key of this.timeIndex.getKeys({ start: [localId], end: [localId + 1] })) this.timeIndex.remove(key);
      for (const key of this.producerDb.getKeys({ start: [localId], end: [localId + 1] })) this.producerDb.remove(key);
      for (const key of this.segmentDb.getKeys({ start: [localId], end: [localId + 1] })) this.segmentDb.remove(key);
      this.partitionDb.remove(localId);
    });
    this.records.delete(localId);
    for (const [k, v] of this.localIds) if (v === localId) this.localIds.delete(k);
  }

  append(localId: number, batches: AppendBatch[], producers: ProducerEntry[], newMaxTimestamp: number | null, meta?: PartitionMetaUpdate): Promise<void> {
    // Every put below is issued in the same event turn, so lmdb-js commits them in one transaction;
    // the last promise resolves once that transaction is committed and flushed.
    let last: Promise<boolean> | undefined = (meta && this.putMeta(localId, meta)) || undefined;
    for (const b of batches) last = this.batches.put([localId, b.baseOffset], b.bytes);
    for (const p of producers) last = this.producerDb.put([localId, p.producerId], p);
    if (newMaxTimestamp !== null && batches.length > 0) {
      last = this.timeIndex.put([localId, newMaxTimestamp], batches[0]!.baseOffset);
    }
    return last ? last.then(() => undefined) : Promise.resolve();
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
    const next = this.nextRecord(localId, { ...rec, logStartOffset: offset, logEndFloor: Math.max(state.logEndOffset, offset) });
    await this.env.transaction(() => {
      // Segments wholly below the new start go now; their batches are removed in slices (deleteBelow).
      for (const { key, value } of this.segmentDb.getRange({ start: [localId, -Infinity], end: [localId, offset] })) {
        if (value.endOffset <= offset && value.endOffset < state.logEndOffset) this.segmentDb.remove(key);
      }
      this.partitionDb.put(localId, next);
    });
  }

  async deleteBelow(localId: number, offset: number, limit: number): Promise<number> {
    let removed = 0;
    await this.env.transaction(() => {
      for (const { key, value } of this.batches.getRange({ start: [localId, -Infinity], end: [localId, offset] })) {
        if (removed >= limit) break;
        // A batch straddling the start stays (it is served; clients skip the records below the start).
        if (key[1] + value.readInt32BE(LAST_OFFSET_DELTA_AT) >= offset) continue;
        this.batches.remove(key);
        removed++;
      }
      if (removed < limit) {
        // Entries of batches below the start go, except the latest of them, which moves to the start: it still
        // stands for the retained records of the batch that straddles the start (and those after it, up to the next
        // entry), which ListOffsets by timestamp must find.
        let covering: [number, number] | null = null;
        for (const { key, value } of this.timeIndex.getRange({ start: [localId, -Infinity], end: [localId, Infinity] })) {
          if (value < offset) {
            this.timeIndex.remove(key);
            covering = key as [number, number];
          }
        }
        if (covering) this.timeIndex.put(covering, offset);
      }
    });
    return removed;
  }

  segments(localId: number): SegmentInfo[] {
    return [...this.segmentDb.getRange({ start: [localId, -Infinity], end: [localId, Infinity] })].map((e) => e.value);
  }

  async replaceBatches(localId: number, from: number, to: number, batches: { baseOffset: number; bytes: Buffer }[], meta: PartitionMetaUpdate): Promise<void> {
    await this.env.transaction(() => {
      const keep = new Set(batches.map((b) => b.baseOffset));
      for (const key of this.batches.getKeys({ start: [localId, from], end: [localId, to] })) if (!keep.has(key[1])) this.batches.remove(key);
      for (const b of batches) this.batches.put([localId, b.baseOffset], b.bytes);
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

  async truncateTo(localId: number, offset: number, producers: ProducerEntry[], meta: PartitionMetaUpdate): Promise<number> {
    let end = offset;
    for (const { key, value } of this.batches.getRange({ start: [localId, offset], end: [localId, -Infinity], reverse: true, limit: 1 })) {
      // A batch that straddles the truncation point goes whole; the follower fetches it again.
      if (key[1] < offset && key[1] + value.readInt32BE(LAST_OFFSET_DELTA_AT) >= offset) end = key[1];
    }
    const rec = this.record(localId);
    const next = rec
      ? this.nextRecord(localId, {
          ...rec,
          logEndFloor: Math.min(rec.logEndFloor, end),
          epochs: meta.epochs ?? rec.epochs ?? [],
          highWatermark: Math.min(meta.highWatermark ?? rec.highWatermark ?? 0, end),
        })
      : undefined;
    await this.env.transaction(() => {
      for (const key of this.batches.getKeys({ start: [localId, end], end: [localId, Infinity] })) this.batches.remove(key);
      for (const { key, value } of this.timeIndex.getRange({ start: [localId, -Infinity], end: [localId, Infinity] })) {
        if (value >= end) this.timeIndex.remove(key);
      }
      for (const key of this.producerDb.getKeys({ start: [localId], end: [localId + 1] })) this.producerDb.remove(key);
      for (const p of producers) this.producerDb.put([localId, p.producerId], p);
      for (const { key, value } of this.segmentDb.getRange({ start: [localId, -Infinity], end: [localId, Infinity] })) {
        if (key[1] >= end && key[1] > 0) this.segmentDb.remove(key);
        else if (value.endOffset > end) this.segmentDb.put(key, { ...value, endOffset: end });
      }
      if (next) this.partitionDb.put(localId, next);
    });
    return end;
  }

  async updateMeta(localId: number, meta: PartitionMetaUpdate): Promise<void> {
    await this.putMeta(localId, meta);
  }

  async resetTo(localId: number, offset: number): Promise<void> {
    const rec = this.record(localId);
    const next = rec ? this.nextRecord(localId, { ...rec, logStartOffset: offset, logEndFloor: offset, epochs: [], highWatermark: offset, cleanedOffset: offset }) : undefined;
    await this.env.transaction(() => {
      for (const key of this.batches.getKeys({ start: [localId], end: [localId + 1] })) this.batches.remove(key);
      for (const key of this.timeIndex.getKeys({ start: [localId], end: [localId + 1] })) this.timeIndex.remove(key);
      for (const key of this.producerDb.getKeys({ start: [localId], end: [localId + 1] })) this.producerDb.remove(key);
      for (const key of this.segmentDb.getKeys({ start: [localId], end: [localId + 1] })) this.segmentDb.remove(key);
      if (next) this.partitionDb.put(localId, next);
    });
  }

  async close(): Promise<void> {
    await this.env.flushed;
    await this.env.close();
  }
}

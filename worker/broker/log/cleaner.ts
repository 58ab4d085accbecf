// Log compaction (cleanup.policy=compact), after Kafka's LogCleaner: keep the latest record of every key.
// The cleaner maps each key of the dirty section (from the cleaner checkpoint to the first uncleanable offset)
// to its latest offset, then rewrites the log below the uncleanable offset segment by segment: a record stays if
// no later record has its key; offsets never change (gaps are allowed); compressed batches are decompressed,
// filtered and recompressed with their codec. Tombstones get a delete horizon (KIP-534) the first time they
// are cleaned and disappear in a later cleaning once delete.retention.ms has passed. The active segment, the
// part above the high watermark, and records younger than min.compaction.lag.ms are never cleaned.
//
// The record-level work (CleaningJob) never decodes a record. A large cleaning runs it in the broker's cleaner
// thread (cleaner-thread.ts), which reads the batches itself, as Kafka runs its cleaner in threads of its own; a
// small one, or one where no thread is available, runs it here in slices of at most SLICE_MS with a turn of the
// event loop between them. Either way only this module writes to the log.
import type { CleanerWork } from './cleaner-thread.js';
import { CleaningJob } from './cleaning-job.js';
import type { SegmentInfo, StoredBatch } from './log-store.js';

/** What the cleaner needs from a partition. */
export interface CleanablePartition {
  readonly topicName: string;
  readonly index: number;
  readonly logStartOffset: number;
  readonly highWatermark: number;
  readonly segments: SegmentInfo[];
  readonly cleanedOffset: number;
  /** Earliest delete horizon of a tombstone left in the cleaned part (null: none). */
  readonly tombstoneHorizon: number | null;
  /** Stored batches with base offsets in [from, to). */
  readBatches(from: number, to: number, maxBytes: number): { baseOffset: number; bytes: Buffer }[];
  /** Replaces the batches of one segment and records the segment's new size (one transaction). */
  replaceSegment(segment: SegmentInfo, batches: { baseOffset: number; bytes: Buffer }[]): Promise<void>;
  setCleanedOffset(offset: number, tombstoneHorizon: number | null): Promise<void>;
  /** False once the partition is gone or truncated below the range being cleaned. */
  stillCleanable(upTo: number): boolean;
}

export interface CleanerConfig {
  minCleanableDirtyRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  deleteRetentionMs: number;
}

export interface CleaningStats {
  segmentsCleaned: number;
  batchesRead: number;
  recordsRead: number;
  recordsKept: number;
  bytesBefore: number;
  bytesAfter: number;
  cleanedUpTo: number;
}

/**
 * Longest in-thread work keeps the event loop before letting it run: requests that arrive meanwhile (an acks=all
 * produce, a follower's fetch) wait at most about this long for it, on each broker they pass through.
 */
const SLICE_MS = 3;
/** A cleaning that reads at least this much goes to the cleaner thread; less is a few slices here. */
const OFFLOAD_BYTES = 4 << 20;
/**
 * Rewritten segments are written in groups of about this many bytes read (in segment order, each group one
 * transaction): fewer, larger commits than one per segment.
 */
const WRITE_GROUP_BYTES = 8 << 20;

/** Time-bounded slices of work: pause() gives the event loop a turn once SLICE_MS have passed since the last. */
class Slices {
  private started = performance.now();

  readonly pause = (): Promise<void> | null => {
    if (performance.now() - this.started < SLICE_MS) return null;
    return new Promise<void>((r) => setImmediate(r)).then(() => {
      this.started = performance.now();
    });
  };
}

/** CleaningJob in the broker's thread, giving way to the event loop every SLICE_MS. */
function inThreadWork(p: CleanablePartition, now: number, deleteRetentionMs: number): CleanerWork {
  const job = new CleaningJob((from, to, maxBytes) => p.readBatches(from, to, maxBytes), now, deleteRetentionMs);
  const slices = new Slices();
  return {
    mapKeys: (from, to) => job.mapKeys(from, to, slices.pause),
    filter: (from, to) => job.filter(from, to, slices.pause),
  };
}

/**
 * Where cleaning must stop: the end of the last segment that lies wholly before the active segment, the high
 * watermark, and the first segment younger than min.compaction.lag.ms (segments are cleaned whole).
 */
export function firstUncleanableOffset(p: CleanablePartition, cfg: CleanerConfig, now: number): number {
  let limit = p.logStartOffset;
  for (let i = 0; i < p.segments.length - 1; i++) {
    const s = p.segments[i]!;
    if (s.endOffset > p.highWatermark) break;
    if (cfg.minCompactionLagMs > 0 && s.maxTimestamp >= 0 && s.maxTimestamp > now - cfg.minCompactionLagMs) break;
    limit = Math.max(limit, s.endOffset);
  }
  return limit;
}

/** Whether the partition is due: enough dirty bytes (min.cleanable.dirty.ratio) or dirty data too old (max.compaction.lag.ms). */
export function needsCleaning(p: CleanablePartition, cfg: CleanerConfig, now: number): boolean {
  const firstDirty = Math.max(p.cleanedOffset, p.logStartOffset);
  const limit = firstUncleanableOffset(p, cfg, now);
  // Tombstones whose delete horizon has passed are due for removal even with nothing new to clean (KIP-534).
  if (p.tombstoneHorizon !== null && now >= p.tombstoneHorizon && limit > p.logStartOffset) return true;
  if (limit <= firstDirty) return false;
  let clean = 0;
  let dirty = 0;
  let oldestDirty = Infinity;
  for (const s of p.segments) {
    if (s.endOffset > limit) break;
    if (s.endOffset <= firstDirty) clean += s.sizeBytes;
    else {
      dirty += s.sizeBytes;
      if (s.maxTimestamp >= 0) oldestDirty = Math.min(oldestDirty, s.maxTimestamp);
    }
  }
  if (dirty === 0) return false;
  if (dirty / (clean + dirty) >= cfg.minCleanableDirtyRatio) return true;
  return Number.isFinite(oldestDirty) && now - oldestDirty > cfg.maxCompactionLagMs;
}

/** Where the record-level work of a cleaning runs: `offload` is the cleaner thread, when the broker has one. */
export interface CleanerOptions {
  offload?: (now: number, deleteRetentionMs: number) => CleanerWork | null;
  /** Offload cleanings that read at least this many bytes (default OFFLOAD_BYTES). */
  offloadAtBytes?: number;
  /** Bytes of segments read per group of rewritten segments written together (default WRITE_GROUP_BYTES). */
  writeGroupBytes?: number;
}

/** Cleans the partition once if it is due; null when there was nothing to do. */
export async function cleanPartition(p: CleanablePartition, cfg: CleanerConfig, now: number, opts: CleanerOptions = {}): Promise<CleaningStats | null> {
  if (!needsCleaning(p, cfg, now)) return null;
  const firstDirty = Math.max(p.cleanedOffset, p.logStartOffset);
  const limit = firstUncleanableOffset(p, cfg, now);
  let toRead = 0;
  for (const s of p.segments) if (s.endOffset <= limit) toRead += s.sizeBytes;
  const work = (toRead >= (opts.offloadAtBytes ?? OFFLOAD_BYTES) ? opts.offload?.(now, cfg.deleteRetentionMs) : null) ?? inThreadWork(p, now, cfg.deleteRetentionMs);

  // 1. The latest offset of every key in the dirty section.
  await work.mapKeys(firstDirty, limit);
  if (!p.stillCleanable(limit)) return null;

  // 2. Rewrite each segment below the limit.
  const stats: CleaningStats = { segmentsCleaned: 0, batchesRead: 0, recordsRead: 0, recordsKept: 0, bytesBefore: 0, bytesAfter: 0, cleanedUpTo: limit };
  let nextHorizon: number | null = null;
  // Rewritten segments not written yet, and the bytes they were read from.
  let rewritten: { seg: SegmentInfo; keep: StoredBatch[] }[] = [];
  let rewrittenFrom = 0;
  const writeRewritten = async (): Promise<boolean> => {
    if (!p.stillCleanable(limit)) return false;
    // Issued in one turn, the replacements commit together (lmdb-js batches the transactions of a turn): every
    // commit of the cleaner is one more that produce and replication writes may have to wait behind.
    await Promise.all(rewritten.map((r) => p.replaceSegment(r.seg, r.keep)));
    stats.segmentsCleaned += rewritten.length;
    rewritten = [];
    rewrittenFrom = 0;
    return true;
  };
  for (const seg of [...p.segments]) {
    if (seg.endOffset > limit) break;
    if (seg.endOffset <= p.logStartOffset) continue;
    const r = await work.filter(seg.baseOffset, seg.endOffset);
    stats.batchesRead += r.batches;
    stats.recordsRead += r.records;
    stats.recordsKept += r.kept;
    stats.bytesBefore += r.bytesBefore;
    stats.bytesAfter += r.bytesAfter;
    if (r.tombstoneHorizon !== null && (nextHorizon === null || r.tombstoneHorizon < nextHorizon)) nextHorizon = r.tombstoneHorizon;
    if (!p.stillCleanable(limit)) return null;
    if (r.keep) {
      rewritten.push({ seg, keep: r.keep });
      rewrittenFrom += seg.sizeBytes;
      if (rewrittenFrom >= (opts.writeGroupBytes ?? WRITE_GROUP_BYTES) && !(await writeRewritten())) return null;
    }
  }
  if (!(await writeRewritten())) return null;
  await p.setCleanedOffset(limit, nextHorizon);
  return stats;
}

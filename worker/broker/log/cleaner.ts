// Log compaction (cleanup.policy=compact), after Kafka's LogCleaner: keep the latest record of every key.
// The cleaner maps each key of the dirty section (from the cleaner checkpoint to the first uncleanable offset)
// to its latest offset, then rewrites the log below the uncleanable offset segment by segment: a record stays if
// no later record has its key; offsets never change (gaps are allowed); compressed batches are decompressed,
// filtered and recompressed with their codec. Tombstones get a delete horizon (KIP-534) the first time they
// are cleaned and disappear in a later cleaning once delete.retention.ms has passed. The active segment, the
// part above the high watermark, and records younger than min.compaction.lag.ms are never cleaned.
import { decodeRecordBatch, encodeRecordBatch, type DecodedBatch, type RecordInput } from '../../protocol/records/record-batch.js';
import type { SegmentInfo } from './log-store.js';

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

const READ_CHUNK = 4 << 20;

function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
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

function keyOf(k: Buffer): string {
  return k.toString('latin1');
}

/** Decodes every batch in [from, to), handing each to `fn`, in chunks with pauses for the event loop. */
async function forEachBatch(p: CleanablePartition, from: number, to: number, fn: (b: DecodedBatch, baseOffset: number, bytes: Buffer) => void): Promise<number> {
  let at = from;
  let count = 0;
  while (at < to) {
    const batches = p.readBatches(at, to, READ_CHUNK);
    if (batches.length === 0) break;
    for (const b of batches) {
      fn(decodeRecordBatch(b.bytes, 0), b.baseOffset, b.bytes);
      count++;
    }
    const last = batches.at(-1)!;
    at = last.baseOffset + last.bytes.readInt32BE(23) + 1;
    await yieldToEventLoop();
  }
  return count;
}

/** Cleans the partition once if it is due; null when there was nothing to do. */
export async function cleanPartition(p: CleanablePartition, cfg: CleanerConfig, now: number): Promise<CleaningStats | null> {
  if (!needsCleaning(p, cfg, now)) return null;
  const firstDirty = Math.max(p.cleanedOffset, p.logStartOffset);
  const limit = firstUncleanableOffset(p, cfg, now);

  // 1. The latest offset of every key in the dirty section.
  const latest = new Map<string, number>();
  await forEachBatch(p, firstDirty, limit, (b) => {
    if (b.header.isControl) return;
    for (const r of b.records) if (r.key) latest.set(keyOf(r.key), Number(r.offset));
  });
  if (!p.stillCleanable(limit)) return null;

  // 2. Rewrite each segment below the limit.
  const stats: CleaningStats = { segmentsCleaned: 0, batchesRead: 0, recordsRead: 0, recordsKept: 0, bytesBefore: 0, bytesAfter: 0, cleanedUpTo: limit };
  let nextHorizon: number | null = null;
  const noteHorizon = (h: number) => {
    if (nextHorizon === null || h < nextHorizon) nextHorizon = h;
  };
  for (const seg of [...p.segments]) {
    if (seg.endOffset > limit) break;
    if (seg.endOffset <= p.logStartOffset) continue;
    const kept: { baseOffset: number; bytes: Buffer }[] = [];
    let changed = false;
    stats.batchesRead += await forEachBatch(p, seg.baseOffset, seg.endOffset, (b, baseOffset, bytes) => {
      stats.bytesBefore += bytes.length;
      stats.recordsRead += b.records.length;
      if (b.header.isControl) {
        kept.push({ baseOffset, bytes });
        stats.bytesAfter += bytes.length;
        return;
      }
      const horizon = b.header.hasDeleteHorizon ? Number(b.header.baseTimestamp) : null;
      const records = b.records.filter((r) => {
        if (!r.key) return true;
        const newest = latest.get(keyOf(r.key));
        if (newest !== undefined && newest > Number(r.offset)) return false;
        // A tombstone goes once its delete horizon has passed.
        if (r.value === null && horizon !== null && now >= horizon) return false;
        return true;
      });
      const hasTombstones = records.some((r) => r.value === null);
      const needsHorizon = horizon === null && hasTombstones;
      if (hasTombstones) noteHorizon(horizon ?? now + cfg.deleteRetentionMs);
      stats.recordsKept += records.length;
      if (records.length === b.records.length && !needsHorizon) {
        kept.push({ baseOffset, bytes });
        stats.bytesAfter += bytes.length;
        return;
      }
      changed = true;
      if (records.length === 0) return;
      const rewritten = encodeRecordBatch({
        baseOffset: BigInt(baseOffset),
        records: records.map(
          (r): RecordInput => ({
            key: r.key,
            value: r.value,
            headers: r.headers,
            timestamp: r.timestamp,
            offsetDelta: Number(r.offset) - baseOffset,
          }),
        ),
        compression: b.header.compression,
        producerId: b.header.producerId,
        producerEpoch: b.header.producerEpoch,
        baseSequence: b.header.baseSequence,
        isTransactional: b.header.isTransactional,
        timestampType: b.header.timestampType,
        partitionLeaderEpoch: b.header.partitionLeaderEpoch,
        maxTimestamp: b.header.maxTimestamp,
        // The offset range stays the batch's own (an idempotent producer's sequence range depends on it).
        lastOffsetDelta: b.header.lastOffsetDelta,
        ...(horizon !== null ? { deleteHorizonMs: BigInt(horizon) } : needsHorizon ? { deleteHorizonMs: BigInt(now + cfg.deleteRetentionMs) } : {}),
      });
      kept.push({ baseOffset, bytes: rewritten });
      stats.bytesAfter += rewritten.length;
    });
    if (!p.stillCleanable(limit)) return null;
    if (changed) {
      await p.replaceSegment(seg, kept);
      stats.segmentsCleaned++;
    }
    await yieldToEventLoop();
  }
  await p.setCleanedOffset(limit, nextHorizon);
  return stats;
}

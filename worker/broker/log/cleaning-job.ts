// The record-level work of one cleaning (cleaner.ts drives it): note the latest offset of every key, then decide
// what stays of each batch. It reads batches through a function and sees no partition and no clock, so the same
// code runs in the broker's thread or in a cleaner thread (cleaner-thread.ts), as Kafka's cleaner runs in
// threads of its own. No record is decoded: a RecordCursor walks the bytes, keys go into a KeyOffsetMap straight
// from them, a batch that loses nothing stays as stored and one that loses records is rebuilt from the ones that
// stay (KeptRecords).
import { ATTRIBUTES_OFFSET, ATTR_CONTROL, LAST_OFFSET_DELTA_OFFSET, RECORDS_COUNT_OFFSET } from '../../protocol/records/record-batch.js';
import { RecordCursor } from '../../protocol/records/record-cursor.js';
import { KeptRecords } from '../../protocol/records/record-rewrite.js';
import { KeyOffsetMap } from './key-offset-map.js';
import type { StoredBatch } from './log-store.js';

/** Stored batches with base offsets in [from, to), up to about maxBytes (at least one). */
export type ReadBatches = (from: number, to: number, maxBytes: number) => StoredBatch[];

/** Between two batches: a pause for the event loop when the work shares the broker's thread. */
export type Pause = () => Promise<void> | null;

/** What stays of a range of batches (a segment). */
export interface FilteredRange {
  batches: number;
  records: number;
  /** Records that stay (control records are not counted). */
  kept: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Earliest delete horizon of the tombstones that stay (set now for those that had none), null without any. */
  tombstoneHorizon: number | null;
  /** The batches that stay, as stored or rebuilt; null when the range stays exactly as stored. */
  keep: StoredBatch[] | null;
}

/** Bytes read at a time (a read is one synchronous LMDB cursor walk). */
const READ_CHUNK = 512 << 10;

function isControlBatch(bytes: Buffer): boolean {
  return (bytes.readUInt16BE(ATTRIBUTES_OFFSET) & ATTR_CONTROL) !== 0;
}

export class CleaningJob {
  private readonly latest = new KeyOffsetMap();
  private readonly kept = new KeptRecords();

  /** `now` and delete.retention.ms decide which tombstones go and the horizon of the ones that stay. */
  constructor(
    private readonly read: ReadBatches,
    private readonly now: number,
    private readonly deleteRetentionMs: number,
  ) {}

  /** Pass 1, over the dirty section [from, to): the latest offset of each key. */
  async mapKeys(from: number, to: number, pause?: Pause): Promise<void> {
    for (let at = from; at < to; ) {
      const batches = this.read(at, to, READ_CHUNK);
      if (batches.length === 0) break;
      for (const b of batches) {
        if (!isControlBatch(b.bytes)) {
          const r = new RecordCursor(b.bytes);
          while (r.next()) if (r.keyLength >= 0) this.latest.set(r.body, r.keyStart, r.keyLength, r.offset);
        }
        at = nextOffset(b);
        await pause?.();
      }
    }
  }

  /** Pass 2, over [from, to) below the cleaning limit: a record stays unless a later record has its key. */
  async filter(from: number, to: number, pause?: Pause): Promise<FilteredRange> {
    const out: FilteredRange = { batches: 0, records: 0, kept: 0, bytesBefore: 0, bytesAfter: 0, tombstoneHorizon: null, keep: [] };
    let changed = false;
    for (let at = from; at < to; ) {
      const batches = this.read(at, to, READ_CHUNK);
      if (batches.length === 0) break;
      for (const b of batches) {
        const o = this.filterBatch(b.bytes);
        out.batches++;
        out.records += o.records;
        out.kept += o.kept;
        out.bytesBefore += b.bytes.length;
        if (o.tombstoneHorizon !== null && (out.tombstoneHorizon === null || o.tombstoneHorizon < out.tombstoneHorizon)) out.tombstoneHorizon = o.tombstoneHorizon;
        if (o.bytes !== b.bytes) changed = true;
        if (o.bytes) {
          out.keep!.push({ baseOffset: b.baseOffset, bytes: o.bytes });
          out.bytesAfter += o.bytes.length;
        }
        at = nextOffset(b);
        await pause?.();
      }
    }
    if (!changed) out.keep = null;
    return out;
  }

  /** What stays of one batch: itself, a rebuilt batch, or null. */
  private filterBatch(bytes: Buffer): { records: number; kept: number; bytes: Buffer | null; tombstoneHorizon: number | null } {
    if (isControlBatch(bytes)) return { records: bytes.readInt32BE(RECORDS_COUNT_OFFSET), kept: 0, bytes, tombstoneHorizon: null };
    const r = new RecordCursor(bytes);
    const horizon = r.header.hasDeleteHorizon ? Number(r.header.baseTimestamp) : null;
    const kept = this.kept;
    kept.clear();
    let hasTombstones = false;
    while (r.next()) {
      if (r.keyLength >= 0) {
        if (this.latest.get(r.body, r.keyStart, r.keyLength) > r.offset) continue;
        // A tombstone goes once its delete horizon has passed (KIP-534).
        if (r.valueLength < 0 && horizon !== null && this.now >= horizon) continue;
      }
      kept.add(r);
      if (r.valueLength < 0) hasTombstones = true;
    }
    const records = r.header.recordCount;
    // Tombstones cleaned for the first time get their horizon, now + delete.retention.ms; a batch keeps the one it has.
    const deleteHorizon = horizon ?? (hasTombstones ? this.now + this.deleteRetentionMs : null);
    const outcome = { records, kept: kept.count, tombstoneHorizon: hasTombstones ? deleteHorizon : null };
    if (kept.count === records && deleteHorizon === horizon) return { ...outcome, bytes };
    if (kept.count === 0) return { ...outcome, bytes: null };
    return { ...outcome, bytes: kept.rebuild(r, deleteHorizon === null ? null : BigInt(deleteHorizon)) };
  }
}

/** The offset after a stored batch. */
function nextOffset(b: StoredBatch): number {
  return b.baseOffset + b.bytes.readInt32BE(LAST_OFFSET_DELTA_OFFSET) + 1;
}

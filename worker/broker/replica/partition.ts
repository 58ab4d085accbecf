// One partition replica on this broker: its log position, its producers, and the waiters for new data.
// Appends assign offsets synchronously (so pipelined produce requests keep their order) and become visible
// to consumers (high watermark) only once LMDB has committed them.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeRecordBatch,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  type BatchHeader,
} from '../../protocol/records/record-batch.js';
import type { LogStore, ProducerBatch, ProducerEntry, StoredBatch } from '../log/log-store.js';
import { checkSequence, lastSeqOf, recordBatch } from './producer-state.js';

export interface AppendResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logAppendTime: number;
  logStartOffset: number;
  /** Resolves when the batch is durable (or immediately for duplicates and errors). */
  committed: Promise<void>;
}

export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
  leaderEpoch: number;
}

export interface FetchResult {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  batches: StoredBatch[];
  bytes: number;
}

export class Partition {
  leader = -1;
  leaderEpoch = 0;
  replicas: number[] = [];
  isr: number[] = [];
  logStartOffset: number;
  /** Next offset to assign, including appends not yet committed. */
  logEndOffset: number;
  /** Everything below this is committed and may be served. */
  highWatermark: number;
  maxTimestamp: number;
  /** Set after a failed commit until the in-memory state has been reloaded from disk. */
  private failed = false;
  private commitTail: Promise<void> = Promise.resolve();
  private readonly producers = new Map<number, ProducerEntry>();
  private readonly waiters = new Set<() => void>();
  /** Commit of each recent producer batch still in flight, so a retry is acknowledged only once it is durable. */
  private readonly pendingCommits = new WeakMap<ProducerBatch, Promise<void>>();

  constructor(
    readonly topicId: string,
    public topicName: string,
    readonly index: number,
    readonly localId: number,
    state: { logStartOffset: number; logEndOffset: number; maxTimestamp: number },
    private readonly store: LogStore,
  ) {
    this.logStartOffset = state.logStartOffset;
    this.logEndOffset = state.logEndOffset;
    this.highWatermark = state.logEndOffset;
    this.maxTimestamp = state.maxTimestamp;
    for (const p of store.producers(localId)) this.producers.set(p.producerId, p);
  }

  /**
   * Appends one validated producer batch at `at` in `buf` (mutated in place: base offset, leader epoch,
   * and for LogAppendTime topics the timestamp and CRC).
   */
  append(buf: Buffer, header: BatchHeader, size: number, logAppendTime: number | null): AppendResult {
    const fail = (errorCode: number, errorMessage: string | null): AppendResult => ({
      errorCode,
      errorMessage,
      baseOffset: -1,
      logAppendTime: -1,
      logStartOffset: this.logStartOffset,
      committed: Promise.resolve(),
    });
    if (this.failed) return fail(ErrorCode.KAFKA_STORAGE_ERROR, 'the log is recovering from a failed write');

    const producerId = Number(header.producerId);
    let producerUpdate: ProducerEntry | null = null;
    if (producerId >= 0) {
      const firstSeq = header.baseSequence;
      const lastSeq = lastSeqOf(firstSeq, header.recordCount);
      const check = checkSequence(this.producers.get(producerId), header.producerEpoch, firstSeq, lastSeq);
      if (check.kind === 'error') return fail(check.errorCode, check.message);
      if (check.kind === 'duplicate') {
        // A retry of a batch we already have: acknowledge the original offsets once that write is durable.
        const done = this.pendingCommits.get(check.batch) ?? Promise.resolve();
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          baseOffset: check.batch.baseOffset,
          logAppendTime: logAppendTime ?? -1,
          logStartOffset: this.logStartOffset,
          committed: done,
        };
      }
      producerUpdate = recordBatch(this.producers.get(producerId), producerId, header.producerEpoch, {
        firstSeq,
        lastSeq,
        baseOffset: this.logEndOffset,
        lastOffset: this.logEndOffset + header.lastOffsetDelta,
        timestamp: Date.now(),
      });
      this.producers.set(producerId, producerUpdate);
    }

    const baseOffset = this.logEndOffset;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    const bytes = buf.subarray(0, size);
    setBaseOffset(bytes, 0, BigInt(baseOffset));
    setPartitionLeaderEpoch(bytes, 0, this.leaderEpoch);
    let batchMaxTs = Number(header.maxTimestamp);
    if (logAppendTime !== null) {
      setLogAppendTime(bytes, 0, BigInt(logAppendTime));
      batchMaxTs = logAppendTime;
    }
    this.logEndOffset = lastOffset + 1;
    let newMax: number | null = null;
    if (batchMaxTs > this.maxTimestamp) {
      this.maxTimestamp = batchMaxTs;
      newMax = batchMaxTs;
    }

    const write = this.store.append(this.localId, [{ baseOffset, lastOffset, maxTimestamp: batchMaxTs, bytes }], producerUpdate ? [producerUpdate] : [], newMax);
    const previous = this.commitTail;
    const committed = previous.then(
      () => write,
      () => write,
    );
    committed.then(
      () => this.advanceHighWatermark(lastOffset + 1),
      () => this.onWriteFailed(),
    );
    this.commitTail = committed.catch(() => undefined);
    if (producerUpdate) this.pendingCommits.set(producerUpdate.batches.at(-1)!, committed);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset,
      logAppendTime: logAppendTime ?? -1,
      logStartOffset: this.logStartOffset,
      committed,
    };
  }

  private advanceHighWatermark(to: number): void {
    if (to <= this.highWatermark) return;
    this.highWatermark = to;
    for (const w of [...this.waiters]) w();
  }

  private onWriteFailed(): void {
    if (this.failed) return;
    this.failed = true;
    // Once every write already queued has settled, the disk is the truth again: reload from it.
    void this.commitTail.then(() => {
      const state = this.store.partitions().find((p) => p.localId === this.localId);
      if (state) {
        this.logEndOffset = state.logEndOffset;
        this.highWatermark = Math.max(this.highWatermark, Math.min(state.logEndOffset, this.logEndOffset));
        this.maxTimestamp = state.maxTimestamp;
      }
      this.producers.clear();
      for (const p of this.store.producers(this.localId)) this.producers.set(p.producerId, p);
      this.failed = false;
    });
  }

  /** Reads committed batches from `offset`, at most about `maxBytes` (at least one batch when any exists). */
  read(offset: number, maxBytes: number): FetchResult {
    const result: FetchResult = {
      errorCode: ErrorCode.NONE,
      highWatermark: this.highWatermark,
      logStartOffset: this.logStartOffset,
      batches: [],
      bytes: 0,
    };
    if (offset < this.logStartOffset || offset > this.logEndOffset) {
      result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      return result;
    }
    if (offset >= this.highWatermark || maxBytes <= 0) return result;
    result.batches = this.store.read(this.localId, offset, this.highWatermark, maxBytes);
    for (const b of result.batches) result.bytes += b.bytes.length;
    return result;
  }

  /** Calls `onData` whenever the high watermark moves, until the returned function is called. */
  watch(onData: () => void): () => void {
    this.waiters.add(onData);
    return () => this.waiters.delete(onData);
  }

  /** Wakes every waiter (used when the partition goes away or leadership changes). */
  wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }

  /**
   * The first committed record with a timestamp at or after `timestamp` (ListOffsets by time), or with the
   * largest timestamp when `timestamp` is null (ListOffsets MAX_TIMESTAMP). Only the one batch the time
   * index points at is decoded.
   */
  findByTimestamp(timestamp: number | null): OffsetAndTimestamp | null {
    const target = timestamp ?? this.maxTimestamp;
    if (target < 0 && timestamp === null) return null;
    const base = this.store.findBatchByTimestamp(this.localId, target);
    if (base === null || base >= this.highWatermark) return null;
    const [batch] = this.store.read(this.localId, base, this.highWatermark, 1);
    if (!batch) return null;
    const { header, records } = decodeRecordBatch(batch.bytes, 0);
    const logAppend = header.timestampType === 'LogAppendTime';
    for (const r of records) {
      const ts = logAppend ? Number(header.maxTimestamp) : Number(r.timestamp);
      const offset = Number(r.offset);
      if (offset < this.logStartOffset) continue;
      if (timestamp === null ? ts === target : ts >= target) {
        return { offset, timestamp: ts, leaderEpoch: header.partitionLeaderEpoch };
      }
    }
    return null;
  }

  producerEntries(): ProducerEntry[] {
    return [...this.producers.values()];
  }
}

// One partition replica on this broker: its log position, its producers, its role (leader or follower), and
// the waiters for new data. As leader it assigns offsets synchronously (so pipelined produce requests keep
// their order), tracks its followers' log ends, keeps the ISR, and moves the high watermark to the lowest
// log end in the ISR; consumers only ever see records below the high watermark. As follower it appends the
// leader's batches as they are and truncates whatever diverges from the leader (Kafka's replication).
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeRecordBatch,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  validateBatch,
  type BatchHeader,
} from '../../protocol/records/record-batch.js';
import type { AppendBatch, LogStore, ProducerBatch, ProducerEntry, SegmentInfo, StoredBatch, StoredPartitionState } from '../log/log-store.js';
import { LeaderEpochs } from './leader-epochs.js';
import { checkSequence, lastSeqOf, recordBatch } from './producer-state.js';
import { hasCleanupPolicy } from '../log/topic-policies.js';

/** A write not run because an earlier write of the same log failed (the log is reloaded from disk). */
class WriteCancelled extends Error {
  override name = 'WriteCancelled';
  constructor() {
    super('an earlier write to this log failed');
  }
}

export interface AppendResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  lastOffset: number;
  logAppendTime: number;
  logStartOffset: number;
  /** Resolves when the batch is durable in the local log (or immediately for duplicates and errors). */
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

export interface ReplicaFetchResult {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  logEndOffset: number;
  /** Set when the follower's log diverges: it must truncate to `endOffset` of `epoch` first. */
  divergingEpoch: { epoch: number; endOffset: number } | null;
  batches: StoredBatch[];
  bytes: number;
}

/** What a partition needs from the broker around it. */
export interface PartitionHost {
  readonly brokerId: number;
  now(): number;
  /** Replicas are out of (or back in) sync: ask the controller to change the ISR (AlterPartition). */
  proposeIsr(partition: Partition, isr: number[]): void;
  /** A local write failed: leadership should move away. */
  reportStorageFailure(partition: Partition): void;
  readonly replicaLagTimeMaxMs: number;
  /** The effective value of a topic config (topic override, dynamic broker default, or Kafka's default). */
  topicConfig(topic: string, name: string): string;
}

/** Batches removed per transaction when old data is deleted, so deletion never stalls the broker. */
/** Batches ListOffsets by timestamp reads past the time index's answer at most. */
const MAX_TIMESTAMP_SCAN_BATCHES = 1000;
const DELETE_SLICE = 500;

interface FollowerState {
  logEndOffset: number;
  lastCaughtUpMs: number;
  lastFetchMs: number;
  /** The leader's log end when this follower fetched last. */
  lastFetchLeaderLogEndOffset: number;
  /** The high watermark and log start last sent to this follower (replica fetch responses leave unchanged partitions out). */
  sentHighWatermark: number;
  sentLogStartOffset: number;
}

function newFollowerState(logEndOffset: number, lastCaughtUpMs: number, now: number): FollowerState {
  return { logEndOffset, lastCaughtUpMs, lastFetchMs: now, lastFetchLeaderLogEndOffset: -1, sentHighWatermark: -1, sentLogStartOffset: -1 };
}

interface HighWatermarkWaiter {
  offset: number;
  resolve: (errorCode: number) => void;
  timer: NodeJS.Timeout;
}

const HW_CHECKPOINT_INTERVAL_MS = 5000;

export class Partition {
  leader = -1;
  leaderEpoch = -1;
  partitionEpoch = -1;
  replicas: number[] = [];
  isr: number[] = [];
  /** An ISR change sent to the controller and not yet seen in metadata. */
  private pendingIsr: number[] | null = null;
  logStartOffset: number;
  /** Next offset to assign as leader (log end including writes not yet durable). */
  nextOffset: number;
  /** Everything below this is durable in the local log. */
  logEndOffset: number;
  /** Everything below this is in every in-sync replica and may be served to consumers. */
  highWatermark: number;
  maxTimestamp: number;
  readonly epochs: LeaderEpochs;
  /** Set after a failed commit until the in-memory state has been reloaded from disk. */
  private failed = false;
  private commitTail: Promise<void> = Promise.resolve();
  /** Bumped by a failed write: writes issued before it and still queued are cancelled. */
  private writeGeneration = 0;
  private readonly producers = new Map<number, ProducerEntry>();
  private readonly waiters = new Set<() => void>();
  private readonly logEndWaiters = new Set<() => void>();
  /** Commit of each recent producer batch still in flight, so a retry is acknowledged only once it is durable. */
  private readonly pendingCommits = new WeakMap<ProducerBatch, Promise<void>>();
  private readonly followers = new Map<number, FollowerState>();
  private hwWaiters: HighWatermarkWaiter[] = [];
  private lastHwCheckpoint = 0;
  private checkpointedHw: number;
  /** The log's segments, oldest first; the last is the active one. */
  segments: SegmentInfo[];
  /** Compaction checkpoint: records below it are clean. */
  cleanedOffset: number;
  tombstoneHorizon: number | null;
  private deleting: Promise<void> | null = null;
  private closed = false;

  constructor(
    readonly topicId: string,
    public topicName: string,
    readonly index: number,
    readonly localId: number,
    state: StoredPartitionState,
    private readonly store: LogStore,
    private readonly host: PartitionHost,
  ) {
    this.logStartOffset = state.logStartOffset;
    this.nextOffset = state.logEndOffset;
    this.logEndOffset = state.logEndOffset;
    this.highWatermark = Math.max(state.logStartOffset, Math.min(state.highWatermark, state.logEndOffset));
    this.checkpointedHw = this.highWatermark;
    this.maxTimestamp = state.maxTimestamp;
    this.epochs = new LeaderEpochs(state.epochs);
    this.cleanedOffset = state.cleanedOffset;
    this.tombstoneHorizon = state.tombstoneHorizon;
    for (const p of store.producers(localId)) this.producers.set(p.producerId, p);
    this.segments = this.loadSegments();
    // A deletion below the start that a stop, crash or failed write interrupted goes on now.
    if (this.logStartOffset > 0) this.startDeletion();
  }

  /** Segments from disk; a log written before segments existed becomes one segment measured once. */
  private loadSegments(): SegmentInfo[] {
    const stored = this.store.segments(this.localId).filter((s) => s.endOffset > this.logStartOffset || s.baseOffset >= this.logStartOffset);
    if (stored.length > 0) return stored;
    const seg: SegmentInfo = { baseOffset: this.logStartOffset, createdMs: this.host.now(), sizeBytes: 0, maxTimestamp: this.maxTimestamp, endOffset: this.logEndOffset };
    for (let at = this.logStartOffset; at < this.logEndOffset; ) {
      const batches = this.store.read(this.localId, at, this.logEndOffset, 8 << 20);
      if (batches.length === 0) break;
      for (const b of batches) seg.sizeBytes += b.bytes.length;
      const last = batches.at(-1)!;
      at = last.baseOffset + last.bytes.readInt32BE(23) + 1;
    }
    return [seg];
  }

  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.sizeBytes;
    return n;
  }

  /** Puts batches into segments, rolling a new one on segment.bytes / segment.ms; returns the records to write. */
  private placeInSegments(batches: AppendBatch[]): SegmentInfo[] {
    const maxBytes = Number(this.host.topicConfig(this.topicName, 'segment.bytes'));
    const maxAge = Number(this.host.topicConfig(this.topicName, 'segment.ms'));
    const now = this.host.now();
    const changed = new Set<SegmentInfo>();
    for (const b of batches) {
      let active = this.segments.at(-1);
      const size = b.bytes.length;
      if (!active || (active.sizeBytes > 0 && (active.sizeBytes + size > maxBytes || now - active.createdMs >= maxAge))) {
        active = { baseOffset: b.baseOffset, createdMs: now, sizeBytes: 0, maxTimestamp: -1, endOffset: b.baseOffset };
        this.segments.push(active);
      }
      active.sizeBytes += size;
      active.maxTimestamp = Math.max(active.maxTimestamp, b.maxTimestamp);
      active.endOffset = b.lastOffset + 1;
      changed.add(active);
    }
    return [...changed].map((s) => ({ ...s }));
  }

  get isLeader(): boolean {
    return this.leader === this.host.brokerId;
  }

  // ---- role changes (from metadata)

  /** Applies the controller's view of this partition. */
  applyState(s: { leader: number; leaderEpoch: number; partitionEpoch: number; replicas: number[]; isr: number[] }): void {
    const wasLeader = this.isLeader;
    const newEpoch = s.leaderEpoch !== this.leaderEpoch;
    this.leader = s.leader;
    this.leaderEpoch = s.leaderEpoch;
    this.partitionEpoch = s.partitionEpoch;
    this.replicas = s.replicas;
    this.isr = s.isr;
    this.pendingIsr = null;
    if (this.isLeader) {
      if (newEpoch || !wasLeader) this.becomeLeader();
      this.updateHighWatermark();
    } else if (wasLeader || newEpoch) {
      this.becomeFollower();
    }
    this.wakeAll();
  }

  private becomeLeader(): void {
    // Kafka: the new leader's epoch starts at its log end; followers start out as caught up now.
    if (this.epochs.assign(this.leaderEpoch, this.logEndOffset)) void this.store.updateMeta(this.localId, { epochs: this.epochs.toJSON() }).catch(() => undefined);
    const now = this.host.now();
    this.followers.clear();
    for (const r of this.replicas) {
      if (r === this.host.brokerId) continue;
      const inSync = this.isr.includes(r);
      this.followers.set(r, newFollowerState(inSync ? this.highWatermark : -1, inSync ? now : 0, now));
    }
  }

  private becomeFollower(): void {
    this.followers.clear();
    for (const w of this.hwWaiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
  }

  // ---- leader: produce

  /**
   * Appends one validated producer batch at the start of `buf` (mutated in place: base offset, leader
   * epoch, and for LogAppendTime topics the timestamp and CRC).
   */
  append(buf: Buffer, header: BatchHeader, size: number, logAppendTime: number | null): AppendResult {
    const fail = (errorCode: number, errorMessage: string | null): AppendResult => ({
      errorCode,
      errorMessage,
      baseOffset: -1,
      lastOffset: -1,
      logAppendTime: -1,
      logStartOffset: this.logStartOffset,
      committed: Promise.resolve(),
    });
    if (!this.isLeader) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER, null);
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
          lastOffset: check.batch.lastOffset,
          // Kafka answers a duplicate with the cached batch's (max) timestamp.
          logAppendTime: check.batch.timestamp,
          logStartOffset: this.logStartOffset,
          committed: done,
        };
      }
      producerUpdate = recordBatch(this.producers.get(producerId), producerId, header.producerEpoch, {
        firstSeq,
        lastSeq,
        baseOffset: this.nextOffset,
        lastOffset: this.nextOffset + header.lastOffsetDelta,
        timestamp: logAppendTime ?? Number(header.maxTimestamp),
      });
      this.producers.set(producerId, producerUpdate);
    }

    const baseOffset = this.nextOffset;
    const lastOffset = baseOffset + header.lastOffsetDelta;
    const bytes = buf.subarray(0, size);
    setBaseOffset(bytes, 0, BigInt(baseOffset));
    setPartitionLeaderEpoch(bytes, 0, this.leaderEpoch);
    let batchMaxTs = Number(header.maxTimestamp);
    if (logAppendTime !== null) {
      setLogAppendTime(bytes, 0, BigInt(logAppendTime));
      batchMaxTs = logAppendTime;
    }
    this.nextOffset = lastOffset + 1;
    const committed = this.writeBatches([{ baseOffset, lastOffset, maxTimestamp: batchMaxTs, bytes }], producerUpdate ? [producerUpdate] : []);
    if (producerUpdate) this.pendingCommits.set(producerUpdate.batches.at(-1)!, committed);
    return { errorCode: ErrorCode.NONE, errorMessage: null, baseOffset, lastOffset, logAppendTime: logAppendTime ?? -1, logStartOffset: this.logStartOffset, committed };
  }

  /**
   * Writes batches (offsets assigned, in order) with their producer states; the log end moves on commit. Each write
   * runs once the one before it has settled, and only if no write failed since this one was issued: offsets and
   * producer sequences were assigned assuming every earlier write lands, so a write after a failed one would leave
   * a hole in the log and a sequence gap an idempotent producer's retry could never fill (it would get
   * OUT_OF_ORDER_SEQUENCE_NUMBER forever). Such writes fail too, without touching the log.
   */
  private writeBatches(batches: AppendBatch[], producers: ProducerEntry[]): Promise<void> {
    let newMax: number | null = null;
    for (const b of batches) {
      if (b.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = b.maxTimestamp;
        newMax = b.maxTimestamp;
      }
    }
    const end = batches.at(-1)!.lastOffset + 1;
    const segments = this.placeInSegments(batches);
    const generation = this.writeGeneration;
    const write = () =>
      generation === this.writeGeneration
        ? this.store.append(this.localId, batches, producers, newMax, { segments })
        : Promise.reject(new WriteCancelled());
    const committed = this.commitTail.then(write, write);
    committed.then(
      () => this.advanceLogEnd(end),
      (e: unknown) => (e instanceof WriteCancelled ? undefined : this.onWriteFailed()),
    );
    this.commitTail = committed.catch(() => undefined);
    return committed;
  }

  private advanceLogEnd(to: number): void {
    if (to <= this.logEndOffset) return;
    this.logEndOffset = to;
    // Consumers are woken by the high watermark (setHighWatermark, followerHighWatermark), followers by the log end.
    if (this.isLeader) this.updateHighWatermark();
    for (const w of [...this.logEndWaiters]) w();
  }

  /** acks=all: resolves with NONE once the ISR has everything below `offset`, or with the error that stopped it. */
  waitForHighWatermark(offset: number, timeoutMs: number): Promise<number> {
    if (this.highWatermark >= offset) return Promise.resolve(ErrorCode.NONE);
    if (!this.isLeader) return Promise.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    return new Promise((resolve) => {
      const w: HighWatermarkWaiter = {
        offset,
        resolve,
        timer: setTimeout(() => {
          this.hwWaiters = this.hwWaiters.filter((x) => x !== w);
          resolve(ErrorCode.REQUEST_TIMED_OUT);
        }, Math.max(1, timeoutMs)),
      };
      this.hwWaiters.push(w);
    });
  }

  /** The ISR as the leader must treat it: with a change pending, the larger of the old and the proposed one. */
  private maximalIsr(): number[] {
    return this.pendingIsr ? [...new Set([...this.isr, ...this.pendingIsr])] : this.isr;
  }

  /** Leader: the high watermark is the smallest log end in the ISR (never moving backwards). */
  private updateHighWatermark(): void {
    let hw = this.logEndOffset;
    for (const r of this.maximalIsr()) {
      if (r === this.host.brokerId) continue;
      const f = this.followers.get(r);
      hw = Math.min(hw, f ? f.logEndOffset : -1);
    }
    this.setHighWatermark(hw);
  }

  private setHighWatermark(hw: number): void {
    if (hw <= this.highWatermark) return;
    this.highWatermark = hw;
    if (this.hwWaiters.length > 0) {
      const done = this.hwWaiters.filter((w) => w.offset <= hw);
      this.hwWaiters = this.hwWaiters.filter((w) => w.offset > hw);
      for (const w of done) {
        clearTimeout(w.timer);
        w.resolve(ErrorCode.NONE);
      }
    }
    const now = this.host.now();
    if (now - this.lastHwCheckpoint >= HW_CHECKPOINT_INTERVAL_MS) this.checkpointHighWatermark(now);
    // Followers read up to the log end, so a moved high watermark is news only for consumers (as in Kafka, where
    // it completes delayed consumer fetches, not follower ones); followers learn it with their next response.
    for (const w of [...this.waiters]) w();
  }

  /**
   * Whether a replica fetch response must carry this partition for `followerId` although it brings no records:
   * its high watermark or log start moved since the last response that did (or `full`: that response may be lost).
   * Records what is being sent, unless the follower will not apply it (`applied` false: the answer carries an error
   * or a divergence) - a caught-up follower would otherwise never be sent the high watermark again, and serve a
   * stale one until the next produce.
   */
  takeFollowerNews(followerId: number, full: boolean, applied = true): boolean {
    const f = this.followers.get(followerId);
    if (!f) return true;
    if (!applied) {
      f.sentHighWatermark = -1;
      f.sentLogStartOffset = -1;
      return true;
    }
    const changed = full || f.sentHighWatermark !== this.highWatermark || f.sentLogStartOffset !== this.logStartOffset;
    f.sentHighWatermark = this.highWatermark;
    f.sentLogStartOffset = this.logStartOffset;
    return changed;
  }

  /** Kafka checkpoints the high watermark every few seconds; a restarted replica starts from it. */
  checkpointHighWatermark(now = this.host.now()): void {
    if (this.highWatermark === this.checkpointedHw) return;
    this.lastHwCheckpoint = now;
    this.checkpointedHw = this.highWatermark;
    void this.store.updateMeta(this.localId, { highWatermark: this.highWatermark }).catch(() => undefined);
  }

  private onWriteFailed(): void {
    if (this.failed) return;
    this.failed = true;
    // Writes issued before this failure and not yet run are cancelled (see writeBatches).
    this.writeGeneration++;
    this.host.reportStorageFailure(this);
    // Once every write already queued has settled, the disk is the truth again: reload from it.
    void this.commitTail.then(() => {
      const state = this.store.partitions().find((p) => p.localId === this.localId);
      if (state) {
        this.logEndOffset = state.logEndOffset;
        this.nextOffset = state.logEndOffset;
        this.maxTimestamp = state.maxTimestamp;
      }
      this.producers.clear();
      for (const p of this.store.producers(this.localId)) this.producers.set(p.producerId, p);
      this.segments = this.loadSegments();
      this.failed = false;
    });
  }

  // ---- log start: retention, DeleteRecords, the leader's start seen by a follower

  /**
   * Moves the log start offset forward; the data below it is deleted in the background, in slices, and is
   * never served again (reads below the start are OFFSET_OUT_OF_RANGE).
   */
  async advanceLogStart(offset: number): Promise<void> {
    if (offset <= this.logStartOffset) return;
    this.logStartOffset = offset;
    this.epochs.truncateFromStart(offset);
    if (this.highWatermark < offset) this.highWatermark = offset;
    this.segments = this.segments.filter((s, i) => s.endOffset > offset || i === this.segments.length - 1);
    if (this.segments[0] && this.segments[0].baseOffset < offset && this.segments[0].endOffset <= offset) {
      // The active segment is empty below the start: it now begins there.
      this.segments[0] = { ...this.segments[0], baseOffset: offset, endOffset: Math.max(offset, this.segments[0].endOffset), sizeBytes: 0 };
    }
    await this.store.setLogStartOffset(this.localId, offset);
    this.wakeAll();
    this.startDeletion();
  }

  private startDeletion(): void {
    // A failed write (storage fault) leaves the rest for the next advance or start; it must not take the broker down.
    this.deleting ??= this.deleteBelowStart()
      .catch(() => undefined)
      .finally(() => (this.deleting = null));
  }

  private async deleteBelowStart(): Promise<void> {
    for (;;) {
      const removed = await this.store.deleteBelow(this.localId, this.logStartOffset, DELETE_SLICE);
      if (removed < DELETE_SLICE) return;
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Waits for background deletion below the log start (tests, space measurements). */
  async deletionDone(): Promise<void> {
    while (this.deleting) await this.deleting;
  }

  /**
   * Time and size retention (cleanup.policy with "delete"): the offset the log may start at, dropping whole
   * closed segments that are older than retention.ms or beyond retention.bytes, and only below the high
   * watermark. Null when nothing is due.
   */
  retentionStart(now: number): number | null {
    if (!hasCleanupPolicy(this.host.topicConfig(this.topicName, 'cleanup.policy'), 'delete')) return null;
    const retentionMs = Number(this.host.topicConfig(this.topicName, 'retention.ms'));
    const retentionBytes = Number(this.host.topicConfig(this.topicName, 'retention.bytes'));
    let size = this.sizeBytes;
    let start: number | null = null;
    for (let i = 0; i < this.segments.length - 1; i++) {
      const s = this.segments[i]!;
      if (s.endOffset > this.highWatermark) break;
      const expired = retentionMs >= 0 && s.maxTimestamp >= 0 && s.maxTimestamp < now - retentionMs;
      const oversized = retentionBytes >= 0 && size - s.sizeBytes >= retentionBytes;
      if (!expired && !oversized) break;
      size -= s.sizeBytes;
      start = s.endOffset;
    }
    return start;
  }

  get storageFailed(): boolean {
    return this.failed;
  }

  // ---- leader: replication to followers

  /**
   * A follower's fetch (Fetch with replica_id): records where the follower's log ends, checks that its log
   * has not diverged, and returns durable batches from `fetchOffset` (not limited by the high watermark).
   */
  readForFollower(followerId: number, fetchOffset: number, lastFetchedEpoch: number, maxBytes: number): ReplicaFetchResult {
    const result: ReplicaFetchResult = {
      errorCode: ErrorCode.NONE,
      highWatermark: this.highWatermark,
      logStartOffset: this.logStartOffset,
      logEndOffset: this.logEndOffset,
      divergingEpoch: null,
      batches: [],
      bytes: 0,
    };
    if (!this.isLeader) {
      result.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
      return result;
    }
    // Below the log start first: retention may have trimmed the epochs such a follower asks about, and whatever it
    // holds there is gone on the leader anyway - it starts over at the leader's log start (replica-fetcher resetTo).
    if (fetchOffset < this.logStartOffset) {
      result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      return result;
    }
    if (lastFetchedEpoch >= 0) {
      const end = this.epochs.endOffsetFor(lastFetchedEpoch, this.logEndOffset);
      if (end.epoch < lastFetchedEpoch || end.endOffset < fetchOffset) {
        result.divergingEpoch = end;
        return result;
      }
    }
    if (fetchOffset > this.logEndOffset) {
      result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      return result;
    }
    const now = this.host.now();
    let f = this.followers.get(followerId);
    if (!f) this.followers.set(followerId, (f = newFollowerState(fetchOffset, 0, now)));
    f.logEndOffset = fetchOffset;
    // Kafka's Replica.updateFetchState: caught up when at the leader's end now, or at least where the leader's end
    // was at its previous fetch (then it was caught up as of that fetch) - under steady writes a follower behind a
    // slow link never meets the moving end exactly, yet keeps up.
    if (fetchOffset >= this.logEndOffset) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, now);
    else if (f.lastFetchLeaderLogEndOffset >= 0 && fetchOffset >= f.lastFetchLeaderLogEndOffset) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
    f.lastFetchLeaderLogEndOffset = this.logEndOffset;
    f.lastFetchMs = now;
    this.updateHighWatermark();
    this.maybeExpandIsr(followerId, f);
    result.highWatermark = this.highWatermark;
    if (fetchOffset < this.logEndOffset && maxBytes > 0) {
      result.batches = this.store.read(this.localId, fetchOffset, this.logEndOffset, maxBytes);
      for (const b of result.batches) result.bytes += b.bytes.length;
    }
    return result;
  }

  /** A follower outside the ISR that has caught up to the high watermark (in this epoch) is added back. */
  private maybeExpandIsr(followerId: number, f: FollowerState): void {
    if (this.pendingIsr || this.isr.includes(followerId) || !this.replicas.includes(followerId)) return;
    const epochStart = this.epochs.startOffsetOf(this.leaderEpoch) ?? 0;
    if (f.logEndOffset >= this.highWatermark && f.logEndOffset >= epochStart) {
      this.pendingIsr = [...this.isr, followerId];
      this.host.proposeIsr(this, this.pendingIsr);
    }
  }

  /** Leader: followers that have not caught up within replica.lag.time.max.ms leave the ISR. */
  checkIsr(now: number): void {
    if (!this.isLeader || this.pendingIsr) return;
    const lagging = this.isr.filter((r) => {
      if (r === this.host.brokerId) return false;
      const f = this.followers.get(r);
      return !f || now - f.lastCaughtUpMs > this.host.replicaLagTimeMaxMs;
    });
    if (lagging.length === 0) return;
    this.pendingIsr = this.isr.filter((r) => !lagging.includes(r));
    this.host.proposeIsr(this, this.pendingIsr);
  }

  /** The controller refused or dropped an ISR change; it may be proposed again. */
  isrChangeFailed(): void {
    this.pendingIsr = null;
  }

  // ---- follower

  /**
   * Appends batches fetched from the leader, exactly as the leader stores them. Returns the error that
   * stops replication (a corrupt or non-contiguous batch), or NONE.
   */
  appendAsFollower(records: Buffer): { errorCode: number; committed: Promise<void> } {
    if (this.failed) return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, committed: Promise.resolve() };
    const batches: AppendBatch[] = [];
    const producers = new Map<number, ProducerEntry>();
    let at = 0;
    let expected = this.nextOffset;
    const epochChanges: [number, number][] = [];
    // The leader's cleaner may have stamped tombstones with their delete horizon already; this replica must clean
    // them away at that horizon too, though its own cleanings never saw them (KIP-534's trigger, below).
    let horizon: number | null = null;
    while (at + 61 <= records.length) {
      const check = validateBatch(records, at, { mode: 'stored' });
      if (!check.ok) return { errorCode: check.errorCode, committed: Promise.resolve() };
      const h = check.header;
      const base = Number(h.baseOffset);
      const last = base + h.lastOffsetDelta;
      if (last < expected) {
        at += check.size;
        continue; // already have it (a batch straddling our log end cannot happen: we truncate whole batches)
      }
      // Offsets only increase; compacted logs have gaps, which followers keep.
      if (base < expected) return { errorCode: ErrorCode.CORRUPT_MESSAGE, committed: Promise.resolve() };
      batches.push({ baseOffset: base, lastOffset: last, maxTimestamp: Number(h.maxTimestamp), bytes: records.subarray(at, at + check.size) });
      if (h.hasDeleteHorizon && !h.isControl && (horizon === null || Number(h.baseTimestamp) < horizon)) horizon = Number(h.baseTimestamp);
      if (h.partitionLeaderEpoch > this.epochs.latestEpoch && !epochChanges.some(([e]) => e >= h.partitionLeaderEpoch)) epochChanges.push([h.partitionLeaderEpoch, base]);
      const pid = Number(h.producerId);
      if (pid >= 0 && !h.isControl) {
        // Producer state follows the leader's, so that after a failover this replica still deduplicates retries.
        const entry = producers.get(pid) ?? this.producers.get(pid);
        producers.set(
          pid,
          recordBatch(entry, pid, h.producerEpoch, {
            firstSeq: h.baseSequence,
            lastSeq: lastSeqOf(h.baseSequence, h.recordCount),
            baseOffset: base,
            lastOffset: last,
            timestamp: Number(h.maxTimestamp),
          }),
        );
      }
      expected = last + 1;
      at += check.size;
    }
    if (batches.length === 0) return { errorCode: ErrorCode.NONE, committed: Promise.resolve() };
    for (const [e, o] of epochChanges) this.epochs.assign(e, o);
    for (const [pid, entry] of producers) this.producers.set(pid, entry);
    this.nextOffset = expected;
    if (horizon !== null && (this.tombstoneHorizon === null || horizon < this.tombstoneHorizon)) {
      this.tombstoneHorizon = horizon;
      void this.store.updateMeta(this.localId, { tombstoneHorizon: horizon }).catch(() => undefined);
    }
    const committed = epochChanges.length > 0
      ? this.writeBatchesWithEpochs(batches, [...producers.values()])
      : this.writeBatches(batches, [...producers.values()]);
    return { errorCode: ErrorCode.NONE, committed };
  }

  private writeBatchesWithEpochs(batches: AppendBatch[], producers: ProducerEntry[]): Promise<void> {
    void this.store.updateMeta(this.localId, { epochs: this.epochs.toJSON() }).catch(() => undefined);
    return this.writeBatches(batches, producers);
  }

  /** Follower: the leader's high watermark, bounded by what this replica has. */
  followerHighWatermark(leaderHw: number): void {
    const hw = Math.min(leaderHw, this.logEndOffset);
    if (hw > this.highWatermark) {
      this.highWatermark = hw;
      const now = this.host.now();
      if (now - this.lastHwCheckpoint >= HW_CHECKPOINT_INTERVAL_MS) this.checkpointHighWatermark(now);
      // Consumers fetching from this follower (KIP-392) may read up to here now.
      for (const w of [...this.waiters]) w();
    }
  }

  /** Follower: removes everything from `offset` on (divergence from the new leader). */
  async truncateTo(offset: number): Promise<void> {
    await this.commitTail;
    if (offset >= this.logEndOffset) {
      // No record goes, but the epoch cache is still cut (as Kafka's UnifiedLog.truncateTo does): an epoch this
      // replica led without writing starts at its log end, and left in place it would answer every fetch with the
      // same divergence.
      const before = this.epochs.toJSON().length;
      this.epochs.truncateFromEnd(offset);
      if (this.epochs.toJSON().length !== before) await this.store.updateMeta(this.localId, { epochs: this.epochs.toJSON() });
      return;
    }
    this.epochs.truncateFromEnd(offset);
    this.segments = this.segments.filter((s, i) => s.baseOffset < offset || i === 0);
    const lastSeg = this.segments.at(-1);
    if (lastSeg && lastSeg.endOffset > offset) lastSeg.endOffset = offset;
    const keep: ProducerEntry[] = [];
    for (const p of this.producers.values()) {
      const batches = p.batches.filter((b) => b.lastOffset < offset);
      if (batches.length > 0) keep.push({ ...p, batches });
    }
    const end = await this.store.truncateTo(this.localId, offset, keep, { epochs: this.epochs.toJSON(), highWatermark: Math.min(this.highWatermark, offset) });
    this.producers.clear();
    for (const p of keep) this.producers.set(p.producerId, p);
    this.logEndOffset = end;
    this.nextOffset = end;
    this.highWatermark = Math.min(this.highWatermark, end);
    const state = this.store.partitions().find((p) => p.localId === this.localId);
    if (state) this.maxTimestamp = state.maxTimestamp;
  }

  /** Follower behind the leader's log start (retention on the leader): start over at the leader's start. */
  async resetTo(offset: number): Promise<void> {
    await this.commitTail;
    await this.store.resetTo(this.localId, offset);
    this.producers.clear();
    this.epochs.truncateFromEnd(0);
    this.logStartOffset = offset;
    this.logEndOffset = offset;
    this.nextOffset = offset;
    this.highWatermark = offset;
    this.maxTimestamp = -1;
    this.segments = [{ baseOffset: offset, createdMs: this.host.now(), sizeBytes: 0, maxTimestamp: -1, endOffset: offset }];
    this.cleanedOffset = offset;
    this.tombstoneHorizon = null;
  }

  // ---- consumers

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

  /** Reads durable batches up to the local log end (coordinators loading their state). */
  readLocal(offset: number, maxBytes: number): StoredBatch[] {
    if (offset >= this.logEndOffset) return [];
    return this.store.read(this.localId, offset, this.logEndOffset, maxBytes);
  }

  /**
   * For consumer fetches: calls `onData` whenever the high watermark moves (or the partition's role, start or
   * existence changes), until the returned function is called.
   */
  watch(onData: () => void): () => void {
    this.waiters.add(onData);
    return () => this.waiters.delete(onData);
  }

  /** Like `watch`, for follower fetches: not woken when only the high watermark moves. */
  watchLogEnd(onData: () => void): () => void {
    this.logEndWaiters.add(onData);
    return () => this.logEndWaiters.delete(onData);
  }

  /** Wakes every waiter (new data, partition gone, leadership changed). */
  wakeAll(): void {
    for (const w of [...this.waiters]) w();
    for (const w of [...this.logEndWaiters]) w();
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
    // The index names the first batch whose largest timestamp reached the target; after the log start moved, the
    // matching records of that batch may lie below the start, so read on until a retained record matches (bounded:
    // a later index entry names the next batch that can).
    let from = Math.max(base, this.logStartOffset);
    for (let scanned = 0; from < this.highWatermark && scanned < MAX_TIMESTAMP_SCAN_BATCHES; scanned++) {
      const [batch] = this.store.read(this.localId, from, this.highWatermark, 1);
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
      from = batch.baseOffset + header.lastOffsetDelta + 1;
    }
    return null;
  }

  producerEntries(): ProducerEntry[] {
    return [...this.producers.values()];
  }

  /** Replica-level view for status and the GUI. */
  followerLogEnds(): Map<number, number> {
    return new Map([...this.followers].map(([id, f]) => [id, f.logEndOffset]));
  }

  // ---- compaction (worker/broker/log/cleaner.ts drives it)

  readBatches(from: number, to: number, maxBytes: number): { baseOffset: number; bytes: Buffer }[] {
    return this.store.read(this.localId, from, to, maxBytes).filter((b) => b.baseOffset >= from);
  }

  async replaceSegment(segment: SegmentInfo, batches: { baseOffset: number; bytes: Buffer }[]): Promise<void> {
    const current = this.segments.find((s) => s.baseOffset === segment.baseOffset);
    if (!current || this.closed) return;
    // Retention may have moved the start meanwhile: nothing below it is written back.
    const keep = batches.filter((b) => b.baseOffset + b.bytes.readInt32BE(23) >= this.logStartOffset);
    let size = 0;
    for (const b of keep) size += b.bytes.length;
    current.sizeBytes = size;
    await this.store.replaceBatches(this.localId, segment.baseOffset, segment.endOffset, keep, { segments: [{ ...current }] });
  }

  /**
   * Records a finished cleaning up to `offset` and the earliest delete horizon of the tombstones it kept. A cleaning
   * that stopped short of an earlier one (a restarted replica cleans only up to the high watermark it checkpointed)
   * did not see the tombstones beyond it, so their pending horizon stays: replacing it left them for ever.
   */
  async setCleanedOffset(offset: number, tombstoneHorizon: number | null): Promise<void> {
    if (this.closed) return;
    const horizon = offset < this.cleanedOffset ? earliest(tombstoneHorizon, this.tombstoneHorizon) : tombstoneHorizon;
    this.cleanedOffset = Math.max(this.cleanedOffset, offset);
    this.tombstoneHorizon = horizon;
    await this.store.updateMeta(this.localId, { cleanedOffset: this.cleanedOffset, tombstoneHorizon: horizon });
  }

  stillCleanable(upTo: number): boolean {
    return !this.closed && this.logEndOffset >= upTo;
  }

  /** Fails everything waiting on this partition (it is going away). */
  close(): void {
    this.closed = true;
    for (const w of this.hwWaiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
    this.wakeAll();
  }
}

/** The earlier of two delete horizons (null: none). */
function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

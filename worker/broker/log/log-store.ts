// The storage interface a broker's partitions are written through. One implementation keeps the log in
// LMDB (lmdb-log-store.ts); tests wrap it to inject failures. Offsets are JS numbers inside the broker:
// 2^53 records per partition is far beyond any local cluster, and numbers keep the hot path cheap.

/** Where one partition's log stands, as recovered from disk. */
export interface StoredPartitionState {
  localId: number;
  topicId: string;
  partition: number;
  logStartOffset: number;
  /** Offset the next appended record gets (log end offset). */
  logEndOffset: number;
  /** Largest record timestamp seen so far (for the time index), -1 when empty. */
  maxTimestamp: number;
  /** Leader epoch cache: [epoch, first offset written in that epoch], ascending. */
  epochs: [number, number][];
  /** Compaction checkpoint: offsets below it are clean. */
  cleanedOffset: number;
  tombstoneHorizon: number | null;
  /** Last checkpointed high watermark (Kafka's replication-offset-checkpoint). */
  highWatermark: number;
}

/**
 * A segment: a run of consecutive batches that retention deletes and compaction cleans as a unit (Kafka's log
 * segments, here a range of LMDB keys rather than a file). The last one is the active segment.
 */
export interface SegmentInfo {
  baseOffset: number;
  /** Broker time the segment was started (segment.ms rolls it). */
  createdMs: number;
  sizeBytes: number;
  /** Largest record timestamp in the segment (time retention); -1 when it has none. */
  maxTimestamp: number;
  /** Offset after the segment's last batch. */
  endOffset: number;
}

/** What changes about a partition besides its batches. */
export interface PartitionMetaUpdate {
  epochs?: [number, number][];
  highWatermark?: number;
  /** Upserts of segment records (the active segment after an append, segments it rolled over). */
  segments?: SegmentInfo[];
  /** Compaction: everything below this offset has been cleaned (Kafka's cleaner checkpoint). */
  cleanedOffset?: number;
  /** Compaction: the earliest delete horizon of a tombstone left in the cleaned part, null for none. */
  tombstoneHorizon?: number | null;
}

/** Idempotent-producer state for one (partition, producer id), persisted with the batches it describes. */
export interface ProducerEntry {
  producerId: number;
  producerEpoch: number;
  /** The last (up to 5) appended batches: first and last sequence, base offset, append time. */
  batches: ProducerBatch[];
}

export interface ProducerBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
  timestamp: number;
}

/** A batch to append: its bytes already carry the assigned base offset. */
export interface AppendBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  bytes: Buffer;
}

export interface StoredBatch {
  baseOffset: number;
  bytes: Buffer;
}

export interface LogStore {
  /** Partitions found on disk. */
  partitions(): StoredPartitionState[];
  /**
   * Creates the record of a partition (idempotent). The state is usable at once, so a partition never
   * appears in metadata before it can take writes; `durable` resolves when the record is on disk (appends
   * queued after it commit in the same or a later transaction).
   */
  createPartition(topicId: string, partition: number): { state: StoredPartitionState; durable: Promise<void> };
  /** Removes a partition and all its data. */
  deletePartition(localId: number): Promise<void>;
  /**
   * Appends batches (offsets already assigned, in order) and producer states in one transaction. Resolves once it
   * is committed (in the data file: a process kill cannot lose it; when it reaches the disk is the store's flush
   * policy); rejects on an I/O failure, in which case nothing of it was stored.
   */
  append(localId: number, batches: AppendBatch[], producers: ProducerEntry[], newMaxTimestamp: number | null, meta?: PartitionMetaUpdate): Promise<void>;
  /**
   * Removes every batch at or after `offset` (a batch containing it is removed whole), replaces the
   * partition's producer states and metadata, in one durable transaction. Returns the new log end offset.
   */
  truncateTo(localId: number, offset: number, producers: ProducerEntry[], meta: PartitionMetaUpdate): Promise<number>;
  /** Records metadata changes (epoch cache, high-watermark checkpoint). */
  updateMeta(localId: number, meta: PartitionMetaUpdate): Promise<void>;
  /**
   * Reads whole stored batches starting with the one containing `fromOffset`, stopping before `endOffset`
   * (exclusive) and once `maxBytes` is reached; the first batch is returned even if larger (KIP-74).
   */
  read(localId: number, fromOffset: number, endOffset: number, maxBytes: number): StoredBatch[];
  /** Base offset of the first batch whose running max timestamp reaches `timestamp`, or null. */
  findBatchByTimestamp(localId: number, timestamp: number): number | null;
  /** Producer states persisted for a partition. */
  producers(localId: number): ProducerEntry[];
  /**
   * Moves the log start offset (DeleteRecords, retention, the leader's start seen by a follower) and forgets
   * segments that end below it. The batches below are removed afterwards, in slices (deleteBelow).
   */
  setLogStartOffset(localId: number, offset: number): Promise<void>;
  /** Removes up to `limit` batches that end below `offset`; resolves with how many it removed. */
  deleteBelow(localId: number, offset: number, limit: number): Promise<number>;
  /** The partition's segments, oldest first. */
  segments(localId: number): SegmentInfo[];
  /**
   * Compaction: replaces the batches with base offsets in [from, to) by `batches` (a subset of those offsets,
   * rewritten), in one transaction.
   */
  replaceBatches(localId: number, from: number, to: number, batches: { baseOffset: number; bytes: Buffer }[], meta: PartitionMetaUpdate): Promise<void>;
  /** Bytes and pages LMDB uses (to show that deleted data's space is reused). */
  usage(): { usedBytes: number; fileBytes: number };
  /** Removes every batch and restarts the log at `offset` (a follower that fell behind the leader's log start). */
  resetTo(localId: number, offset: number): Promise<void>;
  close(): Promise<void>;
}

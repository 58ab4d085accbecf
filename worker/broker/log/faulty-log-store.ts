// A LogStore wrapper that fails the next N writes on request: storage fault injection for tests and the
// GUI's "break it" controls. Reads always pass through.
import type { AppendBatch, LogStore, PartitionMetaUpdate, ProducerEntry, SegmentInfo, StoredBatch, StoredPartitionState } from './log-store.js';

export class StorageFaultError extends Error {
  override name = 'StorageFaultError';
}

export class FaultyLogStore implements LogStore {
  private failures = 0;

  constructor(private readonly inner: LogStore) {}

  /** The next `count` writes (appends, truncations, metadata updates) fail without changing anything. */
  failNextWrites(count: number): void {
    this.failures = Math.max(0, count);
  }

  private injected(): boolean {
    if (this.failures <= 0) return false;
    this.failures--;
    return true;
  }

  partitions(): StoredPartitionState[] {
    return this.inner.partitions();
  }
  createPartition(topicId: string, partition: number): { state: StoredPartitionState; durable: Promise<void> } {
    return this.inner.createPartition(topicId, partition);
  }
  deletePartition(localId: number): Promise<void> {
    return this.inner.deletePartition(localId);
  }
  append(localId: number, batches: AppendBatch[], producers: ProducerEntry[], newMaxTimestamp: number | null, meta?: PartitionMetaUpdate): Promise<void> {
    if (this.injected()) return Promise.reject(new StorageFaultError('injected storage fault: write failed'));
    return this.inner.append(localId, batches, producers, newMaxTimestamp, meta);
  }
  truncateTo(localId: number, offset: number, producers: ProducerEntry[], meta: PartitionMetaUpdate): Promise<number> {
    if (this.injected()) return Promise.reject(new StorageFaultError('injected storage fault: truncation failed'));
    return this.inner.truncateTo(localId, offset, producers, meta);
  }
  updateMeta(localId: number, meta: PartitionMetaUpdate): Promise<void> {
    return this.inner.updateMeta(localId, meta);
  }
  read(localId: number, fromOffset: number, endOffset: number, maxBytes: number): StoredBatch[] {
    return this.inner.read(localId, fromOffset, endOffset, maxBytes);
  }
  findBatchByTimestamp(localId: number, timestamp: number): number | null {
    return this.inner.findBatchByTimestamp(localId, timestamp);
  }
  producers(localId: number): ProducerEntry[] {
    return this.inner.producers(localId);
  }
  setLogStartOffset(localId: number, offset: number): Promise<void> {
    return this.inner.setLogStartOffset(localId, offset);
  }
  deleteBelow(localId: number, offset: number, limit: number): Promise<number> {
    if (this.injected()) return Promise.reject(new StorageFaultError('injected storage fault: deletion failed'));
    return this.inner.deleteBelow(localId, offset, limit);
  }
  segments(localId: number): SegmentInfo[] {
    return this.inner.segments(localId);
  }
  replaceBatches(localId: number, from: number, to: number, batches: { baseOffset: number; bytes: Buffer }[], meta: PartitionMetaUpdate): Promise<void> {
    if (this.injected()) return Promise.reject(new StorageFaultError('injected storage fault: compaction write failed'));
    return this.inner.replaceBatches(localId, from, to, batches, meta);
  }
  usage(): { usedBytes: number; fileBytes: number } {
    return this.inner.usage();
  }
  resetTo(localId: number, offset: number): Promise<void> {
    return this.inner.resetTo(localId, offset);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

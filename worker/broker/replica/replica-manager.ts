// The partitions this broker hosts, kept in step with the cluster metadata the controller pushes.
// (Kafka layering: KafkaApis -> ReplicaManager -> Partition -> Log.)
import type { MetadataDelta, MetadataImage } from '../../rpc/metadata.js';
import type { LogStore } from '../log/log-store.js';
import type { Logger } from '../logger.js';
import { Partition } from './partition.js';

export class ReplicaManager {
  private readonly byKey = new Map<string, Partition>();

  constructor(
    private readonly brokerId: number,
    private readonly store: LogStore,
    private readonly metadata: MetadataImage,
    private readonly log: Logger,
  ) {}

  get(topicId: string, index: number): Partition | undefined {
    return this.byKey.get(`${topicId}:${index}`);
  }

  getByName(topic: string, index: number): Partition | undefined {
    const t = this.metadata.topicsByName.get(topic);
    return t ? this.get(t.topicId, index) : undefined;
  }

  all(): IterableIterator<Partition> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }

  /**
   * Brings hosted partitions in line with the metadata after `delta` has been applied to the image. New and
   * changed partitions are set up synchronously, in the same turn as the image change, so no request sees
   * a partition in metadata that this broker cannot serve yet; disk work is awaited afterwards.
   */
  async onMetadata(delta: MetadataDelta, initial: boolean): Promise<void> {
    const touched = new Set<string>();
    const removed = new Set<string>();
    for (const r of delta.records) {
      if (r.type === 'partition') touched.add(r.topicId);
      else if (r.type === 'topic') touched.add(r.topicId);
      else if (r.type === 'removeTopic') removed.add(r.topicId);
    }
    const dropped: Partition[] = [];
    const created: Promise<void>[] = [];
    for (const part of this.byKey.values()) if (removed.has(part.topicId)) dropped.push(part);
    for (const topicId of touched) {
      const topic = this.metadata.topicsById.get(topicId);
      if (!topic) continue;
      for (const p of topic.partitions) {
        if (!p) continue;
        const key = `${topicId}:${p.partition}`;
        let part = this.byKey.get(key);
        if (!p.replicas.includes(this.brokerId)) {
          if (part) dropped.push(part);
          continue;
        }
        if (!part) {
          const { state, durable } = this.store.createPartition(topicId, p.partition);
          part = new Partition(topicId, topic.name, p.partition, state.localId, state, this.store);
          this.byKey.set(key, part);
          created.push(durable);
        }
        const leaderChanged = part.leader !== p.leader || part.leaderEpoch !== p.leaderEpoch;
        part.leader = p.leader;
        part.leaderEpoch = p.leaderEpoch;
        part.replicas = p.replicas;
        part.isr = p.isr;
        part.topicName = topic.name;
        if (leaderChanged) part.wakeAll();
      }
    }
    for (const part of dropped) {
      this.byKey.delete(`${part.topicId}:${part.index}`);
      part.wakeAll();
    }
    await Promise.all(created);
    for (const part of dropped) await this.store.deletePartition(part.localId);
    if (initial) await this.dropOrphans();
  }

  /** Removes logs on disk whose topic was deleted (or moved away) while this broker was not running. */
  private async dropOrphans(): Promise<void> {
    for (const stored of this.store.partitions()) {
      const topic = this.metadata.topicsById.get(stored.topicId);
      const p = topic?.partitions[stored.partition];
      if (p && p.replicas.includes(this.brokerId)) continue;
      this.log.info(`removing orphaned log ${stored.topicId}-${stored.partition}`);
      const part = this.byKey.get(`${stored.topicId}:${stored.partition}`);
      if (part) this.byKey.delete(`${stored.topicId}:${stored.partition}`);
      await this.store.deletePartition(stored.localId);
    }
  }
}

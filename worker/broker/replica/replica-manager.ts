// The partitions this broker hosts, kept in step with the cluster metadata the controller pushes: which are
// led here and which are followed (and from whom), the follower fetchers, the leader side of replica
// fetches, and ISR upkeep. (Kafka layering: KafkaApis -> ReplicaManager -> Partition -> Log.)
import { ErrorCode } from '../../protocol/errors.js';
import type { ControllerApi } from '../../rpc/broker-rpc.js';
import type { MetadataDelta, MetadataImage } from '../../rpc/metadata.js';
import { topicConfigValue } from '../../rpc/topic-configs.js';
import type { LogStore } from '../log/log-store.js';
import type { Logger } from '../logger.js';
import type { PeerLinks } from '../network/peer-links.js';
import { cleanPartition } from '../log/cleaner.js';
import { CleanerThread, type CleanerWork } from '../log/cleaner-thread.js';
import { Partition, type PartitionHost } from './partition.js';
import { ReplicaFetcher, type ReplicaFetchRequest, type ReplicaFetchResponse, type ReplicaFetchPartitionResponse } from './replica-fetcher.js';
import { hasCleanupPolicy } from '../log/topic-policies.js';

export interface ReplicaManagerOptions {
  brokerId: number;
  store: LogStore;
  metadata: MetadataImage;
  log: Logger;
  links: PeerLinks;
  controller: ControllerApi;
  replicaLagTimeMaxMs: number;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number;
  /** log.cleaner.backoff.ms */
  cleanerBackoffMs: number;
  /** The LMDB environment `store` keeps the logs in, which the cleaner thread reads; without it all cleaning is in-thread. */
  logDir?: string;
}

interface ReplicaRead {
  /** Null when the request named a partition this broker cannot serve (the response is an error). */
  partition: Partition | null;
  response: ReplicaFetchPartitionResponse;
}

function replicaError(topicId: string, partition: number, errorCode: number): ReplicaFetchPartitionResponse {
  return { topicId, partition, errorCode, highWatermark: -1, logStartOffset: -1, logEndOffset: -1, divergingEpoch: null, records: null };
}

export class ReplicaManager implements PartitionHost {
  readonly brokerId: number;
  readonly replicaLagTimeMaxMs: number;
  private readonly byKey = new Map<string, Partition>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly isrTimer: NodeJS.Timeout;
  private readonly checkpointTimer: NodeJS.Timeout;
  private readonly retentionTimer: NodeJS.Timeout;
  private retentionRunning = false;
  private readonly cleanerTimer: NodeJS.Timeout;
  private cleanerRunning = false;
  /** Where large cleanings do their record-level work; null where the worker bundle is not built. */
  private readonly cleanerThread = CleanerThread.create();
  private readonly store: LogStore;
  private readonly metadata: MetadataImage;
  private readonly log: Logger;

  constructor(private readonly opts: ReplicaManagerOptions) {
    this.brokerId = opts.brokerId;
    this.replicaLagTimeMaxMs = opts.replicaLagTimeMaxMs;
    this.store = opts.store;
    this.metadata = opts.metadata;
    this.log = opts.log;
    this.isrTimer = setInterval(() => {
      const now = Date.now();
      for (const p of this.byKey.values()) p.checkIsr(now);
    }, Math.max(50, Math.floor(opts.replicaLagTimeMaxMs / 2)));
    this.isrTimer.unref();
    this.checkpointTimer = setInterval(() => {
      const now = Date.now();
      for (const p of this.byKey.values()) p.checkpointHighWatermark(now);
    }, 5000);
    this.checkpointTimer.unref();
    this.retentionTimer = setInterval(() => void this.applyRetention(), opts.retentionCheckIntervalMs);
    this.retentionTimer.unref();
    this.cleanerTimer = setInterval(() => void this.runCleaner(), opts.cleanerBackoffMs);
    this.cleanerTimer.unref();
  }

  /** One pass of the log cleaner over every compacted partition hosted here (each replica cleans its own log). */
  async runCleaner(now = Date.now()): Promise<void> {
    if (this.cleanerRunning) return;
    this.cleanerRunning = true;
    try {
      for (const p of [...this.byKey.values()]) {
        if (!hasCleanupPolicy(this.topicConfig(p.topicName, 'cleanup.policy'), 'compact')) continue;
        const stats = await cleanPartition(
          p,
          {
            minCleanableDirtyRatio: Number(this.topicConfig(p.topicName, 'min.cleanable.dirty.ratio')),
            minCompactionLagMs: Number(this.topicConfig(p.topicName, 'min.compaction.lag.ms')),
            maxCompactionLagMs: Number(this.topicConfig(p.topicName, 'max.compaction.lag.ms')),
            deleteRetentionMs: Number(this.topicConfig(p.topicName, 'delete.retention.ms')),
          },
          now,
          { offload: (at, deleteRetentionMs) => this.cleanerWork(p, at, deleteRetentionMs) },
        );
        if (stats) {
          this.log.info(
            `cleaned ${p.topicName}-${p.index} up to ${stats.cleanedUpTo}: ${stats.recordsRead} -> ${stats.recordsKept} records, ${stats.bytesBefore} -> ${stats.bytesAfter} bytes`,
          );
        }
      }
    } catch (e) {
      this.log.error('log cleaner failed', e);
    } finally {
      this.cleanerRunning = false;
    }
  }

  /** The cleaner thread's side of a cleaning of `p`, when there is a thread and it can read the partition's log. */
  private cleanerWork(p: Partition, now: number, deleteRetentionMs: number): CleanerWork | null {
    if (!this.cleanerThread || !this.opts.logDir) return null;
    return this.cleanerThread.begin({ path: this.opts.logDir, localId: p.localId }, now, deleteRetentionMs);
  }

  topicConfig(topic: string, name: string): string {
    return topicConfigValue(this.metadata.topicConfig(topic), name);
  }

  /** Time and size retention for every hosted replica (leaders and followers alike, as in Kafka). */
  async applyRetention(now = Date.now()): Promise<void> {
    if (this.retentionRunning) return;
    this.retentionRunning = true;
    try {
      for (const p of [...this.byKey.values()]) {
        const start = p.retentionStart(now);
        if (start !== null) {
          this.log.info(`retention: ${p.topicName}-${p.index} now starts at ${start}`);
          await p.advanceLogStart(start);
        }
      }
    } catch (e) {
      this.log.error('retention failed', e);
    } finally {
      this.retentionRunning = false;
    }
  }

  now(): number {
    return Date.now();
  }

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

  // ---- PartitionHost

  proposeIsr(p: Partition, isr: number[]): void {
    this.opts.controller
      .alterPartition(this.brokerId, { topicId: p.topicId, partition: p.index, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, isr })
      .then(
        (errorCode) => {
          if (errorCode !== ErrorCode.NONE) p.isrChangeFailed();
        },
        () => p.isrChangeFailed(),
      );
  }

  reportStorageFailure(p: Partition): void {
    this.log.error(`write to ${p.topicName}-${p.index} failed: handing leadership away`);
    void this.opts.controller.reportStorageFailure(this.brokerId, p.topicId, p.index).catch(() => undefined);
  }

  // ---- metadata

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
          part = new Partition(topicId, topic.name, p.partition, state.localId, state, this.store, this);
          this.byKey.set(key, part);
          created.push(durable);
        }
        part.topicName = topic.name;
        part.applyState(p);
        this.assignFetcher(part);
      }
    }
    for (const part of dropped) {
      this.byKey.delete(`${part.topicId}:${part.index}`);
      for (const f of this.fetchers.values()) f.remove(part);
      part.close();
    }
    await Promise.all(created);
    for (const part of dropped) await this.store.deletePartition(part.localId);
    if (initial) await this.dropOrphans();
  }

  /** A follower fetches from its leader; a leader (or a partition without one) fetches from nobody. */
  private assignFetcher(p: Partition): void {
    for (const [leaderId, f] of this.fetchers) if (leaderId !== p.leader) f.remove(p);
    if (p.isLeader || p.leader < 0) return;
    let f = this.fetchers.get(p.leader);
    if (!f) this.fetchers.set(p.leader, (f = new ReplicaFetcher(p.leader, this.brokerId, this.opts.links, this.log, this.replicaLagTimeMaxMs)));
    f.add(p);
  }

  /** Removes logs on disk whose topic was deleted (or moved away) while this broker was not running. */
  private async dropOrphans(): Promise<void> {
    for (const stored of this.store.partitions()) {
      const topic = this.metadata.topicsById.get(stored.topicId);
      const p = topic?.partitions[stored.partition];
      if (p && p.replicas.includes(this.brokerId)) continue;
      this.log.info(`removing orphaned log ${stored.topicId}-${stored.partition}`);
      const key = `${stored.topicId}:${stored.partition}`;
      this.byKey.get(key)?.close();
      this.byKey.delete(key);
      await this.store.deletePartition(stored.localId);
    }
  }

  // ---- leader side of replica fetches

  /** Per follower: the id of the last replica fetch response sent to it (see ReplicaFetchRequest.lastResponseId). */
  private readonly replicaResponses = new Map<number, number>();
  private nextResponseId = 1;
  /** Per follower: ends the long poll of its replica fetch waiting here (see wakeReplicaFetch). */
  private readonly replicaWaits = new Map<number, () => void>();

  /**
   * Answers a follower's fetch, waiting up to maxWaitMs for new data when there is none (long poll). Like an
   * incremental fetch session (KIP-227), the response carries only partitions with records, an error, a divergence,
   * or a high watermark / log start the follower has not been sent yet - a follower of the 50 `__consumer_offsets`
   * partitions would otherwise get all of them back on every produce. When the follower did not get the previous
   * response (lost on a faulty link, timed out), it gets every partition again.
   */
  async handleReplicaFetch(req: ReplicaFetchRequest): Promise<{ body: ReplicaFetchResponse; transfer: ArrayBuffer[] }> {
    const deadline = Date.now() + req.maxWaitMs;
    for (;;) {
      const read = this.readForReplica(req);
      const left = deadline - Date.now();
      if (read.bytes > 0 || read.anyNews || left <= 0) return this.replicaResponse(req, read.entries);
      if (await this.waitForAny(req, left)) return this.replicaResponse(req, this.readForReplica(req).entries);
    }
  }

  /**
   * The follower started following partitions of this leader that its fetch waiting here does not name: that
   * fetch is answered now, so its next one names them, rather than after the long poll (up to
   * replica.fetch.wait.max.ms) - the first acks=all writes to a new partition, or to one whose leadership just
   * moved here (a coordinator's first writes after a failover), would otherwise wait that long.
   */
  wakeReplicaFetch(replicaId: number): void {
    this.replicaWaits.get(replicaId)?.();
  }

  private replicaResponse(req: ReplicaFetchRequest, entries: ReplicaRead[]): { body: ReplicaFetchResponse; transfer: ArrayBuffer[] } {
    const full = req.lastResponseId !== (this.replicaResponses.get(req.replicaId) ?? 0);
    const partitions: ReplicaFetchPartitionResponse[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const { response, partition } of entries) {
      const news = response.records !== null || response.errorCode !== ErrorCode.NONE || response.divergingEpoch !== null;
      // takeFollowerNews runs for every partition: it records what this response tells the follower. A follower
      // applies a high watermark only from an answer without error or divergence, so an answer with one tells it
      // nothing to remember.
      const applied = response.errorCode === ErrorCode.NONE && response.divergingEpoch === null;
      if (!(partition ? partition.takeFollowerNews(req.replicaId, full, applied) : true) && !news) continue;
      partitions.push(response);
      if (response.records) transfer.push(response.records.buffer as ArrayBuffer);
    }
    const responseId = this.nextResponseId++;
    this.replicaResponses.set(req.replicaId, responseId);
    return { body: { responseId, partitions }, transfer };
  }

  private readForReplica(req: ReplicaFetchRequest): { entries: ReplicaRead[]; bytes: number; anyNews: boolean } {
    let budget = req.maxBytes;
    let bytes = 0;
    let anyNews = false;
    const entries: ReplicaRead[] = [];
    for (const rp of req.partitions) {
      const p = this.get(rp.topicId, rp.partition);
      let errorCode: number = ErrorCode.NONE;
      if (!p) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (!p.isLeader) errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
      else if (rp.currentLeaderEpoch < p.leaderEpoch) errorCode = ErrorCode.FENCED_LEADER_EPOCH;
      else if (rp.currentLeaderEpoch > p.leaderEpoch) errorCode = ErrorCode.UNKNOWN_LEADER_EPOCH;
      if (!p || errorCode !== ErrorCode.NONE) {
        anyNews = true;
        entries.push({ partition: null, response: replicaError(rp.topicId, rp.partition, errorCode) });
        continue;
      }
      const r = p.readForFollower(req.replicaId, rp.fetchOffset, rp.lastFetchedEpoch, Math.min(rp.maxBytes, Math.max(budget, 0)));
      // Errors and divergence are answered at once; otherwise the fetch waits for data.
      if (r.errorCode !== ErrorCode.NONE || r.divergingEpoch !== null) anyNews = true;
      let records: Buffer | null = null;
      if (r.bytes > 0) {
        // One buffer that owns its memory, so it can be transferred rather than copied.
        records = Buffer.allocUnsafeSlow(r.bytes);
        let at = 0;
        for (const b of r.batches) at += b.bytes.copy(records, at);
        budget -= r.bytes;
        bytes += r.bytes;
      }
      entries.push({
        partition: p,
        response: {
          topicId: rp.topicId,
          partition: rp.partition,
          errorCode: r.errorCode,
          highWatermark: r.highWatermark,
          logStartOffset: r.logStartOffset,
          logEndOffset: r.logEndOffset,
          divergingEpoch: r.divergingEpoch,
          records,
        },
      });
    }
    return { entries, bytes, anyNews };
  }

  /** Resolves on new data, at the timeout (false) or when the follower asked to be answered now (true). */
  private waitForAny(req: ReplicaFetchRequest, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const unwatch: (() => void)[] = [];
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        for (const u of unwatch) u();
        if (this.replicaWaits.get(req.replicaId) === wake) this.replicaWaits.delete(req.replicaId);
        resolve(woken);
      };
      const done = () => finish(false);
      const wake = () => finish(true);
      const timer = setTimeout(done, ms);
      for (const rp of req.partitions) {
        const p = this.get(rp.topicId, rp.partition);
        if (p) unwatch.push(p.watchLogEnd(done));
      }
      this.replicaWaits.set(req.replicaId, wake);
    });
  }

  shutdown(): void {
    clearInterval(this.isrTimer);
    clearInterval(this.checkpointTimer);
    clearInterval(this.retentionTimer);
    clearInterval(this.cleanerTimer);
    this.cleanerThread?.close();
    for (const f of this.fetchers.values()) f.stop();
    this.fetchers.clear();
    for (const p of this.byKey.values()) {
      p.checkpointHighWatermark();
      p.close();
    }
  }
}

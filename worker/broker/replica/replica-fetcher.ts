// Follower side of replication: one fetcher per leader broker pulls every partition this broker follows
// from that leader (Fetch semantics with replica_id: offset, last fetched epoch, long poll), appends what
// comes back exactly as stored, and truncates first when the leader says the logs diverged.
import { ErrorCode } from '../../protocol/errors.js';
import type { Logger } from '../logger.js';
import type { PeerLinks } from '../network/peer-links.js';
import type { Partition } from './partition.js';

/** replica.fetch.wait.max.ms and friends (Kafka's defaults). */
export const REPLICA_FETCH_WAIT_MAX_MS = 500;
export const REPLICA_FETCH_MAX_BYTES = 1048576;
export const REPLICA_FETCH_RESPONSE_MAX_BYTES = 10485760;
const BACKOFF_MS = 100;

export interface ReplicaFetchRequest {
  replicaId: number;
  /** The last response this follower received from this leader (0: none); a mismatch gets a full response. */
  lastResponseId: number;
  maxWaitMs: number;
  maxBytes: number;
  partitions: { topicId: string; partition: number; currentLeaderEpoch: number; fetchOffset: number; lastFetchedEpoch: number; maxBytes: number }[];
}

/** Asks the leader to answer this follower's waiting fetch now (see ReplicaManager.wakeReplicaFetch). */
export interface ReplicaFetchWake {
  replicaId: number;
}

export interface ReplicaFetchPartitionResponse {
  topicId: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  logEndOffset: number;
  divergingEpoch: { epoch: number; endOffset: number } | null;
  records: Buffer | null;
}

export interface ReplicaFetchResponse {
  responseId: number;
  /** Only the partitions with news (records, errors, divergence, a new high watermark or log start). */
  partitions: ReplicaFetchPartitionResponse[];
}

export class ReplicaFetcher {
  readonly partitions = new Set<Partition>();
  private running = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private lastResponseId = 0;
  /** The partitions named by the fetch in flight (null: none in flight), and whether the leader was asked to answer it early. */
  private fetching: Set<Partition> | null = null;
  private wakeSent = false;

  constructor(
    readonly leaderId: number,
    private readonly brokerId: number,
    private readonly links: PeerLinks,
    private readonly log: Logger,
    replicaLagTimeMaxMs = 30_000,
  ) {
    // A fetch lost on a cut or lossy link is given up after this long; well inside replica.lag.time.max.ms, so a
    // follower whose link healed fetches again before the leader drops it from the ISR.
    this.requestTimeoutMs = Math.min(REPLICA_FETCH_WAIT_MAX_MS + 5000, Math.max(REPLICA_FETCH_WAIT_MAX_MS + 500, Math.floor(replicaLagTimeMaxMs / 3)));
  }

  private readonly requestTimeoutMs: number;

  add(p: Partition): void {
    this.partitions.add(p);
    this.wake?.();
    // A partition first followed while a fetch is in flight would wait for that fetch's long poll: the leader is
    // asked to answer it now, so the next fetch names this partition too.
    if (this.fetching && !this.fetching.has(p) && !this.wakeSent) {
      this.wakeSent = true;
      const wake: ReplicaFetchWake = { replicaId: this.brokerId };
      this.links.request(this.leaderId, 'replicaFetchWake', wake, this.requestTimeoutMs).catch(() => undefined);
    }
    if (!this.running) void this.run();
  }

  remove(p: Partition): void {
    this.partitions.delete(p);
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped) {
        const parts = [...this.partitions].filter((p) => !p.isLeader && p.leader === this.leaderId);
        if (parts.length === 0) {
          if (this.partitions.size === 0) break;
          await this.sleep(BACKOFF_MS);
          continue;
        }
        const req: ReplicaFetchRequest = {
          replicaId: this.brokerId,
          lastResponseId: this.lastResponseId,
          maxWaitMs: REPLICA_FETCH_WAIT_MAX_MS,
          maxBytes: REPLICA_FETCH_RESPONSE_MAX_BYTES,
          partitions: parts.map((p) => ({
            topicId: p.topicId,
            partition: p.index,
            currentLeaderEpoch: p.leaderEpoch,
            fetchOffset: p.logEndOffset,
            lastFetchedEpoch: p.epochs.latestEpoch,
            maxBytes: REPLICA_FETCH_MAX_BYTES,
          })),
        };
        let res: ReplicaFetchResponse;
        this.fetching = new Set(parts);
        this.wakeSent = false;
        try {
          res = await this.links.request<ReplicaFetchResponse>(this.leaderId, 'replicaFetch', req, this.requestTimeoutMs);
        } catch (e) {
          this.log.debug(`fetch from broker ${this.leaderId} failed: ${(e as Error).message}`);
          await this.sleep(BACKOFF_MS);
          continue;
        } finally {
          this.fetching = null;
        }
        this.lastResponseId = res.responseId;
        const byKey = new Map(parts.map((p) => [`${p.topicId}:${p.index}`, p]));
        let backoff = false;
        const writes: Promise<void>[] = [];
        for (const r of res.partitions) {
          const p = byKey.get(`${r.topicId}:${r.partition}`);
          if (!p || p.isLeader || p.leader !== this.leaderId) continue;
          if (r.divergingEpoch) {
            // Truncate to where this replica's log and the leader's last agree (KIP-279), then fetch again.
            const own = p.epochs.endOffsetFor(r.divergingEpoch.epoch, p.logEndOffset);
            const to = r.divergingEpoch.epoch < 0 ? r.logStartOffset : own.epoch === r.divergingEpoch.epoch ? Math.min(own.endOffset, r.divergingEpoch.endOffset) : r.divergingEpoch.endOffset;
            this.log.info(`truncating ${p.topicName}-${p.index} from ${p.logEndOffset} to ${to} (diverged from leader ${this.leaderId})`);
            writes.push(p.truncateTo(Math.max(p.logStartOffset, to)));
            continue;
          }
          switch (r.errorCode) {
            case ErrorCode.NONE:
              break;
            case ErrorCode.OFFSET_OUT_OF_RANGE:
              if (p.logEndOffset < r.logStartOffset) writes.push(p.resetTo(r.logStartOffset));
              else if (p.logEndOffset > r.logEndOffset) writes.push(p.truncateTo(r.logEndOffset));
              continue;
            default:
              // Not (yet) the leader in this epoch, or fenced: wait for metadata to catch up.
              backoff = true;
              continue;
          }
          // The leader deleted old data (retention, DeleteRecords): so does this replica.
          if (r.logStartOffset > p.logStartOffset) writes.push(p.advanceLogStart(Math.min(r.logStartOffset, p.logEndOffset)));
          if (r.records && r.records.length > 0) {
            const appended = p.appendAsFollower(Buffer.from(r.records.buffer, r.records.byteOffset, r.records.byteLength));
            if (appended.errorCode !== ErrorCode.NONE) {
              this.log.warn(`bad batch from broker ${this.leaderId} for ${p.topicName}-${p.index}: error ${appended.errorCode}`);
              backoff = true;
              continue;
            }
            writes.push(appended.committed.then(() => p.followerHighWatermark(r.highWatermark)));
          } else {
            p.followerHighWatermark(r.highWatermark);
          }
        }
        // The next fetch reports the new log ends, so it waits until this fetch's data is durable.
        await Promise.allSettled(writes);
        if (backoff) await this.sleep(BACKOFF_MS);
      }
    } finally {
      this.running = false;
    }
  }
}

// Fetch (key 1), v4-17 (Kafka 4 removed v0-3). Returns stored batches as they are (no re-encoding).
// Long poll: when less than min_bytes is available the request waits, without polling, on the partitions'
// high-watermark events until enough arrives or max_wait_ms passes (Kafka's delayed fetch purgatory).
// Size limits follow KIP-74: the first batch of the first partition with data is returned even when it is
// larger than max_bytes / partition_max_bytes; later partitions only get batches that fit.
// Fetch sessions (KIP-227) are declined with session id 0, so clients send full fetches. From v11 followers serve
// consumers too (KIP-392), with no preferred read replica of their own.
import { ErrorCode } from '../../protocol/errors.js';
import { ZERO_UUID } from '../../protocol/primitives.js';
import {
  decodeFetchRequest,
  encodeFetchResponse,
  type FetchRequest,
  type FetchResponse,
  type FetchResponseFetchableTopicResponse,
  type FetchResponsePartitionData,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import type { Partition } from '../replica/partition.js';

const READ_COMMITTED = 1;
const UNKNOWN_ERRORS = new Set<number>([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_ID]);
/** Kafka sends an empty record set, never null; librdkafka rejects a null one. */
const NO_RECORDS = Buffer.alloc(0);

interface Target {
  topicName: string;
  topicId: string;
  index: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  partition: Partition | null;
  errorCode: number;
}

function resolveTargets(req: FetchRequest, version: number, broker: BrokerContext): Target[] {
  const targets: Target[] = [];
  for (const t of req.topics) {
    const byId = version >= 13;
    const topic = byId ? broker.metadata.topicsById.get(t.topicId ?? ZERO_UUID) : broker.metadata.topicsByName.get(t.topic ?? '');
    for (const p of t.partitions) {
      const target: Target = {
        topicName: topic?.name ?? t.topic ?? '',
        topicId: topic?.topicId ?? t.topicId ?? ZERO_UUID,
        index: p.partition,
        fetchOffset: Number(p.fetchOffset),
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
        partition: null,
        errorCode: ErrorCode.NONE,
      };
      const meta = topic?.partitions[p.partition];
      if (!topic) target.errorCode = byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (!meta) target.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else {
        const part = broker.replicas.get(topic.topicId, p.partition);
        // KIP-392: from v11 a consumer's fetch carries client metadata, and then a follower serves it too (up to
        // its own high watermark); older versions must go to the leader.
        const servesConsumers = meta.leader === broker.brokerId || (version >= 11 && meta.replicas.includes(broker.brokerId));
        if (!part || !servesConsumers) target.errorCode = ErrorCode.NOT_LEADER_OR_FOLLOWER;
        else if (target.currentLeaderEpoch >= 0 && target.currentLeaderEpoch < part.leaderEpoch) target.errorCode = ErrorCode.FENCED_LEADER_EPOCH;
        else if (target.currentLeaderEpoch > part.leaderEpoch) target.errorCode = ErrorCode.UNKNOWN_LEADER_EPOCH;
        else target.partition = part;
      }
      targets.push(target);
    }
  }
  return targets;
}

interface Gathered {
  bytes: number;
  anyError: boolean;
  partitions: Map<Target, FetchResponsePartitionData>;
}

function gather(targets: Target[], maxBytes: number, readCommitted: boolean): Gathered {
  let remaining = maxBytes;
  let firstWithData = true;
  let bytes = 0;
  let anyError = false;
  const partitions = new Map<Target, FetchResponsePartitionData>();
  for (const t of targets) {
    const data: FetchResponsePartitionData = {
      partitionIndex: t.index,
      errorCode: t.errorCode,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
      // Kafka answers unknown topics/partitions before reading, from scratch, where the list defaults to empty;
      // answers from the read (data, leader and epoch errors) have none under read_uncommitted.
      abortedTransactions: readCommitted || UNKNOWN_ERRORS.has(t.errorCode) ? [] : null,
      preferredReadReplica: -1,
      records: NO_RECORDS,
    };
    if (t.partition) {
      const limit = firstWithData ? Math.max(1, Math.min(t.partitionMaxBytes, remaining)) : Math.min(t.partitionMaxBytes, remaining);
      const read = t.partition.read(t.fetchOffset, limit);
      // Later partitions only get batches that fit; the first one gets at least one batch (KIP-74).
      if (!firstWithData && read.bytes > limit) read.batches = [];
      let got = 0;
      for (const b of read.batches) got += b.bytes.length;
      data.errorCode = read.errorCode;
      // An out-of-range fetch carries no offsets (-1), as Kafka's error answer.
      const ok = read.errorCode === ErrorCode.NONE;
      data.highWatermark = ok ? BigInt(read.highWatermark) : -1n;
      data.lastStableOffset = data.highWatermark;
      data.logStartOffset = ok ? BigInt(read.logStartOffset) : -1n;
      data.records = got > 0 ? read.batches.map((b) => b.bytes) : NO_RECORDS;
      if (got > 0) firstWithData = false;
      remaining = Math.max(0, remaining - got);
      bytes += got;
    }
    if (data.errorCode !== ErrorCode.NONE) anyError = true;
    partitions.set(t, data);
  }
  return { bytes, anyError, partitions };
}

function waitForData(targets: Target[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const unwatch: (() => void)[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const u of unwatch) u();
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const t of targets) if (t.partition) unwatch.push(t.partition.watch(done));
  });
}

export const fetchHandler = defineHandler<FetchRequest, FetchResponse>({
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  decode: decodeFetchRequest,
  encode: encodeFetchResponse,
  async handle(req, ctx, broker) {
    const targets = resolveTargets(req, ctx.apiVersion, broker);
    const maxBytes = req.maxBytes ?? 0x7fffffff;
    const readCommitted = (req.isolationLevel ?? 0) === READ_COMMITTED;
    const deadline = Date.now() + Math.max(0, req.maxWaitMs);
    let gathered = gather(targets, maxBytes, readCommitted);
    while (gathered.bytes < req.minBytes && !gathered.anyError) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await waitForData(targets, left);
      gathered = gather(targets, maxBytes, readCommitted);
    }

    const responses: FetchResponseFetchableTopicResponse[] = [];
    let current: FetchResponseFetchableTopicResponse | null = null;
    for (const t of targets) {
      const key = ctx.apiVersion >= 13 ? t.topicId : t.topicName;
      const currentKey = current ? (ctx.apiVersion >= 13 ? current.topicId : current.topic) : null;
      if (!current || currentKey !== key) {
        current = { topic: t.topicName, topicId: t.topicId, partitions: [] };
        responses.push(current);
      }
      current.partitions.push(gathered.partitions.get(t)!);
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
  },
});

// OffsetForLeaderEpoch (key 23), v2-4 (Kafka 4 removed v0-1). A consumer that saw a leader change asks where
// the epoch it last read from ends on the current leader, and detects truncated (lost) data from that
// (KIP-320). Answered by the leader from its leader epoch cache; consumers read only up to the high watermark,
// so the end offset is capped there.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeOffsetForLeaderEpochRequest,
  encodeOffsetForLeaderEpochResponse,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

const CONSUMER = -1;

export const offsetForLeaderEpochHandler = defineHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>({
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 2,
  maxVersion: 4,
  decode: decodeOffsetForLeaderEpochRequest,
  encode: encodeOffsetForLeaderEpochResponse,
  handle(req, _ctx, broker) {
    const fromConsumer = (req.replicaId ?? CONSUMER) === CONSUMER;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const answer = (errorCode: number, leaderEpoch = -1, endOffset = -1) => ({ errorCode, partition: p.partition, leaderEpoch, endOffset: BigInt(endOffset) });
          const topic = broker.metadata.topicsByName.get(t.topic);
          const meta = topic?.partitions[p.partition];
          if (!topic || !meta) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          const part = broker.replicas.get(topic.topicId, p.partition);
          if (!part || !part.isLeader) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
          const current = p.currentLeaderEpoch ?? -1;
          if (current >= 0 && current < part.leaderEpoch) return answer(ErrorCode.FENCED_LEADER_EPOCH);
          if (current > part.leaderEpoch) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH);
          const end = part.epochs.endOffsetFor(p.leaderEpoch, part.logEndOffset);
          if (end.epoch < 0) return answer(ErrorCode.NONE, -1, -1);
          return answer(ErrorCode.NONE, end.epoch, fromConsumer ? Math.min(end.endOffset, part.highWatermark) : end.endOffset);
        }),
      })),
    };
  },
});

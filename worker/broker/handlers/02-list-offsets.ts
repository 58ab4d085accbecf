// ListOffsets (key 2), v1-10 (Kafka 4 removed v0). Special timestamps: -1 latest (high watermark; with no
// transactions the last stable offset is the same), -2 earliest, -3 max timestamp (v7+), -4 earliest local
// (v8+; no tiered storage here, so the log start), -5 latest tiered (v9+; none, so -1).
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeListOffsetsRequest,
  encodeListOffsetsResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;

export const listOffsetsHandler = defineHandler<ListOffsetsRequest, ListOffsetsResponse>({
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 10,
  decode: decodeListOffsetsRequest,
  encode: encodeListOffsetsResponse,
  handle(req, ctx, broker) {
    const version = ctx.apiVersion;
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const answer = (errorCode: number, offset = -1, timestamp = -1, leaderEpoch = -1) => ({
          partitionIndex: p.partitionIndex,
          errorCode,
          timestamp: BigInt(timestamp),
          offset: BigInt(offset),
          leaderEpoch,
        });
        const topic = broker.metadata.topicsByName.get(t.name);
        const meta = topic?.partitions[p.partitionIndex];
        if (!topic || !meta) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const part = broker.replicas.get(topic.topicId, p.partitionIndex);
        if (!part || meta.leader !== broker.brokerId) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        const currentEpoch = p.currentLeaderEpoch ?? -1;
        if (currentEpoch >= 0 && currentEpoch < part.leaderEpoch) return answer(ErrorCode.FENCED_LEADER_EPOCH);
        if (currentEpoch > part.leaderEpoch) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH);

        const ts = Number(p.timestamp);
        // A special timestamp the request's version cannot carry (or no special timestamp at all) is
        // UNSUPPORTED_VERSION, as Kafka 4.4 answers (checked by test/differential).
        if (ts < 0 && !(ts >= -2 || (ts === MAX_TIMESTAMP && version >= 7) || (ts === EARLIEST_LOCAL && version >= 8) || (ts === LATEST_TIERED && version >= 9))) {
          return answer(ErrorCode.UNSUPPORTED_VERSION);
        }
        switch (ts) {
          case LATEST:
            return answer(ErrorCode.NONE, part.highWatermark, -1, part.leaderEpoch);
          case EARLIEST:
          case EARLIEST_LOCAL:
            return answer(ErrorCode.NONE, part.logStartOffset, -1, part.leaderEpoch);
          case LATEST_TIERED:
            return answer(ErrorCode.NONE, -1, -1, -1);
          case MAX_TIMESTAMP: {
            const found = part.findByTimestamp(null);
            return found ? answer(ErrorCode.NONE, found.offset, found.timestamp, found.leaderEpoch) : answer(ErrorCode.NONE);
          }
          default: {
            const found = part.findByTimestamp(ts);
            return found ? answer(ErrorCode.NONE, found.offset, found.timestamp, found.leaderEpoch) : answer(ErrorCode.NONE);
          }
        }
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
});

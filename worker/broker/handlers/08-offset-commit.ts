// OffsetCommit (key 8), v2-9 (Kafka 4 removed v0-1). Classic groups check generation and member id; v9 against
// a KIP-848 group checks the member epoch. Commits from outside a group (generation -1, no member id) are
// accepted while the group is empty, which is how admin tools and assign()-mode consumers commit.
import {
  decodeOffsetCommitRequest,
  encodeOffsetCommitResponse,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const offsetCommitHandler = defineHandler<OffsetCommitRequest, OffsetCommitResponse>({
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 9,
  decode: decodeOffsetCommitRequest,
  encode: encodeOffsetCommitResponse,
  async handle(req, _ctx, broker) {
    const codes = await broker.groups.commitOffsets(
      req.groupId,
      req.memberId ?? '',
      req.groupInstanceId ?? null,
      req.generationIdOrMemberEpoch ?? -1,
      req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
    );
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t, i) => ({
        name: t.name,
        partitions: t.partitions.map((p, j) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i]![j]! })),
      })),
    };
  },
});

// OffsetFetch (key 9), v1-9 (Kafka 4 removed v0). v8+ asks for several groups at once; v9 carries the KIP-848
// member id and epoch. A partition without a committed offset answers -1.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeOffsetFetchRequest,
  encodeOffsetFetchResponse,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';

function fetchGroup(
  broker: BrokerContext,
  groupId: string,
  topics: { name: string; partitionIndexes: number[] }[] | null,
  member: { memberId: string | null; memberEpoch: number } | null,
) {
  const r = broker.groups.fetchOffsets(groupId, topics, member);
  return {
    errorCode: r.errorCode,
    topics: (r.errorCode === ErrorCode.NONE ? r.topics : (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, entry: null })) }))).map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        committedOffset: p.entry ? p.entry.offset : -1n,
        committedLeaderEpoch: p.entry ? p.entry.leaderEpoch : -1,
        metadata: p.entry ? p.entry.metadata : '',
        errorCode: r.errorCode,
      })),
    })),
  };
}

export const offsetFetchHandler = defineHandler<OffsetFetchRequest, OffsetFetchResponse>({
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  decode: decodeOffsetFetchRequest,
  encode: encodeOffsetFetchResponse,
  handle(req, ctx, broker) {
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (req.groups ?? []).map((g) => {
          const member = ctx.apiVersion >= 9 && g.memberId ? { memberId: g.memberId, memberEpoch: g.memberEpoch ?? -1 } : null;
          const r = fetchGroup(broker, g.groupId, g.topics, member);
          // v8+ carries a group-level error: Kafka then lists no topics.
          return { groupId: g.groupId, errorCode: r.errorCode, topics: r.errorCode === ErrorCode.NONE ? r.topics : [] };
        }),
      };
    }
    const r = fetchGroup(broker, req.groupId ?? '', req.topics ?? null, null);
    // Before v2 there is no top-level error: the group's error is on every partition.
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
  },
});

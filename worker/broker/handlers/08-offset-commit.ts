// OffsetCommit (key 8), v2-9 (Kafka 4 removed v0-1). Classic groups check generation and member id; v9 against
// a KIP-848 group checks the member epoch. Commits from outside a group (generation -1, no member id) are
// accepted while the group is empty, which is how admin tools and assign()-mode consumers commit.
// As in Kafka's KafkaApis, partitions of unknown topics (or beyond a topic's partition count) are answered
// UNKNOWN_TOPIC_OR_PARTITION up front and only the rest goes to the coordinator; when nothing is left, the
// coordinator is not asked at all (no group is created).
// Concurrent on its connection: a client pipelining commits (commitAsync) has them all validated and queued for
// the same coordinator batch instead of one replication round each. Responses still leave in request order, and
// every other request on the connection (JoinGroup, SyncGroup, Heartbeat, OffsetFetch …) still waits for the
// commits before it and holds back the commits after it, so a member's commits keep their order relative to its
// rebalance as with Kafka's one-request-at-a-time channel. Commits among themselves: validated and appended in
// arrival order, applied in log order (the later of two commits of a partition wins, as on replay).
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeOffsetCommitRequest,
  encodeOffsetCommitResponse,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import { ConsumerGroup } from '../coordinator/group/consumer-group.js';

export const offsetCommitHandler = defineHandler<OffsetCommitRequest, OffsetCommitResponse>({
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 9,
  decode: decodeOffsetCommitRequest,
  encode: encodeOffsetCommitResponse,
  concurrent: true,
  async handle(req, ctx, broker) {
    const generation = req.generationIdOrMemberEpoch ?? -1;
    const memberId = req.memberId ?? '';
    // Per partition: an error decided here, or null for "ask the coordinator".
    const codes: (number | null)[][] = req.topics.map((t) => {
      const topic = broker.metadata.topicsByName.get(t.name);
      return t.partitions.map((p) => (topic && p.partitionIndex >= 0 && p.partitionIndex < topic.partitions.length ? null : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
    });
    const known = req.topics
      .map((t, i) => ({ name: t.name, partitions: t.partitions.filter((_, j) => codes[i]![j] === null) }))
      .filter((t) => t.partitions.length > 0);

    let groupError: number | null = null;
    if (known.length > 0 && req.groupId !== '') {
      const d = broker.groups.describeGroup(req.groupId);
      if (d.errorCode === ErrorCode.NONE) {
        const g = d.group && d.group.state !== 'Dead' ? d.group : undefined;
        // A commit from a group member (generation/epoch >= 0) to a group that does not exist: v9+ answers
        // GROUP_ID_NOT_FOUND, older versions ILLEGAL_GENERATION (Kafka's OffsetMetadataManager.validateOffsetCommit).
        if (!g && generation >= 0 && ctx.apiVersion >= 9) groupError = ErrorCode.GROUP_ID_NOT_FOUND;
        // A KIP-848 member must commit with v9+ (it has no generation, only a member epoch).
        if (g instanceof ConsumerGroup && ctx.apiVersion < 9 && !(generation < 0 && g.isEmpty) && g.members.has(memberId)) groupError = ErrorCode.UNSUPPORTED_VERSION;
      }
    }

    if (known.length > 0) {
      const results =
        groupError !== null
          ? known.map((t) => t.partitions.map(() => groupError!))
          : await broker.groups.commitOffsets(
              req.groupId,
              memberId,
              req.groupInstanceId ?? null,
              generation,
              known.map((t) => ({
                name: t.name,
                partitions: t.partitions.map((p) => ({
                  partitionIndex: p.partitionIndex,
                  committedOffset: p.committedOffset,
                  committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
                  committedMetadata: p.committedMetadata,
                })),
              })),
            );
      // Fill the coordinator's answers back in request order.
      let k = 0;
      req.topics.forEach((_, i) => {
        if (!codes[i]!.some((c) => c === null)) return;
        const answers = results[k++]!;
        let n = 0;
        codes[i] = codes[i]!.map((c) => (c === null ? answers[n++]! : c));
      });
    }
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t, i) => ({
        name: t.name,
        partitions: t.partitions.map((p, j) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i]![j]! })),
      })),
    };
  },
});

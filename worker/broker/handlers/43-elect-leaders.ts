// ElectLeaders (key 43), v0-2: preferred-leader election (leadership back to the first replica when it is in
// sync) or unclean election (an offline partition takes any live replica). kafka-leader-election uses it.
import { ErrorCode, errorName } from '../../protocol/errors.js';
import { decodeElectLeadersRequest, encodeElectLeadersResponse, type ElectLeadersRequest, type ElectLeadersResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

const MESSAGES: Record<number, string> = {
  [ErrorCode.ELECTION_NOT_NEEDED]: 'Leader election not needed for topic partition.',
  [ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE]: 'Failed to elect leader for partition. Preferred replica is not in sync or not alive.',
  [ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE]: 'Failed to elect leader for partition. No replica is alive.',
};

export const electLeadersHandler = defineHandler<ElectLeadersRequest, ElectLeadersResponse>({
  apiKey: 43,
  name: 'ElectLeaders',
  minVersion: 0,
  maxVersion: 2,
  decode: decodeElectLeadersRequest,
  encode: encodeElectLeadersResponse,
  async handle(req, _ctx, broker) {
    const partitions = req.topicPartitions === null ? null : req.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    const results = await broker.controller.electLeaders(req.electionType ?? 0, partitions);
    const byTopic = new Map<string, ElectLeadersResponse['replicaElectionResults'][number]['partitionResult']>();
    for (const r of results) {
      // For "all partitions", Kafka reports only the partitions it actually moved.
      if (partitions === null && r.errorCode !== ErrorCode.NONE) continue;
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({ partitionId: r.partition, errorCode: r.errorCode, errorMessage: r.errorCode === ErrorCode.NONE ? null : (MESSAGES[r.errorCode] ?? errorName(r.errorCode)) });
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: [...byTopic].map(([topic, partitionResult]) => ({ topic, partitionResult })),
    };
  },
});

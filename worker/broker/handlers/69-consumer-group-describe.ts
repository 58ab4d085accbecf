// ConsumerGroupDescribe (key 69), v0: KIP-848 groups with members, epochs, current and target assignments.
// Classic groups answer GROUP_ID_NOT_FOUND, on which admin clients fall back to DescribeGroups.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeConsumerGroupDescribeRequest,
  encodeConsumerGroupDescribeResponse,
  type ConsumerGroupDescribeRequest,
  type ConsumerGroupDescribeResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import { GROUP_AUTHORIZED_OPERATIONS, OMITTED_AUTHORIZED_OPERATIONS } from '../authorized-operations.js';
import { ConsumerGroup } from '../coordinator/group/consumer-group.js';
import type { Assignment } from '../coordinator/group/assignors.js';

function named(broker: BrokerContext, a: Assignment | undefined) {
  return {
    topicPartitions: ConsumerGroup.toList(a ?? new Map()).map((tp) => ({
      topicId: tp.topicId,
      topicName: broker.metadata.topicsById.get(tp.topicId)?.name ?? '',
      partitions: tp.partitions,
    })),
  };
}

export const consumerGroupDescribeHandler = defineHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>({
  apiKey: 69,
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 0,
  decode: decodeConsumerGroupDescribeRequest,
  encode: encodeConsumerGroupDescribeResponse,
  handle(req, _ctx, broker) {
    const ops = req.includeAuthorizedOperations ? GROUP_AUTHORIZED_OPERATIONS : OMITTED_AUTHORIZED_OPERATIONS;
    return {
      throttleTimeMs: 0,
      groups: req.groupIds.map((groupId) => {
        const base = { groupId, errorCode: ErrorCode.NONE, errorMessage: null as string | null, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: ops };
        if (groupId === '') return { ...base, errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: 'Group id must not be empty.' };
        const r = broker.groups.describeGroup(groupId);
        if (r.errorCode !== ErrorCode.NONE) return { ...base, errorCode: r.errorCode };
        const g = r.group;
        if (!(g instanceof ConsumerGroup) || g.state === 'Dead') {
          return { ...base, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: g ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.` };
        }
        const assignors = broker.settings['group.consumer.assignors'];
        const chosen = [...g.members.values()].find((m) => m.serverAssignor)?.serverAssignor ?? assignors[0] ?? 'uniform';
        return {
          ...base,
          groupState: g.state,
          groupEpoch: g.groupEpoch,
          assignmentEpoch: g.assignmentEpoch,
          assignorName: chosen,
          members: [...g.members.values()].map((m) => ({
            memberId: m.memberId,
            instanceId: m.instanceId,
            rackId: m.rackId,
            memberEpoch: m.memberEpoch,
            clientId: m.clientId,
            clientHost: m.clientHost,
            subscribedTopicNames: m.subscribedTopicNames,
            subscribedTopicRegex: m.subscribedTopicRegex,
            assignment: named(broker, m.assigned),
            targetAssignment: named(broker, g.target.get(m.memberId)),
          })),
        };
      }),
    };
  },
});

// DescribeGroups (key 15), v0-5. An unknown group is reported as Dead with no error (what Kafka answers up to
// v5). Member metadata and assignments are included only once the group is Stable. KIP-848 groups are
// described in the classic shape, with their members' subscriptions and assignments encoded as the
// consumer protocol does, so older admin tools can show them.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeDescribeGroupsRequest,
  encodeDescribeGroupsResponse,
  encodeConsumerProtocolAssignment,
  encodeConsumerProtocolSubscription,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
} from '../../protocol/generated/index.js';
import { Writer } from '../../protocol/primitives.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import { GROUP_AUTHORIZED_OPERATIONS, OMITTED_AUTHORIZED_OPERATIONS } from '../authorized-operations.js';
import { ClassicGroup } from '../coordinator/group/classic-group.js';
import { ConsumerGroup } from '../coordinator/group/consumer-group.js';

type Described = DescribeGroupsResponse['groups'][number];

function versioned(version: number, encode: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  encode(w);
  return w.toBuffer();
}

function byName(broker: BrokerContext, list: { topicId: string; partitions: number[] }[]) {
  return list.map((tp) => ({ topic: broker.metadata.topicsById.get(tp.topicId)?.name ?? tp.topicId, partitions: tp.partitions }));
}

function describeConsumerGroup(broker: BrokerContext, g: ConsumerGroup): Described['members'] {
  return [...g.members.values()].map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.instanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    memberMetadata: versioned(0, (w) => encodeConsumerProtocolSubscription(w, 0, { topics: m.subscribedTopicNames, userData: null })),
    memberAssignment: versioned(0, (w) =>
      encodeConsumerProtocolAssignment(w, 0, { assignedPartitions: byName(broker, ConsumerGroup.toList(m.assigned)), userData: null }),
    ),
  }));
}

export const describeGroupsHandler = defineHandler<DescribeGroupsRequest, DescribeGroupsResponse>({
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  decode: decodeDescribeGroupsRequest,
  encode: encodeDescribeGroupsResponse,
  handle(req, _ctx, broker) {
    const ops = req.includeAuthorizedOperations ? GROUP_AUTHORIZED_OPERATIONS : OMITTED_AUTHORIZED_OPERATIONS;
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId): Described => {
        const base = { groupId, errorCode: ErrorCode.NONE, groupState: 'Dead', protocolType: '', protocolData: '', members: [] as Described['members'], authorizedOperations: ops };
        // Kafka describes the group "" like any other (offsets can be committed for it).
        const r = broker.groups.describeGroup(groupId);
        if (r.errorCode !== ErrorCode.NONE) return { ...base, errorCode: r.errorCode };
        const g = r.group;
        if (!g) return base;
        if (g instanceof ClassicGroup) {
          return {
            ...base,
            groupState: g.state,
            protocolType: g.protocolType ?? '',
            protocolData: g.state === 'Stable' || g.state === 'CompletingRebalance' ? (g.protocolName ?? '') : '',
            members: g.describeMembers().map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              memberMetadata: m.metadata,
              memberAssignment: m.assignment,
            })),
          };
        }
        return { ...base, groupState: g.state, protocolType: 'consumer', protocolData: '', members: describeConsumerGroup(broker, g) };
      }),
    };
  },
});

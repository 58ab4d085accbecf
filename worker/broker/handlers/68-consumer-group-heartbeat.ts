// ConsumerGroupHeartbeat (key 68), v0-1: the KIP-848 consumer protocol. Joining, leaving, and every step of
// reconciliation toward the server-side assignment happen through this one request.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeConsumerGroupHeartbeatRequest,
  encodeConsumerGroupHeartbeatResponse,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import { clientHostOf } from '../api/client-host.js';
import { ConsumerGroup } from '../coordinator/group/consumer-group.js';

export const consumerGroupHeartbeatHandler = defineHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>({
  apiKey: 68,
  name: 'ConsumerGroupHeartbeat',
  minVersion: 0,
  maxVersion: 1,
  decode: decodeConsumerGroupHeartbeatRequest,
  encode: encodeConsumerGroupHeartbeatResponse,
  async handle(req, ctx, broker) {
    const fail = (errorCode: number, errorMessage: string | null = null): ConsumerGroupHeartbeatResponse => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      memberId: req.memberId || null,
      memberEpoch: req.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    // Kafka validates the request before routing it to a group: an empty group id is INVALID_REQUEST.
    if (req.groupId === '') return fail(ErrorCode.INVALID_REQUEST, "GroupId can't be empty.");
    const hb = {
      version: ctx.apiVersion,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId,
      rackId: req.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: req.subscribedTopicNames,
      subscribedTopicRegex: req.subscribedTopicRegex ?? null,
      serverAssignor: req.serverAssignor,
      topicPartitions: req.topicPartitions,
      clientId: ctx.clientId ?? '',
      clientHost: clientHostOf(ctx.peer),
    };
    // Kafka validates the request before it looks at any group.
    const invalid = ConsumerGroup.validate(hb);
    if (invalid) return fail(invalid.errorCode, invalid.message);
    const found = broker.groups.consumerGroupFor(req.groupId, req.memberEpoch === 0);
    // A heartbeat with a member epoch for a group that does not exist is GROUP_ID_NOT_FOUND in Kafka 4.4 too.
    if (!('group' in found)) return fail(found.errorCode, found.message ?? null);
    try {
      const r = await found.group.heartbeat(hb, Date.now());
      if (r.errorCode !== ErrorCode.NONE) broker.groups.dropIfUnused(req.groupId);
      return {
        throttleTimeMs: 0,
        errorCode: r.errorCode,
        errorMessage: r.errorMessage,
        memberId: r.memberId,
        memberEpoch: r.memberEpoch,
        heartbeatIntervalMs: r.heartbeatIntervalMs,
        assignment: r.assignment === null ? null : { topicPartitions: r.assignment },
      };
    } catch (e) {
      broker.log.error(`consumer group ${req.groupId} heartbeat failed`, e);
      return fail(ErrorCode.NOT_COORDINATOR, 'The coordinator could not store the change.');
    }
  },
});

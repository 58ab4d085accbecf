// JoinGroup (key 11), v0-9 (Kafka 4.0.1+ serves v0-1 again for old librdkafka's feature check). The request
// may wait for the rest of the group (the rebalance); v4+ new members first get MEMBER_ID_REQUIRED (KIP-394).
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeJoinGroupRequest,
  encodeJoinGroupResponse,
  type JoinGroupRequest,
  type JoinGroupResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import { clientHostOf } from '../api/client-host.js';

export const joinGroupHandler = defineHandler<JoinGroupRequest, JoinGroupResponse>({
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  decode: decodeJoinGroupRequest,
  encode: encodeJoinGroupResponse,
  async handle(req, ctx, broker) {
    // Kafka checks the group id and the session timeout before it looks at (or creates) the group, so a refused
    // join leaves no empty group behind.
    const minSession = broker.settings['group.min.session.timeout.ms'];
    const maxSession = broker.settings['group.max.session.timeout.ms'];
    if (req.groupId !== '' && (req.sessionTimeoutMs < minSession || req.sessionTimeoutMs > maxSession)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.INVALID_SESSION_TIMEOUT,
        generationId: -1,
        protocolType: null,
        protocolName: ctx.apiVersion >= 7 ? null : '',
        leader: '',
        skipAssignment: false,
        memberId: req.memberId,
        members: [],
      };
    }
    const r = await broker.groups.joinGroup(req.groupId, {
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      sessionTimeoutMs: req.sessionTimeoutMs,
      // v0 has no rebalance timeout: it is the session timeout.
      rebalanceTimeoutMs: ctx.apiVersion >= 1 && (req.rebalanceTimeoutMs ?? -1) > 0 ? req.rebalanceTimeoutMs! : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      clientId: ctx.clientId ?? '',
      clientHost: clientHostOf(ctx.peer),
      requireKnownMemberId: ctx.apiVersion >= 4,
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: r.protocolType,
      // Before v7 the protocol name is not nullable.
      protocolName: r.protocolName ?? (ctx.apiVersion >= 7 ? null : ''),
      leader: r.leader,
      skipAssignment: r.skipAssignment,
      memberId: r.memberId,
      members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
});

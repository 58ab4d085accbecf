// Heartbeat (key 12), v0-4: keeps a classic-group member's session alive and tells it about rebalances.
import { decodeHeartbeatRequest, encodeHeartbeatResponse, type HeartbeatRequest, type HeartbeatResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const heartbeatHandler = defineHandler<HeartbeatRequest, HeartbeatResponse>({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeHeartbeatRequest,
  encode: encodeHeartbeatResponse,
  handle(req, _ctx, broker) {
    const errorCode = broker.groups.heartbeat(req.groupId, { memberId: req.memberId, groupInstanceId: req.groupInstanceId ?? null, generationId: req.generationId });
    return { throttleTimeMs: 0, errorCode };
  },
});

// LeaveGroup (key 13), v0-5. v3+ removes a batch of members (static members by instance id).
import { ErrorCode } from '../../protocol/errors.js';
import { decodeLeaveGroupRequest, encodeLeaveGroupResponse, type LeaveGroupRequest, type LeaveGroupResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const leaveGroupHandler = defineHandler<LeaveGroupRequest, LeaveGroupResponse>({
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  decode: decodeLeaveGroupRequest,
  encode: encodeLeaveGroupResponse,
  handle(req, ctx, broker) {
    const batch = ctx.apiVersion >= 3;
    const members = batch ? (req.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null })) : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
    const r = broker.groups.leaveGroup(req.groupId, members);
    if (!batch) return { throttleTimeMs: 0, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : (r.members[0] ?? ErrorCode.NONE), members: [] };
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      members: r.errorCode !== ErrorCode.NONE ? [] : members.map((m, i) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: r.members[i] ?? ErrorCode.NONE })),
    };
  },
});

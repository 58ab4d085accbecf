// DeleteGroups (key 42), v0-2: an empty group and its offsets are removed (tombstones in __consumer_offsets);
// a group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
import { decodeDeleteGroupsRequest, encodeDeleteGroupsResponse, type DeleteGroupsRequest, type DeleteGroupsResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const deleteGroupsHandler = defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>({
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  decode: decodeDeleteGroupsRequest,
  encode: encodeDeleteGroupsResponse,
  async handle(req, _ctx, broker) {
    const results = [];
    for (const groupId of req.groupsNames) results.push({ groupId, errorCode: await broker.groups.deleteGroup(groupId) });
    return { throttleTimeMs: 0, results };
  },
});

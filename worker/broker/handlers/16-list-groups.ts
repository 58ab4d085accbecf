// ListGroups (key 16), v0-5: the groups this broker coordinates (admin clients ask every broker). v4 filters
// by state, v5 by type ("classic" or "consumer").
import { decodeListGroupsRequest, encodeListGroupsResponse, type ListGroupsRequest, type ListGroupsResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import { ClassicGroup } from '../coordinator/group/classic-group.js';

export const listGroupsHandler = defineHandler<ListGroupsRequest, ListGroupsResponse>({
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  decode: decodeListGroupsRequest,
  encode: encodeListGroupsResponse,
  handle(req, _ctx, broker) {
    const states = new Set((req.statesFilter ?? []).map((s) => s.toLowerCase()));
    const types = new Set((req.typesFilter ?? []).map((t) => t.toLowerCase()));
    const { groups, errorCode } = broker.groups.listGroups();
    return {
      throttleTimeMs: 0,
      errorCode,
      groups: groups
        .map((g) => ({
          groupId: g.groupId,
          protocolType: g.protocolType ?? '',
          groupState: g.state,
          groupType: g instanceof ClassicGroup ? 'classic' : 'consumer',
        }))
        .filter((g) => (states.size === 0 || states.has(g.groupState.toLowerCase())) && (types.size === 0 || types.has(g.groupType))),
    };
  },
});

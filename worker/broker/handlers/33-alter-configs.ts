// AlterConfigs (key 33), v0-2: replaces every config value of a topic (or of a broker's dynamic configs) with
// the given ones. Validation and the change happen in the controller (main/supervisor/config-changes.ts).
import { decodeAlterConfigsRequest, encodeAlterConfigsResponse, type AlterConfigsRequest, type AlterConfigsResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const alterConfigsHandler = defineHandler<AlterConfigsRequest, AlterConfigsResponse>({
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  decode: decodeAlterConfigsRequest,
  encode: encodeAlterConfigsResponse,
  async handle(req, _ctx, broker) {
    const results = await broker.controller.alterConfigs(
      req.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, changes: r.configs.map((c) => ({ name: c.name, value: c.value, op: 0 })) })),
      req.validateOnly,
      false,
    );
    return { throttleTimeMs: 0, responses: results };
  },
});

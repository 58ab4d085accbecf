// AlterConfigs (key 33), v0-2: replaces every config value of a topic (or of a broker's dynamic configs) with
// the given ones. Checked like IncrementalAlterConfigs (44-incremental-alter-configs.ts), then validated and applied
// by the controller (main/supervisor/config-changes.ts).
import { decodeAlterConfigsRequest, encodeAlterConfigsResponse, type AlterConfigsRequest, type AlterConfigsResponse } from '../../protocol/generated/index.js';
import { OP_SET } from '../../rpc/config-requests.js';
import { defineHandler } from '../api/handler.js';
import { alterConfigs } from './44-incremental-alter-configs.js';

export const alterConfigsHandler = defineHandler<AlterConfigsRequest, AlterConfigsResponse>({
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  decode: decodeAlterConfigsRequest,
  encode: encodeAlterConfigsResponse,
  async handle(req, _ctx, broker) {
    const resources = req.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, changes: r.configs.map((c) => ({ name: c.name, value: c.value, op: OP_SET })) }));
    return { throttleTimeMs: 0, responses: await alterConfigs(broker, resources, req.validateOnly, false) };
  },
});

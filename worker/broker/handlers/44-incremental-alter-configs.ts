// IncrementalAlterConfigs (key 44), v0-1: per-key SET, DELETE, APPEND and SUBTRACT (the last two for list
// configs) on a topic or on dynamic broker configs. kafka-configs --alter uses it.
import {
  decodeIncrementalAlterConfigsRequest,
  encodeIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const incrementalAlterConfigsHandler = defineHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  decode: decodeIncrementalAlterConfigsRequest,
  encode: encodeIncrementalAlterConfigsResponse,
  async handle(req, _ctx, broker) {
    const results = await broker.controller.alterConfigs(
      req.resources.map((r) => ({
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        changes: r.configs.map((c) => ({ name: c.name, value: c.value, op: c.configOperation })),
      })),
      req.validateOnly,
      true,
    );
    return { throttleTimeMs: 0, responses: results };
  },
});

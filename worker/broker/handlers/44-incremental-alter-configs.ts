// IncrementalAlterConfigs (key 44), v0-1: per-key SET, DELETE, APPEND and SUBTRACT (the last two for list
// configs) on a topic or on dynamic broker configs. kafka-configs --alter uses it. The broker answers the request's
// own problems (worker/rpc/config-requests.ts, Kafka's ConfigAdminManager.preprocess); the controller validates and
// applies the rest (main/supervisor/config-changes.ts).
import {
  decodeIncrementalAlterConfigsRequest,
  encodeIncrementalAlterConfigsResponse,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '../../protocol/generated/index.js';
import type { ConfigChangeResource } from '../../rpc/broker-rpc.js';
import { preprocessConfigChanges } from '../../rpc/config-requests.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';

/** Checks the resources here, sends the others to the controller, answers in request order. */
export async function alterConfigs(broker: BrokerContext, resources: ConfigChangeResource[], validateOnly: boolean, incremental: boolean) {
  const early = preprocessConfigChanges(resources, broker.brokerId, incremental);
  const forwarded = resources.filter((_, i) => early[i] === null);
  const decided = forwarded.length > 0 ? await broker.controller.alterConfigs(forwarded, validateOnly, incremental) : [];
  let next = 0;
  return resources.map((r, i) => {
    const e = early[i];
    return e ? { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: e.errorCode, errorMessage: e.errorMessage } : decided[next++]!;
  });
}

export const incrementalAlterConfigsHandler = defineHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  decode: decodeIncrementalAlterConfigsRequest,
  encode: encodeIncrementalAlterConfigsResponse,
  async handle(req, _ctx, broker) {
    const resources = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      changes: r.configs.map((c) => ({ name: c.name, value: c.value, op: c.configOperation })),
    }));
    return { throttleTimeMs: 0, responses: await alterConfigs(broker, resources, req.validateOnly, true) };
  },
});

// The checks a Kafka broker makes on AlterConfigs / IncrementalAlterConfigs before it forwards them to the
// controller (ConfigAdminManager.preprocess): each resource at most once, no repeated keys, no null values except
// for DELETE, broker resources addressed to this broker with known operations, APPEND/SUBTRACT only on list
// configs. The handlers answer these themselves and send the rest to the controller (main/supervisor/config-changes.ts).
import { ErrorCode } from '../protocol/errors.js';
import { BROKER_CONFIG_BY_NAME, KAFKA_BROKER_CONFIG_NAMES } from './broker-configs.js';
import type { ConfigChangeResource } from './broker-rpc.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
/** ConfigResource.Type codes Kafka 4.4 accepts in IncrementalAlterConfigs: BROKER_LOGGER, CLIENT_METRICS, GROUP too. */
const INCREMENTAL_TYPES = new Set([2, 4, 8, 16, 32]);
/** AlterConfigs (the legacy API) has no BROKER_LOGGER. */
const LEGACY_TYPES = new Set([2, 4, 16, 32]);
const TYPE_NAMES: Record<number, string> = { 8: 'BROKER_LOGGER', 16: 'CLIENT_METRICS', 32: 'GROUP' };

export const OP_SET = 0;
export const OP_DELETE = 1;
export const OP_APPEND = 2;
export const OP_SUBTRACT = 3;

export interface ConfigRequestError {
  errorCode: number;
  errorMessage: string | null;
}

/** Java's Integer.parseInt, or null. */
function parseNodeId(name: string): number | null {
  if (!/^[+-]?\d+$/.test(name)) return null;
  const n = Number(name);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : null;
}

function checkResource(r: ConfigChangeResource, brokerId: number, incremental: boolean): ConfigRequestError | null {
  const invalid = (errorMessage: string) => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage });
  const names = r.changes.map((c) => c.name);
  if (new Set(names).size !== names.length) return invalid('Error due to duplicate config keys');
  const nulls = r.changes.filter((c) => c.op !== OP_DELETE && c.value === null).map((c) => c.name);
  if (nulls.length > 0) return invalid(`Null value not supported for : ${nulls.join(', ')}`);
  if (!(incremental ? INCREMENTAL_TYPES : LEGACY_TYPES).has(r.resourceType)) return invalid(`Unknown resource type ${r.resourceType}`);
  // Kafka serves these; Eddy has no log4j loggers to change, no client telemetry and no group-level configs.
  if (TYPE_NAMES[r.resourceType]) return invalid(`Eddy does not support ${TYPE_NAMES[r.resourceType]} config resources`);
  if (r.resourceType !== RESOURCE_BROKER) return null;
  if (r.resourceName !== '') {
    const id = parseNodeId(r.resourceName);
    if (id === null) return invalid(`Node id must be an integer, but it is: ${r.resourceName}`);
    if (id !== brokerId) return invalid(`Unexpected broker id, expected ${brokerId}, but received ${r.resourceName}`);
  }
  if (!incremental) return null;
  const badOp = r.changes.find((c) => c.op < OP_SET || c.op > OP_SUBTRACT);
  if (badOp) return invalid(`Unknown operations type ${badOp.op}`);
  // ConfigAdminManager.prepareIncrementalConfigs (INVALID_CONFIG).
  for (const c of r.changes) {
    if (c.op !== OP_APPEND && c.op !== OP_SUBTRACT) continue;
    if (!KAFKA_BROKER_CONFIG_NAMES.has(c.name)) return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Unknown config name: ${c.name}` };
    if (BROKER_CONFIG_BY_NAME.get(c.name)?.type !== 'list') {
      return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Config value ${c.op === OP_APPEND ? 'append' : 'subtract'} is not allowed for config key: ${c.name}` };
    }
  }
  return null;
}

/**
 * The broker-side answer for each resource of an (Incremental)AlterConfigs request: an error, or null when the
 * resource goes on to the controller. `brokerId` is the broker that received the request.
 */
export function preprocessConfigChanges(resources: readonly ConfigChangeResource[], brokerId: number, incremental: boolean): (ConfigRequestError | null)[] {
  const count = new Map<string, number>();
  const key = (r: ConfigChangeResource) => `${r.resourceType}:${r.resourceName}`;
  for (const r of resources) count.set(key(r), (count.get(key(r)) ?? 0) + 1);
  return resources.map((r) =>
    count.get(key(r))! > 1 ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Each resource must appear at most once.' } : checkResource(r, brokerId, incremental),
  );
}

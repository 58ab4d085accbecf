// AlterConfigs and IncrementalAlterConfigs, decided by the controller: checks every requested change with
// Kafka's rules and errors, and turns the accepted ones into config records. Topic resources hold topic
// configs; broker resources (a broker id, or "" for the cluster-wide default) hold dynamic broker configs.
import { ErrorCode } from '../../worker/protocol/errors.js';
import type { ConfigChangeResource, ConfigChangeResult } from '../../worker/rpc/broker-rpc.js';
import type { MetadataImage, MetadataRecord } from '../../worker/rpc/metadata.js';
import { TOPIC_CONFIGS, TOPIC_CONFIG_BY_NAME, validateTopicConfig } from '../../worker/rpc/topic-configs.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;

export const OP_SET = 0;
export const OP_DELETE = 1;
export const OP_APPEND = 2;
export const OP_SUBTRACT = 3;

/** Broker configs that can change at run time: the topic defaults (broker synonyms of topic configs). */
const DYNAMIC_BROKER_CONFIGS = new Map(TOPIC_CONFIGS.filter((d) => d.brokerSynonym).map((d) => [d.brokerSynonym!, d]));

/**
 * Dynamic broker configs that are not topic defaults. Replication throttles are accepted and stored, not enforced
 * (a simulated network on one machine has nothing to throttle); kafka-reassign-partitions sets and clears them.
 */
const THROTTLE_CONFIGS = new Set(['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second']);

function validateNonNegativeLong(name: string, v: string): string | null {
  if (!/^-?\d+$/.test(v.trim()) || BigInt.asIntN(64, BigInt(v.trim())) !== BigInt(v.trim())) return `Invalid value ${v} for configuration ${name}: Not a number of type LONG`;
  return BigInt(v.trim()) < 0n ? `Invalid value ${v} for configuration ${name}: Value must be at least 0` : null;
}

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

interface Plan {
  result: ConfigChangeResult;
  records: MetadataRecord[];
}

function fail(r: ConfigChangeResource, errorCode: number, errorMessage: string): Plan {
  return { result: { resourceType: r.resourceType, resourceName: r.resourceName, errorCode, errorMessage }, records: [] };
}

/**
 * The new set of values of one resource. `incremental` follows IncrementalAlterConfigs (per-key SET, DELETE,
 * APPEND, SUBTRACT); otherwise AlterConfigs, which replaces every value of the resource with the given ones.
 */
function planResource(image: MetadataImage, brokerIds: Set<number>, r: ConfigChangeResource, incremental: boolean): Plan {
  let resourceType: 'topic' | 'broker';
  let current: ReadonlyMap<string, string>;
  let typeOf: (name: string) => { list: boolean; validate: (v: string) => string | null } | null;
  if (r.resourceType === RESOURCE_TOPIC) {
    if (!image.topicsByName.has(r.resourceName)) return fail(r, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${r.resourceName} does not exist.`);
    resourceType = 'topic';
    current = image.topicOverrides(r.resourceName);
    typeOf = (name) => {
      const def = TOPIC_CONFIG_BY_NAME.get(name);
      return def ? { list: def.type === 'list', validate: (v) => validateTopicConfig(name, v) } : null;
    };
  } else if (r.resourceType === RESOURCE_BROKER) {
    if (r.resourceName !== '' && !(/^\d+$/.test(r.resourceName) && brokerIds.has(Number(r.resourceName)))) {
      return fail(r, ErrorCode.INVALID_REQUEST, `Unexpected broker id ${r.resourceName}`);
    }
    resourceType = 'broker';
    current = image.configs.get(`broker:${r.resourceName}`) ?? new Map();
    typeOf = (name) => {
      if (THROTTLE_CONFIGS.has(name)) return { list: false, validate: (v) => validateNonNegativeLong(name, v) };
      const def = DYNAMIC_BROKER_CONFIGS.get(name);
      return def ? { list: def.type === 'list', validate: (v) => validateTopicConfig(def.name, v)?.replace(def.name, name) ?? null } : null;
    };
  } else {
    return fail(r, ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
  }

  const names = r.changes.map((c) => c.name);
  if (new Set(names).size !== names.length) return fail(r, ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');

  const next = new Map(incremental ? current : []);
  for (const c of r.changes) {
    const type = typeOf(c.name);
    if (!type) {
      return resourceType === 'topic'
        ? fail(r, ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${c.name}`)
        : fail(r, ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: [${c.name}]`);
    }
    const op = incremental ? c.op : OP_SET;
    if ((op === OP_APPEND || op === OP_SUBTRACT) && !type.list) {
      return fail(r, ErrorCode.INVALID_CONFIG, `Config value ${op === OP_APPEND ? 'append' : 'subtract'} is not allowed for config key: ${c.name}`);
    }
    switch (op) {
      case OP_SET:
        if (c.value === null) {
          if (incremental) return fail(r, ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
          continue;
        }
        next.set(c.name, c.value);
        break;
      case OP_DELETE:
        next.delete(c.name);
        break;
      case OP_APPEND: {
        const base = splitList(next.get(c.name) ?? (resourceType === 'topic' ? (TOPIC_CONFIG_BY_NAME.get(c.name)?.defaultValue ?? '') : ''));
        for (const v of splitList(c.value ?? '')) if (!base.includes(v)) base.push(v);
        next.set(c.name, base.join(','));
        break;
      }
      case OP_SUBTRACT: {
        const remove = new Set(splitList(c.value ?? ''));
        const base = splitList(next.get(c.name) ?? (resourceType === 'topic' ? (TOPIC_CONFIG_BY_NAME.get(c.name)?.defaultValue ?? '') : ''));
        next.set(c.name, base.filter((v) => !remove.has(v)).join(','));
        break;
      }
      default:
        return fail(r, ErrorCode.INVALID_REQUEST, `Unknown config operation ${op}`);
    }
  }
  for (const [name, value] of next) {
    if (current.get(name) === value) continue;
    const problem = typeOf(name)!.validate(value);
    if (problem) return fail(r, ErrorCode.INVALID_CONFIG, problem);
  }
  const records: MetadataRecord[] = [];
  for (const [name, value] of next) if (current.get(name) !== value) records.push({ type: 'config', resourceType, resourceName: r.resourceName, name, value });
  for (const name of current.keys()) if (!next.has(name)) records.push({ type: 'config', resourceType, resourceName: r.resourceName, name, value: null });
  return { result: { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.NONE, errorMessage: null }, records };
}

export function planConfigChanges(image: MetadataImage, resources: ConfigChangeResource[], incremental: boolean): { results: ConfigChangeResult[]; records: MetadataRecord[] } {
  const brokerIds = new Set(image.brokers.keys());
  const results: ConfigChangeResult[] = [];
  const records: MetadataRecord[] = [];
  for (const r of resources) {
    const plan = planResource(image, brokerIds, r, incremental);
    results.push(plan.result);
    records.push(...plan.records);
  }
  return { results, records };
}

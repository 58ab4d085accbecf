// AlterConfigs and IncrementalAlterConfigs, decided by the controller after the receiving broker's checks
// (worker/rpc/config-requests.ts): applies the operations, validates the result with Kafka's rules, order and
// errors (ConfigurationControlManager and ControllerConfigurationValidator; broker resources like
// DynamicBrokerConfig), and turns the accepted changes into config records. Topic resources hold topic configs;
// broker resources (a broker id, or "" for the cluster-wide default) hold dynamic broker configs.
import { ErrorCode } from '../../worker/protocol/errors.js';
import {
  BROKER_CONFIG_BY_NAME,
  KAFKA_BROKER_CONFIG_NAMES,
  TOPIC_DEFAULTS_BY_BROKER_NAME,
  clusterBrokerConfigs,
  validateDynamicBrokerSet,
  validateDynamicBrokerValue,
} from '../../worker/rpc/broker-configs.js';
import type { ConfigChangeResource, ConfigChangeResult } from '../../worker/rpc/broker-rpc.js';
import { OP_APPEND, OP_DELETE, OP_SET, OP_SUBTRACT, RESOURCE_BROKER, RESOURCE_TOPIC } from '../../worker/rpc/config-requests.js';
import type { MetadataImage, MetadataRecord } from '../../worker/rpc/metadata.js';
import { TOPIC_CONFIGS, TOPIC_CONFIG_BY_NAME, canonicalValue, validateTopicConfig, validateTopicConfigSet, type ConfigType } from '../../worker/rpc/topic-configs.js';
import { invalidTopicNameReason } from '../../worker/rpc/topic-names.js';

export { OP_APPEND, OP_DELETE, OP_SET, OP_SUBTRACT, RESOURCE_BROKER, RESOURCE_TOPIC };

interface Plan {
  result: ConfigChangeResult;
  records: MetadataRecord[];
}

function fail(r: ConfigChangeResource, errorCode: number, errorMessage: string | null): Plan {
  return { result: { resourceType: r.resourceType, resourceName: r.resourceName, errorCode, errorMessage }, records: [] };
}

/** Java's String.split(","): trailing empty strings dropped, no separator at all gives the whole string. */
function javaSplit(s: string): string[] {
  if (!s.includes(',')) return [s];
  const parts = s.split(',');
  while (parts.length > 0 && parts.at(-1) === '') parts.pop();
  return parts;
}

/** ConfigurationControlManager.getParts: the current list, from the value or else the default, without empty items. */
function parts(value: string | null | undefined): string[] {
  return value ? value.split(',').filter((x) => x !== '') : [];
}

/**
 * The resource's values after the operations (IncrementalAlterConfigs: SET, DELETE, APPEND, SUBTRACT per key;
 * AlterConfigs: the given values replace all), or the error of the first operation Kafka refuses.
 */
function applyOperations(
  current: ReadonlyMap<string, string>,
  r: ConfigChangeResource,
  incremental: boolean,
  isList: (name: string) => boolean,
  defaultOf: (name: string) => string | null,
): Map<string, string> | { errorCode: number; errorMessage: string | null } {
  const next = new Map(incremental ? current : []);
  for (const c of r.changes) {
    const op = incremental ? c.op : OP_SET;
    switch (op) {
      case OP_SET:
        if (c.value === null) next.delete(c.name);
        else next.set(c.name, c.value);
        break;
      case OP_DELETE:
        next.delete(c.name);
        break;
      case OP_APPEND:
      case OP_SUBTRACT: {
        if (!isList(c.name)) {
          return { errorCode: ErrorCode.INVALID_CONFIG, errorMessage: `Can't ${op === OP_APPEND ? 'APPEND' : 'SUBTRACT'} to key ${c.name} because its type is not LIST.` };
        }
        const list = parts(current.get(c.name) ?? defaultOf(c.name));
        for (const v of javaSplit(c.value ?? '')) {
          if (op === OP_APPEND) {
            if (!list.includes(v)) list.push(v);
          } else if (list.includes(v)) {
            list.splice(list.indexOf(v), 1);
          }
        }
        next.set(c.name, list.join(','));
        break;
      }
      default:
        // Kafka's controller has no case for an unknown operation and fails with an unexpected error.
        return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: null };
    }
  }
  return next;
}

/**
 * The values in canonical form, parsed and printed again (" +10 " kept as "10", "compact, delete" as
 * "compact,delete"), so that everything reading them sees what Kafka's parsed configs would hold. Kafka keeps the text
 * as given and parses it on use, which shows only in APPEND/SUBTRACT on such a value (KNOWN-GAPS.md). Custom
 * configs are kept as given.
 */
function canonical(next: ReadonlyMap<string, string>, typeOf: (name: string) => ConfigType | undefined): Map<string, string> {
  return new Map([...next].map(([name, value]) => {
    const type = typeOf(name);
    return [name, type ? canonicalValue(type, value) : value];
  }));
}

function records(resourceType: 'topic' | 'broker', resourceName: string, current: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): MetadataRecord[] {
  const out: MetadataRecord[] = [];
  for (const [name, value] of next) if (current.get(name) !== value) out.push({ type: 'config', resourceType, resourceName, name, value });
  for (const name of current.keys()) if (!next.has(name)) out.push({ type: 'config', resourceType, resourceName, name, value: null });
  return out;
}

const ok = (r: ConfigChangeResource, recs: MetadataRecord[]): Plan => ({
  result: { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.NONE, errorMessage: null },
  records: recs,
});

function planTopic(image: MetadataImage, r: ConfigChangeResource, incremental: boolean): Plan {
  const current = image.topicOverrides(r.resourceName);
  const next = applyOperations(current, r, incremental, (name) => TOPIC_CONFIG_BY_NAME.get(name)?.type === 'list', (name) => TOPIC_CONFIG_BY_NAME.get(name)?.defaultValue ?? null);
  if (!(next instanceof Map)) return fail(r, next.errorCode, next.errorMessage);
  // ControllerConfigurationValidator: the name, then LogConfig.validate (names, values, values together); the
  // topic's existence is checked only after its configs.
  if (r.resourceName === '') return fail(r, ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.');
  const badName = invalidTopicNameReason(r.resourceName);
  if (badName) return fail(r, ErrorCode.INVALID_TOPIC_EXCEPTION, badName);
  const unknown = [...next.keys()].find((name) => !TOPIC_CONFIG_BY_NAME.has(name));
  if (unknown !== undefined) return fail(r, ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${unknown}`);
  for (const [name, value] of next) {
    const problem = validateTopicConfig(name, value);
    if (problem) return fail(r, ErrorCode.INVALID_CONFIG, problem);
  }
  const effective = new Map<string, string>();
  const cluster = image.clusterDefaults();
  for (const def of TOPIC_CONFIGS) {
    const v = def.brokerSynonym ? cluster.get(def.brokerSynonym) : undefined;
    if (v !== undefined) effective.set(def.name, v);
  }
  for (const [k, v] of next) effective.set(k, v);
  const problem = validateTopicConfigSet(effective);
  if (problem) return fail(r, ErrorCode.INVALID_CONFIG, problem);
  if (!image.topicsByName.has(r.resourceName)) return fail(r, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${r.resourceName}' does not exist.`);
  return ok(r, records('topic', r.resourceName, current, canonical(next, (name) => TOPIC_CONFIG_BY_NAME.get(name)?.type)));
}

function planBroker(image: MetadataImage, r: ConfigChangeResource, incremental: boolean): Plan {
  // The receiving broker has checked the id (config-requests.ts); it is stored in its plain form.
  const perBroker = r.resourceName !== '';
  const resourceName = perBroker ? String(Number(r.resourceName)) : '';
  const cluster = clusterBrokerConfigs(image.configs);
  const current = perBroker ? (image.configs.get(`broker:${resourceName}`) ?? new Map<string, string>()) : cluster;
  const next = applyOperations(current, r, incremental, (name) => BROKER_CONFIG_BY_NAME.get(name)?.type === 'list', (name) => BROKER_CONFIG_BY_NAME.get(name)?.defaultValue ?? null);
  if (!(next instanceof Map)) return fail(r, next.errorCode, next.errorMessage);
  // DynamicBrokerConfig.validateConfigs: Kafka's broker configs that cannot change at run time (for Eddy: all but the
  // topic defaults); names Kafka does not know are custom configs, kept as they are. Errors are INVALID_REQUEST.
  const fixed = [...next.keys()].filter((name) => KAFKA_BROKER_CONFIG_NAMES.has(name) && !TOPIC_DEFAULTS_BY_BROKER_NAME.has(name));
  if (fixed.length > 0) return fail(r, ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: [${fixed.join(', ')}]`);
  for (const [name, value] of next) {
    const problem = validateDynamicBrokerValue(name, value);
    if (problem) return fail(r, ErrorCode.INVALID_REQUEST, problem);
  }
  const problem = validateDynamicBrokerSet((name) => next.get(name) ?? (perBroker ? cluster.get(name) : undefined));
  if (problem) return fail(r, ErrorCode.INVALID_REQUEST, problem);
  // KIP-966: with eligible leader replicas on, min.insync.replicas lives at the cluster level only.
  if (perBroker && r.changes.some((c) => c.name === 'min.insync.replicas')) {
    return fail(r, ErrorCode.INVALID_CONFIG, 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.');
  }
  if (!perBroker && !next.has('min.insync.replicas')) return fail(r, ErrorCode.INVALID_CONFIG, 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.');
  return ok(r, records('broker', resourceName, current, canonical(next, (name) => TOPIC_DEFAULTS_BY_BROKER_NAME.get(name)?.type)));
}

export function planConfigChanges(image: MetadataImage, resources: ConfigChangeResource[], incremental: boolean): { results: ConfigChangeResult[]; records: MetadataRecord[] } {
  const results: ConfigChangeResult[] = [];
  const out: MetadataRecord[] = [];
  for (const r of resources) {
    const plan =
      r.resourceType === RESOURCE_TOPIC
        ? planTopic(image, r, incremental)
        : r.resourceType === RESOURCE_BROKER
          ? planBroker(image, r, incremental)
          : fail(r, ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
    results.push(plan.result);
    out.push(...plan.records);
  }
  return { results, records: out };
}

// DescribeConfigs (key 32), v1-4 (Kafka 4 removed v0). Topic resources list every topic config with its
// value, source and the broker-level synonym its default comes from; broker resources list the broker
// settings Eddy honours. (Alter* and the full broker config set belong to the topic-admin work.)
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeDescribeConfigsRequest,
  encodeDescribeConfigsResponse,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
} from '../../protocol/generated/index.js';
import { TOPIC_CONFIGS, type ConfigDef, type ConfigType } from '../../rpc/topic-configs.js';
import { DEFAULT_BROKER_SETTINGS } from '../../rpc/broker-rpc.js';
import { invalidTopicNameReason } from '../../rpc/topic-names.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import { ConfigSource } from '../config-source.js';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
/** ConfigResource.Type codes Kafka 4.4 knows: TOPIC, BROKER, BROKER_LOGGER, CLIENT_METRICS, GROUP. */
const KNOWN_RESOURCE_TYPES = new Set([2, 4, 8, 16, 32]);

/** DescribeConfigsResponse.ConfigType codes. */
const CONFIG_TYPE: Record<ConfigType, number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7 };

/**
 * Topic configs whose broker synonym has no default of its own in Kafka (log.retention.ms, log.roll.ms,
 * log.roll.jitter.ms take theirs from the *.hours synonyms; log.flush.interval.ms has none): Kafka 4.4 lists no
 * DEFAULT_CONFIG synonym for them (checked against the reference broker).
 */
const NO_BROKER_DEFAULT_SYNONYM = new Set(['flush.ms', 'retention.ms', 'segment.ms', 'segment.jitter.ms']);

/** Where a topic config's default comes from when the topic has no value of its own. */
function defaultSource(def: ConfigDef): number {
  return def.clusterDynamicDefault ? ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
}

type Result = DescribeConfigsResponse['results'][number];
type Entry = Result['configs'][number];

function topicConfigs(broker: BrokerContext, name: string, keys: string[] | null, includeSynonyms: boolean): Entry[] {
  const overrides = broker.metadata.topicOverrides(name);
  const out: Entry[] = [];
  for (const def of TOPIC_CONFIGS) {
    // Kafka treats an empty key list like null: every config.
    if (keys && keys.length > 0 && !keys.includes(def.name)) continue;
    const own = overrides.get(def.name);
    const synonyms: Entry['synonyms'] = [];
    if (includeSynonyms) {
      if (own !== undefined) synonyms.push({ name: def.name, value: own, source: ConfigSource.TOPIC_CONFIG });
      if (def.brokerSynonym && def.clusterDynamicDefault) {
        synonyms.push({ name: def.brokerSynonym, value: def.defaultValue, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
      }
      if (def.brokerSynonym && !NO_BROKER_DEFAULT_SYNONYM.has(def.name)) synonyms.push({ name: def.brokerSynonym, value: def.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
    }
    out.push({
      name: def.name,
      value: own ?? def.defaultValue,
      readOnly: false,
      isDefault: own === undefined,
      configSource: own !== undefined ? ConfigSource.TOPIC_CONFIG : defaultSource(def),
      isSensitive: false,
      synonyms,
      configType: CONFIG_TYPE[def.type],
      documentation: null,
    });
  }
  return out;
}

/**
 * Kafka's type and read-only flag (false = dynamically updatable) for the broker settings Eddy has; a setting
 * without an entry here is described from its JavaScript type.
 */
const BROKER_SETTING_INFO: Record<string, { type: ConfigType; readOnly: boolean }> = {
  'auto.create.topics.enable': { type: 'boolean', readOnly: true },
  'num.partitions': { type: 'int', readOnly: true },
  'default.replication.factor': { type: 'int', readOnly: true },
  'socket.request.max.bytes': { type: 'int', readOnly: true },
  'message.max.bytes': { type: 'int', readOnly: false },
  'log.retention.check.interval.ms': { type: 'long', readOnly: true },
};

function brokerConfigs(broker: BrokerContext, keys: string[] | null, includeSynonyms: boolean): Entry[] {
  const registration = broker.metadata.brokers.get(broker.brokerId);
  const defaults = DEFAULT_BROKER_SETTINGS as unknown as Record<string, unknown>;
  // [name, value, type, readOnly, Kafka's default (null: none, the value is always static)]
  const values: [string, string, ConfigType, boolean, string | null][] = [
    ['node.id', String(broker.brokerId), 'int', true, null],
    ['broker.id', String(broker.brokerId), 'int', true, null],
    ['advertised.listeners', registration ? `PLAINTEXT://${registration.host}:${registration.port}` : '', 'string', true, null],
    ['process.roles', 'broker', 'list', true, null],
    ...Object.entries(broker.settings).map(([k, v]): [string, string, ConfigType, boolean, string | null] => {
      const info = BROKER_SETTING_INFO[k] ?? { type: Array.isArray(v) ? 'list' : typeof v === 'boolean' ? 'boolean' : 'int', readOnly: true };
      const show = (x: unknown) => (Array.isArray(x) ? x.join(',') : String(x));
      return [k, show(v), info.type, info.readOnly, k in defaults ? show(defaults[k]) : null];
    }),
  ];
  return values
    .filter(([k]) => !keys || keys.length === 0 || keys.includes(k))
    .map(([name, value, type, readOnly, defaultValue]) => {
      // A setting at Kafka's default is DEFAULT_CONFIG; one set otherwise is STATIC_BROKER_CONFIG, with the default
      // as its second synonym (as Kafka lists them).
      const isDefault = defaultValue !== null && value === defaultValue;
      const synonyms: Entry['synonyms'] = [];
      if (includeSynonyms) {
        if (!isDefault) synonyms.push({ name, value, source: ConfigSource.STATIC_BROKER_CONFIG });
        if (defaultValue !== null) synonyms.push({ name, value: defaultValue, source: ConfigSource.DEFAULT_CONFIG });
      }
      return {
        name,
        value,
        readOnly,
        isDefault,
        configSource: isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.STATIC_BROKER_CONFIG,
        isSensitive: false,
        synonyms,
        configType: CONFIG_TYPE[type],
        documentation: null,
      };
    });
}

export const describeConfigsHandler = defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>({
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 1,
  maxVersion: 4,
  decode: decodeDescribeConfigsRequest,
  encode: encodeDescribeConfigsResponse,
  handle(req, _ctx, broker) {
    // A resource type Kafka does not know fails the whole request (every resource gets INVALID_REQUEST).
    if (req.resources.some((r) => !KNOWN_RESOURCE_TYPES.has(r.resourceType))) {
      const message = 'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.';
      return {
        throttleTimeMs: 0,
        results: req.resources.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message, configs: [] })),
      };
    }
    const results: Result[] = req.resources.map((r) => {
      // Kafka answers success with an empty message, not null.
      const base = { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.NONE, errorMessage: '' as string | null, configs: [] as Entry[] };
      if (r.resourceType === RESOURCE_TOPIC) {
        const badName = invalidTopicNameReason(r.resourceName);
        if (badName) return { ...base, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: badName };
        // Kafka 4.4 sends an empty message with this error.
        if (!broker.metadata.topicsByName.has(r.resourceName)) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: '' };
        return { ...base, configs: topicConfigs(broker, r.resourceName, r.configurationKeys, req.includeSynonyms ?? false) };
      }
      if (r.resourceType === RESOURCE_BROKER) {
        if (r.resourceName !== '' && r.resourceName !== String(broker.brokerId)) {
          return {
            ...base,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `Unexpected broker id, expected ${broker.brokerId} or empty string, but received ${r.resourceName}`,
          };
        }
        return { ...base, configs: brokerConfigs(broker, r.configurationKeys, req.includeSynonyms ?? false) };
      }
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}` };
    });
    return { throttleTimeMs: 0, results };
  },
});

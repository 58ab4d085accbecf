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
import { TOPIC_CONFIGS, type ConfigType } from '../../rpc/topic-configs.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import { ConfigSource } from '../config-source.js';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

/** DescribeConfigsResponse.ConfigType codes. */
const CONFIG_TYPE: Record<ConfigType, number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7 };

/**
 * Topic configs whose broker synonym has no default of its own in Kafka (log.retention.ms, log.roll.ms,
 * log.roll.jitter.ms take theirs from the *.hours synonyms; log.flush.interval.ms has none): Kafka 4.4 lists no
 * DEFAULT_CONFIG synonym for them (checked against the reference broker).
 */
const NO_BROKER_DEFAULT_SYNONYM = new Set(['flush.ms', 'retention.ms', 'segment.ms', 'segment.jitter.ms']);

type Result = DescribeConfigsResponse['results'][number];
type Entry = Result['configs'][number];

function topicConfigs(broker: BrokerContext, name: string, keys: string[] | null, includeSynonyms: boolean): Entry[] {
  const overrides = broker.metadata.topicConfig(name);
  const out: Entry[] = [];
  for (const def of TOPIC_CONFIGS) {
    if (keys && !keys.includes(def.name)) continue;
    const own = overrides.get(def.name);
    const synonyms: Entry['synonyms'] = [];
    if (includeSynonyms) {
      if (own !== undefined) synonyms.push({ name: def.name, value: own, source: ConfigSource.TOPIC_CONFIG });
      if (def.brokerSynonym && !NO_BROKER_DEFAULT_SYNONYM.has(def.name)) synonyms.push({ name: def.brokerSynonym, value: def.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
    }
    out.push({
      name: def.name,
      value: own ?? def.defaultValue,
      readOnly: false,
      isDefault: own === undefined,
      configSource: own === undefined ? ConfigSource.DEFAULT_CONFIG : ConfigSource.TOPIC_CONFIG,
      isSensitive: false,
      synonyms,
      configType: CONFIG_TYPE[def.type],
      documentation: null,
    });
  }
  return out;
}

function brokerConfigs(broker: BrokerContext, keys: string[] | null): Entry[] {
  const registration = broker.metadata.brokers.get(broker.brokerId);
  const values: [string, string, ConfigType][] = [
    ['node.id', String(broker.brokerId), 'int'],
    ['broker.id', String(broker.brokerId), 'int'],
    ['advertised.listeners', registration ? `PLAINTEXT://${registration.host}:${registration.port}` : '', 'string'],
    ['process.roles', 'broker', 'list'],
    ...Object.entries(broker.settings).map(([k, v]): [string, string, ConfigType] => [k, String(v), typeof v === 'boolean' ? 'boolean' : 'int']),
  ];
  return values
    .filter(([k]) => !keys || keys.includes(k))
    .map(([name, value, type]) => ({
      name,
      value,
      readOnly: true,
      isDefault: false,
      configSource: ConfigSource.STATIC_BROKER_CONFIG,
      isSensitive: false,
      synonyms: [],
      configType: CONFIG_TYPE[type],
      documentation: null,
    }));
}

export const describeConfigsHandler = defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>({
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 1,
  maxVersion: 4,
  decode: decodeDescribeConfigsRequest,
  encode: encodeDescribeConfigsResponse,
  handle(req, _ctx, broker) {
    const results: Result[] = req.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.NONE, errorMessage: null, configs: [] as Entry[] };
      if (r.resourceType === RESOURCE_TOPIC) {
        if (!broker.metadata.topicsByName.has(r.resourceName)) {
          return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${r.resourceName} does not exist` };
        }
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
        return { ...base, configs: brokerConfigs(broker, r.configurationKeys) };
      }
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}` };
    });
    return { throttleTimeMs: 0, results };
  },
});

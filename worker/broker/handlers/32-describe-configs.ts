// DescribeConfigs (key 32), v1-4 (Kafka 4 removed v0). Topic resources list every topic config with its value,
// source, synonyms and documentation; broker resources list the broker configs Eddy has (worker/rpc/broker-configs.ts)
// as this broker sees them, and the "" resource the cluster-wide dynamic defaults (kafka-configs --entity-default).
// Values, sources and synonyms follow Kafka's ConfigHelper: a config's value comes from the most specific of
// DYNAMIC_BROKER_CONFIG (this broker), DYNAMIC_DEFAULT_BROKER_CONFIG (cluster), STATIC_BROKER_CONFIG and
// DEFAULT_CONFIG, over its synonym names (log.retention.ms, .minutes, .hours), the list starting at the config's own
// name.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeDescribeConfigsRequest,
  encodeDescribeConfigsResponse,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
} from '../../protocol/generated/index.js';
import { BROKER_CONFIG_BY_NAME, BROKER_CONFIG_DEFS, brokerConfigSynonyms, clusterBrokerConfigs } from '../../rpc/broker-configs.js';
import { BROKER_CONFIG_DOCS, TOPIC_CONFIG_DOCS } from '../../rpc/config-docs.js';
import { TOPIC_CONFIGS, canonicalValue, type ConfigType } from '../../rpc/topic-configs.js';
import { invalidTopicNameReason } from '../../rpc/topic-names.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import { ConfigSource } from '../config-source.js';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
/** ConfigResource.Type codes Kafka 4.4 knows: TOPIC, BROKER, BROKER_LOGGER, CLIENT_METRICS, GROUP. */
const KNOWN_RESOURCE_TYPES = new Set([2, 4, 8, 16, 32]);

/** DescribeConfigsResponse.ConfigType codes (0 is UNKNOWN: a custom config Kafka has no definition for). */
const CONFIG_TYPE: Record<ConfigType, number> = { boolean: 1, string: 2, int: 3, short: 4, long: 5, double: 6, list: 7, class: 8, password: 9 };
const UNKNOWN_TYPE = 0;

/**
 * Static broker configs whose value Eddy applies as the default of a topic config (the others, message.max.bytes and
 * min.insync.replicas, are broker settings Eddy does not use for topics: KNOWN-GAPS.md).
 */
const STATIC_TOPIC_DEFAULTS = new Set(['unclean.leader.election.enable']);

type Result = DescribeConfigsResponse['results'][number];
type Entry = Result['configs'][number];
type Synonym = NonNullable<Entry['synonyms']>[number];

/** The places a broker config value can come from, most specific first. */
interface BrokerValues {
  perBroker: ReadonlyMap<string, string>;
  cluster: ReadonlyMap<string, string>;
  static: ReadonlyMap<string, string>;
  defaults: ReadonlyMap<string, string>;
}

const KAFKA_DEFAULTS: ReadonlyMap<string, string> = new Map(BROKER_CONFIG_DEFS.filter((d) => d.defaultValue !== null).map((d) => [d.name, d.defaultValue!]));

/** ConfigHelper.configSynonyms: every value of the config's synonym names by source, from its own name on. */
function configSynonyms(name: string, values: BrokerValues, sensitive: boolean): Synonym[] {
  const names = brokerConfigSynonyms(name);
  const out: Synonym[] = [];
  const sources: [ReadonlyMap<string, string>, number][] = [
    [values.perBroker, ConfigSource.DYNAMIC_BROKER_CONFIG],
    [values.cluster, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [values.static, ConfigSource.STATIC_BROKER_CONFIG],
    [values.defaults, ConfigSource.DEFAULT_CONFIG],
  ];
  for (const [map, source] of sources) {
    for (const n of names) {
      const v = map.get(n);
      if (v !== undefined) out.push({ name: n, value: sensitive ? null : v, source });
    }
  }
  const own = out.findIndex((s) => s.name === name);
  return own < 0 ? [] : out.slice(own);
}

/** The broker's static configs: its identity and the settings it was started with that differ from Kafka's defaults. */
function staticConfigs(broker: BrokerContext): Map<string, string> {
  const registration = broker.metadata.brokers.get(broker.brokerId);
  const out = new Map<string, string>([
    ['node.id', String(broker.brokerId)],
    ['broker.id', String(broker.brokerId)],
    ['advertised.listeners', registration ? `PLAINTEXT://${registration.host}:${registration.port}` : ''],
    ['process.roles', 'broker'],
  ]);
  for (const [k, v] of Object.entries(broker.settings)) {
    const shown = Array.isArray(v) ? v.join(',') : String(v);
    if (KAFKA_DEFAULTS.get(k) !== shown) out.set(k, shown);
  }
  return out;
}

function wanted(keys: string[] | null, name: string): boolean {
  // Kafka treats an empty key list like null: every config.
  return !keys || keys.length === 0 || keys.includes(name);
}

function entry(name: string, value: string | null, source: number, synonyms: Synonym[], type: number, readOnly: boolean, sensitive: boolean, doc: string | null, opts: Options): Entry {
  return {
    name,
    value,
    readOnly,
    isDefault: source === ConfigSource.DEFAULT_CONFIG,
    configSource: source,
    isSensitive: sensitive,
    synonyms: opts.includeSynonyms ? synonyms : [],
    configType: type,
    documentation: opts.includeDocumentation ? doc : null,
  };
}

interface Options {
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

function topicConfigs(broker: BrokerContext, name: string, keys: string[] | null, opts: Options): Entry[] {
  const overrides = broker.metadata.topicOverrides(name);
  const statics = staticConfigs(broker);
  const values: BrokerValues = {
    // Per-broker dynamic topic defaults are not applied to topics yet (MetadataImage.topicConfig merges the cluster
    // level only), so they are not shown as the source of a topic's value either (KNOWN-GAPS.md).
    perBroker: new Map(),
    cluster: clusterBrokerConfigs(broker.metadata.configs),
    static: new Map([...statics].filter(([k]) => STATIC_TOPIC_DEFAULTS.has(k))),
    defaults: KAFKA_DEFAULTS,
  };
  const out: Entry[] = [];
  for (const def of TOPIC_CONFIGS) {
    if (!wanted(keys, def.name)) continue;
    // Shown as Kafka shows an accepted value (CreateTopics keeps values as given).
    const given = overrides.get(def.name);
    const own = given === undefined ? undefined : canonicalValue(def.type, given);
    const fromBroker = def.brokerSynonym ? configSynonyms(def.brokerSynonym, values, false) : [];
    const synonyms = own !== undefined ? [{ name: def.name, value: own, source: ConfigSource.TOPIC_CONFIG }, ...fromBroker] : fromBroker;
    const value = own ?? fromBroker[0]?.value ?? def.defaultValue;
    out.push(entry(def.name, value, synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG, synonyms, CONFIG_TYPE[def.type], false, false, TOPIC_CONFIG_DOCS[def.name] ?? null, opts));
  }
  return out;
}

/** One broker config as ConfigHelper.createBrokerConfigEntry describes it; names Kafka does not know are sensitive. */
function brokerEntry(name: string, values: BrokerValues, perBroker: boolean, opts: Options): Entry {
  const def = BROKER_CONFIG_BY_NAME.get(name);
  const sensitive = !def;
  const all = configSynonyms(name, values, sensitive);
  const synonyms = perBroker ? all : all.filter((s) => s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  const value = sensitive ? null : perBroker ? (all[0]?.value ?? def.defaultValue) : (values.cluster.get(name) ?? null);
  const type = def ? CONFIG_TYPE[def.type] : UNKNOWN_TYPE;
  return entry(name, value, synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG, synonyms, type, !def?.dynamic, sensitive, def ? (BROKER_CONFIG_DOCS[name] ?? null) : null, opts);
}

function brokerConfigs(broker: BrokerContext, resourceName: string, keys: string[] | null, opts: Options): Entry[] {
  const cluster = clusterBrokerConfigs(broker.metadata.configs);
  const perBroker = broker.metadata.configs.get(`broker:${broker.brokerId}`) ?? new Map<string, string>();
  const values: BrokerValues = { perBroker, cluster, static: staticConfigs(broker), defaults: KAFKA_DEFAULTS };
  if (resourceName === '') {
    // The cluster-wide defaults: only what is set there.
    return [...cluster.keys()].filter((k) => wanted(keys, k)).map((k) => brokerEntry(k, values, false, opts));
  }
  const names = new Set([...BROKER_CONFIG_DEFS.map((d) => d.name), ...perBroker.keys(), ...cluster.keys()]);
  return [...names].filter((k) => wanted(keys, k)).map((k) => brokerEntry(k, values, true, opts));
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
    const opts: Options = { includeSynonyms: req.includeSynonyms ?? false, includeDocumentation: req.includeDocumentation ?? false };
    const results: Result[] = req.resources.map((r) => {
      // Kafka answers success with an empty message, not null.
      const base = { resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.NONE, errorMessage: '' as string | null, configs: [] as Entry[] };
      if (r.resourceType === RESOURCE_TOPIC) {
        const badName = invalidTopicNameReason(r.resourceName);
        if (badName) return { ...base, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: badName };
        // Kafka 4.4 sends an empty message with this error.
        if (!broker.metadata.topicsByName.has(r.resourceName)) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: '' };
        return { ...base, configs: topicConfigs(broker, r.resourceName, r.configurationKeys, opts) };
      }
      if (r.resourceType === RESOURCE_BROKER) {
        if (r.resourceName !== '' && r.resourceName !== String(broker.brokerId)) {
          return {
            ...base,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `Unexpected broker id, expected ${broker.brokerId} or empty string, but received ${r.resourceName}`,
          };
        }
        return { ...base, configs: brokerConfigs(broker, r.resourceName, r.configurationKeys, opts) };
      }
      return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}` };
    });
    return { throttleTimeMs: 0, results };
  },
});

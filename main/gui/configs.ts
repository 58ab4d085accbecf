// DescribeConfigs answers as the contract's ConfigEntry: Kafka's source and type names, the value it would fall back
// to (the first synonym from a lower source), null for sensitive values.
import { ConfigResourceTypes } from '@platformatic/kafka';
import type { ConfigEntry, ConfigSource } from '../contract/ui-api.js';
import { kafkaError, toUiError } from './errors.js';
import { errorName, type BrokerConnection, type KafkaClient } from './kafka-client.js';

const SOURCES: ConfigSource[] = [
  'UNKNOWN',
  'TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];
const TYPES = ['UNKNOWN', 'BOOLEAN', 'STRING', 'INT', 'SHORT', 'LONG', 'DOUBLE', 'LIST', 'CLASS', 'PASSWORD'];

export const sourceName = (n: number): ConfigSource => SOURCES[n] ?? 'UNKNOWN';
export const typeName = (n: number): string => TYPES[n] ?? 'UNKNOWN';

interface RawConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms?: { name: string; value: string | null; source: number }[];
  configType?: number;
  documentation?: string | null;
}

export function toConfigEntry(c: RawConfig): ConfigEntry {
  const lower = (c.synonyms ?? []).find((s) => s.source !== c.configSource);
  return {
    name: c.name,
    value: c.isSensitive ? null : c.value,
    source: sourceName(c.configSource),
    defaultValue: c.isSensitive ? null : (lower?.value ?? null),
    readOnly: c.readOnly,
    sensitive: c.isSensitive,
    type: typeName(c.configType ?? 0),
    documentation: c.documentation ?? null,
  };
}

interface RawDescribeConfigs {
  results: { errorCode: number; errorMessage: string | null; resourceName: string; configs: RawConfig[] }[];
}

/** Every config of a topic or broker, sorted by name. */
export async function describeConfigs(client: KafkaClient, kind: 'topic' | 'broker', name: string, brokerConnection?: BrokerConnection): Promise<ConfigEntry[]> {
  const resourceType = kind === 'topic' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER;
  let r: RawDescribeConfigs;
  try {
    // Broker configs are described by that broker itself (Kafka answers a broker's dynamic configs only there).
    const connection = brokerConnection ?? (await client.anyBroker());
    r = await client.request<[unknown[], boolean, boolean], RawDescribeConfigs>('DescribeConfigs', connection, [{ resourceType, resourceName: name, configurationKeys: null }], true, true);
  } catch (e) {
    throw toUiError(e, `could not describe the configs of ${kind} ${name}`);
  }
  const result = r.results[0];
  if (!result) return [];
  if (result.errorCode !== 0) throw kafkaError(errorName(result.errorCode), result.errorMessage, `could not describe the configs of ${kind} ${name}`);
  return result.configs.map(toConfigEntry).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

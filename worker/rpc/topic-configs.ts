// Topic-level configs with Kafka 4.x names, types, defaults, validators and broker-level synonyms. Used by the
// controller to validate CreateTopics/AlterConfigs and by brokers to read effective values and answer DescribeConfigs.
// Values are parsed and checked the way Kafka's ConfigDef does (Java number syntax, trimmed strings, comma-separated
// lists, the parsed value in the message), so the INVALID_CONFIG messages are Kafka's own (compared with the reference
// broker by test/differential/configs-admin.test.ts).

/** ConfigDef types (DescribeConfigs reports them as type codes). */
export type ConfigType = 'string' | 'int' | 'short' | 'long' | 'double' | 'boolean' | 'list' | 'class' | 'password';

/** Kafka's ConfigDef validators, as LogConfig declares them for topic configs. */
export type Validator =
  /** ConfigDef.Range: atLeast / between. */
  | { kind: 'range'; min?: number; max?: number }
  /** ConfigDef.ValidString: one of the values. */
  | { kind: 'in'; values: readonly string[] }
  /** ConfigDef.ValidList: every item non-empty and one of the values (an empty list is allowed). */
  | { kind: 'list'; values: readonly string[] }
  /** GzipCompression.LevelValidator: 1..9 or -1. */
  | { kind: 'gzipLevel' }
  /** ThrottledReplicaListValidator: '*' or partition:broker pairs. */
  | { kind: 'throttledReplicas' };

export interface ConfigDef {
  name: string;
  type: ConfigType;
  /** Default as Kafka prints it. */
  defaultValue: string;
  /** Broker config whose value is this topic config's default (DescribeConfigs synonym). */
  brokerSynonym?: string;
  /**
   * Kafka 4.x formats a KRaft cluster with a cluster-wide dynamic default for this config (min.insync.replicas,
   * written at bootstrap for eligible leader replicas, KIP-966), so a topic without its own value reports it from
   * DYNAMIC_DEFAULT_BROKER_CONFIG, with the static default as a second synonym (checked by test/differential).
   */
  clusterDynamicDefault?: boolean;
  validator?: Validator;
}

const LONG_MAX = '9223372036854775807';
const atLeast = (min: number): Validator => ({ kind: 'range', min });
const between = (min: number, max: number): Validator => ({ kind: 'range', min, max });

export const TOPIC_CONFIGS: readonly ConfigDef[] = [
  { name: 'cleanup.policy', type: 'list', defaultValue: 'delete', brokerSynonym: 'log.cleanup.policy', validator: { kind: 'list', values: ['compact', 'delete'] } },
  {
    name: 'compression.type',
    type: 'string',
    defaultValue: 'producer',
    brokerSynonym: 'compression.type',
    validator: { kind: 'in', values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] },
  },
  { name: 'compression.gzip.level', type: 'int', defaultValue: '-1', brokerSynonym: 'compression.gzip.level', validator: { kind: 'gzipLevel' } },
  { name: 'compression.lz4.level', type: 'int', defaultValue: '9', brokerSynonym: 'compression.lz4.level', validator: between(1, 17) },
  { name: 'compression.zstd.level', type: 'int', defaultValue: '3', brokerSynonym: 'compression.zstd.level', validator: between(-131072, 22) },
  { name: 'delete.retention.ms', type: 'long', defaultValue: '86400000', brokerSynonym: 'log.cleaner.delete.retention.ms', validator: atLeast(0) },
  { name: 'errors.deadletterqueue.group.enable', type: 'boolean', defaultValue: 'false' },
  { name: 'file.delete.delay.ms', type: 'long', defaultValue: '60000', brokerSynonym: 'log.segment.delete.delay.ms', validator: atLeast(0) },
  { name: 'flush.messages', type: 'long', defaultValue: LONG_MAX, brokerSynonym: 'log.flush.interval.messages', validator: atLeast(1) },
  { name: 'flush.ms', type: 'long', defaultValue: LONG_MAX, brokerSynonym: 'log.flush.interval.ms', validator: atLeast(0) },
  { name: 'follower.replication.throttled.replicas', type: 'list', defaultValue: '', validator: { kind: 'throttledReplicas' } },
  { name: 'index.interval.bytes', type: 'int', defaultValue: '4096', brokerSynonym: 'log.index.interval.bytes', validator: atLeast(0) },
  { name: 'leader.replication.throttled.replicas', type: 'list', defaultValue: '', validator: { kind: 'throttledReplicas' } },
  { name: 'local.retention.bytes', type: 'long', defaultValue: '-2', brokerSynonym: 'log.local.retention.bytes', validator: atLeast(-2) },
  { name: 'local.retention.ms', type: 'long', defaultValue: '-2', brokerSynonym: 'log.local.retention.ms', validator: atLeast(-2) },
  { name: 'max.compaction.lag.ms', type: 'long', defaultValue: LONG_MAX, brokerSynonym: 'log.cleaner.max.compaction.lag.ms', validator: atLeast(1) },
  { name: 'max.decompressed.message.bytes', type: 'int', defaultValue: '2147483639', brokerSynonym: 'max.decompressed.message.bytes', validator: atLeast(1) },
  { name: 'max.message.bytes', type: 'int', defaultValue: '1048588', brokerSynonym: 'message.max.bytes', validator: atLeast(0) },
  { name: 'message.timestamp.after.max.ms', type: 'long', defaultValue: '3600000', brokerSynonym: 'log.message.timestamp.after.max.ms', validator: atLeast(0) },
  { name: 'message.timestamp.before.max.ms', type: 'long', defaultValue: LONG_MAX, brokerSynonym: 'log.message.timestamp.before.max.ms', validator: atLeast(0) },
  {
    name: 'message.timestamp.type',
    type: 'string',
    defaultValue: 'CreateTime',
    brokerSynonym: 'log.message.timestamp.type',
    validator: { kind: 'in', values: ['CreateTime', 'LogAppendTime'] },
  },
  { name: 'min.cleanable.dirty.ratio', type: 'double', defaultValue: '0.5', brokerSynonym: 'log.cleaner.min.cleanable.ratio', validator: between(0, 1) },
  { name: 'min.compaction.lag.ms', type: 'long', defaultValue: '0', brokerSynonym: 'log.cleaner.min.compaction.lag.ms', validator: atLeast(0) },
  { name: 'min.insync.replicas', type: 'int', defaultValue: '1', brokerSynonym: 'min.insync.replicas', clusterDynamicDefault: true, validator: atLeast(1) },
  { name: 'preallocate', type: 'boolean', defaultValue: 'false', brokerSynonym: 'log.preallocate' },
  { name: 'remote.copy.lag.bytes', type: 'long', defaultValue: '-1', brokerSynonym: 'log.remote.copy.lag.bytes', validator: atLeast(-1) },
  { name: 'remote.copy.lag.ms', type: 'long', defaultValue: '0', brokerSynonym: 'log.remote.copy.lag.ms', validator: atLeast(-1) },
  { name: 'remote.log.copy.disable', type: 'boolean', defaultValue: 'false' },
  { name: 'remote.log.delete.on.disable', type: 'boolean', defaultValue: 'false' },
  { name: 'remote.storage.enable', type: 'boolean', defaultValue: 'false' },
  { name: 'retention.bytes', type: 'long', defaultValue: '-1', brokerSynonym: 'log.retention.bytes' },
  { name: 'retention.ms', type: 'long', defaultValue: '604800000', brokerSynonym: 'log.retention.ms', validator: atLeast(-1) },
  { name: 'segment.bytes', type: 'int', defaultValue: '1073741824', brokerSynonym: 'log.segment.bytes', validator: atLeast(1048576) },
  { name: 'segment.index.bytes', type: 'int', defaultValue: '10485760', brokerSynonym: 'log.index.size.max.bytes', validator: atLeast(4) },
  { name: 'segment.jitter.ms', type: 'long', defaultValue: '0', brokerSynonym: 'log.roll.jitter.ms', validator: atLeast(0) },
  { name: 'segment.ms', type: 'long', defaultValue: '604800000', brokerSynonym: 'log.roll.ms', validator: atLeast(1) },
  { name: 'unclean.leader.election.enable', type: 'boolean', defaultValue: 'false', brokerSynonym: 'unclean.leader.election.enable' },
];

export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, ConfigDef> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

// ---------------------------------------------------------------------------------------------------------------
// Parsing and validation with ConfigDef's rules

export type ParsedValue = bigint | number | boolean | string | string[];

const INTEGER_BITS: Partial<Record<ConfigType, bigint>> = { short: 15n, int: 31n, long: 63n };
/** Java's Double.parseDouble syntax (decimal forms), after ConfigDef has trimmed the value. */
const JAVA_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/** ConfigDef.parseType: the value as Kafka reads it, or its "Invalid value ..." message. */
export function parseConfigValue(name: string, type: ConfigType, raw: string): { value: ParsedValue } | { error: string } {
  const bad = (why: string) => ({ error: `Invalid value ${raw} for configuration ${name}: ${why}` });
  const v = raw.trim();
  switch (type) {
    case 'boolean':
      if (v.toLowerCase() === 'true') return { value: true };
      if (v.toLowerCase() === 'false') return { value: false };
      return bad('Expected value to be either true or false');
    case 'short':
    case 'int':
    case 'long': {
      // Integer.parseInt / Long.parseLong: an optional sign, decimal digits, within the type's range.
      const bits = INTEGER_BITS[type]!;
      if (!/^[+-]?\d+$/.test(v)) return bad(`Not a number of type ${type.toUpperCase()}`);
      const n = BigInt(v);
      if (n < -(2n ** bits) || n >= 2n ** bits) return bad(`Not a number of type ${type.toUpperCase()}`);
      return { value: n };
    }
    case 'double':
      if (!JAVA_DOUBLE.test(v)) return bad('Not a number of type DOUBLE');
      return { value: Number(v.replace(/[fFdD]$/, '')) };
    case 'list':
      // ConfigDef splits on commas with surrounding whitespace and keeps empty items (validators reject them).
      return { value: v === '' ? [] : v.split(/\s*,\s*/) };
    default:
      return { value: v };
  }
}

/** Java's Double.toString: what Kafka prints for a parsed double (0.5, -5.0, 2.147483648E9). */
export function javaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** A parsed value as Java's toString prints it inside a ConfigException message. */
export function showParsed(v: ParsedValue): string {
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (typeof v === 'number') return javaDouble(v);
  return String(v);
}

/**
 * ConfigDef.convertToString of the parsed value: how Kafka shows a value it accepted (" +10 " as "10", "TRUE" as
 * "true", "compact, delete" as "compact,delete"). A value that does not parse is returned as it is.
 */
export function canonicalValue(type: ConfigType, raw: string): string {
  const parsed = parseConfigValue('', type, raw);
  if ('error' in parsed) return raw;
  const v = parsed.value;
  return Array.isArray(v) ? v.join(',') : typeof v === 'number' ? javaDouble(v) : String(v);
}

/** Runs one ConfigDef validator on a parsed value; Kafka's message or null. */
export function checkValidator(name: string, validator: Validator | undefined, v: ParsedValue): string | null {
  if (!validator) return null;
  const bad = (shown: string, why: string) => `Invalid value ${shown} for configuration ${name}: ${why}`;
  switch (validator.kind) {
    case 'range': {
      if (typeof v !== 'bigint' && typeof v !== 'number') return null;
      const below = (limit: number) => (typeof v === 'bigint' ? v < BigInt(limit) : v < limit);
      const above = (limit: number) => (typeof v === 'bigint' ? v > BigInt(limit) : v > limit);
      if (validator.min !== undefined && below(validator.min)) return bad(showParsed(v), `Value must be at least ${validator.min}`);
      if (validator.max !== undefined && above(validator.max)) return bad(showParsed(v), `Value must be no more than ${validator.max}`);
      return null;
    }
    case 'in':
      return validator.values.includes(String(v)) ? null : bad(String(v), `String must be one of: ${validator.values.join(', ')}`);
    case 'list': {
      const items = v as string[];
      if (items.includes('')) return `Configuration '${name}' values must not be empty.`;
      const wrong = items.find((item) => !validator.values.includes(item));
      return wrong === undefined ? null : bad(wrong, `String must be one of: ${validator.values.join(', ')}`);
    }
    case 'gzipLevel': {
      const level = Number(v);
      return level === -1 || (level >= 1 && level <= 9) ? null : bad(showParsed(v), 'Value must be between 1 and 9 or equal to -1');
    }
    case 'throttledReplicas': {
      const items = v as string[];
      const ok = items.every((item) => /^(?:[0-9]+:[0-9]+)?$/.test(item.trim())) || items.join('').trim() === '*';
      return ok ? null : bad(showParsed(items), `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`);
    }
  }
}

/** Parses and validates one value of a config of `type` under `name`; the error message or null. */
export function validateValue(name: string, type: ConfigType, validator: Validator | undefined, value: string): string | null {
  const parsed = parseConfigValue(name, type, value);
  if ('error' in parsed) return parsed.error;
  return checkValidator(name, validator, parsed.value);
}

/** Checks one topic config value; returns an error message (Kafka's INVALID_CONFIG wording) or null. */
export function validateTopicConfig(name: string, value: string | null): string | null {
  const def = TOPIC_CONFIG_BY_NAME.get(name);
  if (!def) return `Unknown topic config name: ${name}`;
  if (value === null) return null;
  return validateValue(name, def.type, def.validator, value);
}

/**
 * Checks that need several values (LogConfig.validateValues and validateTopicLogConfigValues), over the values that
 * would apply to the topic: its own over the cluster-wide defaults. Returns Kafka's message or null.
 */
export function validateTopicConfigSet(effective: ReadonlyMap<string, string>): string | null {
  const value = (name: string) => effective.get(name) ?? TOPIC_CONFIG_BY_NAME.get(name)!.defaultValue;
  const minLag = BigInt(value('min.compaction.lag.ms').trim());
  const maxLag = BigInt(value('max.compaction.lag.ms').trim());
  if (minLag > maxLag) return `conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`;
  // Eddy has no tiered storage: like a Kafka broker without remote.log.storage.system.enable.
  if (value('remote.storage.enable').trim().toLowerCase() === 'true') {
    return 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.';
  }
  return null;
}

/** Effective value of a topic config: the topic's own setting, else the default. */
export function topicConfigValue(overrides: ReadonlyMap<string, string>, name: string): string {
  return overrides.get(name) ?? TOPIC_CONFIG_BY_NAME.get(name)?.defaultValue ?? '';
}

// The topic-admin decisions as pure functions: the broker's checks on (Incremental)AlterConfigs
// (config-requests.ts), the controller's plan for them (config-changes.ts), CreatePartitions (create-partitions.ts),
// and ConfigDef-style parsing and validation (topic-configs.ts, broker-configs.ts). Expected values are what the
// reference Kafka 4.4 answers (test/differential/configs-admin.test.ts compares the two directly).
import { describe, expect, test } from 'vitest';
import { planConfigChanges } from '../../main/supervisor/config-changes.js';
import { planCreatePartitions } from '../../main/supervisor/create-partitions.js';
import { ErrorCode } from '../../worker/protocol/errors.js';
import { validateDynamicBrokerSet, validateDynamicBrokerValue } from '../../worker/rpc/broker-configs.js';
import type { ConfigChangeResource } from '../../worker/rpc/broker-rpc.js';
import { preprocessConfigChanges } from '../../worker/rpc/config-requests.js';
import { MetadataImage, type MetadataRecord } from '../../worker/rpc/metadata.js';
import { canonicalValue, javaDouble, validateTopicConfig, validateTopicConfigSet } from '../../worker/rpc/topic-configs.js';

const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

function image(configs: MetadataRecord[] = []): MetadataImage {
  const img = new MetadataImage();
  const records: MetadataRecord[] = [
    { type: 'registerBroker', brokerId: 0, host: '127.0.0.1', port: 9092, rack: null },
    { type: 'registerBroker', brokerId: 1, host: '127.0.0.1', port: 9093, rack: null },
    { type: 'topic', name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' },
    { type: 'partition', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition: 0, replicas: [0], isr: [0], leader: 0, leaderEpoch: 0, partitionEpoch: 0 },
    ...configs,
  ];
  img.applyDelta({ offset: records.length, records, liveness: [{ brokerId: 0, alive: true }, { brokerId: 1, alive: true }] });
  return img;
}

const topic = (changes: { name: string; value: string | null; op?: number }[], name = 't'): ConfigChangeResource => ({
  resourceType: 2,
  resourceName: name,
  changes: changes.map((c) => ({ op: SET, ...c })),
});
const broker = (name: string, changes: { name: string; value: string | null; op?: number }[]): ConfigChangeResource => ({
  resourceType: 4,
  resourceName: name,
  changes: changes.map((c) => ({ op: SET, ...c })),
});

function plan(img: MetadataImage, r: ConfigChangeResource, incremental = true) {
  const { results, records } = planConfigChanges(img, [r], incremental);
  return { code: results[0]!.errorCode, message: results[0]!.errorMessage, records };
}

describe('ConfigDef parsing and validation', () => {
  test("Kafka's messages: the type, the parsed value, validators", () => {
    expect(validateTopicConfig('retention.ms', 'abc')).toBe('Invalid value abc for configuration retention.ms: Not a number of type LONG');
    expect(validateTopicConfig('segment.bytes', '99999999999')).toBe('Invalid value 99999999999 for configuration segment.bytes: Not a number of type INT');
    expect(validateTopicConfig('segment.bytes', ' +10 ')).toBe('Invalid value 10 for configuration segment.bytes: Value must be at least 1048576');
    expect(validateTopicConfig('min.cleanable.dirty.ratio', '-5')).toBe('Invalid value -5.0 for configuration min.cleanable.dirty.ratio: Value must be at least 0');
    expect(validateTopicConfig('min.cleanable.dirty.ratio', '2147483648')).toBe('Invalid value 2.147483648E9 for configuration min.cleanable.dirty.ratio: Value must be no more than 1');
    expect(validateTopicConfig('min.cleanable.dirty.ratio', 'NaN')).toBeNull();
    expect(validateTopicConfig('cleanup.policy', 'compact,foo')).toBe('Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete');
    expect(validateTopicConfig('cleanup.policy', 'compact,,delete')).toBe("Configuration 'cleanup.policy' values must not be empty.");
    expect(validateTopicConfig('cleanup.policy', '')).toBeNull();
    expect(validateTopicConfig('compression.gzip.level', '0')).toBe('Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1');
    expect(validateTopicConfig('leader.replication.throttled.replicas', '*,0:1')).toMatch(/^Invalid value \[\*, 0:1\] for configuration leader\.replication\.throttled\.replicas: /);
    expect(validateTopicConfig('leader.replication.throttled.replicas', ' * ')).toBeNull();
    expect(validateTopicConfig('preallocate', 'TRUE')).toBeNull();
    expect(validateTopicConfig('no.such', '1')).toBe('Unknown topic config name: no.such');
  });

  test('values checked together, and broker-level rules', () => {
    expect(validateTopicConfigSet(new Map([['min.compaction.lag.ms', '100'], ['max.compaction.lag.ms', '50']]))).toBe(
      'conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (50)',
    );
    expect(validateTopicConfigSet(new Map([['remote.storage.enable', 'true']]))).toMatch(/^Tiered Storage functionality is disabled/);
    expect(validateDynamicBrokerValue('log.retention.ms', '-5')).toBeNull();
    expect(validateDynamicBrokerValue('log.retention.ms', '0')).toBe('requirement failed: log.retention.ms must be unlimited (-1) or, greater than or equal to 1');
    expect(validateDynamicBrokerValue('log.roll.ms', '0')).toBe('requirement failed: log.roll.ms must be greater than or equal to 1');
    expect(validateDynamicBrokerValue('log.cleanup.policy', 'foo')).toBe('Invalid value foo for configuration log.cleanup.policy: String must be one of: compact, delete');
    expect(validateDynamicBrokerSet((n) => (n === 'log.local.retention.ms' ? '-1' : undefined))).toBe(
      'Invalid value org.apache.kafka.common.config.ConfigException: Invalid value -1 for configuration log.local.retention.ms: Value must not be -1 as log.retention.ms value is set as 604800000. for configuration Invalid dynamic configuration',
    );
  });

  test('canonical values and Java doubles', () => {
    expect(canonicalValue('int', ' +2000000 ')).toBe('2000000');
    expect(canonicalValue('list', ' compact , delete ')).toBe('compact,delete');
    expect(canonicalValue('boolean', 'TRUE')).toBe('true');
    expect(canonicalValue('double', '1')).toBe('1.0');
    expect(canonicalValue('long', 'x')).toBe('x');
    expect([0.5, -5, 2147483648, 1e-4, 1e7, Number.NaN].map(javaDouble)).toEqual(['0.5', '-5.0', '2.147483648E9', '1.0E-4', '1.0E7', 'NaN']);
  });
});

describe("the broker's checks (ConfigAdminManager.preprocess)", () => {
  test('each resource once, repeated keys, null values, broker ids, operations, APPEND/SUBTRACT on lists', () => {
    const invalid = (errorMessage: string) => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage });
    const once = (r: ConfigChangeResource, incremental = true) => preprocessConfigChanges([r], 0, incremental)[0];
    expect(preprocessConfigChanges([topic([{ name: 'retention.ms', value: '1' }]), topic([{ name: 'segment.ms', value: '1' }]), topic([], 'u')], 0, true)).toEqual([
      invalid('Each resource must appear at most once.'),
      invalid('Each resource must appear at most once.'),
      null,
    ]);
    expect(once(topic([{ name: 'a', value: '1' }, { name: 'a', value: null }]))).toEqual(invalid('Error due to duplicate config keys'));
    expect(once(topic([{ name: 'a', value: null, op: 9 }, { name: 'b', value: null }]))).toEqual(invalid('Null value not supported for : a, b'));
    // A topic's unknown operation is the controller's to fail.
    expect(once(topic([{ name: 'a', value: null, op: DELETE }, { name: 'b', value: '1', op: 9 }]))).toBeNull();
    expect(once(broker('77', [{ name: 'log.retention.ms', value: '5' }]))).toEqual(invalid('Unexpected broker id, expected 0, but received 77'));
    expect(once(broker('abc', [{ name: 'log.retention.ms', value: '5' }]))).toEqual(invalid('Node id must be an integer, but it is: abc'));
    expect(once(broker('+0', [{ name: 'num.partitions', value: '1', op: 9 }]))).toEqual(invalid('Unknown operations type 9'));
    expect(once(broker('', [{ name: 'log.retention.ms', value: '1', op: APPEND }]))).toEqual({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Config value append is not allowed for config key: log.retention.ms',
    });
    expect(once(broker('', [{ name: 'no.such', value: '1', op: SUBTRACT }]))).toEqual({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown config name: no.such' });
    expect(once(broker('', [{ name: 'log.cleanup.policy', value: 'compact', op: APPEND }]))).toBeNull();
    expect(once({ resourceType: 99, resourceName: 'x', changes: [] })).toEqual(invalid('Unknown resource type 99'));
    expect(once({ resourceType: 8, resourceName: '0', changes: [] })).toEqual(invalid('Eddy does not support BROKER_LOGGER config resources'));
    // The legacy AlterConfigs has no BROKER_LOGGER resource type.
    expect(once({ resourceType: 8, resourceName: '0', changes: [] }, false)).toEqual(invalid('Unknown resource type 8'));
  });
});

describe("the controller's plan for topic configs", () => {
  const img = image([
    { type: 'config', resourceType: 'topic', resourceName: 't', name: 'cleanup.policy', value: 'compact' },
    { type: 'config', resourceType: 'topic', resourceName: 't', name: 'retention.ms', value: '1000' },
  ]);

  test('SET, DELETE, APPEND (from the default when unset), SUBTRACT; values kept in canonical form', () => {
    const r = plan(
      img,
      topic([
        { name: 'segment.bytes', value: ' +2000000 ' },
        { name: 'retention.ms', value: null, op: DELETE },
        { name: 'cleanup.policy', value: 'delete', op: APPEND },
        { name: 'leader.replication.throttled.replicas', value: '0:0,1:0', op: APPEND },
        { name: 'follower.replication.throttled.replicas', value: '0:0', op: SUBTRACT },
      ]),
    );
    expect(r.code).toBe(ErrorCode.NONE);
    const changes = Object.fromEntries(r.records.map((x) => (x.type === 'config' ? [x.name, x.value] : [])));
    expect(changes).toEqual({
      'segment.bytes': '2000000',
      'cleanup.policy': 'compact,delete',
      'leader.replication.throttled.replicas': '0:0,1:0',
      'follower.replication.throttled.replicas': '',
      'retention.ms': null,
    });
  });

  test('AlterConfigs replaces every value', () => {
    const r = plan(img, topic([{ name: 'segment.ms', value: '1000' }]), false);
    expect(r.records.map((x) => (x.type === 'config' ? `${x.name}=${x.value}` : ''))).toEqual(['segment.ms=1000', 'cleanup.policy=null', 'retention.ms=null']);
  });

  test("Kafka's order: operations, the topic name, unknown configs, values, values together, the topic's existence", () => {
    expect(plan(img, topic([{ name: 'retention.ms', value: '1', op: 9 }, { name: 'no.such', value: '1' }]))).toMatchObject({ code: ErrorCode.UNKNOWN_SERVER_ERROR, message: null });
    expect(plan(img, topic([{ name: 'retention.ms', value: '5', op: APPEND }], ''))).toMatchObject({
      code: ErrorCode.INVALID_CONFIG,
      message: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect(plan(img, topic([{ name: 'no.such', value: 'a', op: SUBTRACT }]))).toMatchObject({ message: "Can't SUBTRACT to key no.such because its type is not LIST." });
    expect(plan(img, topic([{ name: 'retention.ms', value: 'x' }], ''))).toMatchObject({ code: ErrorCode.INVALID_REQUEST, message: 'Default topic resources are not allowed.' });
    expect(plan(img, topic([{ name: 'no.such', value: '1' }], 'a/b'))).toMatchObject({ code: ErrorCode.INVALID_TOPIC_EXCEPTION });
    expect(plan(img, topic([{ name: 'retention.ms', value: 'x' }, { name: 'no.such', value: '1' }], 'gone'))).toMatchObject({
      code: ErrorCode.INVALID_CONFIG,
      message: 'Unknown topic config name: no.such',
    });
    expect(plan(img, topic([{ name: 'retention.ms', value: 'x' }], 'gone'))).toMatchObject({ code: ErrorCode.INVALID_CONFIG });
    expect(plan(img, topic([{ name: 'retention.ms', value: '5' }], 'gone'))).toMatchObject({ code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: "The topic 'gone' does not exist." });
    // Deleting an unknown config is fine; checks over the values together use the cluster-wide defaults too.
    expect(plan(img, topic([{ name: 'no.such', value: null, op: DELETE }])).code).toBe(ErrorCode.NONE);
    const withDefault = image([{ type: 'config', resourceType: 'broker', resourceName: '', name: 'log.cleaner.max.compaction.lag.ms', value: '50' }]);
    expect(plan(withDefault, topic([{ name: 'min.compaction.lag.ms', value: '100' }])).message).toBe('conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (50)');
  });
});

describe("the controller's plan for broker configs", () => {
  test('dynamic topic defaults and custom configs are accepted; read-only ones and bad values are INVALID_REQUEST', () => {
    const img = image();
    const ok = plan(img, broker('', [{ name: 'log.retention.ms', value: '1234567' }, { name: 'zz.custom', value: 'x' }, { name: 'log.cleanup.policy', value: 'compact', op: APPEND }]));
    expect(ok.code).toBe(ErrorCode.NONE);
    expect(ok.records.map((x) => (x.type === 'config' ? `${x.resourceName}|${x.name}=${x.value}` : ''))).toEqual([
      '|log.retention.ms=1234567',
      '|zz.custom=x',
      '|log.cleanup.policy=delete,compact',
    ]);
    expect(plan(img, broker('0', [{ name: 'num.io.threads', value: '3' }, { name: 'num.partitions', value: '3' }]))).toMatchObject({
      code: ErrorCode.INVALID_REQUEST,
      message: 'Cannot update these configs dynamically: [num.io.threads, num.partitions]',
    });
    expect(plan(img, broker('0', [{ name: 'log.segment.bytes', value: '100' }]))).toMatchObject({
      code: ErrorCode.INVALID_REQUEST,
      message: 'Invalid value 100 for configuration log.segment.bytes: Value must be at least 1048576',
    });
    expect(plan(img, broker('+0', [{ name: 'log.segment.bytes', value: '2000000' }])).records[0]).toMatchObject({ resourceName: '0' });
  });

  test('KIP-966: min.insync.replicas only at the cluster level, where it stays', () => {
    const img = image();
    expect(plan(img, broker('0', [{ name: 'min.insync.replicas', value: '2' }]))).toMatchObject({
      code: ErrorCode.INVALID_CONFIG,
      message: 'Broker-level min.insync.replicas cannot be altered while ELR is enabled.',
    });
    expect(plan(img, broker('', [{ name: 'min.insync.replicas', value: null, op: DELETE }]))).toMatchObject({
      code: ErrorCode.INVALID_CONFIG,
      message: 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.',
    });
    expect(plan(img, broker('', [{ name: 'log.retention.ms', value: '5' }]), false).message).toBe('Cluster-level min.insync.replicas cannot be removed while ELR is enabled.');
    // The implicit value is not written again; a new one is.
    expect(plan(img, broker('', [{ name: 'min.insync.replicas', value: '1' }, { name: 'log.retention.ms', value: '5' }]), false).records).toHaveLength(1);
    expect(plan(img, broker('', [{ name: 'min.insync.replicas', value: '2' }])).records).toEqual([
      { type: 'config', resourceType: 'broker', resourceName: '', name: 'min.insync.replicas', value: '2' },
    ]);
  });
});

describe('CreatePartitions', () => {
  const items = (...list: { topic: string; count: number; assignments?: number[][] | null }[]) => list.map((i) => ({ assignments: null, ...i }));
  const results = (img: MetadataImage, list: ReturnType<typeof items>) => planCreatePartitions(img, list, () => 0).results.map((r) => [r.topic, r.errorCode, r.errorMessage]);

  test("increases, and Kafka's errors in its order", () => {
    const img = image();
    const { results: ok, records } = planCreatePartitions(img, items({ topic: 't', count: 3 }), () => 0);
    expect(ok).toEqual([{ topic: 't', errorCode: ErrorCode.NONE, errorMessage: null }]);
    expect(records.map((r) => (r.type === 'partition' ? r.partition : -1))).toEqual([1, 2]);
    expect(results(img, items({ topic: 'gone', count: 3 }))).toEqual([['gone', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null]]);
    expect(results(img, items({ topic: 't', count: 1 }))).toEqual([['t', ErrorCode.INVALID_PARTITIONS, 'Topic already has 1 partition(s).']]);
    expect(results(img, items({ topic: 't', count: 0 }))).toEqual([['t', ErrorCode.INVALID_PARTITIONS, 'The topic t currently has 1 partition(s); 0 would not be an increase.']]);
    expect(results(img, items({ topic: 'gone', count: 2 }, { topic: 't', count: 2 }, { topic: 't', count: 3 }))).toEqual([
      ['t', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
      ['gone', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null],
    ]);
    const bad = (assignments: number[][]) => results(img, items({ topic: 't', count: 1 + assignments.length, assignments }))[0]![2];
    expect(results(img, items({ topic: 't', count: 3, assignments: [[0]] }))[0]![2]).toBe('Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.');
    expect(bad([[]])).toBe('The manual partition assignment includes an empty replica list.');
    expect(bad([[77, 0, 0]])).toBe('The manual partition assignment includes the broker 0 more than once.');
    expect(bad([[0, 77]])).toBe('The manual partition assignment includes broker 77, but no such broker is registered.');
    expect(bad([[0, 1]])).toBe('The manual partition assignment includes a partition with 2 replica(s), but this is not consistent with previous partitions, which have 1 replica(s).');
    expect(bad([[1]])).toBeNull();
  });

  test('more than 10,000 new partitions in one request fail every topic of it', () => {
    const img = image();
    const message = 'Excessively large number of additional partitions per request.';
    expect(results(img, items({ topic: 'gone', count: 3 }, { topic: 't', count: 10_002 }))).toEqual([
      ['gone', ErrorCode.POLICY_VIOLATION, message],
      ['t', ErrorCode.POLICY_VIOLATION, message],
    ]);
    expect(results(img, items({ topic: 't', count: 10_001 }))).toEqual([['t', ErrorCode.NONE, null]]);
  });
});

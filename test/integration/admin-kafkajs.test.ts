// kafkajs 2.2.4's admin client against a 3-broker Eddy over real TCP, for the topic-admin APIs: describeConfigs
// (DescribeConfigs v2: every topic config with Kafka's defaults and sources, a broker's configs with synonyms),
// alterConfigs (AlterConfigs v1: replaces a topic's configs, validateOnly, dynamic broker configs routed to the broker
// they name; the cluster-wide default, which kafkajs cannot name, set on the wire), createPartitions (CreatePartitions
// v1, with and without assignments) and deleteTopicRecords (DeleteRecords v0), then a consumer group whose committed
// offset is below the new log start: its fetch gets OFFSET_OUT_OF_RANGE and kafkajs resets by fromBeginning
// (auto.offset.reset earliest / latest). Bad input gets Kafka's error and changes nothing. The same answers are
// compared with the reference broker in test/differential/configs-admin.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { KafkaJS, kafkajs } from '../helpers/kafkajs';
import { RawClient } from '../helpers/raw-client';
import { waitFor } from '../helpers/wait';
import { FAST_GROUPS } from './groups/common';

const { Kafka, ConfigResourceTypes, ConfigSource, logLevel } = KafkaJS;
type Admin = import('kafkajs').Admin;
type Consumer = import('kafkajs').Consumer;

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

describe.skipIf(!kafkajs.available)('kafkajs 2.2.4 admin: configs, partitions, records against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let kafka: import('kafkajs').Kafka;
  let admin: Admin;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0, config: FAST_GROUPS });
    kafka = new Kafka({ clientId: 'eddy-admin-kafkajs', brokers: cluster.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: 'adm-cfg', numPartitions: 1, replicationFactor: 3 },
        { topic: 'adm-plain', numPartitions: 1, replicationFactor: 1 },
        { topic: 'adm-parts', numPartitions: 2, replicationFactor: 2 },
        { topic: 'adm-records', numPartitions: 1, replicationFactor: 3 },
      ],
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await admin?.disconnect();
    await cluster?.stop();
  });

  async function topicConfigs(topic: string, configNames?: string[]) {
    const r = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, ...(configNames ? { configNames } : {}) }] });
    return Object.fromEntries(r.resources[0]!.configEntries.map((e) => [e.configName, e]));
  }

  async function brokerConfigs(name: string, configNames?: string[]) {
    const r = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name, ...(configNames ? { configNames } : {}) }] });
    expect(r.resources[0]!.errorCode).toBe(0);
    return Object.fromEntries(r.resources[0]!.configEntries.map((e) => [e.configName, e]));
  }

  it('describeConfigs: every topic config with its default and source; a broker with synonyms and read-only flags', async () => {
    const t = await topicConfigs('adm-cfg');
    expect(Object.keys(t)).toHaveLength(37);
    expect(t['retention.ms']).toMatchObject({ configValue: '604800000', configSource: ConfigSource.DEFAULT_CONFIG, isDefault: true, readOnly: false, configSynonyms: [] });
    expect(t['cleanup.policy']).toMatchObject({ configValue: 'delete', configSynonyms: [{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: ConfigSource.DEFAULT_CONFIG }] });
    // KIP-966: min.insync.replicas comes from the cluster-level dynamic default.
    expect(t['min.insync.replicas']).toMatchObject({ configValue: '1', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    expect(t['segment.bytes']).toMatchObject({ configValue: '1073741824' });
    expect(t['max.message.bytes']).toMatchObject({ configValue: '1048588' });

    const b = await brokerConfigs('1');
    expect(b['node.id']).toMatchObject({ configValue: '1', readOnly: true, configSource: ConfigSource.STATIC_BROKER_CONFIG });
    expect(b['log.retention.hours']).toMatchObject({ configValue: '168', readOnly: true, configSource: ConfigSource.DEFAULT_CONFIG });
    expect(b['log.retention.ms']).toMatchObject({ configValue: null, readOnly: false });
    expect(b['log.segment.bytes']).toMatchObject({ configValue: '1073741824', readOnly: false });
    expect(b['num.partitions']).toMatchObject({ configValue: '1', readOnly: true });
  });

  it('alterConfigs on a topic replaces its configs; validateOnly changes nothing; bad input fails with nothing changed', async () => {
    const alter = (configEntries: { name: string; value: string }[], validateOnly = false, name = 'adm-cfg') =>
      admin.alterConfigs({ validateOnly, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries }] });

    await alter([{ name: 'retention.ms', value: '1000' }], true);
    expect((await topicConfigs('adm-cfg', ['retention.ms']))['retention.ms']).toMatchObject({ configValue: '604800000', configSource: ConfigSource.DEFAULT_CONFIG });

    await alter([{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'compact, delete' }]);
    let t = await topicConfigs('adm-cfg', ['retention.ms', 'cleanup.policy']);
    expect(t['retention.ms']).toMatchObject({ configValue: '3600000', configSource: ConfigSource.TOPIC_CONFIG, isDefault: false });
    expect(t['cleanup.policy']).toMatchObject({ configValue: 'compact,delete', configSource: ConfigSource.TOPIC_CONFIG });

    // AlterConfigs replaces: what is not given goes back to its default.
    await alter([{ name: 'max.message.bytes', value: '2000' }, { name: 'retention.ms', value: '3600000' }]);
    t = await topicConfigs('adm-cfg', ['retention.ms', 'cleanup.policy', 'max.message.bytes']);
    expect(t['cleanup.policy']).toMatchObject({ configValue: 'delete', configSource: ConfigSource.DEFAULT_CONFIG });
    expect(t['max.message.bytes']).toMatchObject({ configValue: '2000', configSource: ConfigSource.TOPIC_CONFIG });

    const before = await topicConfigs('adm-cfg');
    await expect(alter([{ name: 'no.such.config', value: '1' }])).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter([{ name: 'retention.ms', value: 'abc' }])).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter([{ name: 'segment.bytes', value: '10' }])).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter([{ name: 'min.insync.replicas', value: '0' }])).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter([{ name: 'cleanup.policy', value: 'compact,brotli' }])).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter([{ name: 'retention.ms', value: '5' }], false, 'adm-missing')).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(await topicConfigs('adm-cfg')).toEqual(before);
  });

  it('alterConfigs on brokers: the cluster-wide default applies to topics, a per-broker value goes to its broker, read-only configs are refused', async () => {
    const alterBroker = (name: string, configEntries: { name: string; value: string }[]) =>
      admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name, configEntries }] });
    // kafkajs cannot name the cluster-wide default resource (""): set it with IncrementalAlterConfigs on the wire.
    const clusterDefault = async (name: string, value: string | null) => {
      const client = await RawClient.open(Number(cluster.bootstrapServers.split(',')[0]!.split(':').pop()));
      try {
        const res = await client.request<{ responses: { errorCode: number; errorMessage: string | null }[] }>(44, 1, {
          resources: [{ resourceType: 4, resourceName: '', configs: [{ name, configOperation: value === null ? 1 : 0, value }] }],
          validateOnly: false,
        });
        return res!.responses[0]!;
      } finally {
        client.close();
      }
    };
    try {
      expect(await clusterDefault('log.retention.ms', '1234567')).toMatchObject({ errorCode: 0, errorMessage: null });
      await waitFor(async () => (await topicConfigs('adm-plain', ['retention.ms']))['retention.ms']?.configValue === '1234567', { what: 'the cluster default on a topic' });
      const t = (await topicConfigs('adm-plain', ['retention.ms']))['retention.ms']!;
      expect(t).toMatchObject({ configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
      expect(t.configSynonyms).toEqual([
        { configName: 'log.retention.ms', configValue: '1234567', configSource: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG },
        { configName: 'log.retention.hours', configValue: '168', configSource: ConfigSource.DEFAULT_CONFIG },
      ]);
      // A topic's own value still wins.
      expect((await topicConfigs('adm-cfg', ['retention.ms']))['retention.ms']).toMatchObject({ configValue: '3600000', configSource: ConfigSource.TOPIC_CONFIG });

      // kafkajs sends a broker resource to that broker.
      await alterBroker('2', [{ name: 'log.segment.bytes', value: '2000000' }]);
      await waitFor(async () => (await brokerConfigs('2', ['log.segment.bytes']))['log.segment.bytes']?.configValue === '2000000', { what: 'the per-broker value' });
      expect((await brokerConfigs('2', ['log.segment.bytes']))['log.segment.bytes']).toMatchObject({ configSource: ConfigSource.DYNAMIC_BROKER_CONFIG });
      expect((await brokerConfigs('1', ['log.segment.bytes']))['log.segment.bytes']).toMatchObject({ configValue: '1073741824', configSource: ConfigSource.DEFAULT_CONFIG });

      await expect(alterBroker('1', [{ name: 'num.partitions', value: '3' }])).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
      await expect(alterBroker('1', [{ name: 'log.retention.ms', value: 'x' }])).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
      // KIP-966: no per-broker min.insync.replicas, and the cluster-wide one stays.
      await expect(alterBroker('1', [{ name: 'min.insync.replicas', value: '2' }])).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
      expect(await clusterDefault('min.insync.replicas', null)).toMatchObject({
        errorCode: 40,
        errorMessage: 'Cluster-level min.insync.replicas cannot be removed while ELR is enabled.',
      });
      expect((await brokerConfigs('1', ['num.partitions', 'log.retention.ms']))['log.retention.ms']).toMatchObject({ configValue: '1234567' });
    } finally {
      await clusterDefault('log.retention.ms', null);
      await alterBroker('2', []);
    }
    await waitFor(async () => (await topicConfigs('adm-plain', ['retention.ms']))['retention.ms']?.configValue === '604800000', { what: 'the default back' });
  });

  it('createPartitions: increases with and without assignments, validateOnly; a decrease or a bad assignment fails with nothing changed', async () => {
    const partitions = async () => (await admin.fetchTopicMetadata({ topics: ['adm-parts'] })).topics[0]!.partitions.sort((a, b) => a.partitionId - b.partitionId);

    await admin.createPartitions({ topicPartitions: [{ topic: 'adm-parts', count: 4 }] });
    await waitFor(async () => (await partitions()).length === 4, { what: '4 partitions' });
    for (const p of await partitions()) {
      expect(p.replicas).toHaveLength(2);
      expect(p.replicas).toContain(p.leader);
    }

    await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic: 'adm-parts', count: 8 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'adm-parts', count: 6, assignments: [[1, 2], [2, 0]] }] });
    await waitFor(async () => (await partitions()).length === 6, { what: '6 partitions' });
    const ps = await partitions();
    expect(ps.map((p) => p.replicas).slice(4)).toEqual([[1, 2], [2, 0]]);
    expect(ps.map((p) => p.leader).slice(4)).toEqual([1, 2]);

    const create = (count: number, assignments?: number[][]) => admin.createPartitions({ topicPartitions: [{ topic: 'adm-parts', count, ...(assignments ? { assignments } : {}) }] });
    await expect(create(3)).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
    await expect(create(6)).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
    await expect(create(7, [[1]])).rejects.toMatchObject({ type: 'INVALID_REPLICA_ASSIGNMENT' });
    await expect(create(7, [[1, 9]])).rejects.toMatchObject({ type: 'INVALID_REPLICA_ASSIGNMENT' });
    await expect(create(7, [[1, 1]])).rejects.toMatchObject({ type: 'INVALID_REPLICA_ASSIGNMENT' });
    await expect(create(8, [[1, 2]])).rejects.toMatchObject({ type: 'INVALID_REPLICA_ASSIGNMENT' });
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'adm-missing', count: 3 }] })).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(await partitions()).toHaveLength(6);

    // The new partitions take records.
    const producer = kafka.producer();
    await producer.connect();
    const [meta] = await producer.send({ topic: 'adm-parts', acks: -1, messages: [{ partition: 5, value: 'on partition 5' }] });
    await producer.disconnect();
    expect(meta).toMatchObject({ partition: 5, baseOffset: '0', errorCode: 0 });
  });

  it('deleteTopicRecords moves the log start; a group below it gets OFFSET_OUT_OF_RANGE and resets by fromBeginning', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'adm-records', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    const offsets = async () => (await admin.fetchTopicOffsets('adm-records'))[0]!;
    // kafkajs looks the leader up in its cached metadata before loading the topic's (with any broker): load it first.
    expect(await offsets()).toMatchObject({ low: '0', high: '10' });

    await admin.deleteTopicRecords({ topic: 'adm-records', partitions: [{ partition: 0, offset: '4' }] });
    expect(await offsets()).toMatchObject({ low: '4', high: '10' });
    // Below the log start: nothing to do, no error.
    await admin.deleteTopicRecords({ topic: 'adm-records', partitions: [{ partition: 0, offset: '2' }] });
    expect(await offsets()).toMatchObject({ low: '4' });
    // Beyond the high watermark: OFFSET_OUT_OF_RANGE, nothing changes.
    await expect(admin.deleteTopicRecords({ topic: 'adm-records', partitions: [{ partition: 0, offset: '50' }] })).rejects.toMatchObject({
      cause: {
        name: 'KafkaJSDeleteTopicRecordsError',
        partitions: [expect.objectContaining({ partition: 0, error: expect.objectContaining({ type: 'OFFSET_OUT_OF_RANGE' }) })],
      },
    });
    expect(await offsets()).toMatchObject({ low: '4', high: '10' });

    /** A group whose committed offset (2) is below the log start now: what its first fetch gets. */
    async function firstAfterReset(groupId: string, fromBeginning: boolean): Promise<{ offset: string; value: string }> {
      await admin.setOffsets({ groupId, topic: 'adm-records', partitions: [{ partition: 0, offset: '2' }] });
      const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic: 'adm-records', fromBeginning });
      const seen: { offset: string; value: string }[] = [];
      // The fetch at 2 fails with OFFSET_OUT_OF_RANGE and kafkajs resets; the fetches after it are counted.
      let fetches = 0;
      consumer.on(consumer.events.FETCH, () => void fetches++);
      await consumer.run({ eachMessage: async ({ message }) => void seen.push({ offset: message.offset, value: String(message.value) }) });
      if (!fromBeginning) {
        // Reset to the end: only what is produced after the reset arrives.
        await waitFor(() => fetches >= 2 || null, { timeoutMs: 30_000, what: `${groupId}: fetching after the reset` });
        await producer.send({ topic: 'adm-records', acks: -1, messages: [{ value: 'after the reset' }] });
      }
      await waitFor(() => seen.length > 0 || null, { timeoutMs: 30_000, what: `${groupId}: a record` });
      await consumer.disconnect();
      return seen[0]!;
    }

    expect(await firstAfterReset('adm-earliest', true)).toEqual({ offset: '4', value: 'm4' });
    expect(await firstAfterReset('adm-latest', false)).toEqual({ offset: '10', value: 'after the reset' });

    // Up to the high watermark (-1): the partition is empty; new records go on from there.
    await admin.deleteTopicRecords({ topic: 'adm-records', partitions: [{ partition: 0, offset: '-1' }] });
    expect(await offsets()).toMatchObject({ low: '11', high: '11' });
    await producer.disconnect();
  }, 120_000);
});

// Differential: DescribeConfigs (v1, v3, v4) for topics - every default with its value, source, read-only and
// sensitive flags, synonyms and config type - then for a topic with overrides, selected keys, unknown topics and
// resource types; and broker resources for the settings Eddy has.
import { afterAll, beforeAll, describe, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { COMMON, expectSame, keyBy, nodeIdsInText, printToleratedSummary, startPair, type Allow, type Pair, type System } from './harness.js';

const kafka = kafkaAvailable();

const TOPIC = 2;
const BROKER = 4;

const ALLOW: Allow[] = [
  ...COMMON,
  { path: 'results', reason: 'result order is not part of the contract', normalize: keyBy('resourceName') },
  { path: 'results[*].configs', reason: 'config order is not part of the contract', normalize: keyBy('name') },
];

function describeBody(resources: { resourceType: number; resourceName: string; configurationKeys: string[] | null }[], includeSynonyms: boolean) {
  return { resources, includeSynonyms, includeDocumentation: false };
}

async function createTopic(s: System, name: string, configs: { name: string; value: string }[] = []): Promise<void> {
  const res = await s.request(19, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 15_000, validateOnly: false });
  if (res.topics[0].errorCode !== 0) throw new Error(`${s.name}: create ${name}: ${res.topics[0].errorMessage}`);
  await s.waitForTopic(name, 1);
}

const OVERRIDES = [
  { name: 'retention.ms', value: '3600000' },
  { name: 'cleanup.policy', value: 'compact,delete' },
  { name: 'max.message.bytes', value: '2000' },
  { name: 'min.insync.replicas', value: '1' },
  { name: 'message.timestamp.type', value: 'LogAppendTime' },
  { name: 'compression.type', value: 'zstd' },
  { name: 'segment.ms', value: '100000' },
];

describe.skipIf(!kafka.available)('differential: DescribeConfigs', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1 });
    await pair.both(async (s) => {
      await createTopic(s, 'dc-defaults');
      await createTopic(s, 'dc-overrides', OVERRIDES);
    });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('describe-configs.test.ts');
    await pair?.stop();
  });

  async function same(label: string, scenario: (s: System) => Promise<unknown>, allow: Allow[] = ALLOW): Promise<void> {
    const r = await pair.both(scenario);
    expectSame(label, r.eddy, r.kafka, allow, pair);
  }

  for (const v of [1, 3, 4] as const) {
    for (const synonyms of [false, true]) {
      test(`v${v} topic defaults, synonyms ${synonyms}`, async () => {
        await same(`defaults v${v} synonyms=${synonyms}`, (s) => s.request(32, v, describeBody([{ resourceType: TOPIC, resourceName: 'dc-defaults', configurationKeys: null }], synonyms)));
      });

      test(`v${v} topic overrides, synonyms ${synonyms}`, async () => {
        await same(`overrides v${v} synonyms=${synonyms}`, (s) => s.request(32, v, describeBody([{ resourceType: TOPIC, resourceName: 'dc-overrides', configurationKeys: null }], synonyms)));
      });
    }
  }

  test('v4 with documentation: Kafka\'s documentation text for each config', async () => {
    await same('documentation', (s) =>
      s.request(32, 4, { resources: [{ resourceType: TOPIC, resourceName: 'dc-defaults', configurationKeys: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false, includeDocumentation: true }),
    );
  });

  test('selected keys, including an unknown key and an empty list', async () => {
    await same('selected keys', (s) =>
      s.request(
        32,
        4,
        describeBody(
          [
            { resourceType: TOPIC, resourceName: 'dc-overrides', configurationKeys: ['retention.ms', 'segment.bytes', 'no.such.config'] },
            { resourceType: TOPIC, resourceName: 'dc-defaults', configurationKeys: [] },
          ],
          true,
        ),
      ),
    );
  });

  test('unknown topic and invalid topic name', async () => {
    for (const v of [1, 4]) {
      await same(`errors v${v}`, (s) =>
        s.request(
          32,
          v,
          describeBody(
            [
              { resourceType: TOPIC, resourceName: 'dc-missing', configurationKeys: null },
              { resourceType: TOPIC, resourceName: 'bad/name', configurationKeys: null },
              { resourceType: TOPIC, resourceName: '', configurationKeys: null },
            ],
            false,
          ),
        ),
      );
    }
  });

  test('an unknown resource type fails every resource of the request', async () => {
    await same('unknown type', (s) =>
      s.request(
        32,
        4,
        describeBody(
          [
            { resourceType: TOPIC, resourceName: 'dc-defaults', configurationKeys: ['retention.ms'] },
            { resourceType: 99, resourceName: 'x', configurationKeys: null },
          ],
          false,
        ),
      ),
    );
  });

  test('broker resource: the settings Eddy has', async () => {
    // Not auto.create.topics.enable: the reference harness sets it explicitly (STATIC_BROKER_CONFIG), Eddy has it by default.
    const keys = ['num.partitions', 'default.replication.factor', 'message.max.bytes', 'socket.request.max.bytes', 'log.retention.check.interval.ms'];
    await same('broker configs', async (s) => {
      const res = await s.request(32, 4, describeBody([{ resourceType: BROKER, resourceName: String(s.nodeIds[0]), configurationKeys: keys }], true));
      // The resource name is the node id (Eddy 0, Kafka 1): compared by position.
      for (const r of res.results) r.resourceName = r.resourceName === String(s.nodeIds[0]) ? 'node#0' : r.resourceName;
      return res;
    });
  });

  test('broker resource: a wrong broker id', async () => {
    await same('wrong broker', (s) => s.request(32, 4, describeBody([{ resourceType: BROKER, resourceName: '77', configurationKeys: null }], false)), [
      ...ALLOW,
      { path: 'results[*].errorMessage', reason: 'names the node id, which differs: compared by position', normalize: nodeIdsInText },
    ]);
  });
});

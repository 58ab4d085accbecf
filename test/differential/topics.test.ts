// Differential: CreateTopics (v2, v5, v7), DeleteTopics (v1, v4, v6) and Metadata (v1, v4, v12) for the topics
// they create, including every validation error, against one Eddy broker and one Kafka 4.4 node.
import { afterAll, beforeAll, describe, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { COMMON, ZERO_UUID, expectSame, keyBy, nodeIdsInText, printToleratedSummary, startPair, type Allow, type Pair, type System } from './harness.js';

const kafka = kafkaAvailable();

const CREATE_VERSIONS = [2, 5, 7] as const;

interface TopicSpec {
  name: string;
  numPartitions?: number;
  replicationFactor?: number;
  assignments?: { partitionIndex: number; brokerIds: number[] }[];
  configs?: { name: string; value: string | null }[];
}

function createBody(topics: TopicSpec[], validateOnly = false) {
  return {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.numPartitions ?? 1,
      replicationFactor: t.replicationFactor ?? 1,
      assignments: t.assignments ?? [],
      configs: t.configs ?? [],
    })),
    timeoutMs: 15_000,
    validateOnly,
  };
}

/** CreateTopics answers: the configs of a created topic compared by name, not position. */
const CREATE_ALLOW: Allow[] = [
  ...COMMON,
  { path: '**.configs', reason: 'config order is not part of the contract', normalize: keyBy('name') },
  // Kafka answers Metadata and DeleteTopics in hash order, not request order; clients match results by name.
  { path: '**.topics', reason: 'result order is not part of the contract', normalize: keyBy('name') },
  { path: '**.responses', reason: 'result order is not part of the contract', normalize: keyBy('name') },
];

function metadataBody(version: number, names: string[] | null, allowAuto = false) {
  if (version >= 10) return { topics: names && names.map((name) => ({ topicId: ZERO_UUID, name })), allowAutoTopicCreation: allowAuto, includeTopicAuthorizedOperations: false };
  if (version >= 4) return { topics: names && names.map((name) => ({ name })), allowAutoTopicCreation: allowAuto, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
  return { topics: names && names.map((name) => ({ name })) };
}

describe.skipIf(!kafka.available)('differential: topics', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1 });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('topics.test.ts');
    await pair?.stop();
  });

  async function same(label: string, scenario: (s: System) => Promise<unknown>, allow: Allow[] = CREATE_ALLOW): Promise<void> {
    const r = await pair.both(scenario);
    expectSame(label, r.eddy, r.kafka, allow, pair);
  }

  for (const v of CREATE_VERSIONS) {
    describe(`CreateTopics v${v}`, () => {
      test('creates a topic and reports its partitions, replication factor and effective configs', async () => {
        await same(`create v${v}`, (s) =>
          s.request(19, v, createBody([{ name: `ct${v}-ok`, numPartitions: 3, configs: [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'compact' }] }])),
        );
      });

      test('an existing topic is TOPIC_ALREADY_EXISTS', async () => {
        await same(`existing v${v}`, async (s) => {
          await s.request(19, v, createBody([{ name: `ct${v}-dup` }]));
          await s.waitForTopic(`ct${v}-dup`, 1);
          return s.request(19, v, createBody([{ name: `ct${v}-dup`, numPartitions: 2 }]));
        });
      });

      test('bad partition counts and replication factors', async () => {
        await same(`bad counts v${v}`, (s) =>
          s.request(
            19,
            v,
            createBody([
              { name: `ct${v}-p0`, numPartitions: 0 },
              { name: `ct${v}-pneg`, numPartitions: -5 },
              { name: `ct${v}-rf0`, replicationFactor: 0 },
              { name: `ct${v}-rfneg`, replicationFactor: -7 },
              { name: `ct${v}-rf3`, replicationFactor: 3 },
            ]),
          ),
        );
      });

      test('bad names: empty, illegal characters, ".", "..", too long, and a "." / "_" collision', async () => {
        await same(`bad names v${v}`, async (s) => {
          await s.request(19, v, createBody([{ name: `ct${v}.dot` }]));
          await s.waitForTopic(`ct${v}.dot`, 1);
          return s.request(
            19,
            v,
            createBody([{ name: '' }, { name: 'has space' }, { name: 'a/b' }, { name: '.' }, { name: '..' }, { name: 'x'.repeat(250) }, { name: 'ü-topic' }, { name: `ct${v}_dot` }]),
          );
        });
      });

      test('invalid and unknown configs', async () => {
        await same(`bad configs v${v}`, (s) =>
          s.request(
            19,
            v,
            createBody([
              { name: `ct${v}-c1`, configs: [{ name: 'cleanup.policy', value: 'bogus' }] },
              { name: `ct${v}-c2`, configs: [{ name: 'retention.ms', value: 'abc' }] },
              { name: `ct${v}-c3`, configs: [{ name: 'no.such.config', value: '1' }] },
              { name: `ct${v}-c4`, configs: [{ name: 'min.insync.replicas', value: '0' }] },
              { name: `ct${v}-c5`, configs: [{ name: 'segment.bytes', value: '100' }] },
              { name: `ct${v}-c6`, configs: [{ name: 'message.timestamp.type', value: 'Sometimes' }] },
              { name: `ct${v}-c7`, configs: [{ name: 'retention.ms', value: null }] },
            ]),
          ),
        );
      });

      test('duplicate entries in one request', async () => {
        await same(`duplicates v${v}`, (s) => s.request(19, v, createBody([{ name: `ct${v}-twice` }, { name: `ct${v}-twice`, numPartitions: 2 }])));
      });

      test('manual assignments: valid, with counts set, unknown broker, gaps, duplicates', async () => {
        const allow: Allow[] = [...CREATE_ALLOW, { path: 'topics[*].errorMessage', reason: 'names a node id, which differs: compared by position', normalize: nodeIdsInText }];
        await same(`assignments v${v}`, (s) => {
          const me = s.nodeIds[0]!;
          return s.request(
            19,
            v,
            createBody([
              { name: `ct${v}-as-ok`, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [me] }, { partitionIndex: 1, brokerIds: [me] }] },
              { name: `ct${v}-as-counts`, numPartitions: 2, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [me] }] },
              { name: `ct${v}-as-rf`, numPartitions: -1, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [me] }] },
              { name: `ct${v}-as-unknown`, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [99] }] },
              { name: `ct${v}-as-gap`, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [me] }, { partitionIndex: 2, brokerIds: [me] }] },
              { name: `ct${v}-as-dup`, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [me, me] }] },
              { name: `ct${v}-as-empty`, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [] }] },
              { name: `ct${v}-as-twice`, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [me] }, { partitionIndex: 0, brokerIds: [me] }] },
            ]),
          );
        }, allow);
      });

      test('validate_only checks without creating', async () => {
        await same(`validate only v${v}`, async (s) => {
          const valid = await s.request(19, v, createBody([{ name: `ct${v}-vo`, numPartitions: 2 }, { name: `ct${v}-vo-bad`, numPartitions: 0 }], true));
          const after = await s.request(3, 12, metadataBody(12, [`ct${v}-vo`]));
          return { valid, after: after.topics };
        });
      });

      test('broker defaults: -1 partitions and replication factor', async () => {
        await same(`defaults v${v}`, (s) => s.request(19, v, createBody([{ name: `ct${v}-defaults`, numPartitions: -1, replicationFactor: -1 }])));
      });
    });
  }

  for (const mv of [1, 4, 12] as const) {
    test(`Metadata v${mv} describes created topics and misses unknown ones`, async () => {
      await same(
        `metadata v${mv}`,
        async (s) => {
          const name = `md${mv}-topic`;
          await s.request(19, 7, createBody([{ name, numPartitions: 3 }]));
          await s.waitForTopic(name, 3);
          return s.request(3, mv, metadataBody(mv, [name, `md${mv}-missing`, 'bad/name']));
        },
      );
    });
  }

  describe('DeleteTopics', () => {
    test('v1 and v4 by name: deletes, then the topic is unknown; unknown names are UNKNOWN_TOPIC_OR_PARTITION', async () => {
      for (const v of [1, 4]) {
        await same(`delete v${v}`, async (s) => {
          const name = `dt${v}-topic`;
          await s.request(19, 7, createBody([{ name, numPartitions: 2 }]));
          await s.waitForTopic(name, 2);
          const res = await s.request(20, v, { topicNames: [name, `dt${v}-missing`], timeoutMs: 15_000 });
          await s.waitForTopicGone(name);
          const again = await s.request(20, v, { topicNames: [name], timeoutMs: 15_000 });
          const md = await s.request(3, 12, metadataBody(12, [name]));
          return { res, again, md: md.topics };
        });
      }
    });

    test('v6 by name and by id; unknown ids are UNKNOWN_TOPIC_ID', async () => {
      await same('delete v6', async (s) => {
        const created = await s.request(19, 7, createBody([{ name: 'dt6-by-name' }, { name: 'dt6-by-id' }]));
        await s.waitForTopic('dt6-by-name', 1);
        await s.waitForTopic('dt6-by-id', 1);
        const id = created.topics.find((t: { name: string }) => t.name === 'dt6-by-id').topicId;
        const res = await s.request(20, 6, {
          topics: [
            { name: 'dt6-by-name', topicId: ZERO_UUID },
            { name: null, topicId: id },
            { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' },
            { name: 'dt6-missing', topicId: ZERO_UUID },
          ],
          timeoutMs: 15_000,
        });
        await s.waitForTopicGone('dt6-by-name');
        await s.waitForTopicGone('dt6-by-id');
        return res;
      });
    });

    test('a deleted name can be created again (with a new id)', async () => {
      await same('recreate', async (s) => {
        await s.request(19, 7, createBody([{ name: 'dt-again' }]));
        await s.waitForTopic('dt-again', 1);
        await s.request(20, 6, { topics: [{ name: 'dt-again', topicId: ZERO_UUID }], timeoutMs: 15_000 });
        await s.waitForTopicGone('dt-again');
        const res = await s.request(19, 7, createBody([{ name: 'dt-again', numPartitions: 2 }]));
        await s.waitForTopic('dt-again', 2);
        return res;
      });
    });
  });
});

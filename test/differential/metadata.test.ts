// Differential: Metadata (v1, v4, v9, v12) for missing topics with and without auto-creation - the first answer
// (Kafka 4.4: UNKNOWN_TOPIC_OR_PARTITION while the topic is created in the background) and the answer once it
// exists - with auto.create.topics.enable on and off; all-topics and no-topics requests; lookups by topic id;
// authorized operations; and DescribeCluster (v0, v1).
import { afterAll, beforeAll, describe, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { waitFor } from '../helpers/wait.js';
import { COMMON, ZERO_UUID, expectSame, keyBy, printToleratedSummary, startPair, type Allow, type Pair, type System } from './harness.js';
import { createTopic } from './requests.js';

const kafka = kafkaAvailable();

const ALLOW: Allow[] = [...COMMON, { path: '**.topics', reason: 'Kafka answers in hash order; clients match topics by name', normalize: keyBy('name') }];

function metadataBody(version: number, names: string[] | null, allowAuto: boolean, ops = false) {
  if (version >= 10) return { topics: names && names.map((name) => ({ topicId: ZERO_UUID, name })), allowAutoTopicCreation: allowAuto, includeTopicAuthorizedOperations: ops };
  if (version >= 8) return { topics: names && names.map((name) => ({ name })), allowAutoTopicCreation: allowAuto, includeClusterAuthorizedOperations: ops, includeTopicAuthorizedOperations: ops };
  if (version >= 4) return { topics: names && names.map((name) => ({ name })), allowAutoTopicCreation: allowAuto };
  return { topics: names && names.map((name) => ({ name })) };
}

/** Asks for `name` until the answer has it without error (auto-creation finished), then returns that answer. */
async function whenCreated(s: System, version: number, name: string): Promise<unknown> {
  return waitFor(
    async () => {
      const res = await s.request(3, version, metadataBody(version, [name], false));
      const t = res.topics[0];
      return t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p: { leaderId: number }) => p.leaderId >= 0) ? res : null;
    },
    { timeoutMs: 30_000, what: `${s.name}: auto-created ${name}` },
  );
}

describe.skipIf(!kafka.available)('differential: Metadata with auto.create.topics.enable=true (the default)', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1 });
    await pair.both(async (s) => {
      await createTopic(s, 'md-a', { partitions: 2 });
      await createTopic(s, 'md-b', { configs: { 'cleanup.policy': 'compact' } });
    });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('metadata.test.ts (auto-create on)');
    await pair?.stop();
  });

  async function same(label: string, scenario: (s: System) => Promise<unknown>, allow: Allow[] = ALLOW): Promise<void> {
    const r = await pair.both(scenario);
    expectSame(label, r.eddy, r.kafka, allow, pair);
  }

  for (const v of [1, 4, 9, 12] as const) {
    test(`v${v}: a missing topic with auto-creation allowed: first answer, then the created topic`, async () => {
      await same(`auto-create v${v}`, async (s) => {
        const name = `md-auto-${v}`;
        const first = await s.request(3, v, metadataBody(v, [name], true));
        const created = await whenCreated(s, v, name);
        return { first, created };
      });
    });

    if (v >= 4) {
      test(`v${v}: a missing topic with allow_auto_topic_creation=false stays missing`, async () => {
        await same(`no auto-create v${v}`, async (s) => {
          const name = `md-noauto-${v}`;
          const first = await s.request(3, v, metadataBody(v, [name], false));
          await new Promise((r) => setTimeout(r, 300));
          const again = await s.request(3, v, metadataBody(v, [name], false));
          return { first, again };
        });
      });
    }

    test(`v${v}: all topics, no topics, and an invalid name with auto-creation`, async () => {
      await same(`all and none v${v}`, async (s) => {
        // Only this file's own topics: auto-created ones from other tests may still be appearing.
        const all = await s.request(3, v, metadataBody(v, null, false));
        all.topics = all.topics.filter((t: { name: string }) => t.name === 'md-a' || t.name === 'md-b');
        const none = await s.request(3, v, metadataBody(v, [], false));
        const invalid = await s.request(3, v, metadataBody(v, ['bad name', 'x'.repeat(250)], true));
        return { all, none, invalid };
      });
    });
  }

  test('v9 authorized operations for topics and the cluster', async () => {
    await same('authorized operations', (s) => s.request(3, 9, metadataBody(9, ['md-a', 'md-missing-ops'], false, true)));
  });

  test('v12 topic ids: lookups by id are refused by Kafka 4.4', async () => {
    await same('by topic id', async (s) => {
      const known = (await s.request(3, 12, metadataBody(12, ['md-a'], false))).topics[0].topicId;
      return {
        known: await s.request(3, 12, { topics: [{ topicId: known, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
        unknown: await s.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
      };
    });
  });

  test('DescribeCluster v0 and v1, with and without authorized operations', async () => {
    await same('describe cluster', async (s) => ({
      v0: await s.request(60, 0, { includeClusterAuthorizedOperations: false }),
      v0ops: await s.request(60, 0, { includeClusterAuthorizedOperations: true }),
      v1: await s.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 }),
      v1controller: await s.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 }),
      v1bad: await s.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 9 }),
    }));
  });
});

describe.skipIf(!kafka.available)('differential: Metadata with auto.create.topics.enable=false', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1, eddyConfig: { 'auto.create.topics.enable': false }, kafkaProps: { 'auto.create.topics.enable': 'false' } });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('metadata.test.ts (auto-create off)');
    await pair?.stop();
  });

  for (const v of [1, 4, 12] as const) {
    test(`v${v}: a missing topic stays missing even when the request allows auto-creation`, async () => {
      const r = await pair.both(async (s) => {
        const name = `md-off-${v}`;
        const first = await s.request(3, v, metadataBody(v, [name], true));
        await new Promise((res) => setTimeout(res, 300));
        const again = await s.request(3, v, metadataBody(v, [name], true));
        return { first, again };
      });
      expectSame(`auto-create off v${v}`, r.eddy, r.kafka, ALLOW, pair);
    });
  }
});

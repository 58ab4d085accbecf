// Differential on three brokers each side: where replicas and leaders go (random on both sides, so compared as a
// placement summary: replica counts, leader = first replica, ISR = replicas, and how evenly leaders and replicas
// spread), manual assignments (compared exactly, by broker position), what a non-leader answers to Produce, Fetch
// and ListOffsets, acks=all on RF=3, and Metadata/DescribeCluster asked of every broker.
import { afterAll, beforeAll, describe, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { waitFor } from '../helpers/wait.js';
import { COMMON, ZERO_UUID, decodeRecords, expectSame, keyBy, nodePosition, printToleratedSummary, sorted, startPair, type Allow, type NormalizeContext, type Pair, type System } from './harness.js';
import { batch, createTopic, fetchBody, listOffsetsBody, produce, produceBody } from './requests.js';

const kafka = kafkaAvailable();

interface PartitionMd {
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
  errorCode: number;
}

/**
 * A topic's placement without the random part: per partition its replica count, whether the leader is the first
 * replica and the ISR the whole replica set; per topic how many leaders and replicas each broker has (sorted).
 */
function placement(partitions: PartitionMd[], ctx: NormalizeContext) {
  const brokers = ctx.system?.nodeIds ?? [];
  const count = (pick: (p: PartitionMd) => number[]) => brokers.map((b) => partitions.filter((p) => pick(p).includes(b)).length).sort();
  return {
    partitions: [...partitions]
      .sort((a, b) => a.partitionIndex - b.partitionIndex)
      .map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: p.errorCode,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicaNodes.length,
        distinctReplicas: new Set(p.replicaNodes).size,
        leaderIsFirstReplica: p.leaderId === p.replicaNodes[0],
        isrIsReplicas: [...p.isrNodes].sort().join() === [...p.replicaNodes].sort().join(),
        offline: p.offlineReplicas.length,
      })),
    leadersPerBroker: count((p) => [p.leaderId]),
    replicasPerBroker: count((p) => p.replicaNodes),
  };
}

const ALLOW: Allow[] = [
  ...COMMON,
  // KRaft brokers name a random live broker as the controller (the real one is not a broker); so does Eddy.
  { path: '**.controllerId', reason: 'a live broker on both sides, not the same one', normalize: (id: unknown) => (typeof id === 'string' && id.startsWith('node#') ? 'a live broker' : id) },
  { path: '**.topics', reason: 'Kafka answers in hash order; clients match topics by name', normalize: keyBy('name') },
  { path: '**.responses', reason: 'Kafka answers in hash order; clients match topics by name', normalize: keyBy('name') },
  { path: '**.records', reason: 'record sets compared as decoded batches', normalize: decodeRecords },
];

/** Random placement: compared as a summary. */
const PLACEMENT: Allow[] = [...ALLOW, { path: 'topics[*].partitions', reason: 'replica placement is random on both sides: compared as a placement summary', normalize: placement }];

/** The broker (index into ports) that leads nothing of topic-partition: a follower or a bystander. */
async function notLeader(s: System, topic: string, partition: number): Promise<number> {
  const leader = await s.leaderOf(topic, partition);
  return (leader + 1) % s.ports.length;
}

/** Waits until every broker reports every partition of the topic with its whole replica set in sync. */
async function waitForFullIsr(s: System, topic: string): Promise<void> {
  await waitFor(
    async () => {
      for (let n = 0; n < s.ports.length; n++) {
        const md = await s.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, n);
        const parts: PartitionMd[] = md.topics[0]?.partitions ?? [];
        if (parts.length === 0 || parts.some((p) => p.isrNodes.length !== p.replicaNodes.length || p.leaderId < 0)) return false;
      }
      return true;
    },
    { timeoutMs: 30_000, what: `${s.name}: full ISR for ${topic}` },
  );
}

describe.skipIf(!kafka.available)('differential: three brokers', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 3 });
    await pair.both(async (s) => {
      await createTopic(s, 'tp-rf1', { partitions: 6 });
      await createTopic(s, 'tp-rf2', { partitions: 3, replicationFactor: 2 });
      await createTopic(s, 'tp-rf3', { partitions: 6, replicationFactor: 3 });
      for (const t of ['tp-rf2', 'tp-rf3']) await waitForFullIsr(s, t);
    });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('topology.test.ts');
    await pair?.stop();
  });

  async function same(label: string, scenario: (s: System) => Promise<unknown>, allow: Allow[] = ALLOW): Promise<void> {
    const r = await pair.both(scenario);
    expectSame(label, r.eddy, r.kafka, allow, pair);
  }

  for (const v of [1, 9, 12] as const) {
    test(`Metadata v${v} from every broker: three brokers, the same placement summary`, async () => {
      await same(
        `metadata v${v}`,
        async (s) => {
          const body = v >= 10 ? { topics: ['tp-rf1', 'tp-rf2', 'tp-rf3'].map((name) => ({ topicId: ZERO_UUID, name })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false } : v >= 4 ? { topics: ['tp-rf1', 'tp-rf2', 'tp-rf3'].map((name) => ({ name })), allowAutoTopicCreation: false } : { topics: ['tp-rf1', 'tp-rf2', 'tp-rf3'].map((name) => ({ name })) };
          const answers = [];
          for (let n = 0; n < s.ports.length; n++) answers.push(await s.request(3, v, body, n));
          return answers;
        },
        [
          ...PLACEMENT.map((a) => ({ ...a, path: a.path.startsWith('**') ? a.path : `[*].${a.path}` })),
        ],
      );
    });
  }

  test('CreateTopics v7: placement summary for RF 3, and RF 4 on three brokers', async () => {
    await same(
      'create rf',
      async (s) => {
        const res = await s.request(19, 7, {
          topics: [
            { name: 'tp-new-rf3', numPartitions: 9, replicationFactor: 3, assignments: [], configs: [] },
            { name: 'tp-rf4', numPartitions: 1, replicationFactor: 4, assignments: [], configs: [] },
          ],
          timeoutMs: 15_000,
          validateOnly: false,
        });
        await s.waitForTopic('tp-new-rf3', 9);
        await waitForFullIsr(s, 'tp-new-rf3');
        const md = await s.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: 'tp-new-rf3' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
        return { res, md };
      },
      [
        ...PLACEMENT.map((a) => (a.path === 'topics[*].partitions' ? { ...a, path: 'md.topics[*].partitions' } : a)),
        { path: 'res.topics[*].configs', reason: 'compared in topics.test.ts', normalize: () => 'configs' },
      ],
    );
  });

  test('a manual assignment: the same replicas, leaders and ISR by broker position', async () => {
    await same(
      'manual assignment',
      async (s) => {
        const [a, b, c] = s.nodeIds as [number, number, number];
        const res = await s.request(19, 7, {
          topics: [
            {
              name: 'tp-manual',
              numPartitions: -1,
              replicationFactor: -1,
              assignments: [
                { partitionIndex: 0, brokerIds: [a, b] },
                { partitionIndex: 1, brokerIds: [b, c] },
                { partitionIndex: 2, brokerIds: [c, a] },
              ],
              configs: [],
            },
          ],
          timeoutMs: 15_000,
          validateOnly: false,
        });
        await s.waitForTopic('tp-manual', 3);
        await waitForFullIsr(s, 'tp-manual');
        const md = await s.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: 'tp-manual' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
        return { created: res.topics[0].errorCode, md };
      },
      [...ALLOW, { path: '**.isrNodes', reason: 'ISR order follows when followers caught up: compared as a set', normalize: (isr: number[], ctx) => sorted(isr.map((n) => nodePosition(n, ctx))) }],
    );
  });

  test('acks=all on RF 3: offsets, high watermark and records as on Kafka', async () => {
    await same('acks all', async (s) => {
      const first = await produce(s, 9, 'tp-rf3', 0, batch([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]), -1);
      const second = await produce(s, 9, 'tp-rf3', 0, batch([{ key: 'c', value: '3' }]), -1);
      const leader = await s.leaderOf('tp-rf3', 0);
      const fetched = await s.request(1, 12, fetchBody(12, [{ topic: 'tp-rf3', partition: 0, offset: 0n }]), leader);
      return { first, second, fetched };
    });
  });

  for (const v of [9, 11] as const) {
    test(`Produce v${v} to a broker that does not lead the partition: NOT_LEADER_OR_FOLLOWER`, async () => {
      await same(`produce not leader v${v}`, async (s) => {
        const out: Record<string, unknown> = {};
        for (const t of ['tp-rf1', 'tp-rf3']) {
          const res = await s.request(0, v, produceBody(t, 1, batch([{ value: 'x' }])), await notLeader(s, t, 1));
          // Which broker leads is random on both sides: the answer must name the actual leader and its endpoint.
          const leader = s.nodeIds[await s.leaderOf(t, 1)];
          const cl = res.responses[0].partitionResponses[0].currentLeader;
          if (cl.leaderId === leader) cl.leaderId = 'the leader';
          for (const e of res.nodeEndpoints) {
            if (e.nodeId === leader && e.port === s.ports[s.nodeIds.indexOf(leader)]) Object.assign(e, { nodeId: 'the leader', port: 'its port' });
          }
          out[t] = res;
        }
        return out;
      });
    });
  }

  test('Fetch from a follower and from a non-replica (v4: no client metadata; v12+: a consumer with client metadata, KIP-392)', async () => {
    await same('fetch not leader', async (s) => {
      const out: Record<string, unknown> = {};
      for (const v of [4, 12, 16, 17]) {
        const rf1 = await s.request(1, v, fetchBody(v, [{ topic: 'tp-rf1', partition: 2, offset: 0n }]), await notLeader(s, 'tp-rf1', 2));
        const rf3 = await s.request(1, v, fetchBody(v, [{ topic: 'tp-rf3', partition: 2, offset: 0n }]), await notLeader(s, 'tp-rf3', 2));
        out[`v${v}`] = { rf1, rf3 };
      }
      return out;
    });
  });

  test('ListOffsets to a broker that does not lead the partition: NOT_LEADER_OR_FOLLOWER', async () => {
    await same('list offsets not leader', async (s) => {
      const n = await notLeader(s, 'tp-rf3', 3);
      return s.request(2, 7, listOffsetsBody('tp-rf3', [{ partition: 3, timestamp: -1n }]), n);
    });
  });

  test('DescribeCluster from every broker', async () => {
    await same(
      'describe cluster',
      async (s) => {
        const out = [];
        for (let n = 0; n < s.ports.length; n++) out.push(await s.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 }, n));
        return out;
      },
      ALLOW,
    );
  });
});

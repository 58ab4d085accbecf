// Admin and probing over the raw Kafka protocol (test/helpers/raw-client.ts, Eddy's generated codec): the
// same bytes go to Eddy and to Kafka. Topic creation waits until Metadata shows a leader for every partition,
// so the timed part of a scenario never includes a client's retries against a topic still being set up.
import { ErrorCode } from '../../../worker/protocol/errors.js';
import { encodeRecordBatch } from '../../../worker/protocol/records/record-batch.js';
import { RawClient } from '../../helpers/raw-client.js';

const CREATE_TOPICS_V = 7;
const METADATA_V = 12;
const PRODUCE_V = 9;
const NULL_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function withClient<T>(port: number, fn: (c: RawClient) => Promise<T>): Promise<T> {
  const c = await RawClient.open(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
}

function createBody(topics: TopicSpec[], timeoutMs: number) {
  return {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.partitions,
      replicationFactor: t.replicationFactor,
      assignments: [],
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
    timeoutMs,
    validateOnly: false,
  };
}

function metadataBody(topics: string[] | null) {
  return {
    topics: topics === null ? null : topics.map((name) => ({ topicId: NULL_TOPIC_ID, name })),
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  };
}

/** Sends CreateTopics; throws on any error but TOPIC_ALREADY_EXISTS when allowExisting. */
export async function sendCreateTopics(c: RawClient, topics: TopicSpec[], allowExisting = false): Promise<void> {
  const res = await c.request(19, CREATE_TOPICS_V, createBody(topics, 120_000));
  if (!res) throw new Error('CreateTopics: connection closed');
  for (const t of res.topics) {
    if (t.errorCode === ErrorCode.NONE) continue;
    if (allowExisting && t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) continue;
    throw new Error(`CreateTopics ${t.name}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
  }
}

/** Partitions (of the named topics, or of all topics) that Metadata shows with a leader. */
export async function partitionsWithLeader(c: RawClient, topics: string[] | null): Promise<number> {
  const md = await c.request(3, METADATA_V, metadataBody(topics));
  if (!md) throw new Error('Metadata: connection closed');
  let n = 0;
  for (const t of md.topics) {
    if (t.errorCode !== ErrorCode.NONE) continue;
    for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE && p.leaderId >= 0) n++;
  }
  return n;
}

export async function waitForLeaders(c: RawClient, topics: string[] | null, expected: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const n = await partitionsWithLeader(c, topics);
    if (n >= expected) return;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${expected} partitions have a leader after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Creates topics and waits until every partition has a leader. */
export async function createTopics(port: number, topics: TopicSpec[]): Promise<void> {
  await withClient(port, async (c) => {
    await sendCreateTopics(c, topics);
    await waitForLeaders(
      c,
      topics.map((t) => t.name),
      topics.reduce((a, t) => a + t.partitions, 0),
    );
  });
}

/**
 * Whether the cluster replicates: a 1-partition RF=3 topic (`probe`) gets a record with acks=all, and then,
 * within timeoutMs, Metadata must show every replica in the ISR. A broker that accepts RF=3 without
 * followers copying data keeps the ISR at the leader alone (Eddy before replication landed).
 */
export async function replicates(port: number, probe = 'bench-replication-probe', timeoutMs = 10_000): Promise<{ ok: boolean; why: string }> {
  await createTopics(port, [{ name: probe, partitions: 1, replicationFactor: 3 }]);
  return withClient(port, async (c) => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const md = await c.request(3, METADATA_V, metadataBody([probe]));
      const p = md?.topics?.[0]?.partitions?.[0];
      if (p) {
        last = `ISR ${JSON.stringify(p.isrNodes)} of replicas ${JSON.stringify(p.replicaNodes)}`;
        const leader = md.brokers.find((b: { nodeId: number }) => b.nodeId === p.leaderId);
        if (leader && p.replicaNodes.length === 3 && p.isrNodes.length === 3) {
          const code = await withClient(leader.port, async (lc) => {
            const res = await lc.request(0, PRODUCE_V, {
              transactionalId: null,
              acks: -1,
              timeoutMs: 10_000,
              topicData: [{ name: probe, partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ key: null, value: Buffer.from('probe') }] }) }] }],
            });
            return res?.responses?.[0]?.partitionResponses?.[0]?.errorCode;
          });
          const after = await c.request(3, METADATA_V, metadataBody([probe]));
          const isr = after?.topics?.[0]?.partitions?.[0]?.isrNodes ?? [];
          if (code === ErrorCode.NONE && isr.length === 3) return { ok: true, why: '' };
          last = `acks=all produce answered ${code}, ISR ${JSON.stringify(isr)}`;
        }
      }
      await sleep(200);
    }
    return { ok: false, why: last };
  });
}

/**
 * Whether the cluster runs consumer groups: ApiVersions lists JoinGroup (11) or ConsumerGroupHeartbeat (68),
 * and FindCoordinator finds a group coordinator within timeoutMs (Kafka creates __consumer_offsets on the
 * first lookup and answers COORDINATOR_NOT_AVAILABLE meanwhile).
 */
export async function supportsConsumerGroups(port: number, timeoutMs = 30_000): Promise<{ ok: boolean; why: string }> {
  return withClient(port, async (c) => {
    const av = await c.request(18, 3, { clientSoftwareName: 'eddy-bench', clientSoftwareVersion: '1' });
    const keys = new Set<number>((av?.apiKeys ?? []).map((k: { apiKey: number }) => k.apiKey));
    if (!keys.has(11) && !keys.has(68)) return { ok: false, why: 'ApiVersions lists neither JoinGroup nor ConsumerGroupHeartbeat' };
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    while (Date.now() < deadline) {
      const fc = await c.request(10, 4, { keyType: 0, coordinatorKeys: ['eddy-bench-probe'] });
      last = fc?.coordinators?.[0]?.errorCode ?? -1;
      if (last === ErrorCode.NONE) return { ok: true, why: '' };
      await sleep(200);
    }
    return { ok: false, why: `FindCoordinator answered error ${last} for ${timeoutMs / 1000} s` };
  });
}

/**
 * Time (ms, from t0 = performance.now() at spawn) to the first acknowledged acks=all produce: connect to the
 * first broker (retrying while nothing listens), create a 1-partition RF=3 topic (retrying until all three
 * brokers are registered), find its leader, produce one record with acks=all; retry every step until it works.
 */
export async function firstAcknowledgedProduce(ports: number[], t0: number, timeoutMs = 120_000): Promise<number> {
  const topic = 'cold-start';
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    let c: RawClient | undefined;
    try {
      c = await RawClient.open(ports[0]!);
      await sendCreateTopics(c, [{ name: topic, partitions: 1, replicationFactor: 3 }], true);
      const md = await c.request(3, METADATA_V, metadataBody([topic]));
      const p = md?.topics?.[0]?.partitions?.[0];
      const leader = p && p.leaderId >= 0 ? md.brokers.find((b: { nodeId: number }) => b.nodeId === p.leaderId) : undefined;
      if (!leader) throw new Error('no leader yet');
      const acked = await withClient(leader.port, async (lc) => {
        const res = await lc.request(0, PRODUCE_V, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 10_000,
          topicData: [{ name: topic, partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ key: null, value: Buffer.from('hello') }] }) }] }],
        });
        const code = res?.responses?.[0]?.partitionResponses?.[0]?.errorCode;
        if (code !== ErrorCode.NONE) throw new Error(`produce error ${code}`);
        return performance.now();
      });
      return acked - t0;
    } catch (e) {
      lastError = (e as Error).message;
      await sleep(10);
    } finally {
      c?.close();
    }
  }
  throw new Error(`no acknowledged produce within ${timeoutMs} ms: ${lastError}`);
}

/**
 * Latency (ms) of full Metadata requests (all topics) on one connection, one at a time: from writing the
 * request to having the whole response frame (decoding it is not timed). Returns the samples and the size
 * of the last response.
 */
export async function metadataLatencies(port: number, count: number): Promise<{ samples: number[]; bytes: number }> {
  return withClient(port, async (c) => {
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const frame = RawClient.frame(3, METADATA_V, metadataBody(null), 10_000 + i);
      const t = performance.now();
      c.writeRaw(frame);
      const res = await c.nextFrame(120_000);
      samples.push(performance.now() - t);
      if (!res) throw new Error('Metadata: connection closed');
      bytes = res.length;
    }
    return { samples, bytes };
  });
}

export interface PartitionState {
  topic: string;
  index: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  errorCode: number;
}

export interface ClusterState {
  /** Broker node id -> port, as Metadata lists the live brokers. */
  brokers: Map<number, number>;
  partitions: PartitionState[];
}

/** Brokers and the named topics' partitions (leader, replicas, ISR) as one broker's Metadata shows them. */
export async function clusterState(c: RawClient, topics: string[] | null): Promise<ClusterState> {
  const md = await c.request(3, METADATA_V, metadataBody(topics));
  if (!md) throw new Error('Metadata: connection closed');
  const brokers = new Map<number, number>(md.brokers.map((b: { nodeId: number; port: number }) => [b.nodeId, b.port]));
  const partitions: PartitionState[] = [];
  for (const t of md.topics) {
    for (const p of t.partitions) {
      partitions.push({ topic: t.name, index: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes, isr: p.isrNodes, errorCode: p.errorCode });
    }
  }
  return { brokers, partitions };
}

/** Node id of each broker port (Metadata's broker list). */
export async function nodeIds(port: number): Promise<Map<number, number>> {
  return withClient(port, async (c) => new Map([...(await clusterState(c, [])).brokers].map(([id, p]) => [p, id])));
}

/** Produces one small record to a partition; returns the error code (0 = acknowledged). */
export async function produceOne(c: RawClient, topic: string, partition: number, acks: number, timeoutMs = 10_000): Promise<number> {
  const res = await c.request(0, PRODUCE_V, {
    transactionalId: null,
    acks,
    timeoutMs,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: encodeRecordBatch({ records: [{ key: null, value: Buffer.from('bench') }] }) }] }],
  });
  if (!res) throw new Error('Produce: connection closed');
  return res.responses[0].partitionResponses[0].errorCode;
}

/** Waits until every partition of the topics has all its replicas in the ISR. */
export async function waitForFullIsr(port: number, topics: string[], timeoutMs = 120_000): Promise<void> {
  await withClient(port, async (c) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await clusterState(c, topics);
      if (s.partitions.length && s.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length)) return;
      if (Date.now() > deadline) throw new Error(`ISR not complete after ${timeoutMs} ms: ${JSON.stringify(s.partitions.map((p) => [p.index, p.isr, p.replicas]))}`);
      await sleep(50);
    }
  });
}

/** Sets topic configs (IncrementalAlterConfigs SET); throws on an error. */
export async function alterTopicConfigs(port: number, topic: string, configs: Record<string, string>): Promise<void> {
  await withClient(port, async (c) => {
    const res = await c.request(44, 1, {
      resources: [{ resourceType: 2, resourceName: topic, configs: Object.entries(configs).map(([name, value]) => ({ name, configOperation: 0, value })) }],
      validateOnly: false,
    });
    const r = res?.responses?.[0];
    if (!r || r.errorCode !== ErrorCode.NONE) throw new Error(`IncrementalAlterConfigs ${topic}: error ${r?.errorCode} ${r?.errorMessage ?? ''}`);
  });
}

/** Summed DescribeLogDirs size (bytes) of a topic's replicas on every broker (all replicas, not just leaders). */
export async function topicLogBytes(ports: number[], topic: string): Promise<number> {
  let total = 0;
  for (const port of ports) {
    total += await withClient(port, async (c) => {
      const res = await c.request(35, 4, { topics: null });
      let n = 0;
      for (const dir of res?.results ?? []) for (const t of dir.topics) if (t.name === topic) for (const p of t.partitions) n += Number(p.partitionSize);
      return n;
    });
  }
  return total;
}

/** Earliest offsets (log start) of a topic's partitions, asked of each partition's leader. */
export async function logStartOffsets(port: number, topic: string): Promise<number[]> {
  const state = await withClient(port, (c) => clusterState(c, [topic]));
  const out: number[] = [];
  for (const p of state.partitions.sort((a, b) => a.index - b.index)) {
    const leaderPort = state.brokers.get(p.leader);
    if (leaderPort === undefined) throw new Error(`${topic}-${p.index}: no leader`);
    out.push(
      await withClient(leaderPort, async (c) => {
        const res = await c.request(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: p.index, currentLeaderEpoch: -1, timestamp: -2n }] }] });
        const r = res?.topics?.[0]?.partitions?.[0];
        if (!r || r.errorCode !== ErrorCode.NONE) throw new Error(`ListOffsets ${topic}-${p.index}: error ${r?.errorCode}`);
        return Number(r.offset);
      }),
    );
  }
  return out;
}

/** The coordinator's port for a group (FindCoordinator, retried while the coordinator is not available). */
export async function groupCoordinatorPort(port: number, group: string, timeoutMs = 30_000): Promise<number> {
  return withClient(port, async (c) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fc = await c.request(10, 4, { keyType: 0, coordinatorKeys: [group] });
      const co = fc?.coordinators?.[0];
      if (co && co.errorCode === ErrorCode.NONE) return co.port;
      if (Date.now() > deadline) throw new Error(`FindCoordinator ${group}: error ${co?.errorCode}`);
      await sleep(100);
    }
  });
}

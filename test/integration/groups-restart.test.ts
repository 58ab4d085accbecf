// Committed offsets survive a restart of the whole app: a 3-broker Eddy on a data dir, a kafkajs group consumes
// and commits, a standalone group commits offsets with metadata and leader epochs (raw OffsetCommit v9), a KIP-848
// member commits with its member epoch; everything is stopped and started again on the same data dir (the
// coordinators replay __consumer_offsets). Then: OffsetFetch answers the same offsets, metadata and epochs,
// ListGroups/DescribeGroups show the groups (Empty), and a new kafkajs member of the group resumes exactly at
// the committed offsets: it consumes the records produced before the restart that were not consumed yet, and
// nothing consumed before.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { RawClient } from '../helpers/raw-client';
import { tool } from '../helpers/tools';
import { waitFor } from '../helpers/wait';
import { committed, coverage, createTopic, describeGroup, endOffsets, FAST_GROUPS, hostPort, produce, roundRobin, toCoordinator, waitForStableGroup } from './groups/common';

const require = createRequire(import.meta.url);
const resolved = (() => {
  try {
    return require.resolve('kafkajs');
  } catch {
    return 'kafkajs';
  }
})();
const kafkajs = tool('kafkajs', process.execPath, ['-e', `require(${JSON.stringify(resolved)})`]);
const { Kafka, logLevel } = (kafkajs.available ? require('kafkajs') : {}) as typeof import('kafkajs');

const TOPIC = 'rs-t';
const PARTITIONS = 6;

async function fetchAll(bootstrap: string, group: string) {
  const res = await toCoordinator(bootstrap, group, 9, 9, { groups: [{ groupId: group, memberId: null, memberEpoch: -1, topics: null }], requireStable: false });
  const g = res.groups[0];
  expect(g.errorCode).toBe(0);
  return g.topics
    .flatMap((t: any) => t.partitions.map((p: any) => ({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), leaderEpoch: p.committedLeaderEpoch, metadata: p.metadata })))
    .sort((a: any, b: any) => a.partition - b.partition);
}

async function listGroups(bootstrap: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const addr of bootstrap.split(',')) {
    const { host, port } = hostPort(addr);
    const c = await RawClient.open(port, host);
    try {
      const r = await c.request(16, 5, { statesFilter: [], typesFilter: [] });
      for (const g of r.groups) if (g.groupId.startsWith('rs-')) out[g.groupId] = `${g.groupType}/${g.groupState}`;
    } finally {
      c.close();
    }
  }
  return out;
}

describe.skipIf(!kafkajs.available)('committed offsets across a restart of the whole app', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-groups-restart-'));
  let cluster: RunningCluster | undefined;

  afterAll(async () => {
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('offsets, metadata and groups come back after stop + start on the same data dir; a new member resumes from them', async () => {
    cluster = await startCluster({ brokers: 3, port: 0, dataDir, config: FAST_GROUPS });
    let bootstrap = cluster.bootstrapServers;
    await createTopic(bootstrap, TOPIC, PARTITIONS);
    await produce(bootstrap, TOPIC, roundRobin(TOPIC, PARTITIONS, 3000, (p, i) => `before/${p}/${i}`));
    const firstEnds = await endOffsets(bootstrap, TOPIC);

    // A kafkajs group consumes everything there is and commits it.
    const kafka = new Kafka({ clientId: 'rs-kjs', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
    const consumed: [number, number][] = [];
    const c1 = kafka.consumer({ groupId: 'rs-kjs', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 250 });
    await c1.connect();
    await c1.subscribe({ topic: TOPIC, fromBeginning: true });
    await c1.run({ eachMessage: async ({ partition, message }) => void consumed.push([partition, Number(message.offset)]) });
    await waitFor(() => consumed.length >= 3000, { timeoutMs: 30_000, what: 'the first 3,000 records' });
    await waitFor(async () => JSON.stringify(await committed(bootstrap, 'rs-kjs', TOPIC, PARTITIONS)) === JSON.stringify(firstEnds), { timeoutMs: 20_000, what: 'kafkajs commits' });
    await c1.disconnect();

    // A standalone group: offsets with metadata and leader epochs.
    const raw = await toCoordinator(bootstrap, 'rs-raw', 8, 9, {
      groupId: 'rs-raw',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: TOPIC, partitions: Array.from({ length: PARTITIONS }, (_, p) => ({ partitionIndex: p, committedOffset: BigInt(100 + p), committedLeaderEpoch: p, committedMetadata: `meta-${p}-\u00e9` })) }],
    });
    expect(raw.topics[0].partitions.map((p: any) => p.errorCode)).toEqual(Array(PARTITIONS).fill(0));
    const rawBefore = await fetchAll(bootstrap, 'rs-raw');

    // A KIP-848 member joins, commits with its epoch, and leaves.
    const hb = (body: Record<string, unknown>) =>
      toCoordinator(bootstrap, 'rs-848', 68, 1, { groupId: 'rs-848', memberId: 'rs848member00000000001', instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000, subscribedTopicNames: [TOPIC], serverAssignor: null, topicPartitions: [], ...body });
    const joined = await hb({ memberEpoch: 0 });
    expect(joined.errorCode).toBe(0);
    const c848 = await toCoordinator(bootstrap, 'rs-848', 8, 9, {
      groupId: 'rs-848',
      generationIdOrMemberEpoch: joined.memberEpoch,
      memberId: 'rs848member00000000001',
      groupInstanceId: null,
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: 'kip-848' }] }],
    });
    expect(c848.topics[0].partitions[0].errorCode).toBe(0);
    expect((await hb({ memberEpoch: -1, subscribedTopicNames: null, topicPartitions: null, rebalanceTimeoutMs: -1 })).errorCode).toBe(0);

    // More records arrive that nobody consumed yet.
    await produce(bootstrap, TOPIC, roundRobin(TOPIC, PARTITIONS, 3000, (p, i) => `after/${p}/${i}`));
    const ends = await endOffsets(bootstrap, TOPIC);
    const groupsBefore = await listGroups(bootstrap);
    expect(groupsBefore).toEqual({ 'rs-kjs': 'classic/Empty', 'rs-raw': 'classic/Empty', 'rs-848': 'consumer/Empty' });

    // Restart the whole app on the same data dir.
    await cluster.stop();
    cluster = undefined;
    cluster = await startCluster({ brokers: 3, port: 0, dataDir, config: FAST_GROUPS });
    bootstrap = cluster.bootstrapServers;

    await waitFor(async () => (await fetchAll(bootstrap, 'rs-raw')).length === PARTITIONS, { timeoutMs: 30_000, what: 'the coordinator loaded rs-raw' });
    expect(await fetchAll(bootstrap, 'rs-raw')).toEqual(rawBefore);
    expect(await committed(bootstrap, 'rs-kjs', TOPIC, PARTITIONS)).toEqual(firstEnds);
    expect(await fetchAll(bootstrap, 'rs-848')).toEqual([{ topic: TOPIC, partition: 0, offset: 42, leaderEpoch: -1, metadata: 'kip-848' }]);
    expect(await listGroups(bootstrap)).toEqual(groupsBefore);
    const d = await describeGroup(bootstrap, 'rs-kjs');
    expect(d).toMatchObject({ state: 'Empty', protocolType: 'consumer', members: [] });
    expect(await endOffsets(bootstrap, TOPIC)).toEqual(ends);

    // A new member of rs-kjs resumes at the committed offsets: exactly the 3,000 records not consumed yet.
    const kafka2 = new Kafka({ clientId: 'rs-kjs-2', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
    const resumed: [number, number][] = [];
    const c2 = kafka2.consumer({ groupId: 'rs-kjs', sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 250 });
    try {
      await c2.connect();
      await c2.subscribe({ topic: TOPIC, fromBeginning: true });
      await c2.run({ eachMessage: async ({ partition, message }) => void resumed.push([partition, Number(message.offset)]) });
      await waitForStableGroup(bootstrap, 'rs-kjs', TOPIC, 1, PARTITIONS);
      await waitFor(() => resumed.length >= 3000, { timeoutMs: 30_000, what: `3,000 resumed records (have ${resumed.length})` });
      await new Promise((r) => setTimeout(r, 500));
      expect(resumed).toHaveLength(3000);
      for (const [p, o] of resumed) expect(o, `partition ${p}`).toBeGreaterThanOrEqual(firstEnds[p]!);
      const cov = coverage([...consumed, ...resumed], ends);
      expect(cov.gaps).toEqual([]);
      expect(cov.duplicates).toEqual([]);
      await waitFor(async () => JSON.stringify(await committed(bootstrap, 'rs-kjs', TOPIC, PARTITIONS)) === JSON.stringify(ends), { timeoutMs: 20_000, what: 'commits after resuming' });
    } finally {
      await c2.disconnect();
    }
  }, 150_000);
});

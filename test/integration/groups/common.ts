// Shared pieces of the consumer-group client tests (test/integration/groups-*.test.ts): broker settings that keep
// rebalances fast, and a raw-protocol producer and group inspector that work the same against Eddy and against
// the reference Kafka, so that what a client under test did is checked independently of that client.
import { RawClient } from '../../helpers/raw-client';
import { ZERO_UUID } from '../../../worker/protocol/primitives.js';
import { decodeConsumerProtocolAssignment } from '../../../worker/protocol/generated/index.js';
import { Reader } from '../../../worker/protocol/primitives.js';
import { encodeRecordBatch } from '../../../worker/protocol/records/index.js';
import type { BrokerSettings } from 'eddy';

/**
 * Group settings for tests: no initial rebalance delay, short session timeouts allowed, KIP-848 heartbeats every
 * 500 ms with a 6 s session, and 10 offsets partitions (like the reference Kafka in test/reference).
 */
export const FAST_GROUPS: Partial<BrokerSettings> = {
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 500,
  'group.consumer.heartbeat.interval.ms': 500,
  'group.consumer.session.timeout.ms': 6000,
  'offsets.topic.num.partitions': 10,
};

/** The same settings as reference Kafka server properties (for startReferenceKafka({ props })). */
export const FAST_GROUPS_KAFKA_PROPS: Record<string, string> = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '500',
  'group.consumer.heartbeat.interval.ms': '500',
  'group.consumer.min.heartbeat.interval.ms': '500',
  'group.consumer.session.timeout.ms': '6000',
  'group.consumer.min.session.timeout.ms': '6000',
};

export function hostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) };
}

async function withClient<T>(addr: { host: string; port: number }, fn: (c: RawClient) => Promise<T>): Promise<T> {
  const c = await RawClient.open(addr.port, addr.host);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Metadata v12 for one topic: partition leaders (host/port); retries until the topic has leaders. */
export async function leaders(bootstrap: string, topic: string, timeoutMs = 15_000): Promise<{ host: string; port: number }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const md = await withClient(hostPort(bootstrap.split(',')[0]!), (c) =>
      c.request(3, 12, { topics: [{ name: topic, topicId: ZERO_UUID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
    );
    const t = md.topics[0];
    const brokers = new Map<number, { host: string; port: number }>(md.brokers.map((b: any) => [b.nodeId, { host: b.host, port: b.port }]));
    if (t && t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p: any) => brokers.has(p.leaderId))) {
      const out: { host: string; port: number }[] = [];
      for (const p of t.partitions) out[p.partitionIndex] = brokers.get(p.leaderId)!;
      return out;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic} has no leaders (error ${t?.errorCode})`);
    await sleep(100);
  }
}

/** CreateTopics v7 with the raw client; waits for the leaders. Works against Eddy and Kafka alike. */
export async function createTopic(bootstrap: string, name: string, partitions: number): Promise<void> {
  const res = await withClient(hostPort(bootstrap.split(',')[0]!), (c) =>
    c.request(19, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false }),
  );
  const t = res.topics[0];
  if (t.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
  await leaders(bootstrap, name);
}

export interface ProducedRecord {
  key?: string | null;
  value: string;
  /** Create time in ms (default: now). */
  timestamp?: number;
}

/**
 * Produces records with Produce v9 (acks -1) straight to each partition's leader, in batches of `batchSize`.
 * `perPartition[p]` is what goes to partition p, in order.
 */
export async function produce(bootstrap: string, topic: string, perPartition: ProducedRecord[][], batchSize = 2000): Promise<void> {
  const where = await leaders(bootstrap, topic);
  const clients = new Map<string, RawClient>();
  try {
    for (const [p, recs] of perPartition.entries()) {
      const l = where[p]!;
      const key = `${l.host}:${l.port}`;
      if (!clients.has(key)) clients.set(key, await RawClient.open(l.port, l.host));
      const c = clients.get(key)!;
      for (let i = 0; i < recs.length; i += batchSize) {
        const batch = encodeRecordBatch({
          records: recs.slice(i, i + batchSize).map((r) => ({
            key: r.key == null ? null : Buffer.from(r.key),
            value: Buffer.from(r.value),
            ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
          })),
        });
        // The leader named by another broker's Metadata may not have applied the new topic yet: it answers
        // UNKNOWN_TOPIC_OR_PARTITION (3) or NOT_LEADER_OR_FOLLOWER (6) for a moment, and clients retry (both systems).
        for (let attempt = 0; ; attempt++) {
          const res = await c.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: p, records: batch }] }] });
          const code = res.responses[0].partitionResponses[0].errorCode;
          if (code === 0) break;
          if ((code !== 3 && code !== 6) || attempt >= 50) throw new Error(`produce ${topic}-${p}: error ${code}`);
          await sleep(100);
        }
      }
    }
  } finally {
    for (const c of clients.values()) c.close();
  }
}

/** Record values "<topic>/<partition>/<i>" spread over partitions round-robin: n in all. */
export function roundRobin(topic: string, partitions: number, n: number, valueOf = (p: number, i: number) => `${topic}/${p}/${i}`): ProducedRecord[][] {
  const out: ProducedRecord[][] = Array.from({ length: partitions }, () => []);
  for (let i = 0; i < n; i++) {
    const p = i % partitions;
    out[p]!.push({ key: `k${i}`, value: valueOf(p, out[p]!.length) });
  }
  return out;
}

/** The coordinator of a group (FindCoordinator v4), retried while it is not available yet. */
export async function coordinator(bootstrap: string, group: string, timeoutMs = 20_000): Promise<{ host: string; port: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await withClient(hostPort(bootstrap.split(',')[0]!), (c) => c.request(10, 4, { keyType: 0, coordinatorKeys: [group] }));
    const k = res.coordinators[0];
    if (k.errorCode === 0) return { host: k.host, port: k.port };
    if (Date.now() > deadline) throw new Error(`no coordinator for ${group}: error ${k.errorCode}`);
    await sleep(100);
  }
}

/** One request to a group's coordinator. */
export async function toCoordinator<T = any>(bootstrap: string, group: string, apiKey: number, version: number, body: unknown): Promise<T> {
  const addr = await coordinator(bootstrap, group);
  return withClient(addr, async (c) => (await c.request<T>(apiKey, version, body))!);
}

/** Committed offsets of a group for a topic (OffsetFetch v8); -1 where nothing is committed. */
export async function committed(bootstrap: string, group: string, topic: string, partitions: number): Promise<number[]> {
  const res = await toCoordinator(bootstrap, group, 9, 8, {
    groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: Array.from({ length: partitions }, (_, i) => i) }] }],
    requireStable: false,
  });
  const g = res.groups[0];
  if (g.errorCode !== 0) throw new Error(`OffsetFetch ${group}: error ${g.errorCode}`);
  const out: number[] = [];
  for (const p of g.topics[0].partitions) out[p.partitionIndex] = Number(p.committedOffset);
  return out;
}

export interface DescribedMember {
  memberId: string;
  clientId: string;
  groupInstanceId: string | null;
  /** topic -> partitions, decoded from the consumer-protocol assignment. */
  assignment: Record<string, number[]>;
}

/** DescribeGroups v5 for one group, with members' assignments decoded. */
export async function describeGroup(bootstrap: string, group: string): Promise<{ state: string; protocolType: string; protocol: string; members: DescribedMember[] }> {
  const res = await toCoordinator(bootstrap, group, 15, 5, { groups: [group], includeAuthorizedOperations: false });
  const g = res.groups[0];
  if (g.errorCode !== 0) throw new Error(`DescribeGroups ${group}: error ${g.errorCode}`);
  return {
    state: g.groupState,
    protocolType: g.protocolType,
    protocol: g.protocolData,
    members: g.members.map((m: any) => {
      const assignment: Record<string, number[]> = {};
      const bytes: Buffer = Buffer.from(m.memberAssignment);
      if (bytes.length >= 2) {
        const r = new Reader(bytes);
        const v = r.readInt16();
        for (const tp of decodeConsumerProtocolAssignment(r, Math.min(v, 3)).assignedPartitions) assignment[tp.topic] = [...tp.partitions].sort((a, b) => a - b);
      }
      return { memberId: m.memberId, clientId: m.clientId, groupInstanceId: m.groupInstanceId ?? null, assignment };
    }),
  };
}

/** Waits until the group is Stable with `members` members whose assignments cover `partitions` of `topic` once each. */
export async function waitForStableGroup(bootstrap: string, group: string, topic: string, members: number, partitions: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const d = await describeGroup(bootstrap, group);
      last = d;
      const owned = d.members.flatMap((m) => m.assignment[topic] ?? []).sort((a, b) => a - b);
      if (d.state === 'Stable' && d.members.length === members && JSON.stringify(owned) === JSON.stringify(Array.from({ length: partitions }, (_, i) => i))) return d;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`group ${group} not stable with ${members} members: ${JSON.stringify(last)}`);
    await sleep(200);
  }
}

/** End offsets (ListOffsets v7, latest) per partition. */
export async function endOffsets(bootstrap: string, topic: string): Promise<number[]> {
  const where = await leaders(bootstrap, topic);
  const out: number[] = [];
  for (const [p, l] of where.entries()) {
    const res = await withClient(l, (c) =>
      c.request(2, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n }] }] }),
    );
    out[p] = Number(res.topics[0].partitions[0].offset);
  }
  return out;
}

/**
 * Checks a multiset of consumed (partition, offset) pairs against the end offsets: every offset below the end
 * consumed at least once. Returns the gaps and the duplicated pairs.
 */
export function coverage(consumed: Iterable<[number, number]>, ends: number[]): { gaps: string[]; duplicates: string[]; total: number } {
  const seen = ends.map((n) => new Uint8Array(n));
  const duplicates: string[] = [];
  const outside: string[] = [];
  let total = 0;
  for (const [p, o] of consumed) {
    total++;
    const s = seen[p];
    if (!s || o < 0 || o >= s.length) {
      outside.push(`${p}@${o}`);
      continue;
    }
    if (s[o]! >= 1) duplicates.push(`${p}@${o}`);
    s[o] = Math.min(255, s[o]! + 1);
  }
  const gaps: string[] = [...outside.map((x) => `outside ${x}`)];
  for (const [p, s] of seen.entries()) {
    for (let o = 0; o < s.length; o++) {
      if (s[o] === 0) {
        let end = o;
        while (end + 1 < s.length && s[end + 1] === 0) end++;
        gaps.push(`${p}@${o}..${end}`);
        o = end;
      }
    }
  }
  return { gaps, duplicates, total };
}

export interface ConsumerGroupMemberView {
  memberId: string;
  clientId: string;
  memberEpoch: number;
  /** topic name -> partitions currently assigned (not the target). */
  assignment: Record<string, number[]>;
  target: Record<string, number[]>;
}

/** ConsumerGroupDescribe v0 for a KIP-848 group; throws on a group error (GROUP_ID_NOT_FOUND for classic groups). */
export async function describeConsumerGroup(bootstrap: string, group: string): Promise<{ state: string; groupEpoch: number; assignmentEpoch: number; assignor: string; members: ConsumerGroupMemberView[] }> {
  const res = await toCoordinator(bootstrap, group, 69, 0, { groupIds: [group], includeAuthorizedOperations: false });
  const g = res.groups[0];
  if (g.errorCode !== 0) throw new Error(`ConsumerGroupDescribe ${group}: error ${g.errorCode} ${g.errorMessage ?? ''}`);
  const named = (a: any) => Object.fromEntries(a.topicPartitions.map((tp: any) => [tp.topicName, [...tp.partitions].sort((x: number, y: number) => x - y)]));
  return {
    state: g.groupState,
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    assignor: g.assignorName,
    members: g.members.map((m: any) => ({ memberId: m.memberId, clientId: m.clientId, memberEpoch: m.memberEpoch, assignment: named(m.assignment), target: named(m.targetAssignment) })),
  };
}

/** Waits until a KIP-848 group is Stable with `members` members whose assignments cover the topic once each. */
export async function waitForStableConsumerGroup(bootstrap: string, group: string, topic: string, members: number, partitions: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const d = await describeConsumerGroup(bootstrap, group);
      last = d;
      const owned = d.members.flatMap((m) => m.assignment[topic] ?? []).sort((a, b) => a - b);
      if (d.state === 'Stable' && d.members.length === members && JSON.stringify(owned) === JSON.stringify(Array.from({ length: partitions }, (_, i) => i))) return d;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`consumer group ${group} not stable with ${members} members: ${JSON.stringify(last)}`);
    await sleep(200);
  }
}

/** "partition offset" lines printed by a client process → pairs. */
export function recordLines(lines: string[]): [number, number][] {
  return lines.filter((l) => /^\d+ \d+$/.test(l)).map((l) => l.split(' ').map(Number) as [number, number]);
}

/**
 * The shared membership-change scenario of the client tests, members being processes that print
 * "partition offset" lines (groups/proc.ts): 2 members, 6,000 records (exactly once), a third joins while 6,000
 * more arrive, the first is stopped cleanly (SIGTERM: commit + leave), 6,000 more; then the others are stopped.
 * Checks no gap, redeliveries bounded, final commits at the end offsets. Returns the group views it waited for.
 */
export async function joinLeaveScenario<V extends { members: { clientId: string; assignment: Record<string, number[]> }[] }>(opts: {
  bootstrap: string;
  topic: string;
  group: string;
  partitions: number;
  start: (clientId: string) => { lines: string[]; stop(signal?: NodeJS.Signals): Promise<number>; stderr(): string };
  /** Whether a member stopped with SIGTERM closed cleanly (default: exit code 0). */
  cleanExit?: (code: number, lines: string[]) => boolean;
  stable: (members: number) => Promise<V>;
  names: [string, string, string];
  log?: (msg: string) => void;
}): Promise<{ two: V; three: V; after: V }> {
  const { bootstrap, topic, group, partitions, start, stable, names } = opts;
  const { expect } = await import('vitest');
  const { waitFor } = await import('../../helpers/wait');
  await createTopic(bootstrap, topic, partitions);
  const a = start(names[0]);
  const b = start(names[1]);
  const two = await stable(2);
  await produce(bootstrap, topic, roundRobin(topic, partitions, 6000, (p, i) => `1/${p}/${i}`));
  await waitFor(() => recordLines([...a.lines, ...b.lines]).length >= 6000, { timeoutMs: 30_000, what: 'the first 6,000 records' });
  const first = coverage(recordLines([...a.lines, ...b.lines]), await endOffsets(bootstrap, topic));
  expect(first.gaps).toEqual([]);
  expect(first.duplicates).toEqual([]);

  const c = start(names[2]);
  await produce(bootstrap, topic, roundRobin(topic, partitions, 6000, (p, i) => `2/${p}/${i}`), 200);
  const three = await stable(3);
  for (const m of three.members) expect(m.assignment[topic], JSON.stringify(three.members)).toHaveLength(partitions / 3);

  const clean = opts.cleanExit ?? ((code: number) => code === 0);
  const codeA = await a.stop('SIGTERM');
  expect(clean(codeA, a.lines), `exit ${codeA}: ${a.stderr().slice(-2000)}`).toBe(true);
  await produce(bootstrap, topic, roundRobin(topic, partitions, 6000, (p, i) => `3/${p}/${i}`), 200);
  const ends = await endOffsets(bootstrap, topic);
  const after = await stable(2);
  expect(after.members.map((m) => m.clientId).sort()).toEqual([names[1], names[2]].sort());

  const all = () => recordLines([a, b, c].flatMap((p) => p.lines));
  try {
    await waitFor(() => coverage(all(), ends).gaps.length === 0, { timeoutMs: 60_000, what: `all 18,000 records (have ${all().length})` });
  } catch (e) {
    const d = await describeGroup(bootstrap, group).catch((x: Error) => x.message);
    const committedNow = await committed(bootstrap, group, topic, partitions).catch((x: Error) => x.message);
    throw new Error(`${(e as Error).message}; gaps ${JSON.stringify(coverage(all(), ends).gaps)}; ends ${ends}; committed ${committedNow}; group ${JSON.stringify(d)}; rebalances a ${a.lines.filter((l) => l.startsWith('{'))} b ${b.lines.filter((l) => l.startsWith('{'))} c ${c.lines.filter((l) => l.startsWith('{'))}`);
  }
  const cov = coverage(all(), ends);
  opts.log?.(`${group}: ${cov.total} deliveries for 18,000 records, ${cov.duplicates.length} redelivered`);
  expect(cov.gaps).toEqual([]);
  expect(cov.duplicates.length).toBeLessThan(6000);

  const [codeB, codeC] = await Promise.all([b.stop('SIGTERM'), c.stop('SIGTERM')]);
  expect(clean(codeB, b.lines) && clean(codeC, c.lines), `exits ${codeB} ${codeC}`).toBe(true);
  expect(await committed(bootstrap, group, topic, partitions)).toEqual(ends);
  return { two, three, after };
}

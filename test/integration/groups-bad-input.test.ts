// Consumer groups, bad input and refused requests, differentially: the SAME raw requests (Eddy's raw protocol
// client, real TCP) go to a 3-broker Eddy and to the reference Apache Kafka 4.4 (one node), each routed to the
// group's coordinator found with FindCoordinator. Every scenario returns the error codes it saw (as names) plus
// what the group looks like afterwards (OffsetFetch of everything committed, ListGroups, DescribeGroups), with
// generated member ids replaced by placeholders; Eddy's result must equal Kafka's. Covered: OffsetCommit for
// unknown topics/partitions, oversize metadata (offset.metadata.max.bytes), empty group ids on every group API,
// JoinGroup without protocols and with bad session timeouts, ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID on Heartbeat,
// SyncGroup, OffsetCommit and LeaveGroup, static-member fencing (FENCED_INSTANCE_ID), DeleteGroups on a non-empty
// group, OffsetDelete of a subscribed topic, and ConsumerGroupDescribe of a classic group.
// Skipped with a printed reason without Java 17+/the jars (fails under CI=true).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { RawClient } from '../helpers/raw-client';
import { kafkaAvailable, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka';
import { errorName } from '../../worker/protocol/errors.js';
import { encodeConsumerProtocolSubscription } from '../../worker/protocol/generated/index.js';
import { Writer } from '../../worker/protocol/primitives.js';
import { coordinator, createTopic, FAST_GROUPS, FAST_GROUPS_KAFKA_PROPS, hostPort } from './groups/common';

const kafka = kafkaAvailable();

const TOPIC = 'bi-topic';
const MAX_METADATA = 64;

interface Sys {
  name: string;
  bootstrap: string;
}

const name = (code: number) => errorName(code);

function subscription(topics: string[]): Buffer {
  const w = new Writer(64);
  w.writeInt16(0);
  encodeConsumerProtocolSubscription(w, 0, { topics, userData: null });
  return w.toBuffer();
}
const PROTOCOLS = [{ name: 'range', metadata: subscription([TOPIC]) }];

/** One request to the group's coordinator (or, for an empty group id, to the first broker). */
async function call(s: Sys, group: string, apiKey: number, version: number, body: unknown): Promise<any> {
  // The empty group id is a group like any other (Kafka 4.4 finds its coordinator too).
  const addr = await coordinator(s.bootstrap, group);
  const c = await RawClient.open(addr.port, addr.host);
  try {
    const r = await c.request(apiKey, version, body);
    if (r === null) throw new Error(`${s.name}: connection closed on api ${apiKey} v${version}`);
    return r;
  } finally {
    c.close();
  }
}

/** Replaces generated member ids by stable placeholders (m1, m2, ...) in order of appearance. */
class Ids {
  private readonly map = new Map<string, string>();
  id(x: string): string {
    if (x === '') return '';
    if (!this.map.has(x)) this.map.set(x, `m${this.map.size + 1}`);
    return this.map.get(x)!;
  }
}

function join(group: string, memberId: string, extra: Partial<{ sessionTimeoutMs: number; groupInstanceId: string | null; protocols: typeof PROTOCOLS; protocolType: string }> = {}) {
  return {
    groupId: group,
    sessionTimeoutMs: extra.sessionTimeoutMs ?? 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: extra.groupInstanceId ?? null,
    protocolType: extra.protocolType ?? 'consumer',
    protocols: extra.protocols ?? PROTOCOLS,
    reason: null,
  };
}

/** A dynamic member joins (MEMBER_ID_REQUIRED round trip), becomes leader of a one-member group and syncs. */
async function joinAndSync(s: Sys, group: string, groupInstanceId: string | null = null): Promise<{ memberId: string; generationId: number; codes: string[] }> {
  const codes: string[] = [];
  let r = await call(s, group, 11, 9, join(group, '', { groupInstanceId }));
  codes.push(name(r.errorCode));
  if (r.errorCode === 79) {
    r = await call(s, group, 11, 9, join(group, r.memberId, { groupInstanceId }));
    codes.push(name(r.errorCode));
  }
  if (r.errorCode !== 0) throw new Error(`${s.name}: join ${group}: ${name(r.errorCode)}`);
  const sync = await call(s, group, 14, 5, {
    groupId: group,
    generationId: r.generationId,
    memberId: r.memberId,
    groupInstanceId,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: r.memberId, assignment: Buffer.alloc(0) }],
  });
  codes.push(name(sync.errorCode));
  return { memberId: r.memberId, generationId: r.generationId, codes };
}

function commit(group: string, generation: number, memberId: string, topics: { name: string; partitions: { p: number; offset: number; metadata?: string | null }[] }[], groupInstanceId: string | null = null) {
  return {
    groupId: group,
    generationIdOrMemberEpoch: generation,
    memberId,
    groupInstanceId,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.p, committedOffset: BigInt(p.offset), committedLeaderEpoch: -1, committedMetadata: p.metadata ?? null })),
    })),
  };
}

function commitCodes(res: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of res.topics) for (const p of t.partitions) out[`${t.name}-${p.partitionIndex}`] = name(p.errorCode);
  return out;
}

/** Everything the group has committed (OffsetFetch v9, all topics), as "topic-p" -> "offset|metadata". */
async function stored(s: Sys, group: string): Promise<Record<string, string> | string> {
  const res = await call(s, group, 9, 9, { groups: [{ groupId: group, memberId: null, memberEpoch: -1, topics: null }], requireStable: false });
  const g = res.groups[0];
  if (g.errorCode !== 0) return name(g.errorCode);
  const out: Record<string, string> = {};
  for (const t of g.topics) for (const p of t.partitions) out[`${t.name}-${p.partitionIndex}`] = `${p.committedOffset}|${p.metadata ?? 'null'}|${name(p.errorCode)}`;
  return out;
}

/** The group as ListGroups (every broker) and DescribeGroups show it. */
async function groupState(s: Sys, group: string, ids?: Ids) {
  const listed: unknown[] = [];
  for (const addr of s.bootstrap.split(',')) {
    const { host, port } = hostPort(addr);
    const c = await RawClient.open(port, host);
    try {
      const r = await c.request(16, 5, { statesFilter: [], typesFilter: [] });
      for (const g of r.groups) if (g.groupId === group) listed.push({ state: g.groupState, type: g.groupType, protocolType: g.protocolType });
    } finally {
      c.close();
    }
  }
  const d = (await call(s, group, 15, 5, { groups: [group], includeAuthorizedOperations: false })).groups[0];
  return {
    listed,
    described: {
      error: name(d.errorCode),
      state: d.groupState,
      protocolType: d.protocolType,
      protocol: d.protocolData,
      members: d.members.map((m: any) => ({ memberId: ids ? ids.id(m.memberId) : '?', groupInstanceId: m.groupInstanceId ?? null })),
    },
  };
}

type Scenario = (s: Sys) => Promise<unknown>;

const SCENARIOS: Record<string, Scenario> = {
  async 'OffsetCommit v9 for an unknown topic and an out-of-range partition, next to a valid one'(s) {
    const g = 'bi-unknown-topic';
    const r = await call(s, g, 8, 9, commit(g, -1, '', [
      { name: 'bi-no-such-topic', partitions: [{ p: 0, offset: 5 }] },
      { name: TOPIC, partitions: [{ p: 7, offset: 5 }, { p: 1, offset: 3, metadata: 'ok' }] },
    ]));
    const v2 = await call(s, g, 8, 2, { ...commit(g, -1, '', [{ name: 'bi-no-such-topic', partitions: [{ p: 0, offset: 9 }] }]), retentionTimeMs: -1n });
    const only = 'bi-unknown-topic-only';
    const r2 = await call(s, only, 8, 9, commit(only, -1, '', [{ name: 'bi-no-such-topic', partitions: [{ p: 0, offset: 5 }] }]));
    return {
      v9: commitCodes(r),
      v2: commitCodes(v2),
      stored: await stored(s, g),
      group: await groupState(s, g),
      onlyUnknown: { codes: commitCodes(r2), stored: await stored(s, only), group: await groupState(s, only) },
    };
  },

  async 'OffsetCommit with metadata over offset.metadata.max.bytes (one partition too large, one exactly at the limit)'(s) {
    const g = 'bi-metadata';
    const r = await call(s, g, 8, 9, commit(g, -1, '', [{ name: TOPIC, partitions: [{ p: 0, offset: 10, metadata: 'x'.repeat(MAX_METADATA + 1) }, { p: 1, offset: 11, metadata: 'y'.repeat(MAX_METADATA) }] }]));
    // Multi-byte characters: the limit is in bytes? (65 bytes in 22 characters)
    const r2 = await call(s, g, 8, 9, commit(g, -1, '', [{ name: TOPIC, partitions: [{ p: 2, offset: 12, metadata: '\u20ac'.repeat(22) }] }]));
    return { codes: commitCodes(r), multiByte: commitCodes(r2), stored: await stored(s, g) };
  },

  async 'empty group id on every group API'(s) {
    const g = '';
    const out: Record<string, unknown> = {};
    out.findCoordinatorV3 = await call(s, g, 10, 3, { key: '', keyType: 0 }).then((r) => name(r.errorCode));
    out.findCoordinatorV4 = await call(s, g, 10, 4, { keyType: 0, coordinatorKeys: [''] }).then((r) => name(r.coordinators[0].errorCode));
    out.joinGroup = await call(s, g, 11, 9, join('', '')).then((r) => name(r.errorCode));
    out.joinGroupV3 = await call(s, g, 11, 3, join('', '')).then((r) => name(r.errorCode));
    out.syncGroup = await call(s, g, 14, 5, { groupId: '', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }).then((r) => name(r.errorCode));
    out.heartbeat = await call(s, g, 12, 4, { groupId: '', generationId: 1, memberId: 'm', groupInstanceId: null }).then((r) => name(r.errorCode));
    out.leaveGroup = await call(s, g, 13, 5, { groupId: '', members: [{ memberId: 'm', groupInstanceId: null, reason: null }] }).then((r) => name(r.errorCode));
    out.offsetCommit = await call(s, g, 8, 9, commit('', -1, '', [{ name: TOPIC, partitions: [{ p: 0, offset: 1 }] }])).then(commitCodes);
    out.offsetFetch = await call(s, g, 9, 9, { groups: [{ groupId: '', memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [0] }] }], requireStable: false }).then((r) => ({
      group: name(r.groups[0].errorCode),
      partitions: r.groups[0].topics.map((t: any) => t.partitions.map((p: any) => `${p.committedOffset}|${name(p.errorCode)}`)),
    }));
    out.describeGroups = await call(s, g, 15, 5, { groups: [''], includeAuthorizedOperations: false }).then((r) => ({ error: name(r.groups[0].errorCode), state: r.groups[0].groupState }));
    out.deleteGroups = await call(s, g, 42, 2, { groupsNames: [''] }).then((r) => name(r.results[0].errorCode));
    out.offsetDelete = await call(s, g, 47, 0, { groupId: '', topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] }).then((r) => name(r.errorCode));
    out.consumerGroupDescribe = await call(s, g, 69, 0, { groupIds: [''], includeAuthorizedOperations: false }).then((r) => name(r.groups[0].errorCode));
    out.consumerGroupHeartbeat = await call(s, g, 68, 0, {
      groupId: '',
      memberId: '',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 10_000,
      subscribedTopicNames: [TOPIC],
      serverAssignor: null,
      topicPartitions: [],
    }).then((r) => name(r.errorCode));
    return out;
  },

  async 'JoinGroup with no protocols, and with an empty protocol type'(s) {
    const g = 'bi-noproto';
    const none = await call(s, g, 11, 9, join(g, '', { protocols: [] }));
    const noneV3 = await call(s, g, 11, 3, join(g, '', { protocols: [] }));
    const noType = await call(s, g, 11, 9, join(g, '', { protocolType: '' }));
    return { v9: name(none.errorCode), v3: name(noneV3.errorCode), emptyType: name(noType.errorCode), group: await groupState(s, g), stored: await stored(s, g) };
  },

  async 'JoinGroup with a session timeout below group.min.session.timeout.ms and above group.max.session.timeout.ms'(s) {
    const g = 'bi-session';
    const low = await call(s, g, 11, 9, join(g, '', { sessionTimeoutMs: 100 }));
    const high = await call(s, g, 11, 9, join(g, '', { sessionTimeoutMs: 1_800_001 }));
    return { low: name(low.errorCode), high: name(high.errorCode), group: await groupState(s, g) };
  },

  async 'wrong generation and unknown members on Heartbeat, SyncGroup, OffsetCommit, LeaveGroup'(s) {
    const g = 'bi-generation';
    const ids = new Ids();
    const m = await joinAndSync(s, g);
    ids.id(m.memberId);
    const gen = m.generationId;
    const hb = (generationId: number, memberId: string) => call(s, g, 12, 4, { groupId: g, generationId, memberId, groupInstanceId: null }).then((r) => name(r.errorCode));
    const out: Record<string, unknown> = { join: m.codes };
    out.heartbeatOk = await hb(gen, m.memberId);
    out.heartbeatNextGeneration = await hb(gen + 1, m.memberId);
    out.heartbeatOldGeneration = await hb(gen - 1, m.memberId);
    out.heartbeatUnknownMember = await hb(gen, 'nobody');
    out.heartbeatUnknownGroup = await call(s, 'bi-no-such-group', 12, 4, { groupId: 'bi-no-such-group', generationId: 1, memberId: 'nobody', groupInstanceId: null }).then((r) => name(r.errorCode));
    out.heartbeatV0 = await call(s, g, 12, 0, { groupId: g, generationId: gen + 5, memberId: m.memberId }).then((r) => name(r.errorCode));
    out.syncWrongGeneration = await call(s, g, 14, 5, { groupId: g, generationId: gen + 1, memberId: m.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }).then((r) => name(r.errorCode));
    out.syncUnknownMember = await call(s, g, 14, 5, { groupId: g, generationId: gen, memberId: 'nobody', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }).then((r) => name(r.errorCode));
    out.syncWrongProtocol = await call(s, g, 14, 5, { groupId: g, generationId: gen, memberId: m.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'roundrobin', assignments: [] }).then((r) => name(r.errorCode));
    out.commitWrongGeneration = commitCodes(await call(s, g, 8, 9, commit(g, gen + 1, m.memberId, [{ name: TOPIC, partitions: [{ p: 0, offset: 1 }] }])));
    out.commitUnknownMember = commitCodes(await call(s, g, 8, 9, commit(g, gen, 'nobody', [{ name: TOPIC, partitions: [{ p: 0, offset: 2 }] }])));
    out.commitOutsideGroup = commitCodes(await call(s, g, 8, 9, commit(g, -1, '', [{ name: TOPIC, partitions: [{ p: 0, offset: 3 }] }])));
    const noGroup = 'bi-no-such-group2';
    out.commitNoGroupWithGeneration = commitCodes(await call(s, noGroup, 8, 9, commit(noGroup, 3, 'someone', [{ name: TOPIC, partitions: [{ p: 0, offset: 3 }] }, { name: 'bi-no-such-topic', partitions: [{ p: 0, offset: 3 }] }])));
    out.commitNoGroupWithGenerationV8 = commitCodes(await call(s, noGroup, 8, 8, commit(noGroup, 3, 'someone', [{ name: TOPIC, partitions: [{ p: 0, offset: 3 }] }])));
    out.storedNoGroup = await stored(s, noGroup);
    out.noGroupAfter = await groupState(s, noGroup);
    // Generation -1 with a member id, to a group that does not exist: Kafka creates the group and accepts it.
    const simple = 'bi-simple-with-member';
    out.commitNoGroupWithMemberId = commitCodes(await call(s, simple, 8, 9, commit(simple, -1, 'someone', [{ name: TOPIC, partitions: [{ p: 2, offset: 8 }] }])));
    out.storedSimple = await stored(s, simple);
    out.storedBeforeGoodCommit = await stored(s, g);
    out.commitOk = commitCodes(await call(s, g, 8, 9, commit(g, gen, m.memberId, [{ name: TOPIC, partitions: [{ p: 0, offset: 4 }] }])));
    out.stored = await stored(s, g);
    out.leave = await call(s, g, 13, 5, { groupId: g, members: [{ memberId: 'nobody', groupInstanceId: null, reason: null }, { memberId: m.memberId, groupInstanceId: null, reason: null }] }).then((r) => ({
      error: name(r.errorCode),
      members: r.members.map((x: any) => `${ids.id(x.memberId)}:${name(x.errorCode)}`),
    }));
    out.leaveAgainV0 = await call(s, g, 13, 0, { groupId: g, memberId: m.memberId }).then((r) => name(r.errorCode));
    out.after = await groupState(s, g, ids);
    return out;
  },

  async 'static membership: a second incarnation of an instance id fences the first'(s) {
    const g = 'bi-static';
    const ids = new Ids();
    const first = await joinAndSync(s, g, 'instance-1');
    ids.id(first.memberId);
    const gen = first.generationId;
    const out: Record<string, unknown> = { firstJoin: first.codes };
    const again = await call(s, g, 11, 9, join(g, '', { groupInstanceId: 'instance-1' }));
    out.secondJoin = {
      error: name(again.errorCode),
      sameGeneration: again.generationId === gen,
      newMember: again.memberId !== first.memberId,
      leaderIsNew: again.leader === again.memberId,
      skipAssignment: again.skipAssignment,
      members: again.members.length,
    };
    ids.id(again.memberId);
    out.oldHeartbeat = await call(s, g, 12, 4, { groupId: g, generationId: gen, memberId: first.memberId, groupInstanceId: 'instance-1' }).then((r) => name(r.errorCode));
    out.newHeartbeat = await call(s, g, 12, 4, { groupId: g, generationId: again.generationId, memberId: again.memberId, groupInstanceId: 'instance-1' }).then((r) => name(r.errorCode));
    out.oldCommit = commitCodes(await call(s, g, 8, 9, commit(g, gen, first.memberId, [{ name: TOPIC, partitions: [{ p: 0, offset: 7 }] }], 'instance-1')));
    out.oldSync = await call(s, g, 14, 5, { groupId: g, generationId: gen, memberId: first.memberId, groupInstanceId: 'instance-1', protocolType: 'consumer', protocolName: 'range', assignments: [] }).then((r) => name(r.errorCode));
    out.oldRejoin = await call(s, g, 11, 9, join(g, first.memberId, { groupInstanceId: 'instance-1' })).then((r) => name(r.errorCode));
    out.oldLeave = await call(s, g, 13, 5, { groupId: g, members: [{ memberId: first.memberId, groupInstanceId: 'instance-1', reason: null }] }).then((r) => ({
      error: name(r.errorCode),
      members: r.members.map((x: any) => `${ids.id(x.memberId)}/${x.groupInstanceId}:${name(x.errorCode)}`),
    }));
    out.unknownInstanceLeave = await call(s, g, 13, 5, { groupId: g, members: [{ memberId: '', groupInstanceId: 'instance-9', reason: null }] }).then((r) => ({
      error: name(r.errorCode),
      members: r.members.map((x: any) => `${x.groupInstanceId}:${name(x.errorCode)}`),
    }));
    out.stored = await stored(s, g);
    out.group = await groupState(s, g, ids);
    return out;
  },

  async 'DeleteGroups of a non-empty group, OffsetDelete of a subscribed topic, ConsumerGroupDescribe of a classic group'(s) {
    const g = 'bi-nonempty';
    const ids = new Ids();
    const m = await joinAndSync(s, g);
    ids.id(m.memberId);
    const out: Record<string, unknown> = {};
    out.commit = commitCodes(await call(s, g, 8, 9, commit(g, m.generationId, m.memberId, [{ name: TOPIC, partitions: [{ p: 0, offset: 5 }, { p: 1, offset: 6 }] }])));
    out.deleteGroups = (await call(s, g, 42, 2, { groupsNames: [g] })).results.map((r: any) => `${r.groupId}:${name(r.errorCode)}`);
    out.deleteUnknown = (await call(s, 'bi-never-existed', 42, 2, { groupsNames: ['bi-never-existed'] })).results.map((r: any) => `${r.groupId}:${name(r.errorCode)}`);
    const od = await call(s, g, 47, 0, { groupId: g, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }, { name: 'bi-no-such-topic', partitions: [{ partitionIndex: 0 }] }] });
    out.offsetDelete = { error: name(od.errorCode), partitions: od.topics.flatMap((t: any) => t.partitions.map((p: any) => `${t.name}-${p.partitionIndex}:${name(p.errorCode)}`)).sort() };
    const odUnknown = await call(s, 'bi-never-existed', 47, 0, { groupId: 'bi-never-existed', topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0 }] }] });
    out.offsetDeleteUnknownGroup = name(odUnknown.errorCode);
    const cgd = await call(s, g, 69, 0, { groupIds: [g], includeAuthorizedOperations: false });
    out.consumerGroupDescribe = { error: name(cgd.groups[0].errorCode) };
    const cgdUnknown = await call(s, 'bi-never-existed', 69, 0, { groupIds: ['bi-never-existed'], includeAuthorizedOperations: false });
    out.consumerGroupDescribeUnknown = { error: name(cgdUnknown.groups[0].errorCode) };
    // Messages are compared apart (printed), the codes above are asserted.
    out.messages = { classic: cgd.groups[0].errorMessage, unknown: cgdUnknown.groups[0].errorMessage };
    out.stored = await stored(s, g);
    out.group = await groupState(s, g, ids);
    return out;
  },

  async 'a ConsumerGroupHeartbeat into a classic group that has members (Kafka 4.4 converts it online: group.consumer.migration.policy)'(s) {
    const g = 'bi-migrate';
    const ids = new Ids();
    const m = await joinAndSync(s, g);
    ids.id(m.memberId);
    const hb = await call(s, g, 68, 0, { groupId: g, memberId: '', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000, subscribedTopicNames: [TOPIC], serverAssignor: null, topicPartitions: [] });
    return { heartbeat: name(hb.errorCode), group: await groupState(s, g, ids) };
  },

  async 'KIP-848 group: bad heartbeats, stale and fenced epochs on OffsetCommit/OffsetFetch, classic APIs against it'(s) {
    const g = 'bi-kip848';
    const ids = new Ids();
    const out: Record<string, unknown> = {};
    const hb = (body: Record<string, unknown>, version = 0) =>
      call(s, g, 68, version, { groupId: g, memberId: '', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000, subscribedTopicNames: [TOPIC], serverAssignor: null, topicPartitions: [], ...body });
    // Refused first heartbeats, each on a group of its own: nothing may be left behind.
    const refused = async (group: string, body: Record<string, unknown>) => {
      const r = await call(s, group, 68, 1, { groupId: group, memberId: 'bi-refused-member-01', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000, subscribedTopicNames: [TOPIC], serverAssignor: null, topicPartitions: [], ...body });
      return { error: name(r.errorCode), group: (await groupState(s, group)).listed };
    };
    out.v1EmptyMemberId = await refused('bi-kip848-r1', { memberId: '' });
    out.nullSubscription = await refused('bi-kip848-r2', { subscribedTopicNames: null });
    out.badEpoch = await refused('bi-kip848-r3', { memberEpoch: -5 });
    out.nullOwnedOnJoin = await refused('bi-kip848-r4', { topicPartitions: null });
    out.unknownAssignor = await refused('bi-kip848-r5', { serverAssignor: 'sticky-nope' });
    out.unknownMemberEpoch5 = await refused('bi-kip848-r6', { memberEpoch: 5 });
    out.noRebalanceTimeout = await refused('bi-kip848-r7', { rebalanceTimeoutMs: -1 });
    // An empty (not null) subscription is a valid first heartbeat.
    out.emptySubscription = await refused('bi-kip848-r8', { subscribedTopicNames: [] });
    // A real member joins (v1: the client chooses its member id).
    const memberId = 'bi-member-0000000001';
    const joined = await hb({ memberId }, 1);
    // Epoch values are the coordinator's own business (Kafka 4.4 answers 2 here): only compared as > 0.
    out.join = { error: name(joined.errorCode), epochPositive: joined.memberEpoch > 0, interval: joined.heartbeatIntervalMs, assigned: joined.assignment?.topicPartitions?.map((tp: any) => [...tp.partitions].sort()) ?? null };
    const epoch = joined.memberEpoch;
    out.wrongEpochHeartbeat = await hb({ memberId, memberEpoch: epoch + 3, topicPartitions: null }, 1).then((r) => name(r.errorCode));
    out.commitStale = commitCodes(await call(s, g, 8, 9, commit(g, epoch - 1, memberId, [{ name: TOPIC, partitions: [{ p: 0, offset: 1 }] }])));
    out.commitFenced = commitCodes(await call(s, g, 8, 9, commit(g, epoch + 1, memberId, [{ name: TOPIC, partitions: [{ p: 0, offset: 1 }] }])));
    out.commitUnknownMember = commitCodes(await call(s, g, 8, 9, commit(g, epoch, 'nobody', [{ name: TOPIC, partitions: [{ p: 0, offset: 1 }] }])));
    out.commitAdmin = commitCodes(await call(s, g, 8, 9, commit(g, -1, '', [{ name: TOPIC, partitions: [{ p: 0, offset: 1 }] }])));
    out.commitV8 = commitCodes(await call(s, g, 8, 8, commit(g, epoch, memberId, [{ name: TOPIC, partitions: [{ p: 0, offset: 1 }] }])));
    out.commitOk = commitCodes(await call(s, g, 8, 9, commit(g, epoch, memberId, [{ name: TOPIC, partitions: [{ p: 0, offset: 2 }] }])));
    const fetch = (mid: string | null, e: number) =>
      call(s, g, 9, 9, { groups: [{ groupId: g, memberId: mid, memberEpoch: e, topics: [{ name: TOPIC, partitionIndexes: [0] }] }], requireStable: false }).then((r) => ({
        group: name(r.groups[0].errorCode),
        partitions: r.groups[0].topics.map((t: any) => t.partitions.map((p: any) => `${p.committedOffset}|${name(p.errorCode)}`)),
      }));
    out.fetchStale = await fetch(memberId, epoch - 1);
    out.fetchUnknown = await fetch('nobody', epoch);
    out.fetchOk = await fetch(memberId, epoch);
    out.classicJoin = await call(s, g, 11, 9, join(g, '')).then((r) => name(r.errorCode));
    out.classicHeartbeat = await call(s, g, 12, 4, { groupId: g, generationId: epoch, memberId, groupInstanceId: null }).then((r) => name(r.errorCode));
    out.deleteGroups = (await call(s, g, 42, 2, { groupsNames: [g] })).results.map((r: any) => name(r.errorCode));
    const d = (await call(s, g, 69, 0, { groupIds: [g], includeAuthorizedOperations: false })).groups[0];
    out.consumerGroupDescribe = { error: name(d.errorCode), state: d.groupState, members: d.members.map((m: any) => ({ id: ids.id(m.memberId), epoch: m.memberEpoch === epoch, assigned: m.assignment.topicPartitions.map((tp: any) => [tp.topicName, [...tp.partitions].sort()]) })) };
    const listed = await groupState(s, g, ids);
    out.listed = listed.listed;
    const leave = await hb({ memberId, memberEpoch: -1, topicPartitions: null, subscribedTopicNames: null, rebalanceTimeoutMs: -1 }, 1);
    out.leave = { error: name(leave.errorCode), epoch: leave.memberEpoch };
    out.afterLeave = (await groupState(s, g, ids)).listed;
    out.stored = await stored(s, g);
    return out;
  },
};

/** Every group the scenarios use, so that both brokers' offsets partitions are loaded before the first one runs. */
const GROUPS = ['bi-unknown-topic', 'bi-unknown-topic-only', 'bi-metadata', 'bi-noproto', 'bi-session', 'bi-generation', 'bi-no-such-group', 'bi-no-such-group2',
  'bi-simple-with-member', 'bi-static', 'bi-nonempty', 'bi-never-existed', 'bi-migrate', 'bi-kip848', ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `bi-kip848-r${i}`)];

/** Waits until OffsetFetch for each group answers NONE (the coordinator has loaded the group's partition). */
async function warmUp(s: Sys): Promise<void> {
  for (const g of GROUPS) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await call(s, g, 9, 9, { groups: [{ groupId: g, memberId: null, memberEpoch: -1, topics: null }], requireStable: false });
      if (res.groups[0].errorCode === 0) break;
      if (Date.now() > deadline) throw new Error(`${s.name}: coordinator for ${g} not ready: ${name(res.groups[0].errorCode)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}

/**
 * Differences kept on purpose, each with its reason (listed in the README's known limits). Kafka 4.4 migrates a
 * group online between the classic and the KIP-848 protocol (group.consumer.migration.policy=bidirectional);
 * Eddy converts only empty groups, so mixed groups are refused instead.
 */
const KNOWN_GAPS: Record<string, { why: string; keys: string[]; eddy: Record<string, unknown> }> = {
  'a ConsumerGroupHeartbeat into a classic group that has members (Kafka 4.4 converts it online: group.consumer.migration.policy)': {
    why: 'no online migration of a non-empty classic group to the consumer protocol',
    keys: ['heartbeat', 'group'],
    eddy: {
      heartbeat: 'GROUP_ID_NOT_FOUND',
      group: expect.objectContaining({ listed: [expect.objectContaining({ type: 'classic', state: 'Stable' })] }),
    },
  },
  'KIP-848 group: bad heartbeats, stale and fenced epochs on OffsetCommit/OffsetFetch, classic APIs against it': {
    why: 'no classic members joining a KIP-848 group (mixed groups)',
    keys: ['classicJoin'],
    eddy: { classicJoin: 'INCONSISTENT_GROUP_PROTOCOL' },
  },
};

describe.skipIf(!kafka.available)('consumer-group bad input: Eddy vs Apache Kafka 4.4, same raw requests', () => {
  let cluster: RunningCluster;
  let ref: ReferenceKafka;
  let eddy: Sys;
  let kafkaSys: Sys;

  beforeAll(async () => {
    [cluster, ref] = await Promise.all([
      startCluster({ brokers: 3, port: 0, config: { ...FAST_GROUPS, 'offset.metadata.max.bytes': MAX_METADATA } }),
      startReferenceKafka({ nodes: 1, props: { ...FAST_GROUPS_KAFKA_PROPS, 'offset.metadata.max.bytes': String(MAX_METADATA) } }),
    ]);
    eddy = { name: 'eddy', bootstrap: cluster.bootstrapServers };
    kafkaSys = { name: 'kafka', bootstrap: ref.bootstrapServers };
    await Promise.all([createTopic(eddy.bootstrap, TOPIC, 3), createTopic(kafkaSys.bootstrap, TOPIC, 3)]);
    await Promise.all([warmUp(eddy), warmUp(kafkaSys)]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([cluster?.stop(), ref?.stop()]);
  });

  for (const [title, scenario] of Object.entries(SCENARIOS)) {
    it(title, async () => {
      const { messages: km, ...k } = (await scenario(kafkaSys)) as Record<string, unknown>;
      const { messages: em, ...e } = (await scenario(eddy)) as Record<string, unknown>;
      const gap = KNOWN_GAPS[title];
      if (gap) {
        // A documented difference: Eddy's own answer is pinned, Kafka's printed beside it.
        console.log(`KNOWN GAP (${gap.why})\n  kafka: ${JSON.stringify(pick(k, gap.keys))}\n  eddy:  ${JSON.stringify(pick(e, gap.keys))}`);
        expect(pick(e, gap.keys)).toEqual(gap.eddy);
        for (const key of gap.keys) {
          delete k[key];
          delete e[key];
        }
      }
      console.log(`${title}\n  kafka: ${JSON.stringify(k)}\n  eddy:  ${JSON.stringify(e)}`);
      // Error messages are informational: printed when they differ, not asserted.
      if (JSON.stringify(km) !== JSON.stringify(em)) console.log(`  messages differ: kafka ${JSON.stringify(km)} eddy ${JSON.stringify(em)}`);
      expect(e).toEqual(k);
    });
  }
});

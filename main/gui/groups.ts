// Consumer groups: the list with lag, one group's members, assignments and offsets, offset resets (previewed, then
// applied only to an Empty or Dead group, as kafka-consumer-groups --reset-offsets requires), and deletes.
import type { GroupDetail, GroupMember, GroupOffset, GroupSummary, OffsetResetInput, OffsetResetPreview, TopicConsumer } from '../contract/ui-api.js';
import type { Connection } from './connection.js';
import { badRequest, kafkaError, toUiError, uiError } from './errors.js';
import { LATEST, listOffsets, offsetRange, pkey, type PartitionKey, type TopicPartitions } from './offsets.js';

/** Kafka's state names (the library upper-cases them). */
const STATES: Record<string, string> = {
  STABLE: 'Stable',
  EMPTY: 'Empty',
  DEAD: 'Dead',
  PREPARINGREBALANCE: 'PreparingRebalance',
  COMPLETINGREBALANCE: 'CompletingRebalance',
  ASSIGNING: 'Assigning',
  RECONCILING: 'Reconciling',
  NOTREADY: 'NotReady',
};
export const stateName = (s: string): string => STATES[s.toUpperCase().replace(/_/g, '')] ?? s;

interface RawDescribeGroups {
  groups: {
    errorCode: number;
    groupId: string;
    groupState: string;
    protocolType: string;
    protocolData: string;
    members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer }[];
  }[];
}

/** ConsumerProtocol Assignment (v0-3): version, [topic, [partition]], user data. Anything else: no assignment. */
export function parseAssignment(buf: Buffer | null | undefined): { topic: string; partitions: number[] }[] {
  if (!buf || buf.length < 6) return [];
  try {
    let o = 2;
    const n = buf.readInt32BE(o);
    o += 4;
    const out: { topic: string; partitions: number[] }[] = [];
    for (let i = 0; i < n; i++) {
      const len = buf.readInt16BE(o);
      o += 2;
      const topic = buf.toString('utf8', o, o + len);
      o += len;
      const count = buf.readInt32BE(o);
      o += 4;
      const partitions: number[] = [];
      for (let j = 0; j < count; j++, o += 4) partitions.push(buf.readInt32BE(o));
      out.push({ topic, partitions: partitions.sort((a, b) => a - b) });
    }
    return out;
  } catch {
    return [];
  }
}

interface RawConsumerGroupDescribe {
  groups: {
    errorCode: number;
    groupId: string;
    groupState: string;
    assignorName: string;
    members: { memberId: string; instanceId: string | null; clientId: string; clientHost: string; assignment: { topicPartitions: { topicName: string; partitions: number[] }[] } }[];
  }[];
}

interface Described {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  coordinator: number | null;
  members: GroupMember[];
}

async function describe(c: Connection, ids: string[]): Promise<Map<string, Described>> {
  const out = new Map<string, Described>();
  if (ids.length === 0) return out;
  let coordinators;
  try {
    coordinators = await c.client.admin.findCoordinator({ keyType: 0, keys: ids });
  } catch (e) {
    throw toUiError(e, 'could not find the groups’ coordinators');
  }
  const byBroker = new Map<number, { host: string; port: number; ids: string[] }>();
  for (const co of coordinators) {
    if (co.nodeId < 0) continue;
    const entry = byBroker.get(co.nodeId) ?? { host: co.host, port: co.port, ids: [] };
    entry.ids.push(co.key);
    byBroker.set(co.nodeId, entry);
  }
  await Promise.all(
    [...byBroker].map(async ([nodeId, b]) => {
      let r: RawDescribeGroups;
      try {
        r = await c.client.requestLenient<[string[], boolean], RawDescribeGroups>('DescribeGroups', await c.client.broker(b), b.ids, false);
      } catch (e) {
        throw toUiError(e, 'could not describe the groups');
      }
      const notClassic: string[] = [];
      for (const g of r.groups) {
        if (g.errorCode !== 0) {
          notClassic.push(g.groupId);
          continue;
        }
        out.set(g.groupId, {
          groupId: g.groupId,
          state: stateName(g.groupState),
          protocolType: g.protocolType,
          protocol: g.protocolData,
          coordinator: nodeId,
          members: g.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, assignments: parseAssignment(m.memberAssignment) })),
        });
      }
      // KIP-848 groups (group.protocol=consumer) are described by ConsumerGroupDescribe; DescribeGroups refuses them.
      if (notClassic.length) for (const d of await describeConsumerGroups(c, b, nodeId, notClassic)) out.set(d.groupId, d);
    }),
  );
  return out;
}

async function describeConsumerGroups(c: Connection, broker: { host: string; port: number }, nodeId: number, ids: string[]): Promise<Described[]> {
  let r: RawConsumerGroupDescribe;
  try {
    r = await c.client.requestLenient<[string[], boolean], RawConsumerGroupDescribe>('ConsumerGroupDescribe', await c.client.broker(broker), ids, false);
  } catch {
    return []; // a cluster without KIP-848: the list's summary is all there is
  }
  return r.groups
    .filter((g) => g.errorCode === 0)
    .map((g) => ({
      groupId: g.groupId,
      state: stateName(g.groupState),
      protocolType: 'consumer',
      protocol: g.assignorName,
      coordinator: nodeId,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignments: m.assignment.topicPartitions.map((t) => ({ topic: t.topicName, partitions: [...t.partitions].sort((a, b) => a - b) })),
      })),
    }));
}

/** group → partition → committed offset (and metadata). */
async function committedOffsets(c: Connection, ids: string[]): Promise<Map<string, Map<PartitionKey, { topic: string; partition: number; offset: number; metadata: string | null }>>> {
  const out = new Map<string, Map<PartitionKey, { topic: string; partition: number; offset: number; metadata: string | null }>>();
  if (ids.length === 0) return out;
  let r;
  try {
    r = await c.client.admin.listConsumerGroupOffsets({ groups: ids });
  } catch (e) {
    throw toUiError(e, 'could not read the groups’ committed offsets');
  }
  for (const g of r) {
    const m = new Map<PartitionKey, { topic: string; partition: number; offset: number; metadata: string | null }>();
    for (const t of g.topics) {
      for (const p of t.partitions) {
        if (p.committedOffset < 0n) continue;
        m.set(pkey(t.name, p.partitionIndex), { topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), metadata: p.metadata ?? null });
      }
    }
    out.set(g.groupId, m);
  }
  return out;
}

function asSpec(keys: Iterable<{ topic: string; partition: number }>): TopicPartitions[] {
  const by = new Map<string, Set<number>>();
  for (const k of keys) by.set(k.topic, (by.get(k.topic) ?? new Set()).add(k.partition));
  return [...by].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) }));
}

/** High watermarks of partitions that still exist (a deleted topic's committed offsets are skipped). */
async function endOffsets(c: Connection, keys: Iterable<{ topic: string; partition: number }>): Promise<Map<PartitionKey, number>> {
  const md = await c.metadata();
  const live = new Set(md.topics.flatMap((t) => t.partitions.filter((p) => p.leader >= 0).map((p) => pkey(t.name, p.partition))));
  return listOffsets(c.client, asSpec([...keys].filter((k) => live.has(pkey(k.topic, k.partition)))), LATEST);
}

/** Every group, classic and KIP-848 alike (the library lists only classic ones unless told: an empty filter is all). */
function listAllGroups(c: Connection) {
  return c.client.admin.listGroups({ types: [] });
}

export interface GroupsSnapshot {
  summaries: GroupSummary[];
  /** group → its committed offsets with end offsets (for the lag history and topic consumers). */
  offsets: Map<string, { topic: string; partition: number; committed: number; end: number; lag: number }[]>;
}

export async function groupsSnapshot(c: Connection): Promise<GroupsSnapshot> {
  let listed;
  try {
    listed = await listAllGroups(c);
  } catch (e) {
    throw toUiError(e, 'could not list the consumer groups');
  }
  const ids = [...listed.keys()].sort();
  const [described, committed] = await Promise.all([describe(c, ids), committedOffsets(c, ids).catch(() => null)]);
  const allKeys = committed ? [...committed.values()].flatMap((m) => [...m.values()]) : [];
  const ends = allKeys.length ? await endOffsets(c, allKeys) : new Map<PartitionKey, number>();
  const offsets = new Map<string, { topic: string; partition: number; committed: number; end: number; lag: number }[]>();
  const summaries = ids.map((id): GroupSummary => {
    const base = listed.get(id)!;
    const d = described.get(id);
    const rows = [...(committed?.get(id)?.values() ?? [])]
      .filter((o) => ends.has(pkey(o.topic, o.partition)))
      .map((o) => {
        const end = ends.get(pkey(o.topic, o.partition))!;
        return { topic: o.topic, partition: o.partition, committed: o.offset, end, lag: Math.max(0, end - o.offset) };
      });
    offsets.set(id, rows);
    return {
      groupId: id,
      state: d?.state ?? stateName(base.state),
      type: base.groupType || null,
      protocolType: d?.protocolType ?? base.protocolType,
      protocol: d?.protocol ?? '',
      memberCount: d?.members.length ?? 0,
      coordinator: d?.coordinator ?? null,
      totalLag: committed ? rows.reduce((s, r) => s + r.lag, 0) : null,
    };
  });
  return { summaries, offsets };
}

export async function groupDetail(c: Connection, groupId: string, lagHistory: { t: number; lag: number }[]): Promise<GroupDetail> {
  if (typeof groupId !== 'string') throw badRequest('groupId must be a string');
  let listed;
  try {
    listed = await listAllGroups(c);
  } catch (e) {
    throw toUiError(e, 'could not list the consumer groups');
  }
  const base = listed.get(groupId);
  const d = (await describe(c, [groupId])).get(groupId);
  if (!base && (!d || d.state === 'Dead')) throw kafkaError('GROUP_ID_NOT_FOUND', `group ${groupId} does not exist`, `group ${groupId}`);
  const committed = (await committedOffsets(c, [groupId])).get(groupId) ?? new Map();
  const assignedTo = new Map<PartitionKey, string>();
  for (const m of d?.members ?? []) for (const a of m.assignments) for (const p of a.partitions) assignedTo.set(pkey(a.topic, p), m.memberId);
  const keys = new Map<PartitionKey, { topic: string; partition: number }>();
  for (const o of committed.values()) keys.set(pkey(o.topic, o.partition), o);
  for (const k of assignedTo.keys()) {
    const at = k.lastIndexOf('/');
    keys.set(k, { topic: k.slice(0, at), partition: Number(k.slice(at + 1)) });
  }
  const ends = await endOffsets(c, keys.values());
  const offsets: GroupOffset[] = [...keys]
    .map(([k, { topic, partition }]) => {
      const co = committed.get(k);
      const end = ends.get(k) ?? 0;
      const committedOffset = co?.offset ?? -1;
      return { topic, partition, committedOffset, endOffset: end, lag: committedOffset < 0 ? 0 : Math.max(0, end - committedOffset), metadata: co?.metadata ?? null, memberId: assignedTo.get(k) ?? null };
    })
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return {
    groupId,
    state: d?.state ?? stateName(base!.state),
    type: base?.groupType || null,
    protocolType: d?.protocolType ?? base?.protocolType ?? '',
    protocol: d?.protocol ?? '',
    memberCount: d?.members.length ?? 0,
    coordinator: d?.coordinator ?? null,
    totalLag: offsets.reduce((s, o) => s + o.lag, 0),
    members: d?.members ?? [],
    offsets,
    lagHistory,
  };
}

export async function previewOffsetReset(c: Connection, input: OffsetResetInput): Promise<OffsetResetPreview> {
  if (!input || typeof input.groupId !== 'string' || !input.target) throw badRequest('offset reset: groupId and target are required');
  const { groupId, target } = input;
  const d = (await describe(c, [groupId])).get(groupId);
  const state = d?.state ?? 'Dead';
  const committed = (await committedOffsets(c, [groupId])).get(groupId) ?? new Map();
  const md = await c.metadata();
  // Which partitions: the ones named, else every partition the group has committed.
  let keys: { topic: string; partition: number }[];
  if (input.topics?.length) {
    keys = [];
    for (const t of input.topics) {
      const mt = md.topics.find((x) => x.name === t.topic);
      if (!mt) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${t.topic} does not exist`, `topic ${t.topic}`);
      for (const p of t.partitions ?? mt.partitions.map((x) => x.partition)) {
        if (!mt.partitions.some((x) => x.partition === p)) throw badRequest(`topic ${t.topic} has no partition ${p}`);
        keys.push({ topic: t.topic, partition: p });
      }
    }
  } else keys = [...committed.values()].map((o) => ({ topic: o.topic, partition: o.partition }));
  const spec = asSpec(keys);
  const range = await offsetRange(c.client, spec);
  let byTime: Map<PartitionKey, number> | null = null;
  if (target.kind === 'timestamp') {
    if (!Number.isFinite(target.timestamp)) throw badRequest('target.timestamp must be a number (ms since the epoch)');
    byTime = await listOffsets(c.client, spec, BigInt(Math.trunc(target.timestamp)));
  }
  const changes = keys.map(({ topic, partition }) => {
    const k = pkey(topic, partition);
    const start = range.start.get(k) ?? 0;
    const end = range.end.get(k) ?? 0;
    const current = committed.get(k)?.offset ?? -1;
    let next: number;
    switch (target.kind) {
      case 'earliest':
        next = start;
        break;
      case 'latest':
        next = end;
        break;
      case 'timestamp': {
        const at = byTime!.get(k) ?? -1;
        next = at < 0 ? end : at; // no record at or after the time: the end, as Kafka's tool does
        break;
      }
      case 'offset':
        if (!Number.isInteger(target.offset)) throw badRequest('target.offset must be a whole number');
        next = target.offset;
        break;
      case 'shift':
        if (!Number.isInteger(target.by)) throw badRequest('target.by must be a whole number');
        next = (current < 0 ? start : current) + target.by;
        break;
      default:
        throw badRequest(`unknown reset target ${(target as { kind: string }).kind}`);
    }
    // Clamped to the log, as kafka-consumer-groups does.
    next = Math.min(Math.max(next, start), end);
    return { topic, partition, currentOffset: current, newOffset: next, logStartOffset: start, endOffset: end };
  });
  const allowed = state === 'Empty' || state === 'Dead';
  return {
    groupId,
    state,
    allowed,
    reason: allowed ? null : `the group is ${state} with ${d?.members.length ?? 0} member(s): offsets can only be reset while it is Empty`,
    changes,
  };
}

export async function resetOffsets(c: Connection, input: OffsetResetInput): Promise<OffsetResetPreview> {
  const preview = await previewOffsetReset(c, input);
  if (!preview.allowed) {
    throw uiError('NON_EMPTY_GROUP', `cannot reset the offsets of group ${input.groupId}: it is ${preview.state}`, 'stop the group’s consumers first (the group must be Empty)');
  }
  if (preview.changes.length === 0) return preview;
  const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
  for (const ch of preview.changes) byTopic.set(ch.topic, [...(byTopic.get(ch.topic) ?? []), { partition: ch.partition, offset: BigInt(ch.newOffset) }]);
  try {
    await c.client.admin.alterConsumerGroupOffsets({ groupId: input.groupId, topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) });
  } catch (e) {
    throw toUiError(e, `could not reset the offsets of group ${input.groupId}`);
  }
  return { ...preview, changes: preview.changes.map((ch) => ({ ...ch, currentOffset: ch.newOffset })) };
}

export async function deleteGroup(c: Connection, groupId: string): Promise<void> {
  try {
    await c.client.admin.deleteGroups({ groups: [groupId] });
  } catch (e) {
    throw toUiError(e, `could not delete group ${groupId}`);
  }
}

export async function deleteGroupOffsets(c: Connection, groupId: string, topic: string, partitions?: number[]): Promise<void> {
  let ps = partitions;
  if (!ps) {
    const committed = (await committedOffsets(c, [groupId])).get(groupId) ?? new Map();
    ps = [...committed.values()].filter((o) => o.topic === topic).map((o) => o.partition);
    if (ps.length === 0) throw kafkaError('GROUP_ID_NOT_FOUND', `group ${groupId} has no committed offsets on ${topic}`, `group ${groupId}`);
  }
  try {
    await c.client.admin.deleteConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionIndexes: ps }] });
  } catch (e) {
    throw toUiError(e, `could not delete the offsets of group ${groupId} on ${topic}`);
  }
}

export function topicConsumersFrom(snapshot: GroupsSnapshot, topic: string): TopicConsumer[] {
  const out: TopicConsumer[] = [];
  for (const s of snapshot.summaries) {
    const rows = (snapshot.offsets.get(s.groupId) ?? []).filter((r) => r.topic === topic);
    if (rows.length === 0) continue;
    out.push({
      groupId: s.groupId,
      state: s.state,
      lag: rows.reduce((a, r) => a + r.lag, 0),
      partitions: rows.map((r) => ({ partition: r.partition, committedOffset: r.committed, endOffset: r.end, lag: r.lag })).sort((a, b) => a.partition - b.partition),
    });
  }
  return out;
}



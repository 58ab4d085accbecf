// A KIP-848 consumer group (ConsumerGroupHeartbeat). The coordinator owns the assignment: a bump of the group
// epoch recomputes the target assignment with a server-side assignor, and each member is reconciled toward
// its target one heartbeat at a time — partitions it must give up first (revocation), partitions another
// member still holds only once released. Every change is written as Kafka's consumer-group records.
import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../../../protocol/errors.js';
import type { BrokerSettings } from '../../../rpc/broker-rpc.js';
import { assign, SERVER_ASSIGNORS, type Assignment, type AssignorName, type AssignorTopic } from './assignors.js';
import type { GroupRecord, TopicPartitions } from './records.js';

/** Member states as stored in ConsumerGroupCurrentMemberAssignmentValue.State. */
export const MemberState = { STABLE: 1, UNREVOKED_PARTITIONS: 2, UNRELEASED_PARTITIONS: 3 } as const;
type MemberStateValue = (typeof MemberState)[keyof typeof MemberState];

const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;

export interface ConsumerGroupHost {
  writeRecords(groupId: string, records: GroupRecord[]): Promise<void>;
  reschedule(group: ConsumerGroup): void;
  topicPartitionCount(topic: string): { topicId: string; partitions: number } | null;
  topicNameOf(topicId: string): string | null;
  allTopicNames(): string[];
  readonly settings: BrokerSettings;
}

export interface ConsumerHeartbeatRequest {
  version: number;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: TopicPartitions | null;
  clientId: string;
  clientHost: string;
}

export interface ConsumerHeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: TopicPartitions | null;
}

export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  rebalanceTimeoutMs: number;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberStateValue;
  assigned: Assignment;
  pendingRevocation: Assignment;
  heartbeatDeadline: number;
  revocationDeadline: number | null;
}

function copy(a: Assignment): Assignment {
  return new Map([...a].map(([t, s]) => [t, new Set(s)]));
}

function toList(a: Assignment): TopicPartitions {
  return [...a]
    .filter(([, s]) => s.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([topicId, s]) => ({ topicId, partitions: [...s].sort((x, y) => x - y) }));
}

function fromList(l: TopicPartitions | null | undefined): Assignment {
  const a: Assignment = new Map();
  for (const tp of l ?? []) a.set(tp.topicId, new Set(tp.partitions));
  return a;
}

function sameAssignment(a: Assignment, b: Assignment): boolean {
  const x = toList(a);
  const y = toList(b);
  return JSON.stringify(x) === JSON.stringify(y);
}

function minus(a: Assignment, b: Assignment): Assignment {
  const out: Assignment = new Map();
  for (const [t, s] of a) for (const p of s) if (!b.get(t)?.has(p)) (out.get(t) ?? out.set(t, new Set()).get(t)!).add(p);
  return out;
}

function intersect(a: Assignment, b: Assignment): Assignment {
  const out: Assignment = new Map();
  for (const [t, s] of a) for (const p of s) if (b.get(t)?.has(p)) (out.get(t) ?? out.set(t, new Set()).get(t)!).add(p);
  return out;
}

function isEmptyAssignment(a: Assignment): boolean {
  for (const s of a.values()) if (s.size > 0) return false;
  return true;
}

function sameStrings(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

export class ConsumerGroup {
  readonly protocolType = 'consumer';
  groupEpoch = 0;
  assignmentEpoch = 0;
  currentStateTimestamp: number;
  dead = false;
  /** Set when this group takes the place of an empty classic group whose record must be tombstoned. */
  replacesClassicRecord = false;
  readonly members = new Map<string, ConsumerMember>();
  readonly target = new Map<string, Assignment>();
  /** Signature of the subscribed topics' partition counts the current target was computed from. */
  private targetTopics = '';

  constructor(
    readonly groupId: string,
    private readonly host: ConsumerGroupHost,
    now: number,
  ) {
    this.currentStateTimestamp = now;
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  /** ConsumerGroupState names, as ListGroups, DescribeGroups and ConsumerGroupDescribe report them. */
  get state(): 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead' {
    if (this.dead) return 'Dead';
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) if (m.state !== MemberState.STABLE || m.memberEpoch !== this.assignmentEpoch) return 'Reconciling';
    return 'Stable';
  }

  private get sessionTimeoutMs(): number {
    return this.host.settings['group.consumer.session.timeout.ms'];
  }

  private get heartbeatIntervalMs(): number {
    return this.host.settings['group.consumer.heartbeat.interval.ms'];
  }

  // ---- heartbeat

  async heartbeat(req: ConsumerHeartbeatRequest, now: number): Promise<ConsumerHeartbeatResult> {
    const fail = (errorCode: number, errorMessage: string | null = null): ConsumerHeartbeatResult => ({
      errorCode,
      errorMessage,
      memberId: req.memberId || null,
      memberEpoch: req.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    const invalid = ConsumerGroup.validate(req);
    if (invalid) return fail(invalid.errorCode, invalid.message);
    const records: GroupRecord[] = [];

    if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) {
      const member = this.members.get(req.memberId);
      if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${this.groupId}.`);
      this.removeMember(member, records, now);
      await this.host.writeRecords(this.groupId, records);
      this.host.reschedule(this);
      return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
    }

    let memberId = req.memberId;
    if (memberId === '' && req.version === 0) memberId = randomBytes(16).toString('base64url');
    let member = this.members.get(memberId);
    let joined = false;
    if (req.memberEpoch === 0) {
      if (req.instanceId !== null) {
        const other = [...this.members.values()].find((m) => m.instanceId === req.instanceId && m.memberId !== memberId);
        if (other) {
          if (other.memberEpoch !== STATIC_LEAVE_EPOCH) {
            return fail(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${other.memberId} with instance id ${req.instanceId} is not released yet.`);
          }
          this.removeMember(other, records, now);
        }
      }
      if (member) {
        // Rejoining with epoch 0: the member starts over and owns nothing.
        member.assigned = new Map();
        member.pendingRevocation = new Map();
        member.memberEpoch = 0;
        member.previousMemberEpoch = 0;
        member.state = MemberState.STABLE;
      } else {
        if (this.members.size >= this.host.settings['group.consumer.max.size']) return fail(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity.`);
        member = {
          memberId,
          instanceId: req.instanceId,
          rackId: req.rackId,
          clientId: req.clientId,
          clientHost: req.clientHost,
          subscribedTopicNames: [],
          subscribedTopicRegex: null,
          serverAssignor: null,
          rebalanceTimeoutMs: req.rebalanceTimeoutMs,
          memberEpoch: 0,
          previousMemberEpoch: 0,
          state: MemberState.STABLE,
          assigned: new Map(),
          pendingRevocation: new Map(),
          heartbeatDeadline: now + this.sessionTimeoutMs,
          revocationDeadline: null,
        };
        this.members.set(memberId, member);
        if (this.members.size === 1) this.currentStateTimestamp = now;
      }
      joined = true;
    } else {
      if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${this.groupId}.`);
      if (req.memberEpoch !== member.memberEpoch) {
        // A member whose previous response was lost may come back with the epoch before; anything else is fenced.
        const owned = fromList(req.topicPartitions);
        const lostResponse = req.memberEpoch === member.previousMemberEpoch && req.topicPartitions !== null && isEmptyAssignment(minus(owned, member.assigned));
        if (!lostResponse) {
          return fail(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a smaller member epoch (${req.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
        }
      }
    }

    // Subscription and member details.
    let subscriptionChanged = false;
    if (req.subscribedTopicNames !== null && !sameStrings(req.subscribedTopicNames, member.subscribedTopicNames)) {
      member.subscribedTopicNames = [...req.subscribedTopicNames];
      subscriptionChanged = true;
    }
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== member.subscribedTopicRegex) {
      member.subscribedTopicRegex = req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex;
      subscriptionChanged = true;
    }
    if (req.serverAssignor !== null && req.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = req.serverAssignor;
      subscriptionChanged = true;
    }
    if (req.rackId !== null) member.rackId = req.rackId;
    if (req.rebalanceTimeoutMs > 0) member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.heartbeatDeadline = now + this.sessionTimeoutMs;
    if (joined || subscriptionChanged) records.push(this.memberRecord(member));
    if (joined || subscriptionChanged) {
      this.groupEpoch++;
      records.push({ type: 'consumerGroupMetadata', group: this.groupId, epoch: this.groupEpoch });
    }

    // A new target when the group changed, or when the subscribed topics' partitions changed.
    const topics = this.subscribedTopicMetadata();
    const signature = [...topics.values()].map((t) => `${t.topicId}:${t.partitions}`).sort().join(',');
    if (this.groupEpoch > this.assignmentEpoch || signature !== this.targetTopics) {
      if (this.groupEpoch <= this.assignmentEpoch) {
        this.groupEpoch++;
        records.push({ type: 'consumerGroupMetadata', group: this.groupId, epoch: this.groupEpoch });
      }
      this.computeTarget(topics, signature, records);
    }

    const before = { epoch: member.memberEpoch, assigned: copy(member.assigned) };
    this.reconcile(member, req.topicPartitions, now);
    const changed = member.memberEpoch !== before.epoch || !sameAssignment(member.assigned, before.assigned);
    if (changed || joined) records.push(this.currentAssignmentRecord(member));
    await this.host.writeRecords(this.groupId, records);
    this.host.reschedule(this);

    const reportsOwned = req.topicPartitions !== null && !sameAssignment(fromList(req.topicPartitions), member.assigned);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      assignment: changed || joined || reportsOwned ? toList(member.assigned) : null,
    };
  }

  /** Request checks Kafka makes before looking at any group (so a bad request is refused the same way everywhere). */
  static validate(req: ConsumerHeartbeatRequest): { errorCode: number; message: string } | null {
    const bad = ConsumerGroup.invalidReason(req);
    if (bad) return { errorCode: ErrorCode.INVALID_REQUEST, message: bad };
    if (req.serverAssignor !== null && !SERVER_ASSIGNORS.includes(req.serverAssignor as AssignorName)) {
      return { errorCode: ErrorCode.UNSUPPORTED_ASSIGNOR, message: `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${SERVER_ASSIGNORS.join(', ')}.` };
    }
    return null;
  }

  private static invalidReason(req: ConsumerHeartbeatRequest): string | null {
    if (req.memberEpoch === 0) {
      if (req.memberId === '' && req.version >= 1) return 'MemberId can\'t be empty.';
      if (req.rebalanceTimeoutMs === -1) return 'RebalanceTimeoutMs must be provided in first request.';
      if (req.topicPartitions === null || req.topicPartitions.length > 0) return 'TopicPartitions must be empty when (re-)joining.';
      if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
        return 'SubscribedTopicNames or SubscribedTopicRegex must be set in first request.';
      }
    } else if (req.memberEpoch > 0 || req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) {
      if (req.memberId === '') return 'MemberId can\'t be empty.';
    } else {
      return `MemberEpoch is invalid: ${req.memberEpoch}.`;
    }
    if (req.subscribedTopicRegex) {
      try {
        new RegExp(req.subscribedTopicRegex);
      } catch {
        return `SubscribedTopicRegex ${req.subscribedTopicRegex} is not a valid regular expression.`;
      }
    }
    return null;
  }

  /** Topics the members subscribe to (by name or regex), with their ids and partition counts. */
  private subscribedTopicMetadata(): Map<string, AssignorTopic> {
    const topics = new Map<string, AssignorTopic>();
    const addName = (name: string) => {
      const t = this.host.topicPartitionCount(name);
      if (t) topics.set(t.topicId, { topicId: t.topicId, partitions: t.partitions });
    };
    for (const m of this.members.values()) {
      for (const name of m.subscribedTopicNames) addName(name);
      if (m.subscribedTopicRegex) {
        const re = new RegExp(`^(?:${m.subscribedTopicRegex})$`);
        for (const name of this.host.allTopicNames()) if (!name.startsWith('__') && re.test(name)) addName(name);
      }
    }
    return topics;
  }

  private memberTopicIds(m: ConsumerMember): string[] {
    const ids = new Set<string>();
    for (const name of m.subscribedTopicNames) {
      const t = this.host.topicPartitionCount(name);
      if (t) ids.add(t.topicId);
    }
    if (m.subscribedTopicRegex) {
      const re = new RegExp(`^(?:${m.subscribedTopicRegex})$`);
      for (const name of this.host.allTopicNames()) {
        if (name.startsWith('__') || !re.test(name)) continue;
        const t = this.host.topicPartitionCount(name);
        if (t) ids.add(t.topicId);
      }
    }
    return [...ids];
  }

  private computeTarget(topics: Map<string, AssignorTopic>, signature: string, records: GroupRecord[]): void {
    // The group's assignor: the one most members ask for, else the first configured one.
    const votes = new Map<string, number>();
    for (const m of this.members.values()) if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let assignor: AssignorName = (this.host.settings['group.consumer.assignors'][0] ?? 'uniform') as AssignorName;
    let best = 0;
    for (const [name, n] of votes) if (n > best) [assignor, best] = [name as AssignorName, n];
    const result = assign(
      assignor,
      [...this.members.values()].map((m) => ({ memberId: m.memberId, topics: this.memberTopicIds(m), current: this.target.get(m.memberId) ?? new Map() })),
      topics,
    );
    for (const [memberId, a] of result) {
      const previous = this.target.get(memberId);
      if (!previous || !sameAssignment(previous, a)) records.push({ type: 'consumerGroupTargetAssignmentMember', group: this.groupId, memberId, partitions: toList(a) });
      this.target.set(memberId, a);
    }
    for (const memberId of [...this.target.keys()]) if (!this.members.has(memberId)) this.target.delete(memberId);
    this.assignmentEpoch = this.groupEpoch;
    this.targetTopics = signature;
    records.push({ type: 'consumerGroupTargetAssignmentMetadata', group: this.groupId, assignmentEpoch: this.assignmentEpoch });
  }

  /** Partitions held (assigned or still being revoked) by members other than `except`. */
  private ownedByOthers(except: string): Assignment {
    const owned: Assignment = new Map();
    for (const m of this.members.values()) {
      if (m.memberId === except) continue;
      for (const a of [m.assigned, m.pendingRevocation]) for (const [t, s] of a) for (const p of s) (owned.get(t) ?? owned.set(t, new Set()).get(t)!).add(p);
    }
    return owned;
  }

  /** Moves a member one step toward its target (Kafka's CurrentAssignmentBuilder). */
  private reconcile(m: ConsumerMember, reportedOwned: TopicPartitions | null, now: number): void {
    const target = this.target.get(m.memberId) ?? new Map();
    if (m.state === MemberState.UNREVOKED_PARTITIONS) {
      // Still waiting for the member to let go of what it must give up.
      const owned = reportedOwned === null ? null : fromList(reportedOwned);
      if (owned === null || !isEmptyAssignment(intersect(owned, m.pendingRevocation))) return;
      m.pendingRevocation = new Map();
      m.revocationDeadline = null;
    }
    if (m.memberEpoch === this.assignmentEpoch && m.state === MemberState.STABLE) return;
    const keep = intersect(m.assigned, target);
    const revoke = minus(m.assigned, target);
    if (!isEmptyAssignment(revoke)) {
      m.assigned = keep;
      m.pendingRevocation = revoke;
      m.state = MemberState.UNREVOKED_PARTITIONS;
      m.revocationDeadline = now + m.rebalanceTimeoutMs;
      return;
    }
    const wanted = minus(target, m.assigned);
    const taken = this.ownedByOthers(m.memberId);
    const free = minus(wanted, taken);
    const assigned = copy(keep);
    for (const [t, s] of free) for (const p of s) (assigned.get(t) ?? assigned.set(t, new Set()).get(t)!).add(p);
    m.assigned = assigned;
    m.previousMemberEpoch = m.memberEpoch;
    m.memberEpoch = this.assignmentEpoch;
    m.state = isEmptyAssignment(minus(wanted, free)) ? MemberState.STABLE : MemberState.UNRELEASED_PARTITIONS;
  }

  private removeMember(m: ConsumerMember, records: GroupRecord[], now: number): void {
    this.members.delete(m.memberId);
    this.target.delete(m.memberId);
    records.push(
      { type: 'consumerGroupCurrentAssignment', group: this.groupId, memberId: m.memberId, value: null },
      { type: 'consumerGroupTargetAssignmentMember', group: this.groupId, memberId: m.memberId, partitions: null },
      { type: 'consumerGroupMember', group: this.groupId, memberId: m.memberId, value: null },
    );
    this.groupEpoch++;
    records.push({ type: 'consumerGroupMetadata', group: this.groupId, epoch: this.groupEpoch });
    if (this.members.size === 0) this.currentStateTimestamp = now;
  }

  private memberRecord(m: ConsumerMember): GroupRecord {
    return {
      type: 'consumerGroupMember',
      group: this.groupId,
      memberId: m.memberId,
      value: {
        instanceId: m.instanceId,
        rackId: m.rackId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        serverAssignor: m.serverAssignor,
      },
    };
  }

  private currentAssignmentRecord(m: ConsumerMember): GroupRecord {
    return {
      type: 'consumerGroupCurrentAssignment',
      group: this.groupId,
      memberId: m.memberId,
      value: {
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        state: m.state,
        assignedPartitions: toList(m.assigned),
        partitionsPendingRevocation: toList(m.pendingRevocation),
      },
    };
  }

  // ---- timers

  nextDeadline(): number | null {
    let next: number | null = null;
    for (const m of this.members.values()) {
      for (const t of [m.heartbeatDeadline, m.revocationDeadline]) if (t !== null && (next === null || t < next)) next = t;
    }
    return next;
  }

  /** Members whose session expired, or who did not revoke in time, are fenced (removed from the group). */
  tick(now: number): void {
    const records: GroupRecord[] = [];
    for (const m of [...this.members.values()]) {
      if (m.heartbeatDeadline <= now || (m.revocationDeadline !== null && m.revocationDeadline <= now)) this.removeMember(m, records, now);
    }
    if (records.length > 0) void this.host.writeRecords(this.groupId, records).catch(() => undefined);
    this.host.reschedule(this);
  }

  // ---- offsets and admin

  validateOffsetCommit(memberId: string, memberEpoch: number): number {
    if (this.dead) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    // Admin clients commit with no member and epoch -1; they may only do so while the group is empty.
    if (memberId === '' && memberEpoch < 0) return this.isEmpty ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (memberEpoch !== m.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
    return ErrorCode.NONE;
  }

  validateOffsetFetch(memberId: string, memberEpoch: number): number {
    if (memberId === '' && memberEpoch < 0) return ErrorCode.NONE;
    const m = this.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (memberEpoch !== m.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
    return ErrorCode.NONE;
  }

  subscribedTopics(): Set<string> {
    const names = new Set<string>();
    for (const m of this.members.values()) {
      for (const id of this.memberTopicIds(m)) {
        const name = this.host.topicNameOf(id);
        if (name) names.add(name);
      }
    }
    return names;
  }

  tombstones(): GroupRecord[] {
    return [
      { type: 'consumerGroupTargetAssignmentMetadata', group: this.groupId, assignmentEpoch: null },
      { type: 'consumerGroupPartitionMetadata', group: this.groupId },
      { type: 'consumerGroupMetadata', group: this.groupId, epoch: null },
    ];
  }

  static toList = toList;

  /** Rebuilds a group from its records (coordinator load); null if the group was deleted. */
  static replay(groupId: string, records: GroupRecord[], host: ConsumerGroupHost, now: number): ConsumerGroup | null {
    const g = new ConsumerGroup(groupId, host, now);
    let exists = false;
    const current = new Map<string, { memberEpoch: number; previousMemberEpoch: number; state: number; assigned: TopicPartitions; pending: TopicPartitions }>();
    for (const r of records) {
      switch (r.type) {
        case 'consumerGroupMetadata':
          exists = r.epoch !== null;
          if (r.epoch !== null) g.groupEpoch = r.epoch;
          break;
        case 'consumerGroupTargetAssignmentMetadata':
          if (r.assignmentEpoch !== null) g.assignmentEpoch = r.assignmentEpoch;
          break;
        case 'consumerGroupTargetAssignmentMember':
          if (r.partitions === null) g.target.delete(r.memberId);
          else g.target.set(r.memberId, fromList(r.partitions));
          break;
        case 'consumerGroupMember':
          if (r.value === null) g.members.delete(r.memberId);
          else {
            const prev = g.members.get(r.memberId);
            g.members.set(r.memberId, {
              memberId: r.memberId,
              instanceId: r.value.instanceId,
              rackId: r.value.rackId,
              clientId: r.value.clientId,
              clientHost: r.value.clientHost,
              subscribedTopicNames: r.value.subscribedTopicNames,
              subscribedTopicRegex: r.value.subscribedTopicRegex,
              serverAssignor: r.value.serverAssignor,
              rebalanceTimeoutMs: r.value.rebalanceTimeoutMs,
              memberEpoch: prev?.memberEpoch ?? 0,
              previousMemberEpoch: prev?.previousMemberEpoch ?? 0,
              state: prev?.state ?? MemberState.STABLE,
              assigned: prev?.assigned ?? new Map(),
              pendingRevocation: prev?.pendingRevocation ?? new Map(),
              heartbeatDeadline: now + host.settings['group.consumer.session.timeout.ms'],
              revocationDeadline: null,
            });
          }
          break;
        case 'consumerGroupCurrentAssignment':
          if (r.value === null) current.delete(r.memberId);
          else
            current.set(r.memberId, {
              memberEpoch: r.value.memberEpoch,
              previousMemberEpoch: r.value.previousMemberEpoch,
              state: r.value.state,
              assigned: r.value.assignedPartitions,
              pending: r.value.partitionsPendingRevocation,
            });
          break;
        default:
          break;
      }
    }
    if (!exists) return null;
    for (const [memberId, c] of current) {
      const m = g.members.get(memberId);
      if (!m) continue;
      m.memberEpoch = c.memberEpoch;
      m.previousMemberEpoch = c.previousMemberEpoch;
      m.state = (c.state === MemberState.UNREVOKED_PARTITIONS || c.state === MemberState.UNRELEASED_PARTITIONS ? c.state : MemberState.STABLE) as MemberStateValue;
      m.assigned = fromList(c.assigned);
      m.pendingRevocation = fromList(c.pending);
    }
    // The target is recomputed on the next heartbeat if topics changed meanwhile.
    g.targetTopics = [...g.subscribedTopicMetadata().values()].map((t) => `${t.topicId}:${t.partitions}`).sort().join(',');
    return g;
  }
}

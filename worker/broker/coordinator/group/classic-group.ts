// A classic-protocol consumer group (JoinGroup/SyncGroup/Heartbeat/LeaveGroup), following Kafka's
// ClassicGroup state machine: Empty -> PreparingRebalance -> CompletingRebalance -> Stable, and Dead when
// deleted. The clock is passed in; the host persists GroupMetadata records and runs the group's timer.
import { ErrorCode } from '../../../protocol/errors.js';
import { decodeConsumerProtocolSubscription, type GroupMetadataValue } from '../../../protocol/generated/index.js';
import { Reader } from '../../../protocol/primitives.js';
import type { GroupRecord } from './records.js';

export type ClassicState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupConfig {
  initialRebalanceDelayMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  maxSize: number;
}

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a new dynamic member must first learn its id (MEMBER_ID_REQUIRED). */
  requireKnownMemberId: boolean;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  skipAssignment: boolean;
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: Protocol[];
  assignment: Buffer;
  awaitingJoin: ((r: JoinResult) => void) | null;
  awaitingSync: ((r: SyncResult) => void) | null;
  heartbeatDeadline: number;
  /** When a member that joined must send SyncGroup by (Kafka's pending-sync timeout). */
  syncDeadline: number | null;
}

/** What the group needs from the coordinator that owns it. */
export interface GroupHost {
  /** Writes the group's GroupMetadata record (null = tombstone) and resolves once it is durable. */
  persist(group: ClassicGroup, value: GroupMetadataValue | null): Promise<void>;
  /** The group's earliest deadline changed; call tick() at that time. */
  reschedule(group: ClassicGroup): void;
  newMemberId(clientId: string): string;
}

const EMPTY = Buffer.alloc(0);

function errorJoin(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [], skipAssignment: false };
}

export class ClassicGroup {
  state: ClassicState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  currentStateTimestamp: number;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, until the member joins with it or the deadline passes. */
  private readonly pendingMembers = new Map<string, number>();
  private readonly staticMembers = new Map<string, string>();
  private rebalanceDeadline: number | null = null;
  private initialDelay: { deadline: number; remainingMs: number; newJoins: boolean } | null = null;

  constructor(
    readonly groupId: string,
    private readonly config: GroupConfig,
    private readonly host: GroupHost,
    now: number,
  ) {
    this.currentStateTimestamp = now;
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  private transition(state: ClassicState, now: number): void {
    this.state = state;
    this.currentStateTimestamp = now;
  }

  /** Earliest time at which tick() has work to do, or null. */
  nextDeadline(): number | null {
    let next: number | null = null;
    const consider = (t: number | null) => {
      if (t !== null && (next === null || t < next)) next = t;
    };
    consider(this.rebalanceDeadline);
    consider(this.initialDelay?.deadline ?? null);
    for (const m of this.members.values()) {
      if (!m.awaitingJoin && !m.awaitingSync) consider(m.heartbeatDeadline);
      consider(m.syncDeadline);
    }
    for (const d of this.pendingMembers.values()) consider(d);
    return next;
  }

  // ---- JoinGroup

  join(req: JoinRequest, now: number): Promise<JoinResult> {
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return Promise.resolve(errorJoin(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    if (req.protocolType === '' || req.protocols.length === 0) return Promise.resolve(errorJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    if (this.state === 'Dead') return Promise.resolve(errorJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    if (!this.supportsProtocols(req.protocolType, req.protocols)) return Promise.resolve(errorJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    const result = req.memberId === '' ? this.joinUnknownMember(req, now) : this.joinKnownMember(req, now);
    this.host.reschedule(this);
    return result;
  }

  private supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.isEmpty) return true;
    if (this.protocolType !== null && this.protocolType !== protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.has(p.name));
  }

  private candidateProtocols(): Set<string> {
    let common: Set<string> | null = null;
    for (const m of this.members.values()) {
      const names = new Set<string>(m.protocols.map((p) => p.name));
      if (common === null) common = names;
      else for (const n of [...common]) if (!names.has(n)) common.delete(n);
    }
    return common ?? new Set<string>();
  }

  private joinUnknownMember(req: JoinRequest, now: number): Promise<JoinResult> {
    if (req.groupInstanceId !== null) {
      const existing = this.staticMembers.get(req.groupInstanceId);
      const memberId = this.host.newMemberId(req.clientId);
      if (existing) return this.replaceStaticMember(existing, memberId, req, now);
      return this.addMemberAndRebalance(memberId, req, now);
    }
    const memberId = this.host.newMemberId(req.clientId);
    if (this.members.size + this.pendingMembers.size >= this.config.maxSize) return Promise.resolve(errorJoin(ErrorCode.GROUP_MAX_SIZE_REACHED, ''));
    if (req.requireKnownMemberId) {
      // KIP-394: the member learns its id first and must come back with it within the session timeout.
      this.pendingMembers.set(memberId, now + req.sessionTimeoutMs);
      return Promise.resolve(errorJoin(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(memberId, req, now);
  }

  private replaceStaticMember(oldMemberId: string, newMemberId: string, req: JoinRequest, now: number): Promise<JoinResult> {
    const old = this.members.get(oldMemberId)!;
    // The previous incarnation is fenced: its waiting requests fail with FENCED_INSTANCE_ID.
    old.awaitingJoin?.(errorJoin(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
    old.awaitingSync?.({ errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: EMPTY });
    this.members.delete(oldMemberId);
    const member: Member = {
      ...old,
      memberId: newMemberId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      awaitingJoin: null,
      awaitingSync: null,
      heartbeatDeadline: now + req.sessionTimeoutMs,
      syncDeadline: null,
    };
    this.members.set(newMemberId, member);
    this.staticMembers.set(req.groupInstanceId!, newMemberId);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    const sameProtocols = sameProtocolList(old.protocols, req.protocols);
    if (this.state === 'Stable' && sameProtocols) {
      // A static member restarting with the same subscription gets its assignment back without a rebalance.
      member.protocols = req.protocols;
      // The leader gets the member list (as Kafka sends it) but must not recompute the assignment of a
      // generation that already has one (skipAssignment, KIP-814).
      return this.persist(now).then(() => ({ ...this.joinResponse(newMemberId), skipAssignment: this.leaderId === newMemberId }));
    }
    member.protocols = req.protocols;
    return this.awaitJoin(member, now);
  }

  private addMemberAndRebalance(memberId: string, req: JoinRequest, now: number): Promise<JoinResult> {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      assignment: EMPTY,
      awaitingJoin: null,
      awaitingSync: null,
      heartbeatDeadline: now + req.sessionTimeoutMs,
      syncDeadline: null,
    };
    if (this.isEmpty) this.protocolType = req.protocolType;
    this.members.set(memberId, member);
    this.pendingMembers.delete(memberId);
    if (req.groupInstanceId !== null) this.staticMembers.set(req.groupInstanceId, memberId);
    return this.awaitJoin(member, now);
  }

  private joinKnownMember(req: JoinRequest, now: number): Promise<JoinResult> {
    if (this.pendingMembers.has(req.memberId)) return this.addMemberAndRebalance(req.memberId, req, now);
    const member = this.members.get(req.memberId);
    if (req.groupInstanceId !== null) {
      const current = this.staticMembers.get(req.groupInstanceId);
      if (current !== undefined && current !== req.memberId) return Promise.resolve(errorJoin(ErrorCode.FENCED_INSTANCE_ID, req.memberId));
    }
    if (!member) return Promise.resolve(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    member.heartbeatDeadline = now + req.sessionTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    const changed = !sameProtocolList(member.protocols, req.protocols);
    member.protocols = req.protocols;
    switch (this.state) {
      case 'PreparingRebalance':
        return this.awaitJoin(member, now);
      case 'CompletingRebalance':
        if (!changed) {
          // A duplicate join (the member missed the response): answer again with the current generation.
          return Promise.resolve(this.joinResponse(member.memberId));
        }
        return this.awaitJoin(member, now);
      case 'Stable':
        if (member.memberId === this.leaderId || changed) return this.awaitJoin(member, now);
        return Promise.resolve({ ...this.joinResponse(member.memberId), members: [] });
      default:
        return Promise.resolve(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  private awaitJoin(member: Member, now: number): Promise<JoinResult> {
    const p = new Promise<JoinResult>((resolve) => {
      // A member joining twice: the earlier request is superseded (Kafka answers it with the same result).
      const previous = member.awaitingJoin;
      member.awaitingJoin = (r) => {
        previous?.(r);
        resolve(r);
      };
    });
    member.syncDeadline = null;
    if (this.state !== 'PreparingRebalance') this.prepareRebalance(now);
    else if (this.initialDelay) this.initialDelay.newJoins = true;
    this.maybeCompleteJoin(now);
    return p;
  }

  private prepareRebalance(now: number): void {
    // Members waiting for a sync of the old generation must rejoin.
    for (const m of this.members.values()) {
      if (m.awaitingSync) {
        m.awaitingSync({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: null, protocolName: null, assignment: EMPTY });
        m.awaitingSync = null;
      }
      m.syncDeadline = null;
    }
    const wasEmpty = this.state === 'Empty';
    this.transition('PreparingRebalance', now);
    const timeout = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    if (wasEmpty && this.config.initialRebalanceDelayMs > 0) {
      // group.initial.rebalance.delay.ms: wait for more members before the first generation, extending the
      // wait while members keep arriving, up to the rebalance timeout.
      const delay = Math.min(this.config.initialRebalanceDelayMs, timeout);
      this.initialDelay = { deadline: now + delay, remainingMs: timeout - delay, newJoins: false };
      this.rebalanceDeadline = null;
    } else {
      this.initialDelay = null;
      this.rebalanceDeadline = now + timeout;
    }
  }

  private allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  private maybeCompleteJoin(now: number): void {
    if (this.state !== 'PreparingRebalance' || this.initialDelay) return;
    if (this.allMembersJoined()) this.completeJoin(now);
  }

  private completeJoin(now: number): void {
    this.rebalanceDeadline = null;
    this.initialDelay = null;
    // Members that did not rejoin in time leave the group.
    for (const m of [...this.members.values()]) if (!m.awaitingJoin) this.removeMember(m);
    this.pendingMembers.clear();
    this.generationId++;
    if (this.isEmpty) {
      this.protocolName = null;
      this.leaderId = null;
      this.transition('Empty', now);
      void this.persist(now).catch(() => undefined);
      return;
    }
    this.protocolName = this.selectProtocol();
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value!;
    this.transition('CompletingRebalance', now);
    for (const m of this.members.values()) {
      const respond = m.awaitingJoin!;
      m.awaitingJoin = null;
      m.heartbeatDeadline = now + m.sessionTimeoutMs;
      m.syncDeadline = now + m.rebalanceTimeoutMs;
      respond(this.joinResponse(m.memberId));
    }
  }

  /** Each member votes for its most preferred protocol among those every member supports. */
  private selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name))!.name;
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  private joinResponse(memberId: string): JoinResult {
    const isLeader = memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
      skipAssignment: false,
    };
  }

  // ---- SyncGroup

  sync(
    req: { memberId: string; groupInstanceId: string | null; generationId: number; protocolType: string | null; protocolName: string | null; assignments: { memberId: string; assignment: Buffer }[] },
    now: number,
  ): Promise<SyncResult> {
    const fail = (errorCode: number): Promise<SyncResult> => Promise.resolve({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    const member = this.members.get(req.memberId);
    if (this.state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    // A fenced incarnation of a static member hears FENCED_INSTANCE_ID before anything else.
    if (req.groupInstanceId !== null) {
      const current = this.staticMembers.get(req.groupInstanceId);
      if (current === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      if (current !== req.memberId) return fail(ErrorCode.FENCED_INSTANCE_ID);
    }
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== this.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    if ((req.protocolType !== null && req.protocolType !== this.protocolType) || (req.protocolName !== null && req.protocolName !== this.protocolName)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    member.heartbeatDeadline = now + member.sessionTimeoutMs;
    member.syncDeadline = null;
    switch (this.state) {
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: this.protocolType, protocolName: this.protocolName, assignment: member.assignment });
      case 'CompletingRebalance': {
        const p = new Promise<SyncResult>((resolve) => {
          member.awaitingSync = resolve;
        });
        if (req.memberId === this.leaderId) {
          const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
          for (const m of this.members.values()) m.assignment = given.get(m.memberId) ?? EMPTY;
          const generation = this.generationId;
          this.persist(now).then(
            () => {
              if (this.state !== 'CompletingRebalance' || this.generationId !== generation) return;
              this.transition('Stable', now);
              for (const m of this.members.values()) this.completeSync(m, ErrorCode.NONE, now);
              this.host.reschedule(this);
            },
            () => {
              if (this.state !== 'CompletingRebalance' || this.generationId !== generation) return;
              for (const m of this.members.values()) {
                m.assignment = EMPTY;
                this.completeSync(m, ErrorCode.COORDINATOR_NOT_AVAILABLE, now);
              }
              this.prepareRebalance(now);
              this.host.reschedule(this);
            },
          );
        }
        this.host.reschedule(this);
        return p;
      }
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private completeSync(m: Member, errorCode: number, now: number): void {
    m.syncDeadline = null;
    m.heartbeatDeadline = now + m.sessionTimeoutMs;
    const respond = m.awaitingSync;
    m.awaitingSync = null;
    respond?.({ errorCode, protocolType: this.protocolType, protocolName: this.protocolName, assignment: errorCode === ErrorCode.NONE ? m.assignment : EMPTY });
  }

  // ---- Heartbeat, LeaveGroup

  heartbeat(req: { memberId: string; groupInstanceId: string | null; generationId: number }, now: number): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const member = this.members.get(req.memberId);
    if (req.groupInstanceId !== null) {
      const current = this.staticMembers.get(req.groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (current !== req.memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.heartbeatDeadline = now + member.sessionTimeoutMs;
    this.host.reschedule(this);
    return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Removes the given members (LeaveGroup); returns a per-member error code. */
  leave(members: { memberId: string; groupInstanceId: string | null }[], now: number): number[] {
    const codes: number[] = [];
    let removed = false;
    for (const req of members) {
      let memberId = req.memberId;
      if (req.groupInstanceId !== null) {
        const current = this.staticMembers.get(req.groupInstanceId);
        if (current === undefined) {
          codes.push(ErrorCode.UNKNOWN_MEMBER_ID);
          continue;
        }
        if (memberId !== '' && memberId !== current) {
          codes.push(ErrorCode.FENCED_INSTANCE_ID);
          continue;
        }
        memberId = current;
      }
      if (this.pendingMembers.delete(memberId)) {
        codes.push(ErrorCode.NONE);
        removed = true;
        continue;
      }
      const member = this.members.get(memberId);
      if (!member) {
        codes.push(ErrorCode.UNKNOWN_MEMBER_ID);
        continue;
      }
      member.awaitingJoin?.(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      member.awaitingJoin = null;
      this.removeMember(member);
      codes.push(ErrorCode.NONE);
      removed = true;
    }
    if (removed) this.onMembershipChange(now);
    this.host.reschedule(this);
    return codes;
  }

  private removeMember(m: Member): void {
    this.members.delete(m.memberId);
    if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === m.memberId) this.staticMembers.delete(m.groupInstanceId);
    m.awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY });
    m.awaitingSync = null;
    if (this.leaderId === m.memberId) this.leaderId = null;
  }

  private onMembershipChange(now: number): void {
    switch (this.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(now);
        this.maybeCompleteJoin(now);
        break;
      case 'PreparingRebalance':
        this.maybeCompleteJoin(now);
        break;
      default:
        break;
    }
  }

  /** Session expiries, join and sync deadlines, the initial rebalance delay. */
  tick(now: number): void {
    for (const [id, deadline] of [...this.pendingMembers]) if (deadline <= now) this.pendingMembers.delete(id);
    let changed = false;
    for (const m of [...this.members.values()]) {
      const sessionExpired = !m.awaitingJoin && !m.awaitingSync && m.heartbeatDeadline <= now;
      const syncExpired = m.syncDeadline !== null && m.syncDeadline <= now;
      if (sessionExpired || syncExpired) {
        this.removeMember(m);
        changed = true;
      }
    }
    if (this.initialDelay && this.initialDelay.deadline <= now) {
      const d = this.initialDelay;
      if (d.newJoins && d.remainingMs > 0) {
        const delay = Math.min(this.config.initialRebalanceDelayMs, d.remainingMs);
        this.initialDelay = { deadline: now + delay, remainingMs: d.remainingMs - delay, newJoins: false };
      } else {
        this.initialDelay = null;
        this.completeJoin(now);
      }
    }
    if (this.rebalanceDeadline !== null && this.rebalanceDeadline <= now && this.state === 'PreparingRebalance') this.completeJoin(now);
    if (changed) this.onMembershipChange(now);
    if (this.state === 'PreparingRebalance') this.maybeCompleteJoin(now);
    this.host.reschedule(this);
  }

  // ---- persistence

  private persist(now: number): Promise<void> {
    return this.host.persist(this, this.toRecord(now));
  }

  toRecord(now: number): GroupMetadataValue {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: BigInt(now),
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
        assignment: m.assignment,
      })),
    };
  }

  /** Rebuilds the group from its last GroupMetadata record (coordinator load or failover). */
  static fromRecord(groupId: string, value: GroupMetadataValue, config: GroupConfig, host: GroupHost, now: number): ClassicGroup {
    const g = new ClassicGroup(groupId, config, host, Number(value.currentStateTimestamp ?? -1n) >= 0 ? Number(value.currentStateTimestamp) : now);
    g.generationId = value.generation;
    g.protocolType = value.protocolType === '' ? null : value.protocolType;
    g.protocolName = value.protocol;
    g.leaderId = value.leader;
    for (const m of value.members) {
      g.members.set(m.memberId, {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: m.sessionTimeout,
        rebalanceTimeoutMs: m.rebalanceTimeout ?? m.sessionTimeout,
        protocols: value.protocol ? [{ name: value.protocol, metadata: m.subscription }] : [],
        assignment: m.assignment,
        awaitingJoin: null,
        awaitingSync: null,
        // Loaded members get a full session to show up at the new coordinator.
        heartbeatDeadline: now + m.sessionTimeout,
        syncDeadline: null,
      });
      if (m.groupInstanceId) g.staticMembers.set(m.groupInstanceId, m.memberId);
    }
    g.state = g.members.size > 0 ? 'Stable' : 'Empty';
    return g;
  }

  /** The group is deleted, or its coordinator moved away: waiting members get `errorCode` and must look again. */
  markDead(now: number, errorCode: number): void {
    for (const m of this.members.values()) {
      m.awaitingJoin?.(errorJoin(errorCode, m.memberId));
      m.awaitingSync?.({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
      m.awaitingJoin = null;
      m.awaitingSync = null;
    }
    this.rebalanceDeadline = null;
    this.initialDelay = null;
    this.transition('Dead', now);
  }

  /** Topics the members consume, read from their "consumer" protocol subscriptions (for OffsetDelete). */
  subscribedTopics(): Set<string> {
    const topics = new Set<string>();
    if (this.protocolType !== 'consumer') return topics;
    for (const m of this.members.values()) {
      const meta = m.protocols.find((p) => p.name === this.protocolName)?.metadata;
      if (!meta || meta.length < 2) continue;
      try {
        const r = new Reader(meta);
        const version = r.readInt16();
        for (const t of decodeConsumerProtocolSubscription(r, Math.min(version, 3)).topics) topics.add(t);
      } catch {
        // Unreadable user metadata: nothing to protect.
      }
    }
    return topics;
  }

  tombstones(): GroupRecord[] {
    return [{ type: 'groupMetadata', group: this.groupId, value: null }];
  }

  /** OffsetCommit validation (Kafka's ClassicGroup.validateOffsetCommit, in its order of checks). */
  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    // Commits from outside the group (admin tools, assign()-mode consumers) while nobody is in it.
    if (generationId < 0 && this.isEmpty) return ErrorCode.NONE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      if (groupInstanceId !== null) {
        const current = this.staticMembers.get(groupInstanceId);
        if (current !== undefined && current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
      }
      if (!this.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
      if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
      return ErrorCode.NONE;
    }
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }

  describeMembers(): { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[] {
    const withData = this.state === 'Stable';
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: withData ? (m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY) : EMPTY,
      assignment: withData ? m.assignment : EMPTY,
    }));
  }
}

function sameProtocolList(a: Protocol[], b: Protocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}

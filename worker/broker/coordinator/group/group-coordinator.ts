// The group coordinator of one broker: for every __consumer_offsets partition this broker leads, a shard
// holding that partition's groups and committed offsets. A shard's state is rebuilt by replaying the
// partition when the broker becomes its leader (after a restart or a leader move); every change is written
// to the partition first (coalesced with the other writes of the same moment, see coordinator-appender.ts) and
// answered and applied only once replicated.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../protocol/errors.js';
import { decodeRecordBatch } from '../../../protocol/records/record-batch.js';
import type { GroupMetadataValue } from '../../../protocol/generated/index.js';
import type { BrokerSettings, ControllerApi } from '../../../rpc/broker-rpc.js';
import type { MetadataImage } from '../../../rpc/metadata.js';
import type { Logger } from '../../logger.js';
import type { Partition } from '../../replica/partition.js';
import type { ReplicaManager } from '../../replica/replica-manager.js';
import { ClassicGroup, type GroupConfig, type GroupHost, type JoinRequest, type JoinResult, type SyncResult } from './classic-group.js';
import { ConsumerGroup, type ConsumerGroupHost } from './consumer-group.js';
import { CoordinatorAppender } from './coordinator-appender.js';
import { OFFSETS_TOPIC, OFFSETS_TOPIC_CONFIGS, offsetsPartitionFor } from './offsets-topic.js';
import { decodeGroupRecord, encodeGroupRecord, type GroupRecord } from './records.js';

export interface OffsetEntry {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export type Group = ClassicGroup | ConsumerGroup;

const LOAD_CHUNK_BYTES = 1 << 20;
/** offsets.commit.timeout.ms */
const COORDINATOR_WRITE_TIMEOUT_MS = 5000;
/** group.coordinator.append.linger.ms when unset: Kafka 4.2+'s adaptive linger (KAFKA-19826). */
const DEFAULT_APPEND_LINGER_MS = -1;

function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class Shard {
  loaded = false;
  readonly groups = new Map<string, Group>();
  readonly offsets = new Map<string, Map<string, OffsetEntry>>();

  constructor(
    readonly index: number,
    readonly partition: Partition,
    /** The shard's writes to its partition, batched. */
    readonly appender: CoordinatorAppender,
  ) {}

  applyOffset(group: string, topic: string, partition: number, entry: OffsetEntry | null): void {
    let m = this.offsets.get(group);
    if (entry === null) {
      m?.delete(offsetKey(topic, partition));
      if (m && m.size === 0) this.offsets.delete(group);
      return;
    }
    if (!m) this.offsets.set(group, (m = new Map()));
    m.set(offsetKey(topic, partition), entry);
  }

  offsetsOf(group: string): { topic: string; partition: number; entry: OffsetEntry }[] {
    const m = this.offsets.get(group);
    if (!m) return [];
    return [...m].map(([k, entry]) => {
      const sep = k.indexOf('\u0000');
      return { topic: k.slice(0, sep), partition: Number(k.slice(sep + 1)), entry };
    });
  }
}

export interface CoordinatorDeps {
  brokerId: number;
  settings: BrokerSettings;
  metadata: MetadataImage;
  replicas: ReplicaManager;
  controller: ControllerApi;
  log: Logger;
  now?: () => number;
}

export class GroupCoordinator implements GroupHost, ConsumerGroupHost {
  private readonly shards = new Map<number, Shard>();
  private readonly timers = new Map<Group, NodeJS.Timeout>();
  private creatingTopic: Promise<unknown> | null = null;
  private readonly expiryTimer: NodeJS.Timeout;
  private readonly now: () => number;
  readonly groupConfig: GroupConfig;

  constructor(private readonly deps: CoordinatorDeps) {
    this.now = deps.now ?? Date.now;
    const s = deps.settings;
    this.groupConfig = {
      initialRebalanceDelayMs: s['group.initial.rebalance.delay.ms'],
      minSessionTimeoutMs: s['group.min.session.timeout.ms'],
      maxSessionTimeoutMs: s['group.max.session.timeout.ms'],
      maxSize: s['group.max.size'],
    };
    this.expiryTimer = setInterval(() => void this.expireOffsets(), s['offsets.retention.check.interval.ms']);
    this.expiryTimer.unref();
  }

  get settings(): BrokerSettings {
    return this.deps.settings;
  }

  // ---- placement

  private offsetsTopic() {
    return this.deps.metadata.topicsByName.get(OFFSETS_TOPIC);
  }

  /** Asks the controller to create __consumer_offsets (once); clients retry FindCoordinator meanwhile. */
  private ensureOffsetsTopic(): void {
    if (this.offsetsTopic() || this.creatingTopic) return;
    const s = this.deps.settings;
    const live = this.deps.metadata.liveBrokers.size;
    this.creatingTopic = this.deps.controller
      .createTopics(
        [
          {
            name: OFFSETS_TOPIC,
            numPartitions: s['offsets.topic.num.partitions'],
            // Capped at the broker count, so a one- or two-broker cluster still gets its offsets topic.
            replicationFactor: Math.max(1, Math.min(s['offsets.topic.replication.factor'], live)),
            assignments: [],
            configs: OFFSETS_TOPIC_CONFIGS,
          },
        ],
        false,
      )
      .catch((e: unknown) => this.deps.log.error('creating __consumer_offsets failed', e))
      .finally(() => (this.creatingTopic = null));
  }

  /** FindCoordinator for a group: the leader of the group's __consumer_offsets partition. */
  findCoordinator(groupId: string): { errorCode: number; nodeId: number; host: string; port: number } {
    const none = { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: '', port: -1 };
    const topic = this.offsetsTopic();
    if (!topic) {
      this.ensureOffsetsTopic();
      return none;
    }
    const p = topic.partitions[offsetsPartitionFor(groupId, topic.partitions.length)];
    if (!p || !this.deps.metadata.liveBrokers.has(p.leader)) return none;
    const b = this.deps.metadata.brokers.get(p.leader);
    if (!b) return none;
    return { errorCode: ErrorCode.NONE, nodeId: b.brokerId, host: b.host, port: b.port };
  }

  /** The shard that owns `groupId` on this broker, or the error telling the client to look elsewhere. */
  shardFor(groupId: string): { shard: Shard; errorCode?: undefined } | { shard?: undefined; errorCode: number } {
    const topic = this.offsetsTopic();
    if (!topic) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    const index = offsetsPartitionFor(groupId, topic.partitions.length);
    const shard = this.shards.get(index);
    if (!shard) return { errorCode: ErrorCode.NOT_COORDINATOR };
    if (!shard.loaded) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS };
    return { shard };
  }

  // ---- leadership: load and unload shards as metadata changes

  onMetadata(): void {
    const topic = this.offsetsTopic();
    const led = new Set<number>();
    if (topic) {
      for (const p of topic.partitions) {
        if (p && p.leader === this.deps.brokerId) led.add(p.partition);
      }
    }
    for (const [index, shard] of this.shards) if (!led.has(index)) this.unload(shard);
    for (const index of led) {
      if (this.shards.has(index)) continue;
      const partition = this.deps.replicas.get(topic!.topicId, index);
      if (!partition) continue;
      const appender = new CoordinatorAppender(partition, {
        name: `${OFFSETS_TOPIC}-${index}`,
        lingerMs: this.deps.settings['group.coordinator.append.linger.ms'] ?? DEFAULT_APPEND_LINGER_MS,
        maxBatchBytes: this.deps.settings['message.max.bytes'],
        commitTimeoutMs: COORDINATOR_WRITE_TIMEOUT_MS,
        now: this.now,
      });
      const shard = new Shard(index, partition, appender);
      this.shards.set(index, shard);
      void this.load(shard).catch((e: unknown) => this.deps.log.error(`loading ${OFFSETS_TOPIC}-${index} failed`, e));
    }
  }

  private async load(shard: Shard): Promise<void> {
    const p = shard.partition;
    let offset = p.logStartOffset;
    const classic = new Map<string, GroupMetadataValue | null>();
    const consumerRecords = new Map<string, GroupRecord[]>();
    const offsetOnly = new Set<string>();
    // Everything this replica has, as Kafka's coordinator loads up to the log end: records past the high
    // watermark were written by an earlier leader in this or a later epoch and stay on the new leader.
    const end = p.logEndOffset;
    while (offset < end) {
      const batches = p.readLocal(offset, LOAD_CHUNK_BYTES);
      if (batches.length === 0) break;
      for (const b of batches) {
        const { header, records } = decodeRecordBatch(b.bytes, 0);
        for (const r of records) {
          if (r.offset < BigInt(offset)) continue;
          const rec = decodeGroupRecord(r.key, r.value);
          if (!rec) continue;
          if (rec.type === 'offset') {
            shard.applyOffset(rec.group, rec.topic, rec.partition, rec.value && toEntry(rec.value));
            offsetOnly.add(rec.group);
          } else if (rec.type === 'groupMetadata') {
            classic.set(rec.group, rec.value);
          } else {
            let list = consumerRecords.get(rec.group);
            if (!list) consumerRecords.set(rec.group, (list = []));
            list.push(rec);
          }
        }
        offset = Number(header.baseOffset) + header.lastOffsetDelta + 1;
      }
      // Loading a large partition must not stall the broker's other work.
      await new Promise((r) => setImmediate(r));
      if (this.shards.get(shard.index) !== shard) return;
    }
    const now = this.now();
    for (const [groupId, value] of classic) {
      if (value) shard.groups.set(groupId, ClassicGroup.fromRecord(groupId, value, this.groupConfig, this, now));
    }
    for (const [groupId, recs] of consumerRecords) {
      const g = ConsumerGroup.replay(groupId, recs, this, now);
      if (g) shard.groups.set(groupId, g);
    }
    for (const groupId of offsetOnly) {
      if (!shard.groups.has(groupId) && shard.offsets.has(groupId)) shard.groups.set(groupId, new ClassicGroup(groupId, this.groupConfig, this, now));
    }
    shard.loaded = true;
    for (const g of shard.groups.values()) this.reschedule(g);
    this.deps.log.info(`loaded ${OFFSETS_TOPIC}-${shard.index}: ${shard.groups.size} groups`);
  }

  private unload(shard: Shard): void {
    this.shards.delete(shard.index);
    // Writes not yet appended fail as Kafka fails a shard's pending operations on unload: the client finds the
    // new coordinator and retries there.
    shard.appender.abort(new Error(`no longer the coordinator of ${OFFSETS_TOPIC}-${shard.index}`));
    const now = this.now();
    for (const g of shard.groups.values()) {
      const t = this.timers.get(g);
      if (t) clearTimeout(t);
      this.timers.delete(g);
      // Waiting members are told to find the new coordinator.
      if (g instanceof ClassicGroup) g.markDead(now, ErrorCode.NOT_COORDINATOR);
    }
  }

  // ---- GroupHost

  newMemberId(clientId: string): string {
    return `${clientId}-${randomUUID()}`;
  }

  reschedule(group: Group): void {
    const existing = this.timers.get(group);
    if (existing) clearTimeout(existing);
    this.timers.delete(group);
    const next = group.nextDeadline();
    if (next === null) return;
    const t = setTimeout(() => {
      this.timers.delete(group);
      group.tick(this.now());
    }, Math.max(0, next - this.now()));
    this.timers.set(group, t);
  }

  persist(group: ClassicGroup, value: GroupMetadataValue | null): Promise<void> {
    const resolved = this.shardFor(group.groupId);
    if (!resolved.shard) return Promise.reject(new Error('not the coordinator'));
    return this.write(resolved.shard, [{ type: 'groupMetadata', group: group.groupId, value }]);
  }

  writeRecords(groupId: string, records: GroupRecord[]): Promise<void> {
    const resolved = this.shardFor(groupId);
    if (!resolved.shard) return Promise.reject(new Error('not the coordinator'));
    const g = resolved.shard.groups.get(groupId);
    if (g instanceof ConsumerGroup && g.replacesClassicRecord && records.length > 0) {
      g.replacesClassicRecord = false;
      records = [{ type: 'groupMetadata', group: groupId, value: null }, ...records];
    }
    return this.write(resolved.shard, records);
  }

  /** Topic metadata for server-side assignment (KIP-848). */
  topicPartitionCount(topic: string): { topicId: string; partitions: number } | null {
    const t = this.deps.metadata.topicsByName.get(topic);
    return t ? { topicId: t.topicId, partitions: t.partitions.length } : null;
  }

  topicNameOf(topicId: string): string | null {
    return this.deps.metadata.topicsById.get(topicId)?.name ?? null;
  }

  allTopicNames(): string[] {
    return [...this.deps.metadata.topicsByName.keys()];
  }

  /**
   * Adds records to the shard's next batch; resolves when the batch is replicated. Writes are appended in call
   * order and resolve in that order, so changes applied after each write are applied in log order.
   */
  write(shard: Shard, records: GroupRecord[]): Promise<void> {
    return shard.appender.write(records.map(encodeGroupRecord));
  }

  // ---- classic protocol

  private groupOf(shard: Shard, groupId: string): Group | undefined {
    return shard.groups.get(groupId);
  }

  async joinGroup(groupId: string, req: JoinRequest): Promise<JoinResult> {
    const err = (errorCode: number): JoinResult => ({
      errorCode,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: '',
      memberId: req.memberId,
      members: [],
      skipAssignment: false,
    });
    if (groupId === '') return err(ErrorCode.INVALID_GROUP_ID);
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return err(errorCode);
    let group = this.groupOf(shard, groupId);
    if (group instanceof ConsumerGroup) {
      if (!group.isEmpty) return err(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      // An empty KIP-848 group becomes a classic one; its records go, so a reload does not bring it back.
      if (group.groupEpoch > 0) await this.write(shard, group.tombstones());
      shard.groups.delete(groupId);
      group = undefined;
    }
    if (!group) {
      if (req.memberId !== '') return err(ErrorCode.UNKNOWN_MEMBER_ID);
      group = new ClassicGroup(groupId, this.groupConfig, this, this.now());
      shard.groups.set(groupId, group);
    }
    return group.join(req, this.now());
  }

  async syncGroup(
    groupId: string,
    req: Parameters<ClassicGroup['sync']>[0],
  ): Promise<SyncResult> {
    const err = (errorCode: number): SyncResult => ({ errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    if (groupId === '') return err(ErrorCode.INVALID_GROUP_ID);
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return err(errorCode);
    const group = this.groupOf(shard, groupId);
    // Classic calls for a member a KIP-848 group does not know: UNKNOWN_MEMBER_ID, as Kafka answers.
    if (!(group instanceof ClassicGroup)) return err(ErrorCode.UNKNOWN_MEMBER_ID);
    return group.sync(req, this.now());
  }

  heartbeat(groupId: string, req: Parameters<ClassicGroup['heartbeat']>[0]): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return errorCode;
    const group = this.groupOf(shard, groupId);
    if (!(group instanceof ClassicGroup)) return ErrorCode.UNKNOWN_MEMBER_ID;
    return group.heartbeat(req, this.now());
  }

  leaveGroup(groupId: string, members: { memberId: string; groupInstanceId: string | null }[]): { errorCode: number; members: number[] } {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return { errorCode, members: [] };
    const group = this.groupOf(shard, groupId);
    if (!(group instanceof ClassicGroup)) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: members.map(() => ErrorCode.UNKNOWN_MEMBER_ID) };
    return { errorCode: ErrorCode.NONE, members: group.leave(members, this.now()) };
  }

  // ---- offsets

  /**
   * OffsetCommit. `generationOrEpoch` is the classic generation, or the KIP-848 member epoch (v9+ against a
   * consumer group). Returns a per-partition error code, in request order.
   */
  async commitOffsets(
    groupId: string,
    memberId: string,
    groupInstanceId: string | null,
    generationOrEpoch: number,
    topics: { name: string; partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata: string | null }[] }[],
  ): Promise<number[][]> {
    const all = (code: number) => topics.map((t) => t.partitions.map(() => code));
    // An empty group id is a group like any other for offsets (Kafka 4 stores them).
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return all(errorCode);
    let group = this.groupOf(shard, groupId);
    const now = this.now();
    let groupError: number;
    let created: ClassicGroup | null = null;
    if (!group) {
      if (generationOrEpoch >= 0) groupError = ErrorCode.ILLEGAL_GENERATION;
      else {
        // A commit from outside any group (admin tools, assign()-mode consumers) creates an empty group, at once:
        // the commits queued behind this one see it, as later operations see Kafka's uncommitted state.
        group = created = new ClassicGroup(groupId, this.groupConfig, this, now);
        shard.groups.set(groupId, group);
        groupError = ErrorCode.NONE;
      }
    } else if (group instanceof ClassicGroup) {
      groupError = group.validateOffsetCommit(memberId, groupInstanceId, generationOrEpoch);
    } else {
      groupError = group.validateOffsetCommit(memberId, generationOrEpoch);
    }
    if (groupError !== ErrorCode.NONE) return all(groupError);

    const maxMetadata = this.deps.settings['offset.metadata.max.bytes'];
    const records: GroupRecord[] = [];
    const codes = topics.map((t) => {
      const topic = this.deps.metadata.topicsByName.get(t.name);
      return t.partitions.map((p) => {
        if (!topic || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions.length) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        const metadata = p.committedMetadata ?? '';
        // Kafka compares the string's length (UTF-16 units), not its encoded size.
        if (metadata.length > maxMetadata) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
        records.push({
          type: 'offset',
          group: groupId,
          topic: t.name,
          partition: p.partitionIndex,
          value: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata, commitTimestamp: BigInt(now) },
        });
        return ErrorCode.NONE;
      });
    });
    try {
      await this.write(shard, records);
    } catch (e) {
      // One line per commit: a failed batch fails every commit in it, and failovers fail many batches.
      this.deps.log.warn(`offset commit for ${groupId} failed: ${(e as Error).message}`);
      // Nothing half-applied (Kafka reverts its uncommitted state when an append fails): the empty group this
      // commit created goes again unless something else has made it real since.
      if (created && shard.groups.get(groupId) === created && created.isEmpty && created.protocolType === null && !shard.offsets.has(groupId)) {
        shard.groups.delete(groupId);
      }
      return all(ErrorCode.NOT_COORDINATOR);
    }
    // As the replay in load() does: offsets without a group record belong to an empty classic group (one that a
    // failed commit queued ahead of this one took away again).
    if (records.length > 0 && !shard.groups.has(groupId)) shard.groups.set(groupId, new ClassicGroup(groupId, this.groupConfig, this, this.now()));
    for (const r of records) if (r.type === 'offset') shard.applyOffset(r.group, r.topic, r.partition, toEntry(r.value!));
    return codes;
  }

  /** OffsetFetch for one group; `topics` null means every partition the group has committed. */
  fetchOffsets(
    groupId: string,
    topics: { name: string; partitionIndexes: number[] }[] | null,
    member: { memberId: string | null; memberEpoch: number } | null,
  ): { errorCode: number; topics: { name: string; partitions: { partitionIndex: number; entry: OffsetEntry | null }[] }[] } {
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return { errorCode, topics: [] };
    const group = this.groupOf(shard, groupId);
    if (member && member.memberId !== null && group instanceof ConsumerGroup) {
      const check = group.validateOffsetFetch(member.memberId, member.memberEpoch);
      if (check !== ErrorCode.NONE) return { errorCode: check, topics: [] };
    }
    const committed = shard.offsets.get(groupId);
    if (topics === null) {
      const byTopic = new Map<string, { partitionIndex: number; entry: OffsetEntry | null }[]>();
      for (const o of shard.offsetsOf(groupId)) {
        let list = byTopic.get(o.topic);
        if (!list) byTopic.set(o.topic, (list = []));
        list.push({ partitionIndex: o.partition, entry: o.entry });
      }
      return { errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex) })) };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, entry: committed?.get(offsetKey(t.name, partitionIndex)) ?? null })),
      })),
    };
  }

  /** OffsetDelete: only for partitions the group is not consuming (Kafka's GROUP_SUBSCRIBED_TO_TOPIC otherwise). */
  async deleteOffsets(groupId: string, topics: { name: string; partitions: number[] }[]): Promise<{ errorCode: number; codes: number[][] }> {
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return { errorCode, codes: [] };
    const group = this.groupOf(shard, groupId);
    if (!group) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, codes: [] };
    const subscribed = group.subscribedTopics();
    const records: GroupRecord[] = [];
    const codes = topics.map((t) =>
      t.partitions.map((partition) => {
        if (!this.deps.metadata.topicsByName.has(t.name)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (subscribed.has(t.name)) return ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        if (shard.offsets.get(groupId)?.has(offsetKey(t.name, partition))) records.push({ type: 'offset', group: groupId, topic: t.name, partition, value: null });
        return ErrorCode.NONE;
      }),
    );
    await this.write(shard, records);
    for (const r of records) if (r.type === 'offset') shard.applyOffset(r.group, r.topic, r.partition, null);
    return { errorCode: ErrorCode.NONE, codes };
  }

  // ---- admin

  describeGroup(groupId: string): { errorCode: number; group?: Group } {
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return { errorCode };
    return { errorCode: ErrorCode.NONE, group: shard.groups.get(groupId) };
  }

  /** Groups of every shard this broker coordinates (ListGroups is sent to every broker). */
  listGroups(): { groups: Group[]; errorCode: number } {
    const groups: Group[] = [];
    let errorCode: number = ErrorCode.NONE;
    for (const shard of this.shards.values()) {
      if (!shard.loaded) {
        errorCode = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
        continue;
      }
      for (const g of shard.groups.values()) if (g.state !== 'Dead') groups.push(g);
    }
    return { groups, errorCode };
  }

  async deleteGroup(groupId: string): Promise<number> {
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return errorCode;
    const group = shard.groups.get(groupId);
    if (!group || group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.isEmpty) return ErrorCode.NON_EMPTY_GROUP;
    const records: GroupRecord[] = shard.offsetsOf(groupId).map((o) => ({ type: 'offset', group: groupId, topic: o.topic, partition: o.partition, value: null }));
    records.push(...group.tombstones());
    await this.write(shard, records);
    shard.offsets.delete(groupId);
    shard.groups.delete(groupId);
    if (group instanceof ClassicGroup) group.markDead(this.now(), ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.reschedule(group);
    return ErrorCode.NONE;
  }

  // ---- KIP-848

  /** The consumer group for a ConsumerGroupHeartbeat, created on a first join; an empty classic group converts. */
  consumerGroupFor(groupId: string, joining: boolean): { group: ConsumerGroup; shard: Shard } | { errorCode: number; message?: string } {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, message: 'GroupId can\'t be empty.' };
    const { shard, errorCode } = this.shardFor(groupId);
    if (!shard) return { errorCode };
    const existing = shard.groups.get(groupId);
    if (existing instanceof ConsumerGroup) return { group: existing, shard };
    if (existing && !existing.isEmpty) {
      return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, message: `Group ${groupId} is not a consumer group.` };
    }
    if (!joining) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, message: `Group ${groupId} not found.` };
    // An empty classic group (e.g. only committed offsets) becomes a consumer group; its record is tombstoned
    // by the first write of the new group (see dropClassicRecord).
    const group = new ConsumerGroup(groupId, this, this.now());
    if (existing instanceof ClassicGroup && existing.protocolType !== null) group.replacesClassicRecord = true;
    shard.groups.set(groupId, group);
    return { group, shard };
  }

  /** A consumer group created by a heartbeat that was then refused holds nothing: forget it. */
  dropIfUnused(groupId: string): void {
    const resolved = this.shardFor(groupId);
    const g = resolved.shard?.groups.get(groupId);
    if (g instanceof ConsumerGroup && g.isEmpty && g.groupEpoch === 0) {
      if (resolved.shard!.offsets.has(groupId)) resolved.shard!.groups.set(groupId, new ClassicGroup(groupId, this.groupConfig, this, this.now()));
      else resolved.shard!.groups.delete(groupId);
    }
  }

  // ---- expiry of offsets of empty groups (offsets.retention.minutes)

  private async expireOffsets(): Promise<void> {
    const now = this.now();
    const retentionMs = this.deps.settings['offsets.retention.minutes'] * 60_000;
    for (const shard of this.shards.values()) {
      if (!shard.loaded) continue;
      for (const [groupId, group] of [...shard.groups]) {
        if (!group.isEmpty) continue;
        // KIP-211: offsets of a group expire once it has been empty for the retention period; for groups that
        // never had members (standalone commits), each offset expires a retention period after its commit.
        const expiredAll = group.protocolType !== null && now - group.currentStateTimestamp >= retentionMs;
        const records: GroupRecord[] = [];
        for (const o of shard.offsetsOf(groupId)) {
          if (expiredAll || now - o.entry.commitTimestamp >= retentionMs) records.push({ type: 'offset', group: groupId, topic: o.topic, partition: o.partition, value: null });
        }
        const remaining = shard.offsetsOf(groupId).length - records.length;
        if (remaining === 0) records.push(...group.tombstones());
        if (records.length === 0) continue;
        try {
          await this.write(shard, records);
        } catch (e) {
          this.deps.log.error(`expiring offsets of ${groupId} failed`, e);
          continue;
        }
        for (const r of records) if (r.type === 'offset') shard.applyOffset(r.group, r.topic, r.partition, null);
        if (remaining === 0) shard.groups.delete(groupId);
      }
    }
  }

  /** Exposed for tests with a fake clock. */
  runExpiry(): Promise<void> {
    return this.expireOffsets();
  }

  async shutdown(): Promise<void> {
    clearInterval(this.expiryTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.shards.values()].map((s) => s.appender.idle()));
  }
}

function toEntry(v: { offset: bigint; leaderEpoch?: number; metadata: string; commitTimestamp: bigint }): OffsetEntry {
  return { offset: v.offset, leaderEpoch: v.leaderEpoch ?? -1, metadata: v.metadata, commitTimestamp: Number(v.commitTimestamp) };
}

export { OFFSETS_TOPIC };

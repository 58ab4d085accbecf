// CreatePartitions, decided by the controller: more partitions for existing topics (never fewer), placed like new
// topics' partitions or by an explicit assignment. Checks, order and wording follow Kafka 4.4 (ControllerApis and
// ReplicationControlManager.createPartitions; compared with the reference broker by
// test/differential/configs-admin.test.ts).
import { ErrorCode } from '../../worker/protocol/errors.js';
import type { MetadataImage, MetadataRecord } from '../../worker/rpc/metadata.js';
import { assignReplicas } from './assignment.js';

export interface CreatePartitionsItem {
  topic: string;
  count: number;
  assignments: number[][] | null;
}

export interface CreatePartitionsResult {
  topic: string;
  errorCode: number;
  errorMessage: string | null;
}

/**
 * Kafka's controller bounds the records of one operation (QuorumController.MAX_RECORDS_PER_USER_OP): a request that
 * would add more partitions than this in all (counted before any other check) fails for every topic in it.
 */
export const MAX_NEW_PARTITIONS_PER_REQUEST = 10_000;

class Refused extends Error {
  constructor(
    readonly errorCode: number,
    readonly errorMessage: string | null,
  ) {
    super(errorMessage ?? String(errorCode));
  }
}

/** ReplicationControlManager.validateManualPartitionAssignment: replicas checked in sorted order. */
function checkAssignment(image: MetadataImage, replicas: number[], replicationFactor: number): void {
  const bad = (message: string) => new Refused(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
  if (replicas.length === 0) throw bad('The manual partition assignment includes an empty replica list.');
  const sorted = [...replicas].sort((a, b) => a - b);
  let previous: number | null = null;
  for (const id of sorted) {
    if (!image.brokers.has(id)) throw bad(`The manual partition assignment includes broker ${id}, but no such broker is registered.`);
    if (id === previous) throw bad(`The manual partition assignment includes the broker ${id} more than once.`);
    previous = id;
  }
  if (sorted.length !== replicationFactor) {
    throw bad(
      `The manual partition assignment includes a partition with ${sorted.length} replica(s), but this is not consistent with previous partitions, which have ${replicationFactor} replica(s).`,
    );
  }
}

/** The new partitions' replica lists for one topic, or a Refused error. */
function placement(image: MetadataImage, item: CreatePartitionsItem, random: () => number): { topicId: string; first: number; replicas: number[][] } {
  const topic = image.topicsByName.get(item.topic);
  if (!topic) throw new Refused(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
  const current = topic.partitions.length;
  if (item.count === current) throw new Refused(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
  if (item.count < current) {
    throw new Refused(ErrorCode.INVALID_PARTITIONS, `The topic ${item.topic} currently has ${current} partition(s); ${item.count} would not be an increase.`);
  }
  const adding = item.count - current;
  const replicationFactor = topic.partitions[0]?.replicas.length ?? 1;
  if (item.assignments) {
    if (item.assignments.length !== adding) {
      throw new Refused(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Attempted to add ${adding} additional partition(s), but only ${item.assignments.length} assignment(s) were specified.`);
    }
    item.assignments.forEach((replicas, i) => {
      checkAssignment(image, replicas, replicationFactor);
      if (!replicas.some((r) => image.liveBrokers.has(r))) {
        throw new Refused(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `All brokers specified in the manual partition assignment for partition ${current + i} are fenced or in controlled shutdown.`,
        );
      }
    });
    return { topicId: topic.topicId, first: current, replicas: item.assignments };
  }
  const live = [...image.liveBrokers].sort((a, b) => a - b);
  if (replicationFactor > live.length) {
    throw new Refused(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${live.length} broker(s) are registered or some brokers have all their log directories cordoned.`,
    );
  }
  return { topicId: topic.topicId, first: current, replicas: assignReplicas(live, adding, replicationFactor, random) };
}

/** The answer per topic (repeated names first, as Kafka lists them) and the partition records to write. */
export function planCreatePartitions(
  image: MetadataImage,
  items: readonly CreatePartitionsItem[],
  random: () => number = Math.random,
): { results: CreatePartitionsResult[]; records: MetadataRecord[] } {
  const seen = new Map<string, number>();
  for (const item of items) seen.set(item.topic, (seen.get(item.topic) ?? 0) + 1);
  const results: CreatePartitionsResult[] = [...seen]
    .filter(([, n]) => n > 1)
    .map(([topic]) => ({ topic, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }));
  let adding = 0;
  for (const item of items) {
    const topic = image.topicsByName.get(item.topic);
    if (topic && seen.get(item.topic) === 1) adding += Math.max(0, item.count - topic.partitions.length);
  }
  if (adding > MAX_NEW_PARTITIONS_PER_REQUEST) {
    const message = 'Excessively large number of additional partitions per request.';
    return { results: items.map((i) => ({ topic: i.topic, errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: message })), records: [] };
  }
  const records: MetadataRecord[] = [];
  for (const item of items) {
    if (seen.get(item.topic)! > 1) continue;
    let placed: ReturnType<typeof placement>;
    try {
      placed = placement(image, item, random);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      results.push({ topic: item.topic, errorCode: e.errorCode, errorMessage: e.errorMessage });
      continue;
    }
    placed.replicas.forEach((replicas, i) => {
      const isr = replicas.filter((r) => image.liveBrokers.has(r));
      records.push({ type: 'partition', topicId: placed.topicId, partition: placed.first + i, replicas, isr, leader: isr[0]!, leaderEpoch: 0, partitionEpoch: 0 });
    });
    results.push({ topic: item.topic, errorCode: ErrorCode.NONE, errorMessage: null });
  }
  return { results, records };
}

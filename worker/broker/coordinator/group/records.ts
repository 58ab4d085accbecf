// The records the group coordinator writes to __consumer_offsets, in Kafka's own versioned formats
// (../shared/kafka-protocol/records/): the key starts with an int16 that names the record type, the value
// with its own int16 schema version; a null value is a tombstone. Encoded and decoded with the generated
// codec, so the log is readable by Kafka's tools and Kafka's records by Eddy.
import { Reader, Writer, ProtocolError } from '../../../protocol/primitives.js';
import {
  decodeConsumerGroupCurrentMemberAssignmentKey,
  decodeConsumerGroupCurrentMemberAssignmentValue,
  decodeConsumerGroupMemberMetadataKey,
  decodeConsumerGroupMemberMetadataValue,
  decodeConsumerGroupMetadataKey,
  decodeConsumerGroupMetadataValue,
  decodeConsumerGroupPartitionMetadataKey,
  decodeConsumerGroupTargetAssignmentMemberKey,
  decodeConsumerGroupTargetAssignmentMemberValue,
  decodeConsumerGroupTargetAssignmentMetadataKey,
  decodeConsumerGroupTargetAssignmentMetadataValue,
  decodeGroupMetadataKey,
  decodeGroupMetadataValue,
  decodeOffsetCommitKey,
  decodeOffsetCommitValue,
  encodeConsumerGroupCurrentMemberAssignmentKey,
  encodeConsumerGroupCurrentMemberAssignmentValue,
  encodeConsumerGroupMemberMetadataKey,
  encodeConsumerGroupMemberMetadataValue,
  encodeConsumerGroupMetadataKey,
  encodeConsumerGroupMetadataValue,
  encodeConsumerGroupPartitionMetadataKey,
  encodeConsumerGroupTargetAssignmentMemberKey,
  encodeConsumerGroupTargetAssignmentMemberValue,
  encodeConsumerGroupTargetAssignmentMetadataKey,
  encodeConsumerGroupTargetAssignmentMetadataValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type ConsumerGroupCurrentMemberAssignmentValue,
  type ConsumerGroupMemberMetadataValue,
  type GroupMetadataValue,
  type OffsetCommitValue,
} from '../../../protocol/generated/index.js';

/** Key versions, which double as record types (NOTES §6). */
export const RecordType = {
  OFFSET_COMMIT_V0: 0,
  OFFSET_COMMIT: 1,
  GROUP_METADATA: 2,
  CONSUMER_GROUP_METADATA: 3,
  CONSUMER_GROUP_PARTITION_METADATA: 4,
  CONSUMER_GROUP_MEMBER_METADATA: 5,
  CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA: 6,
  CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER: 7,
  CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT: 8,
} as const;

/** Value schema versions Eddy writes (what Kafka 4 writes for these records). */
const OFFSET_COMMIT_VALUE_VERSION = 3;
const GROUP_METADATA_VALUE_VERSION = 3;

export type TopicPartitions = { topicId: string; partitions: number[] }[];

export type GroupRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetCommitValue | null }
  | { type: 'groupMetadata'; group: string; value: GroupMetadataValue | null }
  | { type: 'consumerGroupMetadata'; group: string; epoch: number | null }
  | { type: 'consumerGroupPartitionMetadata'; group: string }
  | { type: 'consumerGroupMember'; group: string; memberId: string; value: ConsumerGroupMemberMetadataValue | null }
  | { type: 'consumerGroupTargetAssignmentMetadata'; group: string; assignmentEpoch: number | null }
  | { type: 'consumerGroupTargetAssignmentMember'; group: string; memberId: string; partitions: TopicPartitions | null }
  | { type: 'consumerGroupCurrentAssignment'; group: string; memberId: string; value: ConsumerGroupCurrentMemberAssignmentValue | null };

export interface EncodedRecord {
  key: Buffer;
  value: Buffer | null;
}

function keyed(version: number, encode: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  encode(w);
  return w.toBuffer();
}

function valued(version: number, encode: (w: Writer) => void): Buffer {
  const w = new Writer(128);
  w.writeInt16(version);
  encode(w);
  return w.toBuffer();
}

export function encodeGroupRecord(r: GroupRecord): EncodedRecord {
  switch (r.type) {
    case 'offset':
      return {
        key: keyed(RecordType.OFFSET_COMMIT, (w) => encodeOffsetCommitKey(w, 1, { group: r.group, topic: r.topic, partition: r.partition })),
        value: r.value && valued(OFFSET_COMMIT_VALUE_VERSION, (w) => encodeOffsetCommitValue(w, OFFSET_COMMIT_VALUE_VERSION, r.value!)),
      };
    case 'groupMetadata':
      return {
        key: keyed(RecordType.GROUP_METADATA, (w) => encodeGroupMetadataKey(w, 2, { group: r.group })),
        value: r.value && valued(GROUP_METADATA_VALUE_VERSION, (w) => encodeGroupMetadataValue(w, GROUP_METADATA_VALUE_VERSION, r.value!)),
      };
    case 'consumerGroupMetadata':
      return {
        key: keyed(RecordType.CONSUMER_GROUP_METADATA, (w) => encodeConsumerGroupMetadataKey(w, 3, { groupId: r.group })),
        value: r.epoch === null ? null : valued(0, (w) => encodeConsumerGroupMetadataValue(w, 0, { epoch: r.epoch! })),
      };
    case 'consumerGroupPartitionMetadata':
      // Eddy recomputes subscribed-topic metadata from the cluster metadata; it only ever deletes this record.
      return { key: keyed(RecordType.CONSUMER_GROUP_PARTITION_METADATA, (w) => encodeConsumerGroupPartitionMetadataKey(w, 4, { groupId: r.group })), value: null };
    case 'consumerGroupMember':
      return {
        key: keyed(RecordType.CONSUMER_GROUP_MEMBER_METADATA, (w) => encodeConsumerGroupMemberMetadataKey(w, 5, { groupId: r.group, memberId: r.memberId })),
        value: r.value && valued(0, (w) => encodeConsumerGroupMemberMetadataValue(w, 0, r.value!)),
      };
    case 'consumerGroupTargetAssignmentMetadata':
      return {
        key: keyed(RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA, (w) => encodeConsumerGroupTargetAssignmentMetadataKey(w, 6, { groupId: r.group })),
        value: r.assignmentEpoch === null ? null : valued(0, (w) => encodeConsumerGroupTargetAssignmentMetadataValue(w, 0, { assignmentEpoch: r.assignmentEpoch! })),
      };
    case 'consumerGroupTargetAssignmentMember':
      return {
        key: keyed(RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER, (w) =>
          encodeConsumerGroupTargetAssignmentMemberKey(w, 7, { groupId: r.group, memberId: r.memberId }),
        ),
        value: r.partitions && valued(0, (w) => encodeConsumerGroupTargetAssignmentMemberValue(w, 0, { topicPartitions: r.partitions! })),
      };
    case 'consumerGroupCurrentAssignment':
      return {
        key: keyed(RecordType.CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT, (w) =>
          encodeConsumerGroupCurrentMemberAssignmentKey(w, 8, { groupId: r.group, memberId: r.memberId }),
        ),
        value: r.value && valued(0, (w) => encodeConsumerGroupCurrentMemberAssignmentValue(w, 0, r.value!)),
      };
  }
}

/** Decodes a record read back from __consumer_offsets; null for record types this coordinator ignores (share groups). */
export function decodeGroupRecord(key: Buffer | null, value: Buffer | null): GroupRecord | null {
  if (!key || key.length < 2) throw new ProtocolError('group record without a key');
  const kr = new Reader(key);
  const type = kr.readInt16();
  const vr = value ? new Reader(value) : null;
  const valueVersion = vr ? vr.readInt16() : -1;
  switch (type) {
    case RecordType.OFFSET_COMMIT_V0:
    case RecordType.OFFSET_COMMIT: {
      const k = decodeOffsetCommitKey(kr, type);
      return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: vr && decodeOffsetCommitValue(vr, valueVersion) };
    }
    case RecordType.GROUP_METADATA: {
      const k = decodeGroupMetadataKey(kr, 2);
      return { type: 'groupMetadata', group: k.group, value: vr && decodeGroupMetadataValue(vr, valueVersion) };
    }
    case RecordType.CONSUMER_GROUP_METADATA: {
      const k = decodeConsumerGroupMetadataKey(kr, 3);
      return { type: 'consumerGroupMetadata', group: k.groupId, epoch: vr ? decodeConsumerGroupMetadataValue(vr, valueVersion).epoch : null };
    }
    case RecordType.CONSUMER_GROUP_PARTITION_METADATA: {
      const k = decodeConsumerGroupPartitionMetadataKey(kr, 4);
      return { type: 'consumerGroupPartitionMetadata', group: k.groupId };
    }
    case RecordType.CONSUMER_GROUP_MEMBER_METADATA: {
      const k = decodeConsumerGroupMemberMetadataKey(kr, 5);
      return { type: 'consumerGroupMember', group: k.groupId, memberId: k.memberId, value: vr && decodeConsumerGroupMemberMetadataValue(vr, valueVersion) };
    }
    case RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_METADATA: {
      const k = decodeConsumerGroupTargetAssignmentMetadataKey(kr, 6);
      return {
        type: 'consumerGroupTargetAssignmentMetadata',
        group: k.groupId,
        assignmentEpoch: vr ? decodeConsumerGroupTargetAssignmentMetadataValue(vr, valueVersion).assignmentEpoch : null,
      };
    }
    case RecordType.CONSUMER_GROUP_TARGET_ASSIGNMENT_MEMBER: {
      const k = decodeConsumerGroupTargetAssignmentMemberKey(kr, 7);
      return {
        type: 'consumerGroupTargetAssignmentMember',
        group: k.groupId,
        memberId: k.memberId,
        partitions: vr ? decodeConsumerGroupTargetAssignmentMemberValue(vr, valueVersion).topicPartitions : null,
      };
    }
    case RecordType.CONSUMER_GROUP_CURRENT_MEMBER_ASSIGNMENT: {
      const k = decodeConsumerGroupCurrentMemberAssignmentKey(kr, 8);
      return {
        type: 'consumerGroupCurrentAssignment',
        group: k.groupId,
        memberId: k.memberId,
        value: vr && decodeConsumerGroupCurrentMemberAssignmentValue(vr, valueVersion),
      };
    }
    default:
      return null;
  }
}

// __consumer_offsets: which partition a group lives in, and the topic's settings.

export const OFFSETS_TOPIC = '__consumer_offsets';

/** Configs Kafka gives the offsets topic: compacted, so only the latest record per key is kept. */
export const OFFSETS_TOPIC_CONFIGS = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'compression.type', value: 'producer' },
  { name: 'segment.bytes', value: '104857600' },
];

/** Java's String.hashCode over UTF-16 code units, with int32 overflow. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's partitionFor(groupId): Utils.abs(hashCode) % partitions, where Utils.abs masks the sign bit. */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  return (javaStringHash(groupId) & 0x7fffffff) % partitions;
}

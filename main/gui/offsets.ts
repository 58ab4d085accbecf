// ListOffsets for many partitions at once: log start (earliest), high watermark (latest) or the first offset at or
// after a timestamp. Results are keyed `topic/partition`.
import { kafkaError, toUiError } from './errors.js';
import { errorName, type KafkaClient } from './kafka-client.js';

export const EARLIEST = -2n;
export const LATEST = -1n;

export type PartitionKey = `${string}/${number}`;

export function pkey(topic: string, partition: number): PartitionKey {
  return `${topic}/${partition}`;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

interface RawListOffsets {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number; offset: bigint }[] }[];
}

/**
 * offset per partition for `timestamp` (EARLIEST, LATEST or ms); -1 where no record is at or after a timestamp.
 * Raw ListOffsets to each partition's leader from a fresh metadata answer (the library's own call trusts its
 * metadata cache, which lags a topic created or grown a moment ago).
 */
export async function listOffsets(client: KafkaClient, spec: TopicPartitions[], timestamp: bigint | ((topic: string, partition: number) => bigint)): Promise<Map<PartitionKey, number>> {
  const out = new Map<PartitionKey, number>();
  if (!spec.some((t) => t.partitions.length > 0)) return out;
  const md = await client.metadata();
  const byLeader = new Map<number, Map<string, { partitionIndex: number; currentLeaderEpoch: number; timestamp: bigint }[]>>();
  for (const t of spec) {
    const mt = md.topics.find((x) => x.name === t.topic);
    for (const p of t.partitions) {
      const mp = mt?.partitions.find((x) => x.partition === p);
      if (!mt || !mp) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${t.topic} has no partition ${p}`, 'could not list offsets');
      if (mp.leader < 0) continue;
      const topics = byLeader.get(mp.leader) ?? new Map();
      const list = topics.get(t.topic) ?? [];
      list.push({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: typeof timestamp === 'function' ? timestamp(t.topic, p) : timestamp });
      topics.set(t.topic, list);
      byLeader.set(mp.leader, topics);
    }
  }
  try {
    await Promise.all(
      [...byLeader].map(async ([leader, topics]) => {
        const b = md.brokers.find((x) => x.id === leader);
        if (!b) return;
        const req = [...topics].map(([name, partitions]) => ({ name, partitions }));
        const r = await client.request<[number, number, unknown[]], RawListOffsets>('ListOffsets', await client.broker(b), -1, 0, req);
        for (const t of r.topics) {
          for (const p of t.partitions) {
            if (p.errorCode !== 0) throw kafkaError(errorName(p.errorCode), null, `could not list the offsets of ${t.name}-${p.partitionIndex}`);
            out.set(pkey(t.name, p.partitionIndex), Number(p.offset));
          }
        }
      }),
    );
  } catch (e) {
    throw toUiError(e, 'could not list offsets');
  }
  return out;
}

/** Log start and high watermark of each partition. */
export async function offsetRange(client: KafkaClient, spec: TopicPartitions[]): Promise<{ start: Map<PartitionKey, number>; end: Map<PartitionKey, number> }> {
  const [start, end] = await Promise.all([listOffsets(client, spec, EARLIEST), listOffsets(client, spec, LATEST)]);
  return { start, end };
}

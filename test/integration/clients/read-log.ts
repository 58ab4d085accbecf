// Reads what a client wrote, straight from the partition leader with the raw protocol client (Fetch v11, by topic
// name) and Eddy's own record-batch decoder: the stored batch headers (codec, producer id, sequences) and every
// record. The client tests use it to check what the broker stored, independently of the client under test.
import { RawClient } from '../../helpers/raw-client';
import { ZERO_UUID } from '../../../worker/protocol/primitives.js';
import { decodeRecordBatch, splitBatches, type BatchHeader } from '../../../worker/protocol/records/index.js';

export interface StoredRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

export interface StoredPartition {
  batches: BatchHeader[];
  records: StoredRecord[];
  highWatermark: number;
}

function hostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) };
}

/** Leader (host, port) of every partition of `topic`, from a Metadata v12 request to the first bootstrap server. */
export async function partitionLeaders(bootstrap: string, topic: string): Promise<{ host: string; port: number; nodeId: number }[]> {
  const { host, port } = hostPort(bootstrap.split(',')[0]!);
  const c = await RawClient.open(port, host);
  try {
    const md = await c.request(3, 12, { topics: [{ name: topic, topicId: ZERO_UUID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const t = md.topics[0];
    if (!t || t.errorCode !== 0) throw new Error(`metadata for ${topic}: error ${t?.errorCode}`);
    const brokers = new Map<number, { host: string; port: number }>(md.brokers.map((b: any) => [b.nodeId, { host: b.host, port: b.port }]));
    const out: { host: string; port: number; nodeId: number }[] = [];
    for (const p of t.partitions) out[p.partitionIndex] = { ...brokers.get(p.leaderId)!, nodeId: p.leaderId };
    return out;
  } finally {
    c.close();
  }
}

/** Every batch and record of one partition, from offset 0 to the high watermark. */
export async function readPartition(bootstrap: string, topic: string, partition: number): Promise<StoredPartition> {
  const leader = (await partitionLeaders(bootstrap, topic))[partition];
  if (!leader) throw new Error(`${topic}-${partition} has no leader`);
  const c = await RawClient.open(leader.port, leader.host);
  const batches: BatchHeader[] = [];
  const records: StoredRecord[] = [];
  let offset = 0n;
  let highWatermark = -1;
  try {
    for (;;) {
      const res = await c.request(1, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 16 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1n, partitionMaxBytes: 16 << 20 }] }],
        forgottenTopicsData: [],
        rackId: '',
      });
      const p = res.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${offset}: error ${p.errorCode}`);
      highWatermark = Number(p.highWatermark);
      const parts: Buffer[] = Array.isArray(p.records) ? p.records : p.records ? [p.records] : [];
      const buf = Buffer.concat(parts);
      let got = 0;
      for (const batch of splitBatches(buf)) {
        const b = decodeRecordBatch(batch);
        batches.push(b.header);
        for (const r of b.records) {
          if (r.offset < offset) continue;
          records.push({
            offset: Number(r.offset),
            timestamp: Number(r.timestamp),
            key: r.key ? r.key.toString('utf8') : null,
            value: r.value ? r.value.toString('utf8') : null,
            headers: r.headers.map((h) => [h.key, h.value ? h.value.toString('utf8') : null]),
          });
          got++;
        }
        offset = b.header.baseOffset + BigInt(b.header.lastOffsetDelta) + 1n;
      }
      if (got === 0 || offset >= BigInt(highWatermark)) break;
    }
  } finally {
    c.close();
  }
  return { batches, records, highWatermark };
}

/** CreateTopics v7 through the raw client (for tests whose client cannot create topics, like kcat); throws on error. */
export async function createTopic(bootstrap: string, name: string, numPartitions: number, replicationFactor = 1, assignment?: number[][]): Promise<void> {
  const { host, port } = hostPort(bootstrap.split(',')[0]!);
  const c = await RawClient.open(port, host);
  try {
    // With an explicit assignment (broker ids per partition), Kafka wants -1 for the counts.
    const topic = assignment
      ? { name, numPartitions: -1, replicationFactor: -1, assignments: assignment.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })), configs: [] }
      : { name, numPartitions, replicationFactor, assignments: [], configs: [] };
    const res = await c.request(19, 7, { topics: [topic], timeoutMs: 30_000, validateOnly: false });
    const t = res.topics[0];
    if (t.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
  } finally {
    c.close();
  }
}

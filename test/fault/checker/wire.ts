// The checker's own Kafka client, on the bare protocol (test/helpers/raw-client.ts): topic creation, metadata,
// raw produce (for the focused tests) and fetch. The final read and the live consumer go through here, so they
// depend on neither producer client (kafkajs, Java).
import { RawClient } from '../../helpers/raw-client.js';
import { batchSizeAt, decodeRecordBatch, encodeRecordBatch, ATTR_CONTROL, ATTRIBUTES_OFFSET, BATCH_HEADER_SIZE } from '../../../worker/protocol/records/record-batch.js';
import { ErrorCode, errorName } from '../../../worker/protocol/errors.js';

export { ErrorCode, errorName };

const NULL_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

export interface PartitionMetadata {
  partition: number;
  errorCode: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface TopicMetadata {
  brokers: Map<number, { host: string; port: number }>;
  errorCode: number;
  partitions: PartitionMetadata[];
}

/** One connection that is thrown away after any error (a timed-out RawClient request leaves its queue out of step). */
export class Conn {
  private client: RawClient | null = null;
  private opening: Promise<RawClient> | null = null;
  private nextCorrelation = 1;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  private async get(): Promise<RawClient> {
    if (this.client && !this.client.closed) return this.client;
    this.opening ??= withTimeout(RawClient.open(this.port, this.host), 3000, `connect to ${this.host}:${this.port}`).finally(() => (this.opening = null));
    this.client = await this.opening;
    return this.client;
  }

  /**
   * One request; throws (and drops the connection) on a closed connection, a timeout or a decode error. Requests
   * may be pipelined: responses come back in order.
   */
  async request<T = any>(apiKey: number, version: number, body: unknown, timeoutMs = 5000): Promise<T> {
    const c = await this.get();
    const correlationId = this.nextCorrelation++;
    try {
      c.writeRaw(RawClient.frame(apiKey, version, body, correlationId));
      const frame = await c.nextFrame(timeoutMs);
      if (frame === null) throw new Error(`broker at port ${this.port} closed the connection`);
      return RawClient.decodeResponse(apiKey, version, frame, correlationId) as T;
    } catch (e) {
      if (this.client === c) this.close();
      else c.close();
      throw e;
    }
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }
}

/** Connections by port, shared by the checker's readers. */
export class ConnPool {
  private readonly conns = new Map<string, Conn>();

  get(port: number, host = '127.0.0.1'): Conn {
    const key = `${host}:${port}`;
    let c = this.conns.get(key);
    if (!c) this.conns.set(key, (c = new Conn(host, port)));
    return c;
  }

  closeAll(): void {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }
}

export function parseBootstrap(bootstrap: string): { host: string; port: number }[] {
  return bootstrap.split(',').map((hp) => {
    const i = hp.lastIndexOf(':');
    return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
  });
}

export async function metadata(conn: Conn, topic: string): Promise<TopicMetadata> {
  const md = await conn.request(3, 12, { topics: [{ topicId: NULL_TOPIC_ID, name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const brokers = new Map<number, { host: string; port: number }>(md.brokers.map((b: { nodeId: number; host: string; port: number }) => [b.nodeId, { host: b.host, port: b.port }]));
  const t = md.topics[0];
  return {
    brokers,
    errorCode: t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    partitions: (t?.partitions ?? [])
      .map((p: any) => ({ partition: p.partitionIndex, errorCode: p.errorCode, leader: p.leaderId, leaderEpoch: p.leaderEpoch ?? -1, replicas: p.replicaNodes, isr: p.isrNodes }))
      .sort((a: PartitionMetadata, b: PartitionMetadata) => a.partition - b.partition),
  };
}

/** Metadata from the first broker of `bootstrap` that answers. */
export async function metadataFromAny(pool: ConnPool, bootstrap: string, topic: string): Promise<TopicMetadata> {
  let last: unknown;
  for (const { host, port } of parseBootstrap(bootstrap)) {
    try {
      return await metadata(pool.get(port, host), topic);
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`no broker answered Metadata: ${(last as Error)?.message}`);
}

export async function createTopic(
  bootstrap: string,
  name: string,
  opts: { partitions: number; replicationFactor: number; configs?: Record<string, string>; assignments?: number[][] },
): Promise<void> {
  const pool = new ConnPool();
  try {
    const { host, port } = parseBootstrap(bootstrap)[0]!;
    const manual = opts.assignments !== undefined;
    const res = await pool.get(port, host).request(19, 7, {
      topics: [
        {
          name,
          numPartitions: manual ? -1 : opts.partitions,
          replicationFactor: manual ? -1 : opts.replicationFactor,
          assignments: (opts.assignments ?? []).map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
          configs: Object.entries(opts.configs ?? {}).map(([n, value]) => ({ name: n, value })),
        },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    const t = res.topics[0];
    if (t.errorCode !== 0) throw new Error(`CreateTopics ${name}: ${errorName(t.errorCode)} ${t.errorMessage ?? ''}`);
  } finally {
    pool.closeAll();
  }
}

export interface FetchedRecord {
  offset: number;
  value: string;
  leaderEpoch: number;
}

export interface FetchResult {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  records: FetchedRecord[];
}

/** One Fetch (v12, read_uncommitted, no leader-epoch fencing) of one partition from `offset`. */
export async function fetchOnce(
  conn: Conn,
  topic: string,
  partition: number,
  offset: number,
  opts: { maxWaitMs?: number; maxBytes?: number; currentLeaderEpoch?: number } = {},
): Promise<FetchResult> {
  const maxBytes = opts.maxBytes ?? 4 * 1024 * 1024;
  const res = await conn.request(
    1,
    12,
    {
    replicaId: -1,
    maxWaitMs: opts.maxWaitMs ?? 0,
    minBytes: opts.maxWaitMs ? 1 : 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [{ partition, currentLeaderEpoch: opts.currentLeaderEpoch ?? -1, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: maxBytes }],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
    },
    (opts.maxWaitMs ?? 0) + 5000,
  );
  const p = res.responses[0]?.partitions[0];
  if (!p) throw new Error('fetch response without the partition');
  const out: FetchResult = { errorCode: p.errorCode, highWatermark: Number(p.highWatermark), logStartOffset: Number(p.logStartOffset ?? -1n), records: [] };
  const buf: Buffer | null = p.records;
  if (p.errorCode !== 0 || !buf) return out;
  let at = 0;
  // Whole batches only: a fetch may end with a partial one.
  while (at + BATCH_HEADER_SIZE <= buf.length && at + batchSizeAt(buf, at) <= buf.length) {
    const size = batchSizeAt(buf, at);
    if ((buf.readUInt16BE(at + ATTRIBUTES_OFFSET) & ATTR_CONTROL) === 0) {
      const b = decodeRecordBatch(buf, at);
      for (const r of b.records) {
        const o = Number(r.offset);
        if (o >= offset) out.records.push({ offset: o, value: r.value ? r.value.toString('utf8') : '<null>', leaderEpoch: b.header.partitionLeaderEpoch });
      }
    }
    at += size;
  }
  return out;
}

/**
 * Reads a partition from its leader, from offset 0 up to the high watermark, following leadership changes
 * (NOT_LEADER_OR_FOLLOWER and friends refresh the metadata). Returns the records and the high watermark read to.
 */
export async function readPartition(
  pool: ConnPool,
  bootstrap: string,
  topic: string,
  partition: number,
  opts: { timeoutMs?: number } = {},
): Promise<{ records: FetchedRecord[]; highWatermark: number; leader: number }> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError = '';
  for (;;) {
    if (Date.now() > deadline) throw new Error(`reading ${topic}-${partition} timed out: ${lastError}`);
    try {
      const md = await metadataFromAny(pool, bootstrap, topic);
      const p = md.partitions.find((x) => x.partition === partition);
      const leader = p?.leader ?? -1;
      const where = md.brokers.get(leader);
      if (!p || leader < 0 || !where) {
        lastError = `no leader in metadata (${p ? errorName(p.errorCode) : 'no partition'})`;
        await sleep(100);
        continue;
      }
      const conn = pool.get(where.port, where.host);
      const records: FetchedRecord[] = [];
      let offset = 0;
      let hw = -1;
      let failed = false;
      for (;;) {
        const r = await fetchOnce(conn, topic, partition, offset);
        if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && offset === 0 && r.logStartOffset > 0) {
          offset = r.logStartOffset;
          continue;
        }
        if (r.errorCode !== 0) {
          lastError = `fetch from broker ${leader}: ${errorName(r.errorCode)}`;
          failed = true;
          break;
        }
        hw = r.highWatermark;
        for (const rec of r.records) if (rec.offset < hw) records.push(rec);
        if (records.length > 0) offset = records.at(-1)!.offset + 1;
        if (offset >= hw || r.records.length === 0) break;
      }
      if (failed) {
        await sleep(100);
        continue;
      }
      return { records, highWatermark: hw, leader };
    } catch (e) {
      lastError = (e as Error).message;
      await sleep(100);
    }
  }
}

export interface ProduceResult {
  errorCode: number;
  baseOffset: number;
  errorMessage: string | null;
}

/** One Produce (v9) of one batch to one partition, on `conn` (which must be the leader's, or the answer says so). */
export async function produceRaw(
  conn: Conn,
  topic: string,
  partition: number,
  values: string[],
  opts: { acks?: -1 | 0 | 1; timeoutMs?: number; producerId?: bigint; producerEpoch?: number; baseSequence?: number; clientTimeoutMs?: number } = {},
): Promise<ProduceResult> {
  const batch = encodeRecordBatch({
    records: values.map((v) => ({ key: null, value: Buffer.from(v) })),
    ...(opts.producerId !== undefined ? { producerId: opts.producerId, producerEpoch: opts.producerEpoch ?? 0, baseSequence: opts.baseSequence ?? 0 } : {}),
  });
  const res = await conn.request(0, 9, {
    transactionalId: null,
    acks: opts.acks ?? -1,
    timeoutMs: opts.timeoutMs ?? 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  }, opts.clientTimeoutMs ?? (opts.timeoutMs ?? 5000) + 5000);
  const pr = res.responses[0].partitionResponses[0];
  return { errorCode: pr.errorCode, baseOffset: Number(pr.baseOffset), errorMessage: pr.errorMessage ?? null };
}

/** InitProducerId (v4) without a transactional id: a fresh idempotent producer id and epoch. */
export async function initProducerId(conn: Conn): Promise<{ producerId: bigint; producerEpoch: number }> {
  const res = await conn.request(22, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  if (res.errorCode !== 0) throw new Error(`InitProducerId: ${errorName(res.errorCode)}`);
  return { producerId: res.producerId, producerEpoch: res.producerEpoch };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `p`, or a rejection naming `what` once `ms` have passed without an answer. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

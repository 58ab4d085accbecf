// Shared pieces of the retention and compaction tests (test/integration/retention-compaction*.test.ts): broker
// settings that make the background work run every 200 ms, the real clients (kafkajs, @platformatic/kafka, kcat)
// loaded the way the client tests load them, and independent observers built on the raw protocol client:
// what one replica (leader or follower) serves from where, and how many LMDB pages a broker's environment uses.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrokerSettings, RunningCluster } from 'eddy';
import { RawClient } from '../../helpers/raw-client';
import { tool } from '../../helpers/tools';
import { decodeRecordBatch, splitBatches, validateBatch } from '../../../worker/protocol/records/index.js';
import { run } from '../clients/run';

const require = createRequire(import.meta.url);
const resolve = (name: string) => {
  try {
    return require.resolve(name);
  } catch {
    return name;
  }
};

// All devDependencies or system tools; a missing one skips its tests with a printed reason (failing under CI=true).
export const kafkajs = tool('kafkajs', process.execPath, ['-e', `require(${JSON.stringify(resolve('kafkajs'))})`]);
export const platformatic = tool('@platformatic/kafka', process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(resolve('@platformatic/kafka'))})`]);
export const kcat = tool('kcat', 'kcat', ['-V']);

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
export const kjs = (kafkajs.available ? require('kafkajs') : {}) as typeof import('kafkajs');
export const plt: typeof import('@platformatic/kafka') = platformatic.available ? await import('@platformatic/kafka') : ({} as typeof import('@platformatic/kafka'));

/** Retention and the cleaner look at every partition five times a second instead of every 5 min / 15 s. */
export const FAST_LOG: Partial<BrokerSettings> = {
  'log.retention.check.interval.ms': 200,
  'log.cleaner.backoff.ms': 200,
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const MiB = 1 << 20;

export function brokerAddr(cluster: RunningCluster, id: number): { host: string; port: number } {
  const b = cluster.brokers().find((x) => x.id === id);
  if (!b) throw new Error(`no broker ${id}`);
  return { host: b.host, port: b.port };
}

export function leaderOf(cluster: RunningCluster, topic: string, partition = 0): number {
  const p = cluster.partitions().find((x) => x.topic === topic && x.partition === partition);
  if (!p || p.leader < 0) throw new Error(`${topic}-${partition} has no leader`);
  return p.leader;
}

export function replicasOf(cluster: RunningCluster, topic: string, partition = 0): number[] {
  const p = cluster.partitions().find((x) => x.topic === topic && x.partition === partition);
  if (!p) throw new Error(`no ${topic}-${partition}`);
  return p.replicas;
}

export interface ReplicaFetch {
  errorCode: number;
  logStartOffset: number;
  highWatermark: number;
}

/**
 * One consumer Fetch v11 (by topic name) to one broker at `offset`: a follower serves it too (KIP-392), so this
 * tells what each replica itself serves and where its log starts.
 */
export async function fetchOnce(
  cluster: RunningCluster,
  brokerId: number,
  topic: string,
  partition: number,
  offset: number,
  maxBytes = 1,
): Promise<ReplicaFetch & { records: Buffer }> {
  const { host, port } = brokerAddr(cluster, brokerId);
  const c = await RawClient.open(port, host);
  try {
    const res = await c.request(1, 11, RawClient.fetchBody(topic, partition, BigInt(offset), maxBytes));
    const p = res.responses[0].partitions[0];
    const parts: Buffer[] = Array.isArray(p.records) ? p.records : p.records ? [p.records] : [];
    return { errorCode: p.errorCode, logStartOffset: Number(p.logStartOffset), highWatermark: Number(p.highWatermark), records: Buffer.concat(parts) };
  } finally {
    c.close();
  }
}

export interface ReadRecord {
  offset: number;
  key: string | null;
  value: string | null;
}

export interface ReadBatch {
  baseOffset: number;
  lastOffset: number;
  /** Codec id: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  compression: number;
  records: number;
  /** KIP-534: the delete horizon (ms) the cleaner gave the batch's tombstones, null when it has none. */
  deleteHorizon: number | null;
}

/**
 * Where one replica's log starts, asked of the replica itself with a fetch at `probe` (an offset it has). A fetch
 * below the start is no help: like Kafka, the OFFSET_OUT_OF_RANGE answer carries -1 for the log start.
 */
export async function replicaLogStart(cluster: RunningCluster, brokerId: number, topic: string, partition: number, probe: number): Promise<number | null> {
  const r = await fetchOnce(cluster, brokerId, topic, partition, probe);
  return r.errorCode === 0 ? r.logStartOffset : null;
}

/**
 * Everything one replica serves, from its log start to its high watermark (records below the start skipped).
 * `probe` is an offset the replica has, to learn where its log starts.
 */
export async function readReplica(
  cluster: RunningCluster,
  brokerId: number,
  topic: string,
  partition = 0,
  probe = 0,
): Promise<{ logStartOffset: number; highWatermark: number; records: ReadRecord[]; batches: ReadBatch[] }> {
  const first = await fetchOnce(cluster, brokerId, topic, partition, probe);
  if (first.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${probe} from broker ${brokerId}: error ${first.errorCode}`);
  const logStartOffset = first.logStartOffset;
  let offset = Math.max(0, logStartOffset);
  const records: ReadRecord[] = [];
  const batches: ReadBatch[] = [];
  let highWatermark = first.highWatermark;
  while (offset < highWatermark) {
    const r = await fetchOnce(cluster, brokerId, topic, partition, offset, 8 * MiB);
    if (r.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${offset} from broker ${brokerId}: error ${r.errorCode}`);
    highWatermark = r.highWatermark;
    let next = offset;
    for (const raw of splitBatches(r.records)) {
      // Every batch served must be intact (CRC-32C, framing), including those the cleaner rewrote.
      const check = validateBatch(raw, 0, { mode: 'stored' });
      if (!check.ok) throw new Error(`broker ${brokerId} served a bad batch in ${topic}-${partition}: ${check.message}`);
      const b = decodeRecordBatch(raw);
      const last = Number(b.header.baseOffset) + b.header.lastOffsetDelta;
      batches.push({ baseOffset: Number(b.header.baseOffset), lastOffset: last, compression: b.header.compression, records: b.records.length, deleteHorizon: b.header.hasDeleteHorizon ? Number(b.header.baseTimestamp) : null });
      for (const rec of b.records) {
        if (Number(rec.offset) < offset) continue;
        records.push({ offset: Number(rec.offset), key: rec.key ? rec.key.toString('utf8') : null, value: rec.value ? rec.value.toString('utf8') : null });
      }
      next = last + 1;
    }
    if (next === offset) break;
    offset = next;
  }
  return { logStartOffset, highWatermark, records, batches };
}

/** Partition sizes (bytes) per broker id, as a real client's DescribeLogDirs (@platformatic/kafka) reports them. */
export async function logDirSizes(admin: import('@platformatic/kafka').Admin, topic: string, partition = 0): Promise<Map<number, number>> {
  const res = await admin.describeLogDirs({ topics: [{ name: topic, partitions: [partition] }] });
  const out = new Map<number, number>();
  for (const b of res) {
    for (const dir of b.results) {
      for (const t of dir.topics) {
        if (t.name !== topic) continue;
        for (const p of t.partitions) if (p.partitionIndex === partition) out.set(b.broker, Number(p.partitionSize));
      }
    }
  }
  return out;
}

export interface LmdbUsage {
  /** Pages in use by every B-tree of the environment, in bytes (freed pages not counted). */
  usedBytes: number;
  /** Size of data.mdb on disk (LMDB never shrinks it; freed pages are reused). */
  fileBytes: number;
  /** Stored batches, all partitions of the broker together. */
  batches: number;
}

// A separate process opens the broker's LMDB environment read-only (LMDB supports readers in other processes)
// and adds up the pages of its named databases - the same measure as LmdbLogStore.usage(), which the public API
// does not expose.
const USAGE_SCRIPT = `
import { open } from 'lmdb';
const env = open({ path: process.argv[1], readOnly: true, maxDbs: 8 });
const pages = (s) => s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;
const root = env.getStats();
let n = pages(root);
let batches = 0;
for (const name of ['batches', 'timeindex', 'partitions', 'producers', 'meta', 'segments']) {
  const s = env.openDB({ name, encoding: 'binary' }).getStats();
  n += pages(s);
  if (name === 'batches') batches = s.entryCount;
}
console.log(JSON.stringify({ usedBytes: n * root.pageSize, batches }));
await env.close();
`;

export function lmdbUsage(cluster: RunningCluster, brokerId: number): Promise<LmdbUsage> {
  const dir = join(cluster.dataDir, `broker-${brokerId}`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', USAGE_SCRIPT, dir], { cwd: process.cwd(), timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`lmdb usage of ${dir}: ${err.message} ${stderr}`));
      const { usedBytes, batches } = JSON.parse(stdout) as { usedBytes: number; batches: number };
      resolve({ usedBytes, batches, fileBytes: statSync(join(dir, 'data.mdb')).size });
    });
  });
}

/** kcat's simple consumer (assign mode, no group) from `from` to the end; one line per record: offset, key, value length (-1 = null), value. */
export async function kcatConsume(cluster: RunningCluster, topic: string, from: string, extra: string[] = []): Promise<{ offset: number; key: string; valueLength: number; value: string }[]> {
  const r = await run('kcat', ['-C', '-b', cluster.bootstrapServers, '-t', topic, '-p', '0', '-o', from, '-e', '-q', '-f', '%o\t%k\t%S\t%s\n', ...extra], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`kcat -C ${topic}: exit ${r.code}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [o, k, len, ...v] = l.split('\t');
      return { offset: Number(o), key: k!, valueLength: Number(len), value: v.join('\t') };
    });
}

/** Sets topic configs with a real client's IncrementalAlterConfigs (@platformatic/kafka), leaving the others as they are. */
export async function setTopicConfigs(admin: import('@platformatic/kafka').Admin, topic: string, configs: Record<string, string>): Promise<void> {
  await admin.incrementalAlterConfigs({
    resources: [
      {
        resourceType: plt.ConfigResourceTypes.TOPIC,
        resourceName: topic,
        configs: Object.entries(configs).map(([name, value]) => ({ name, configOperation: plt.IncrementalAlterConfigOperationTypes.SET, value })),
      },
    ],
  });
}

/** The real clients a test file drives the cluster with: kafkajs (admin, producer) and @platformatic/kafka's admin. */
export interface Clients {
  kafka: import('kafkajs').Kafka;
  admin: import('kafkajs').Admin;
  producer: import('kafkajs').Producer;
  /** null when the test file does without @platformatic/kafka. */
  pltAdmin: import('@platformatic/kafka').Admin | null;
  close(): Promise<void>;
}

export async function connectClients(cluster: RunningCluster, clientId: string, withPlatformatic = true): Promise<Clients> {
  const kafka = new kjs.Kafka({ clientId, brokers: cluster.bootstrapServers.split(','), logLevel: kjs.logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const pltAdmin = withPlatformatic ? new plt.Admin({ clientId: `${clientId}-plt`, bootstrapBrokers: cluster.bootstrapServers.split(','), retries: 2 }) : null;
  return {
    kafka,
    admin,
    producer,
    pltAdmin,
    async close() {
      await producer.disconnect();
      await admin.disconnect();
      await pltAdmin?.close();
    },
  };
}

/** Waits until a (restarted) broker is back in the ISR of the given topics' partitions it replicates. */
export async function waitInSync(cluster: RunningCluster, brokerId: number, topics: string[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const behind = cluster.partitions().filter((p) => topics.includes(p.topic) && p.replicas.includes(brokerId) && !p.isr.includes(brokerId));
    if (behind.length === 0) return;
    if (Date.now() > deadline) throw new Error(`broker ${brokerId} not in the ISR of ${behind.map((p) => `${p.topic}-${p.partition}`).join(', ')}`);
    await sleep(100);
  }
}

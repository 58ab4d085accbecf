// Differential testing: run the same scenario against Eddy and against Apache Kafka 4.4 (the reference broker
// from test/reference), decode both answers with Eddy's generated codec, and compare them as data, field by
// field. Differences are failures unless an allowlist entry names the path and says why:
//
//   const pair = await startPair({ nodes: 1 });            // Eddy and Kafka side by side
//   const { eddy, kafka } = await pair.both((s) => s.request(3, 12, body));
//   expectSame('metadata v12', eddy, kafka, [...COMMON, { path: 'topics[*].topicId', reason: '...', normalize: uuidShape }]);
//
// An allowlist entry matches a path pattern ('a.b[*].c', '**' for any depth, '["dotted.key"]' for keys with dots)
// and either
//   - normalizes both values before comparing them (normalize: v => ...): random ids compared by shape, node ids
//     by position, arrays keyed by name so that order does not matter; comparison goes on inside the result;
//   - tolerates exactly one known difference (eddy: x, kafka: y): a known gap, listed in KNOWN-GAPS.md. It stops
//     matching when either side changes, so a fixed gap fails the test until its entry is removed;
//   - or, with neither, ignores the values (timings only).
// A failure prints every difference as `path: eddy <value> vs kafka <value>`.
import { isDeepStrictEqual } from 'node:util';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka.js';
import { waitFor } from '../helpers/wait.js';
import { decodeRecordBatch } from '../../worker/protocol/records/record-batch.js';
import type { BrokerSettings } from 'eddy';

export type SystemName = 'eddy' | 'kafka';
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** One side of the comparison: a running cluster and ways to talk to its brokers over raw TCP. */
export class System {
  /** Node ids in broker-port order, learned from Metadata at start. */
  nodeIds: number[] = [];
  private readonly clients: RawClient[] = [];

  constructor(
    readonly name: SystemName,
    readonly bootstrapServers: string,
    /** Broker ports in node order. */
    readonly ports: number[],
  ) {}

  /** A raw protocol connection to broker `node` (an index into `ports`), closed by the pair's stop(). */
  async connect(node = 0): Promise<RawClient> {
    const c = await RawClient.open(this.ports[node]!);
    this.clients.push(c);
    return c;
  }

  /** One request on a fresh connection; throws if the broker closes the connection instead of answering. */
  async request<T = any>(apiKey: number, version: number, body: unknown, node = 0): Promise<T> {
    const c = await this.connect(node);
    try {
      const res = await c.request<T>(apiKey, version, body);
      if (res === null) throw new Error(`${this.name}: connection closed instead of an answer to api ${apiKey} v${version}`);
      return res;
    } finally {
      c.close();
    }
  }

  /** Index (into `ports`) of the broker that leads topic-partition, from a Metadata v12 request. */
  async leaderOf(topic: string, partition: number): Promise<number> {
    const md = await this.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const leader = md.topics[0]?.partitions.find((p: { partitionIndex: number }) => p.partitionIndex === partition)?.leaderId;
    const port = md.brokers.find((b: { nodeId: number }) => b.nodeId === leader)?.port;
    const index = this.ports.indexOf(port);
    if (index < 0) throw new Error(`${this.name}: no leader for ${topic}-${partition}`);
    return index;
  }

  /** Waits until every broker lists the topic with a leader for each partition (metadata propagation). */
  async waitForTopic(topic: string, partitions: number): Promise<void> {
    await waitFor(
      async () => {
        for (let n = 0; n < this.ports.length; n++) {
          const md = await this.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, n);
          const t = md.topics[0];
          if (!t || t.errorCode !== 0 || t.partitions.length !== partitions) return false;
          if (t.partitions.some((p: { leaderId: number; errorCode: number }) => p.leaderId < 0 || p.errorCode !== 0)) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, what: `${this.name}: topic ${topic} on every broker` },
    );
  }

  /** Waits until no broker lists the topic any more. */
  async waitForTopicGone(topic: string): Promise<void> {
    await waitFor(
      async () => {
        for (let n = 0; n < this.ports.length; n++) {
          const md = await this.request(3, 12, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, n);
          if (md.topics[0]?.errorCode === 0) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, what: `${this.name}: topic ${topic} gone` },
    );
  }

  closeAll(): void {
    for (const c of this.clients.splice(0)) c.close();
  }
}

export interface PairOptions {
  /** 1 (Kafka: one combined broker+controller) or 3 brokers on each side. */
  nodes: 1 | 3;
  eddyConfig?: Partial<BrokerSettings>;
  /** Server properties for every Kafka node. */
  kafkaProps?: Record<string, string>;
}

export interface Pair {
  eddy: System;
  kafka: System;
  /** Runs the scenario against both systems at once; resolves with both results. */
  both<T>(scenario: (s: System) => Promise<T>): Promise<{ eddy: T; kafka: T }>;
  stop(): Promise<void>;
}

async function learnNodeIds(s: System): Promise<void> {
  const md = await s.request(3, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const byPort = new Map<number, number>(md.brokers.map((b: { nodeId: number; port: number }) => [b.port, b.nodeId]));
  s.nodeIds = s.ports.map((p) => {
    const id = byPort.get(p);
    if (id === undefined) throw new Error(`${s.name}: no broker on port ${p} in Metadata`);
    return id;
  });
}

/** Starts Eddy and the reference Kafka side by side (in parallel) with the same broker count. */
export async function startPair(opts: PairOptions): Promise<Pair> {
  const [eddyCluster, ref] = await Promise.allSettled([
    startCluster({ brokers: opts.nodes, port: 0, ...(opts.eddyConfig ? { config: opts.eddyConfig } : {}) }),
    startReferenceKafka({ nodes: opts.nodes, ...(opts.kafkaProps ? { props: opts.kafkaProps } : {}) }),
  ]);
  if (eddyCluster.status === 'rejected' || ref.status === 'rejected') {
    if (eddyCluster.status === 'fulfilled') await eddyCluster.value.stop();
    if (ref.status === 'fulfilled') await ref.value.stop();
    throw eddyCluster.status === 'rejected' ? eddyCluster.reason : (ref as PromiseRejectedResult).reason;
  }
  const cluster: RunningCluster = eddyCluster.value;
  const kafkaRef: ReferenceKafka = ref.value;
  const eddyPorts = cluster.bootstrapServers.split(',').map((hp) => Number(hp.split(':').pop()));
  const eddy = new System('eddy', cluster.bootstrapServers, eddyPorts);
  const kafka = new System('kafka', kafkaRef.bootstrapServers, kafkaRef.ports);
  await Promise.all([learnNodeIds(eddy), learnNodeIds(kafka)]);
  return {
    eddy,
    kafka,
    async both(scenario) {
      const [e, k] = await Promise.all([scenario(eddy), scenario(kafka)]);
      return { eddy: e, kafka: k };
    },
    async stop() {
      eddy.closeAll();
      kafka.closeAll();
      await Promise.allSettled([cluster.stop(), kafkaRef.stop()]);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Paths and allowlists

type Segment = string | number;

/** Parses 'a.b[*].c["x.y"]' into segments; '*' matches one segment, '**' any number (also none). */
export function parsePattern(pattern: string): string[] {
  const out: string[] = [];
  const re = /\["([^"]*)"\]|\[(\*|\d+)\]|\.?([^.[\]]+)/g;
  for (const m of pattern.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

function matches(pattern: string[], path: Segment[], pi = 0, si = 0): boolean {
  if (pi === pattern.length) return si === path.length;
  const p = pattern[pi]!;
  if (p === '**') {
    for (let k = si; k <= path.length; k++) if (matches(pattern, path, pi + 1, k)) return true;
    return false;
  }
  if (si === path.length) return false;
  if (p !== '*' && p !== String(path[si])) return false;
  return matches(pattern, path, pi + 1, si + 1);
}

export function formatPath(path: Segment[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) s += s === '' ? seg : `.${seg}`;
    else s += `["${seg}"]`;
  }
  return s || '(root)';
}

export interface NormalizeContext {
  side: SystemName;
  system?: System;
}

export interface Allow {
  /** Path pattern, e.g. 'topics[*].partitions[*].leaderId', '**.throttleTimeMs'. */
  path: string;
  /** Why this difference is expected. Known gaps also name their KNOWN-GAPS.md entry. */
  reason: string;
  /** Maps each side's value to what is compared (shapes, positions, keyed collections). */
  normalize?: (value: any, ctx: NormalizeContext) => unknown;
  /** A known gap: the difference is tolerated only when Eddy says exactly this ... */
  eddy?: unknown;
  /** ... and Kafka says exactly this. */
  kafka?: unknown;
  /** Several known pairs at one path (e.g. a topic with and without its own value). */
  cases?: { eddy: unknown; kafka: unknown }[];
}

export interface Difference {
  path: string;
  eddy: unknown;
  kafka: unknown;
  /** Set when an allowlist entry (a known gap) tolerates this difference. */
  allowedBy?: Allow;
}

interface Compiled extends Allow {
  segments: string[];
}

const MISSING = Symbol('missing');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Uint8Array);
}

function leafEqual(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) || a instanceof Uint8Array) return (b instanceof Uint8Array) && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  return isDeepStrictEqual(a, b);
}

function walk(
  path: Segment[],
  eddy: unknown,
  kafka: unknown,
  allow: Compiled[],
  ctx: { eddy?: System; kafka?: System },
  out: Difference[],
): void {
  const here = allow.filter((a) => matches(a.segments, path));
  for (const a of here) {
    if (a.normalize) {
      if (eddy !== MISSING) eddy = a.normalize(eddy, { side: 'eddy', system: ctx.eddy });
      if (kafka !== MISSING) kafka = a.normalize(kafka, { side: 'kafka', system: ctx.kafka });
    }
  }
  for (const a of here) {
    const gap = 'eddy' in a || 'kafka' in a || a.cases !== undefined;
    if (a.normalize && !gap) continue;
    if (!gap) return; // ignored (timings)
    if (leafEqual(eddy, kafka)) continue;
    // A known gap tolerates exact pairs of values; anything else is still reported.
    const e = eddy === MISSING ? undefined : eddy;
    const k = kafka === MISSING ? undefined : kafka;
    const pairs = a.cases ?? [{ eddy: 'eddy' in a ? a.eddy : e, kafka: 'kafka' in a ? a.kafka : k }];
    if (pairs.some((p) => isDeepStrictEqual(e, p.eddy) && isDeepStrictEqual(k, p.kafka))) {
      out.push({ path: formatPath(path), eddy, kafka, allowedBy: a });
      return;
    }
  }
  if (Array.isArray(eddy) && Array.isArray(kafka)) {
    const n = Math.max(eddy.length, kafka.length);
    for (let i = 0; i < n; i++) walk([...path, i], i < eddy.length ? eddy[i] : MISSING, i < kafka.length ? kafka[i] : MISSING, allow, ctx, out);
    return;
  }
  if (isPlainObject(eddy) && isPlainObject(kafka)) {
    const keys = [...new Set([...Object.keys(eddy), ...Object.keys(kafka)])];
    for (const k of keys) walk([...path, k], k in eddy ? eddy[k] : MISSING, k in kafka ? kafka[k] : MISSING, allow, ctx, out);
    return;
  }
  if (!leafEqual(eddy, kafka)) out.push({ path: formatPath(path), eddy, kafka });
}

/** Compares two decoded answers under an allowlist: the differences that fail and the known gaps tolerated. */
export function compare(eddy: unknown, kafka: unknown, allow: Allow[] = [], systems: { eddy?: System; kafka?: System } = {}): { failures: Difference[]; tolerated: Difference[] } {
  const compiled = allow.map((a) => ({ ...a, segments: parsePattern(a.path) }));
  const all: Difference[] = [];
  walk([], eddy, kafka, compiled, systems, all);
  return { failures: all.filter((d) => !d.allowedBy), tolerated: all.filter((d) => d.allowedBy) };
}

export function show(v: unknown): string {
  if (v === MISSING) return '(absent)';
  if (typeof v === 'bigint') return `${v}n`;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
    const b = Buffer.from(v);
    return `<${b.length} bytes ${b.subarray(0, 32).toString('hex')}${b.length > 32 ? '...' : ''}>`;
  }
  if (typeof v === 'string') return JSON.stringify(v);
  const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : Buffer.isBuffer(x) ? `<${x.length} bytes>` : x));
  return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}...` : s;
}

/** Human-readable report: one line per difference, `path: eddy X vs kafka Y`. */
export function formatDifferences(label: string, diffs: Difference[]): string {
  return [`${label}: ${diffs.length} difference(s) (eddy vs kafka)`, ...diffs.map((d) => `  ${d.path}: eddy ${show(d.eddy)} vs kafka ${show(d.kafka)}`)].join('\n');
}

/** Known gaps tolerated during this file's run, by reason; printed by printToleratedSummary() in afterAll. */
const toleratedLog = new Map<string, { count: number; example: string }>();
/** Known gaps declared in this file's comparisons, to point out the ones that no longer occur. */
const declaredGaps = new Set<string>();

/** Throws with a readable diff unless the answers match under the allowlist. */
export function expectSame(label: string, eddy: unknown, kafka: unknown, allow: Allow[] = [], systems: { eddy?: System; kafka?: System } = {}): void {
  for (const a of allow) if ('eddy' in a || 'kafka' in a || a.cases) declaredGaps.add(a.reason);
  const { failures, tolerated } = compare(eddy, kafka, allow, systems);
  for (const t of tolerated) {
    const seen = toleratedLog.get(t.allowedBy!.reason);
    if (seen) seen.count++;
    else toleratedLog.set(t.allowedBy!.reason, { count: 1, example: `${label}: ${t.path}: eddy ${show(t.eddy)} vs kafka ${show(t.kafka)}` });
  }
  if (failures.length > 0) throw new Error(formatDifferences(label, failures));
}

/** Prints the known gaps this file tolerated (so they are never silent): one line per reason, with an example. */
export function printToleratedSummary(file: string): void {
  const unmet = [...declaredGaps].filter((reason) => !toleratedLog.has(reason));
  if (unmet.length > 0) console.warn(`[differential] ${file}: known gaps declared but not met in this run (fixed? remove them):\n  ${unmet.join('\n  ')}`);
  declaredGaps.clear();
  if (toleratedLog.size === 0) return;
  const lines = [...toleratedLog].map(([reason, { count, example }]) => `${count}x ${reason}\n      e.g. ${example}`);
  console.log(`[differential] ${file}: known gaps tolerated\n  ${lines.join('\n  ')}`);
  toleratedLog.clear();
}

// ---------------------------------------------------------------------------------------------------------------
// Normalizers

/** Random 16-byte ids: compared as 'uuid' (22-char base64url, not zero) or 'zero-uuid'. */
export function uuidShape(v: unknown): unknown {
  if (v === ZERO_UUID) return 'zero-uuid';
  return typeof v === 'string' && /^[A-Za-z0-9_-]{22}$/.test(v) ? 'uuid' : { notAUuid: v };
}

/** Node ids compared by the broker's position in port order (node#0, node#1, ...); -1 stays -1. */
export function nodePosition(v: unknown, ctx: NormalizeContext): unknown {
  if (typeof v !== 'number' || v < 0 || !ctx.system) return v;
  const i = ctx.system.nodeIds.indexOf(v);
  return i < 0 ? `unknown-node ${v}` : `node#${i}`;
}

/** Node ids named inside a message ("broker 1", "expected 0 or ..."): each such id becomes node#<position>. */
export function nodeIdsInText(v: unknown, ctx: NormalizeContext): unknown {
  if (typeof v !== 'string' || !ctx.system) return v;
  const ids = ctx.system.nodeIds;
  return v.replace(/\b(broker|expected) (\d+)\b/g, (all, word: string, n: string) => (ids.includes(Number(n)) ? `${word} node#${ids.indexOf(Number(n))}` : all));
}

/** Ports compared by position in the system's broker list. */
export function portPosition(v: unknown, ctx: NormalizeContext): unknown {
  if (typeof v !== 'number' || !ctx.system) return v;
  const i = ctx.system.ports.indexOf(v);
  return i < 0 ? `unknown-port ${v}` : `port#${i}`;
}

/** Turns an array of objects into an object keyed by `key`, so that order does not matter and paths name items. */
export function keyBy(key: string): (v: unknown) => unknown {
  return (v) => {
    if (!Array.isArray(v) || !v.every((item) => typeof item === 'object' && item !== null && key in item)) return v;
    const out: Record<string, unknown> = {};
    for (const item of v) {
      let k = String((item as Record<string, unknown>)[key]);
      while (k in out) k += "'";
      out[k] = item;
    }
    return out;
  };
}

/** Sorts an array of plain values (node lists whose order is not part of the contract). */
export function sorted(v: unknown): unknown {
  return Array.isArray(v) ? [...v].sort() : v;
}

export interface DecodedBatchData {
  baseOffset: bigint;
  lastOffsetDelta: number;
  partitionLeaderEpoch: number;
  compression: number;
  timestampType: string;
  isTransactional: boolean;
  isControl: boolean;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  crc: number;
  records: { offset: bigint; timestamp: bigint; key: string | null; value: string | null; headers: { key: string; value: string | null }[] }[];
}

/** Record-set bytes (Fetch) decoded into batches and records; a trailing partial batch is reported, not decoded. */
export function decodeRecords(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  // Already decoded (the pattern '**.records' also meets a decoded batch's own records).
  if (Array.isArray(v) && !v.every((x) => x instanceof Uint8Array)) return v;
  const buf = Buffer.isBuffer(v) ? v : Array.isArray(v) ? Buffer.concat(v as Buffer[]) : Buffer.from(v as Uint8Array);
  const batches: (DecodedBatchData | { partialBytes: number })[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < 61 || buf.length - at < buf.readInt32BE(at + 8) + 12) {
      batches.push({ partialBytes: buf.length - at });
      break;
    }
    const b = decodeRecordBatch(buf, at);
    const h = b.header;
    const str = (x: Buffer | null) => (x === null ? null : Buffer.from(x).toString('utf8'));
    batches.push({
      baseOffset: h.baseOffset,
      lastOffsetDelta: h.lastOffsetDelta,
      partitionLeaderEpoch: h.partitionLeaderEpoch,
      compression: h.compression,
      timestampType: h.timestampType,
      isTransactional: h.isTransactional,
      isControl: h.isControl,
      baseTimestamp: h.baseTimestamp,
      maxTimestamp: h.maxTimestamp,
      producerId: h.producerId,
      producerEpoch: h.producerEpoch,
      baseSequence: h.baseSequence,
      crc: h.crc,
      records: b.records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: str(r.key), value: str(r.value), headers: r.headers.map((x) => ({ key: x.key, value: str(x.value) })) })),
    });
    at += b.size;
  }
  return batches;
}

/** What every comparison tolerates: timings and identities that differ between any two clusters. */
export const COMMON: Allow[] = [
  { path: '**.throttleTimeMs', reason: 'quota throttling is a per-cluster timing; neither side throttles, but it is not part of the contract' },
  { path: '**.clusterId', reason: 'random per cluster: compared by shape', normalize: (v) => (typeof v === 'string' && v.length > 0 ? 'cluster-id' : v) },
  { path: '**.topicId', reason: 'random per topic: compared by shape (uuid / zero uuid)', normalize: uuidShape },
  { path: '**.nodeId', reason: 'node ids differ (Eddy 0.., Kafka 1..): compared by broker position', normalize: nodePosition },
  { path: '**.brokerId', reason: 'node ids differ: compared by broker position', normalize: nodePosition },
  { path: '**.leaderId', reason: 'node ids differ: compared by broker position', normalize: nodePosition },
  { path: '**.controllerId', reason: 'node ids differ: compared by broker position', normalize: nodePosition },
  { path: '**.port', reason: 'ports are picked at start: compared by broker position', normalize: portPosition },
  { path: '**.replicaNodes[*]', reason: 'node ids differ: compared by broker position', normalize: nodePosition },
  { path: '**.isrNodes[*]', reason: 'node ids differ: compared by broker position', normalize: nodePosition },
  { path: '**.offlineReplicas[*]', reason: 'node ids differ: compared by broker position', normalize: nodePosition },
];

// confluent-kafka-python (Debian's python3-confluent-kafka, on librdkafka) against a 3-broker Eddy over real TCP.
// test/integration/clients/confluent_roundtrip.py does the client work and prints JSON; the asserting is here:
// AdminClient create_topics (plus validate_only and four error cases) / list_topics / delete_topics, an idempotent
// Producer per codec with keys and headers (delivery reports give partition + offset), and an assign()-mode
// Consumer (no group: Eddy has no group coordinator yet) reading everything back.
// Uses /usr/bin/python3 on purpose: the pyenv python3 first on PATH does not see the Debian package.
// Skipped with a printed reason when the module is missing; fails under CI=true.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { tool } from '../helpers/tools';
import { readPartition } from './clients/read-log';
import { run } from './clients/run';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./clients/confluent_roundtrip.py', import.meta.url));
const python = tool('confluent-kafka-python', PYTHON, ['-c', 'import confluent_kafka']);

const PREFIX = 'py';
const COUNT = 3000;
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const CODEC_ID: Record<string, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

type Err = { code: number; name: string; str: string } | null;
/** [partition, offset, key, value, timestampType, timestamp, headers] */
type Rec = [number, number, string, string, number, number, [string, string | null][]];
interface CodecResult {
  topic: string;
  delivered: [string, string, number, number][];
  errors: string[];
  notFlushed: number;
  watermarks: Record<string, [number, number]>;
  records: Rec[];
  eofPartitions: number[];
  seconds: number;
}
interface Output {
  client: { version: string; librdkafka: string };
  startMs: number;
  endMs: number;
  create: Record<string, Err>;
  createValidateOnly: Record<string, Err>;
  createErrors: Record<string, Record<string, Err>>;
  metadata: {
    clusterId: string;
    controllerId: number;
    brokers: { id: number; host: string; port: number }[];
    topics: Record<string, { error: string | null; partitions: Record<string, { leader: number; replicas: number[]; isrs: number[] }> }>;
  };
  describeConfigs: Record<string, Record<string, unknown>>;
  codecs: Record<string, CodecResult>;
  delete: Record<string, string | null>;
  afterDelete: string[];
}

const keyOf = (i: number) => `key-${String(i % 37).padStart(2, '0')}`;
const valueOf = (codec: string, i: number) => `${codec}-value-${String(i).padStart(6, '0')}-${'x'.repeat(i % 50)}`;

describe.skipIf(!python.available)('confluent-kafka-python (librdkafka) against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let out: Output;
  let ms = 0;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0 });
    const r = await run(PYTHON, [SCRIPT, cluster.bootstrapServers, PREFIX, String(COUNT)], { timeoutMs: 110_000 });
    if (r.code !== 0) throw new Error(`confluent_roundtrip.py exited ${r.code}\n${r.stderr}`);
    out = JSON.parse(r.stdout);
    ms = r.ms;
    console.log(`confluent-kafka-python ${out.client.version} / librdkafka ${out.client.librdkafka}: ${ms} ms`);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('AdminClient.create_topics creates the topics; validate_only creates nothing', () => {
    expect(out.create).toEqual({
      'py-none': null,
      'py-gzip': null,
      'py-snappy': null,
      'py-lz4': null,
      'py-zstd': null,
      'py-rf3': null,
    });
    expect(out.createValidateOnly).toEqual({ 'py-validate-only': null });
    expect(Object.keys(out.metadata.topics)).not.toContain('py-validate-only');
  });

  it('AdminClient.create_topics reports Kafka errors per topic', () => {
    const e = out.createErrors;
    expect(e.exists!['py-none']).toMatchObject({ code: 36, name: 'TOPIC_ALREADY_EXISTS', str: "Topic 'py-none' already exists." });
    expect(e.rfTooLarge!['py-rf9']).toMatchObject({ code: 38, name: 'INVALID_REPLICATION_FACTOR' });
    expect(e.rfTooLarge!['py-rf9']!.str).toContain('replication factor of 9 cannot be reached because only 3 broker(s) are registered');
    expect(e.zeroPartitions!['py-p0']).toMatchObject({ code: 37, name: 'INVALID_PARTITIONS' });
    // librdkafka names error 17 (INVALID_TOPIC_EXCEPTION) "TOPIC_EXCEPTION".
    expect(e.badName!['py bad name!']).toMatchObject({ code: 17, name: 'TOPIC_EXCEPTION' });
  });

  it('AdminClient.list_topics shows the cluster, 3 brokers and leaders spread over them', () => {
    const md = out.metadata;
    expect(md.clusterId).toBe(cluster.clusterId);
    expect([0, 1, 2]).toContain(md.controllerId);
    expect(md.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(cluster.bootstrapServers.split(','));
    expect(md.brokers.map((b) => b.id)).toEqual([0, 1, 2]);
    for (const codec of CODECS) {
      const t = md.topics[`py-${codec}`]!;
      expect(t.error).toBeNull();
      expect(Object.keys(t.partitions).sort()).toEqual(['0', '1', '2']);
      const leaders = Object.values(t.partitions).map((p) => p.leader);
      expect(new Set(leaders).size).toBe(3);
      for (const p of Object.values(t.partitions)) expect(p.replicas).toEqual([p.leader]);
    }
    const rf3 = md.topics['py-rf3']!;
    expect(Object.keys(rf3.partitions).sort()).toEqual(['0', '1']);
    for (const p of Object.values(rf3.partitions)) {
      expect([...p.replicas].sort()).toEqual([0, 1, 2]);
      expect(p.replicas).toContain(p.leader);
      expect(p.isrs).toContain(p.leader);
    }
  });

  it('AdminClient.describe_configs (DescribeConfigs v1): overrides, defaults and synonyms exactly as Kafka 4.4 gives them', () => {
    // Same answer as the reference Kafka 4.4 for these four (sources: 1 TOPIC_CONFIG, 5 DEFAULT_CONFIG).
    expect(out.describeConfigs.rf3).toEqual({
      'cleanup.policy': {
        value: 'compact', source: 1, isDefault: false, isReadOnly: false, isSensitive: false,
        synonyms: [['cleanup.policy', 'compact', 1], ['log.cleanup.policy', 'delete', 5]],
      },
      'retention.ms': {
        // No DEFAULT_CONFIG synonym: Kafka's log.retention.ms has no default of its own.
        value: '3600000', source: 1, isDefault: false, isReadOnly: false, isSensitive: false,
        synonyms: [['retention.ms', '3600000', 1]],
      },
      'max.message.bytes': {
        value: '1048588', source: 5, isDefault: true, isReadOnly: false, isSensitive: false,
        synonyms: [['message.max.bytes', '1048588', 5]],
      },
      'segment.bytes': {
        value: '1073741824', source: 5, isDefault: true, isReadOnly: false, isSensitive: false,
        synonyms: [['log.segment.bytes', '1073741824', 5]],
      },
    });
    expect(out.describeConfigs.unknown).toEqual({ error: 'UNKNOWN_TOPIC_OR_PART' });
  });

  it('AdminClient.delete_topics deletes a topic', () => {
    expect(out.delete).toEqual({ 'py-rf3': null });
    expect(out.afterDelete).toEqual(CODECS.map((c) => `py-${c}`).sort());
  });

  for (const codec of CODECS) {
    it(`idempotent Producer with compression.codec=${codec}: every delivery report matches what an assign() Consumer reads`, async () => {
      const c = out.codecs[codec]!;
      expect(c.errors).toEqual([]);
      expect(c.notFlushed).toBe(0);
      expect(c.delivered.length).toBe(COUNT);

      // Delivery reports: each (partition, offset) once, offsets 0..n-1 per partition.
      const byPartition = new Map<number, number[]>();
      for (const [, , p, o] of c.delivered) {
        if (!byPartition.has(p)) byPartition.set(p, []);
        byPartition.get(p)!.push(o);
      }
      expect([...byPartition.keys()].sort()).toEqual([0, 1, 2]);
      for (const offsets of byPartition.values()) expect([...offsets].sort((a, b) => a - b)).toEqual(offsets.map((_, i) => i));

      // Watermarks (ListOffsets) before consuming: 0 .. number delivered to the partition.
      for (const [p, offsets] of byPartition) expect(c.watermarks[String(p)]).toEqual([0, offsets.length]);

      // The consumer read everything, in offset order per partition, with the delivered content.
      expect(c.eofPartitions).toEqual([0, 1, 2]);
      expect(c.records.length).toBe(COUNT);
      const deliveredAt = new Map(c.delivered.map(([k, v, p, o]) => [`${p}/${o}`, [k, v]]));
      const lastOffset = new Map<number, number>();
      const lastSeqOfKey = new Map<string, number>();
      const bad: unknown[] = [];
      for (const [p, o, key, value, tsType, ts, headers] of c.records) {
        const i = Number(value.split('-')[2]);
        if (key !== keyOf(i) || value !== valueOf(codec, i)) bad.push(['content', p, o, key, value]);
        const d = deliveredAt.get(`${p}/${o}`);
        if (!d || d[0] !== key || d[1] !== value) bad.push(['delivery report', p, o, d]);
        if (o !== (lastOffset.get(p) ?? -1) + 1) bad.push(['offset gap', p, o]);
        lastOffset.set(p, o);
        if (i <= (lastSeqOfKey.get(key) ?? -1)) bad.push(['key order', p, o, key]);
        lastSeqOfKey.set(key, i);
        // TIMESTAMP_CREATE_TIME = 1
        if (tsType !== 1 || ts < out.startMs || ts > out.endMs) bad.push(['timestamp', p, o, tsType, ts]);
        const want: [string, string | null][] = [
          ['seq', String(i)],
          ['codec', codec],
        ];
        if (i % 10 === 0) want.push(['empty', '']);
        if (JSON.stringify(headers) !== JSON.stringify(want)) bad.push(['headers', p, o, headers]);
      }
      expect(bad.slice(0, 5)).toEqual([]);

      // Stored batches: the codec, and the idempotent producer's id with gap-free sequences per partition.
      const pids = new Set<bigint>();
      let compressed = 0;
      for (let p = 0; p < 3; p++) {
        const stored = await readPartition(cluster.bootstrapServers, c.topic, p);
        let next = 0;
        for (const b of stored.batches) {
          expect([0, CODEC_ID[codec]]).toContain(b.compression);
          if (b.compression === CODEC_ID[codec]) compressed += b.recordCount;
          expect(b.producerId).toBeGreaterThanOrEqual(0n);
          expect(b.baseSequence).toBe(next);
          next += b.recordCount;
          pids.add(b.producerId);
        }
        expect(next).toBe(byPartition.get(p)!.length);
      }
      expect(pids.size).toBe(1);
      expect(compressed).toBeGreaterThanOrEqual(COUNT * 0.9);
    });
  }
});

// kcat (librdkafka) against a 3-broker Eddy over real TCP: metadata (-L), and 100,000 keyed records with headers
// per compression codec produced with `kcat -P` and read back with `kcat -C -e` (assign mode: kcat's simple
// consumer needs no group). Checked: exact count, each key/value exactly once, contiguous offsets from 0 per
// partition, headers, timestamps within the test's window, per-key order, and - through the raw protocol client -
// that the stored batches really carry the codec (librdkafka 2.0.2 silently stops compressing when a broker does
// not advertise Produce v0, KAFKA-18659) and, for the idempotent runs, a producer id with gap-free sequences.
// kcat cannot create topics, so the topics are created with a raw CreateTopics v7 request.
// Skipped with a printed reason when kcat is missing; fails under CI=true.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { tool } from '../helpers/tools';
import { createTopic, readPartition } from './clients/read-log';
import { run } from './clients/run';

const kcat = tool('kcat', 'kcat', ['-V']);

const RECORDS = 100_000;
const KEYS = 997;
const PARTITIONS = 3;
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const CODEC_ID: Record<(typeof CODECS)[number], number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
/** Runs with librdkafka's idempotent producer (InitProducerId + per-partition sequences); the others are plain. */
const IDEMPOTENT = new Set(['gzip', 'zstd']);

const keyOf = (i: number) => `key-${String(i % KEYS).padStart(4, '0')}`;
const valueOf = (codec: string, i: number) => `${codec}-${String(i).padStart(6, '0')}-${'abcdefghij'.repeat(1 + (i % 7))}`;

interface Line {
  partition: number;
  offset: number;
  key: string;
  value: string;
  timestamp: number;
  headers: string;
}

describe.skipIf(!kcat.available)('kcat (librdkafka 2.0.2) against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let dir: string;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'eddy-kcat-'));
  });

  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kcat -L shows 3 brokers, the controller and a 3-partition topic with leaders spread over the brokers', async () => {
    await createTopic(cluster.bootstrapServers, 'kcat-meta', 3);
    const r = await run('kcat', ['-b', cluster.bootstrapServers, '-L', '-J', '-t', 'kcat-meta']);
    expect(r.code, r.stderr).toBe(0);
    const md = JSON.parse(r.stdout);
    const ports = cluster.bootstrapServers.split(',');
    expect(md.brokers.map((b: { id: number; name: string }) => [b.id, b.name])).toEqual(ports.map((p, i) => [i, p]));
    expect([0, 1, 2]).toContain(md.controllerid);
    expect(md.topics).toHaveLength(1);
    const t = md.topics[0];
    expect(t.topic).toBe('kcat-meta');
    expect(t.error).toBeUndefined();
    expect(t.partitions.map((p: { partition: number }) => p.partition)).toEqual([0, 1, 2]);
    const leaders = t.partitions.map((p: { leader: number }) => p.leader);
    expect(new Set(leaders).size).toBe(3);
    for (const p of t.partitions) {
      expect(p.replicas).toEqual([{ id: p.leader }]);
      expect(p.isrs).toEqual([{ id: p.leader }]);
    }

    // The plain-text listing says the same.
    const text = await run('kcat', ['-b', cluster.bootstrapServers, '-L']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(' 3 brokers:');
    for (const [i, p] of ports.entries()) expect(text.stdout).toMatch(new RegExp(`broker ${i} at ${p.replace(/\./g, '\\.')}`));
    expect(text.stdout).toMatch(/topic "kcat-meta" with 3 partitions:/);
  });

  it('kcat -L for an unknown topic (auto-creation on) answers as Kafka 4.4 does: unknown at first, then the new topic', async () => {
    // Measured against the reference Kafka 4.4 (3 brokers, auto.create.topics.enable=true): the Metadata request that
    // triggers the creation is answered UNKNOWN_TOPIC_OR_PARTITION, so the first `kcat -L -t` prints that error and a
    // second one shows the topic with 1 partition. (Eddy answered LEADER_NOT_AVAILABLE, which librdkafka retries
    // until the topic appears, so the first listing already showed it.)
    const first = await run('kcat', ['-b', cluster.bootstrapServers, '-L', '-J', '-t', 'kcat-auto-created']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).topics).toEqual([{ topic: 'kcat-auto-created', error: 'Broker: Unknown topic or partition', partitions: [] }]);
    const again = JSON.parse((await run('kcat', ['-b', cluster.bootstrapServers, '-L', '-J', '-t', 'kcat-auto-created'])).stdout);
    expect(again.topics).toHaveLength(1);
    expect(again.topics[0].topic).toBe('kcat-auto-created');
    expect(again.topics[0].error).toBeUndefined();
    expect(again.topics[0].partitions).toHaveLength(1);
  });

  it('kcat -C with fetch limits far below the batch size still reads everything (KIP-74), with all partitions on one broker', async () => {
    // Three partitions led by the same broker, so one Fetch carries all three and only the first gets an oversized batch.
    await createTopic(cluster.bootstrapServers, 'kcat-small-fetch', 3, 1, [[1], [1], [1]]);
    const input = join(dir, 'small-fetch.txt');
    writeFileSync(input, Array.from({ length: 30_000 }, (_, i) => `k${i % 30}:small-${i}`).join('\n') + '\n');
    const produce = await run('kcat', ['-P', '-b', cluster.bootstrapServers, '-t', 'kcat-small-fetch', '-K', ':', '-z', 'lz4'], { stdinFile: input });
    expect(produce.code, produce.stderr).toBe(0);
    const consume = await run(
      'kcat',
      ['-C', '-b', cluster.bootstrapServers, '-t', 'kcat-small-fetch', '-o', 'beginning', '-e', '-q', '-f', '%p %o %s\n',
        '-X', 'fetch.message.max.bytes=1000', '-X', 'fetch.max.bytes=1000', '-X', 'message.max.bytes=1000'],
      { timeoutMs: 60_000 },
    );
    expect(consume.code, consume.stderr).toBe(0);
    const lines = consume.stdout.trim().split('\n');
    expect(lines).toHaveLength(30_000);
    expect(new Set(lines.map((l) => l.split(' ')[2]))).toEqual(new Set(Array.from({ length: 30_000 }, (_, i) => `small-${i}`)));
    for (const p of [0, 1, 2]) {
      const offsets = lines.filter((l) => l.startsWith(`${p} `)).map((l) => Number(l.split(' ')[1]));
      expect(offsets.length).toBeGreaterThan(0);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }

    // Logical offsets: -o -5 (five before the end, via ListOffsets latest) and an absolute start offset.
    const tail = await run('kcat', ['-C', '-b', cluster.bootstrapServers, '-t', 'kcat-small-fetch', '-p', '0', '-o', '-5', '-e', '-q', '-f', '%o %s\n']);
    const p0 = lines.filter((l) => l.startsWith('0 ')).map((l) => l.slice(2));
    expect(tail.stdout.trim().split('\n')).toEqual(p0.slice(-5));
    const from = await run('kcat', ['-C', '-b', cluster.bootstrapServers, '-t', 'kcat-small-fetch', '-p', '0', '-o', '3', '-c', '2', '-q', '-f', '%o %s\n']);
    expect(from.stdout.trim().split('\n')).toEqual(p0.slice(3, 5));
  });

  for (const codec of CODECS) {
    it(`produces ${RECORDS.toLocaleString('en')} keyed records with headers, -z ${codec}${IDEMPOTENT.has(codec) ? ', idempotent' : ''}, and reads them back exactly`, async () => {
      const topic = `kcat-${codec}`;
      await createTopic(cluster.bootstrapServers, topic, PARTITIONS);
      const input = join(dir, `${codec}.txt`);
      const lines: string[] = [];
      for (let i = 0; i < RECORDS; i++) lines.push(`${keyOf(i)}:${valueOf(codec, i)}`);
      writeFileSync(input, lines.join('\n') + '\n');

      const windowStart = Date.now();
      const produce = await run(
        'kcat',
        [
          '-P', '-b', cluster.bootstrapServers, '-t', topic,
          '-K', ':',
          '-z', codec,
          '-H', `codec=${codec}`, '-H', 'run=kcat-test', '-H', 'empty=', '-H', 'nullvalue',
          '-X', 'acks=all',
          '-X', `enable.idempotence=${IDEMPOTENT.has(codec)}`,
        ],
        { stdinFile: input, timeoutMs: 60_000 },
      );
      expect(produce.code, produce.stderr).toBe(0);
      expect(produce.stderr).not.toMatch(/fail|error/i);

      const consume = await run(
        'kcat',
        ['-C', '-b', cluster.bootstrapServers, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%o\t%k\t%s\t%T\t%h\n'],
        { timeoutMs: 60_000 },
      );
      const windowEnd = Date.now();
      expect(consume.code, consume.stderr).toBe(0);
      expect(consume.stderr).toBe('');

      const got: Line[] = consume.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [p, o, key, value, ts, headers] = l.split('\t');
          return { partition: Number(p), offset: Number(o), key: key!, value: value!, timestamp: Number(ts), headers: headers! };
        });

      // Exact count, and every key/value pair exactly once.
      expect(got.length).toBe(RECORDS);
      const seqOf = (v: string) => Number(v.split('-')[1]);
      const seen = new Set<string>();
      const wrong: Line[] = [];
      for (const r of got) {
        const i = seqOf(r.value);
        if (r.key !== keyOf(i) || r.value !== valueOf(codec, i)) wrong.push(r);
        seen.add(r.value);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
      expect(seen.size).toBe(RECORDS);

      // Headers intact: both the empty value and the null value survive.
      expect(new Set(got.map((r) => r.headers))).toEqual(new Set([`codec=${codec},run=kcat-test,empty=,nullvalue=NULL`]));

      // Create timestamps set by the producer, within the test's window.
      const timestamps = got.map((r) => r.timestamp);
      expect(Math.min(...timestamps)).toBeGreaterThanOrEqual(windowStart);
      expect(Math.max(...timestamps)).toBeLessThanOrEqual(windowEnd);

      // Per partition: offsets 0..n-1, in order; every partition got some of the keys.
      const byPartition = new Map<number, Line[]>();
      for (const r of got) {
        if (!byPartition.has(r.partition)) byPartition.set(r.partition, []);
        byPartition.get(r.partition)!.push(r);
      }
      expect([...byPartition.keys()].sort()).toEqual([0, 1, 2]);
      for (const [p, recs] of byPartition) {
        const gaps = recs.filter((r, i) => r.offset !== i);
        expect(gaps.slice(0, 5), `partition ${p} offsets`).toEqual([]);
      }

      // Per key: one partition, and the input order.
      const keyPartition = new Map<string, number>();
      const lastSeq = new Map<string, number>();
      const misplaced: Line[] = [];
      const reordered: Line[] = [];
      for (const recs of byPartition.values()) {
        for (const r of recs) {
          const p = keyPartition.get(r.key);
          if (p === undefined) keyPartition.set(r.key, r.partition);
          else if (p !== r.partition) misplaced.push(r);
          const seq = seqOf(r.value);
          if (seq <= (lastSeq.get(r.key) ?? -1)) reordered.push(r);
          lastSeq.set(r.key, seq);
        }
      }
      expect(misplaced.slice(0, 5)).toEqual([]);
      expect(reordered.slice(0, 5)).toEqual([]);
      expect(keyPartition.size).toBe(KEYS);

      // What the broker stored: batches in the codec (librdkafka sends a batch uncompressed when compressing does
      // not shrink it, so tiny batches may be plain), and for idempotent runs one producer id with gap-free sequences.
      let compressedRecords = 0;
      const producerIds = new Set<bigint>();
      for (let p = 0; p < PARTITIONS; p++) {
        const stored = await readPartition(cluster.bootstrapServers, topic, p);
        expect(stored.highWatermark).toBe(byPartition.get(p)!.length);
        expect(stored.records.length).toBe(byPartition.get(p)!.length);
        let nextSeq = 0;
        for (const b of stored.batches) {
          expect([0, CODEC_ID[codec]]).toContain(b.compression);
          if (b.compression === CODEC_ID[codec]) compressedRecords += b.recordCount;
          expect(b.timestampType).toBe('CreateTime');
          expect(b.isTransactional).toBe(false);
          if (IDEMPOTENT.has(codec)) {
            expect(b.producerId).toBeGreaterThanOrEqual(0n);
            expect(b.producerEpoch).toBe(0);
            expect(b.baseSequence).toBe(nextSeq);
            nextSeq += b.recordCount;
            producerIds.add(b.producerId);
          } else {
            expect(b.producerId).toBe(-1n);
            expect(b.baseSequence).toBe(-1);
          }
        }
      }
      expect(compressedRecords).toBeGreaterThanOrEqual(RECORDS * 0.95);
      if (IDEMPOTENT.has(codec)) expect(producerIds.size).toBe(1);
      console.log(`kcat ${codec}: produce ${produce.ms} ms, consume ${consume.ms} ms`);
    });
  }
});

// Compaction against a model: random streams of keys, values and tombstones (some batches compressed) go
// into a real LMDB-backed partition, the cleaner runs at random moments and the partition is reopened from
// disk at random moments; the log must always agree with "the latest record of every key".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { LmdbLogStore } from '../../worker/broker/log/lmdb-log-store.js';
import { cleanPartition, type CleanerConfig, type CleanerOptions } from '../../worker/broker/log/cleaner.js';
import { CleanerThread } from '../../worker/broker/log/cleaner-thread.js';
import { Partition, type PartitionHost } from '../../worker/broker/replica/partition.js';
import { decodeRecordBatch, encodeRecordBatch, readBatchHeader } from '../../worker/protocol/records/record-batch.js';
import { prng } from '../helpers/prng';

const BROKER = 0;

class Host implements PartitionHost {
  readonly brokerId = BROKER;
  readonly replicaLagTimeMaxMs = 30000;
  clock = 1_700_000_000_000;
  constructor(private readonly configs: Record<string, string>) {}
  now() {
    return this.clock;
  }
  proposeIsr() {}
  reportStorageFailure() {}
  topicConfig(_t: string, name: string): string {
    return this.configs[name] ?? '';
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dir: string, host: Host): { store: LmdbLogStore; part: Partition } {
  const store = new LmdbLogStore(dir);
  const state = store.partitions()[0] ?? store.createPartition('T', 0).state;
  const part = new Partition('T', 'compacted', 0, state.localId, state, store, host);
  part.applyState({ leader: BROKER, leaderEpoch: 0, partitionEpoch: 0, replicas: [BROKER], isr: [BROKER] });
  return { store, part };
}

interface Rec {
  offset: number;
  key: string;
  value: string | null;
}

function readAll(part: Partition): Rec[] {
  const out: Rec[] = [];
  for (const b of part.readBatches(part.logStartOffset, part.logEndOffset, 1 << 30)) {
    for (const r of decodeRecordBatch(b.bytes, 0).records) out.push({ offset: Number(r.offset), key: r.key!.toString(), value: r.value === null ? null : r.value.toString() });
  }
  return out;
}

/** `options` says where the cleaner's record-level work runs (default: in this thread). */
async function run(seed: number, options: (dir: string, part: Partition) => CleanerOptions = () => ({})): Promise<void> {
  const rnd = prng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'eddy-compaction-'));
  dirs.push(dir);
  const deleteRetentionMs = 1000;
  const host = new Host({ 'segment.bytes': String(300 + Math.floor(rnd() * 2000)), 'segment.ms': '604800000', 'cleanup.policy': 'compact' });
  const cfg: CleanerConfig = { minCleanableDirtyRatio: 0, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, deleteRetentionMs };
  let { store, part } = open(dir, host);
  const written: Rec[] = [];
  const keys = 1 + Math.floor(rnd() * 12);
  const steps = 20 + Math.floor(rnd() * 60);
  for (let step = 0; step < steps; step++) {
    const n = 1 + Math.floor(rnd() * 6);
    const records = Array.from({ length: n }, () => {
      const key = `k${Math.floor(rnd() * keys)}`;
      const value = rnd() < 0.15 ? null : `v${seed}-${step}-${Math.floor(rnd() * 1e6)}`;
      return { key, value };
    });
    const bytes = encodeRecordBatch({
      records: records.map((r) => ({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), timestamp: host.clock })),
      compression: [0, 0, 1, 2, 3, 4][Math.floor(rnd() * 6)]!,
    });
    const res = part.append(bytes, readBatchHeader(bytes, 0), bytes.length, null);
    await res.committed;
    records.forEach((r, i) => written.push({ offset: res.baseOffset + i, ...r }));
    host.clock += Math.floor(rnd() * 400);
    if (rnd() < 0.25) await cleanPartition(part, cfg, host.clock, options(dir, part));
    if (rnd() < 0.1) {
      await store.close();
      ({ store, part } = open(dir, host));
    }
  }
  // Clean twice, well after every delete horizon: the second pass drops the tombstones the first one marked.
  host.clock += deleteRetentionMs * 10;
  await cleanPartition(part, cfg, host.clock, options(dir, part));
  host.clock += deleteRetentionMs * 10;
  await cleanPartition(part, cfg, host.clock, options(dir, part));
  // And once more after a restart, to prove the cleaned state is what is on disk.
  await store.close();
  ({ store, part } = open(dir, host));

  const log = readAll(part);
  const latest = new Map<string, Rec>();
  for (const r of written) latest.set(r.key, r);
  const byOffset = new Map(written.map((r) => [r.offset, r]));
  const cleanedUpTo = part.cleanedOffset;
  const ctx = `seed ${seed}`;
  // Offsets only increase, and every record is exactly what was written at that offset.
  for (let i = 0; i < log.length; i++) {
    if (i > 0) expect(log[i]!.offset, ctx).toBeGreaterThan(log[i - 1]!.offset);
    expect(log[i], ctx).toEqual(byOffset.get(log[i]!.offset));
  }
  // In the cleaned part a key survives once, as its latest record below the cleaned offset (a newer one in the
  // active segment does not count yet: it is not cleanable, as in Kafka), and no tombstone is left.
  const latestClean = new Map<string, Rec>();
  for (const r of written) if (r.offset < cleanedUpTo) latestClean.set(r.key, r);
  for (const r of log) {
    if (r.offset >= cleanedUpTo) continue;
    expect(latestClean.get(r.key)!.offset, `${ctx}: stale ${r.key}@${r.offset}`).toBe(r.offset);
    expect(r.value, `${ctx}: tombstone ${r.key}@${r.offset} outlived delete.retention.ms`).not.toBeNull();
  }
  // The last value of every key is still there (unless that value is a tombstone that was cleaned away).
  const present = new Set(log.map((r) => r.offset));
  for (const r of latest.values()) {
    if (r.value === null && r.offset < cleanedUpTo) continue;
    expect(present.has(r.offset), `${ctx}: lost ${r.key}@${r.offset}`).toBe(true);
  }
  await store.close();
}

describe('log compaction', () => {
  test('matches the latest-value model on 60 random streams, across restarts', async () => {
    for (let seed = 1; seed <= 60; seed++) await run(seed);
  }, 120_000);

  test('matches the model with the record-level work in a cleaner thread', async () => {
    // The thread runs cleaner-worker.ts from source (the broker runs the built bundle).
    const entry = new URL('../../worker/broker/log/cleaner-worker.ts', import.meta.url).href;
    const thread = new CleanerThread(
      () => new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true }),
    );
    try {
      for (let seed = 61; seed <= 90; seed++) await run(seed, (dir, part) => ({ offload: (now, ms) => thread.begin({ path: dir, localId: part.localId }, now, ms), offloadAtBytes: 0, writeGroupBytes: 1000 }));
    } finally {
      thread.close();
    }
  }, 120_000);

  test('respects min.compaction.lag.ms and never cleans the active segment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-compaction-'));
    dirs.push(dir);
    const host = new Host({ 'segment.bytes': '200', 'segment.ms': '604800000' });
    const { store, part } = open(dir, host);
    for (let i = 0; i < 30; i++) {
      const bytes = encodeRecordBatch({ records: [{ key: Buffer.from('same'), value: Buffer.from(`v${i}`), timestamp: host.clock }] });
      await part.append(bytes, readBatchHeader(bytes, 0), bytes.length, null).committed;
    }
    const young = await cleanPartition(part, { minCleanableDirtyRatio: 0, minCompactionLagMs: 60_000, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, deleteRetentionMs: 0 }, host.clock);
    expect(young).toBeNull();
    host.clock += 120_000;
    const stats = await cleanPartition(part, { minCleanableDirtyRatio: 0, minCompactionLagMs: 60_000, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, deleteRetentionMs: 0 }, host.clock);
    expect(stats).not.toBeNull();
    const log = readAll(part);
    // Below the active segment only the key's latest cleanable record is left; the active segment is untouched.
    const activeBase = part.segments.at(-1)!.baseOffset;
    expect(log.filter((r) => r.offset < activeBase)).toEqual([{ offset: part.cleanedOffset - 1, key: 'same', value: `v${part.cleanedOffset - 1}` }]);
    expect(log.filter((r) => r.offset >= activeBase).map((r) => r.offset)).toEqual(Array.from({ length: 30 - activeBase }, (_, i) => activeBase + i));
    expect(log.at(-1)).toEqual({ offset: 29, key: 'same', value: 'v29' });
    await store.close();
  });
});

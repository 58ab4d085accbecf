// A follower that receives tombstones its leader's cleaner already stamped with a delete horizon (KIP-534) must
// remove them at that horizon too. Its own cleanings never saw them, and what arrives is a small, already compacted
// tail, too little for min.cleanable.dirty.ratio: without the horizon the tombstones stayed on the follower for
// ever while the leader dropped them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { cleanPartition, needsCleaning, type CleanerConfig } from '../../worker/broker/log/cleaner.js';
import { LmdbLogStore } from '../../worker/broker/log/lmdb-log-store.js';
import { Partition, type PartitionHost } from '../../worker/broker/replica/partition.js';
import { decodeRecordBatch, encodeRecordBatch } from '../../worker/protocol/records/record-batch.js';

const FOLLOWER = 0;
const LEADER = 1;

class Host implements PartitionHost {
  readonly brokerId = FOLLOWER;
  readonly replicaLagTimeMaxMs = 30000;
  clock = 1_700_000_000_000;
  now() {
    return this.clock;
  }
  proposeIsr() {}
  reportStorageFailure() {}
  topicConfig(_t: string, name: string): string {
    return ({ 'segment.bytes': '4096', 'segment.ms': '604800000', 'cleanup.policy': 'compact' } as Record<string, string>)[name] ?? '';
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A partition on this (follower) broker, led by another one, in a fresh store. */
function followerPartition(prefix: string): { host: Host; store: LmdbLogStore; part: Partition; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  const host = new Host();
  const store = new LmdbLogStore(dir);
  const { state } = store.createPartition('T', 0);
  const part = new Partition('T', 'compacted', 0, state.localId, state, store, host);
  part.applyState({ leader: LEADER, leaderEpoch: 0, partitionEpoch: 0, replicas: [LEADER, FOLLOWER], isr: [LEADER, FOLLOWER] });
  return { host, store, part, dir };
}

function batch(baseOffset: number, records: { key: string; value: string | null }[], timestamp: number, deleteHorizonMs?: number): Buffer {
  return encodeRecordBatch({
    baseOffset: BigInt(baseOffset),
    records: records.map((r) => ({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), timestamp })),
    ...(deleteHorizonMs !== undefined ? { deleteHorizonMs: BigInt(deleteHorizonMs) } : {}),
  });
}

test('tombstones stamped by the leader are removed on the follower at their horizon', async () => {
  const { host, store, part } = followerPartition('eddy-follower-horizon-');
  const cfg: CleanerConfig = { minCleanableDirtyRatio: 0.5, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, deleteRetentionMs: 0 };

  // 40 keys written twice in big batches: the follower cleans them itself.
  const value = 'v'.repeat(400);
  let offset = 0;
  for (let round = 0; round < 2; round++) {
    for (let b = 0; b < 8; b++) {
      const recs = Array.from({ length: 5 }, (_, i) => ({ key: `k${b * 5 + i}`, value: `${round}-${value}` }));
      await part.appendAsFollower(batch(offset, recs, host.clock)).committed;
      offset += recs.length;
    }
  }
  part.followerHighWatermark(offset);
  expect(await cleanPartition(part, cfg, host.clock)).not.toBeNull();

  // Then what the leader's cleaner left of a later stretch: one tombstone, stamped with its horizon, and a later
  // record that closes the segment.
  const horizon = host.clock + 1000;
  await part.appendAsFollower(batch(offset, [{ key: 'k3', value: null }], host.clock, horizon)).committed;
  offset += 1;
  await part.appendAsFollower(batch(offset, [{ key: 'later', value: 'x'.repeat(4200) }], host.clock)).committed;
  offset += 1;
  await part.appendAsFollower(batch(offset, [{ key: 'last', value: 'y' }], host.clock)).committed;
  offset += 1;
  part.followerHighWatermark(offset);

  host.clock = horizon + 1;
  expect(needsCleaning(part, cfg, host.clock)).toBe(true);
  expect(await cleanPartition(part, cfg, host.clock)).not.toBeNull();
  const keys: (string | null)[] = [];
  for (const b of part.readBatches(part.logStartOffset, part.logEndOffset, 1 << 30)) {
    for (const r of decodeRecordBatch(b.bytes, 0).records) keys.push(r.value === null ? `${r.key} (tombstone)` : r.key!.toString());
  }
  expect(keys).not.toContain('k3 (tombstone)');
  expect(keys).not.toContain('k3');
  expect(keys).toHaveLength(40 - 1 + 2);
  await store.close();
});

test('a cleaning that stops short of an earlier one keeps the pending horizon of the tombstones beyond it', async () => {
  // Seen on a replica restarted after its first cleaning had stamped a tombstone: it cleaned again only up to its
  // checkpointed high watermark, saw no tombstone there, and the horizon of the stamped one was dropped with it.
  const { host, store, part, dir } = followerPartition('eddy-short-cleaning-');
  await part.setCleanedOffset(12_001, host.clock);
  await part.setCleanedOffset(500, null);
  expect(part.tombstoneHorizon).toBe(host.clock);
  expect(part.cleanedOffset).toBe(12_001);
  // A cleaning that covers it all says what is left.
  await part.setCleanedOffset(12_001, null);
  expect(part.tombstoneHorizon).toBeNull();
  await store.close();
  // And it is what a restart loads.
  const reopened = new LmdbLogStore(dir);
  expect(reopened.partitions()[0]).toMatchObject({ cleanedOffset: 12_001, tombstoneHorizon: null });
  await reopened.close();
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbLogStore } from '../../worker/broker/log/lmdb-log-store.js';
import { Partition, type PartitionHost } from '../../worker/broker/replica/partition.js';

// The leader's side of sparse replica fetch answers: which partitions an answer must carry for a follower that
// fetched nothing new.

const LEADER = 0;
const FOLLOWER = 1;

const host: PartitionHost = {
  brokerId: LEADER,
  replicaLagTimeMaxMs: 30000,
  now: () => 1_700_000_000_000,
  proposeIsr() {},
  reportStorageFailure() {},
  topicConfig: () => '',
};

const dirs: string[] = [];
const stores: LmdbLogStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function leaderPartition(): Partition {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-news-'));
  dirs.push(dir);
  const store = new LmdbLogStore(dir);
  stores.push(store);
  const state = store.createPartition('T', 0).state;
  const part = new Partition('T', 't', 0, state.localId, state, store, host);
  part.applyState({ leader: LEADER, leaderEpoch: 0, partitionEpoch: 0, replicas: [LEADER, FOLLOWER], isr: [LEADER, FOLLOWER] });
  return part;
}

describe('replica fetch answers: high watermark news per follower', () => {
  it('sends the high watermark once, and again after an answer the follower could not apply', () => {
    const part = leaderPartition();
    expect(part.takeFollowerNews(FOLLOWER, false)).toBe(true);
    expect(part.takeFollowerNews(FOLLOWER, false)).toBe(false);
    // An answer with an error (a stale leader epoch on the follower's side, say): the follower skips the partition.
    expect(part.takeFollowerNews(FOLLOWER, false, false)).toBe(true);
    // So the next answer must carry the high watermark again, though it did not move; a caught-up follower would
    // otherwise keep serving the one it had before (it restarted from its checkpoint) until the next produce.
    expect(part.takeFollowerNews(FOLLOWER, false)).toBe(true);
    expect(part.takeFollowerNews(FOLLOWER, false)).toBe(false);
  });

  it('sends everything again when the follower missed the previous answer', () => {
    const part = leaderPartition();
    part.takeFollowerNews(FOLLOWER, false);
    expect(part.takeFollowerNews(FOLLOWER, true)).toBe(true);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultyLogStore } from '../../worker/broker/log/faulty-log-store.js';
import { LmdbLogStore } from '../../worker/broker/log/lmdb-log-store.js';
import { Partition, type PartitionHost } from '../../worker/broker/replica/partition.js';
import { decodeRecordBatch, encodeRecordBatch, readBatchHeader } from '../../worker/protocol/records/record-batch.js';
import { ErrorCode } from '../../worker/protocol/errors.js';

// A failed log write on a leader: the batches an idempotent producer had in flight behind it must not land after a
// hole, or the producer's retry of the failed batch is out of sequence for ever.

const BROKER = 0;
const PRODUCER_ID = 7000n;

const dirs: string[] = [];
const stores: LmdbLogStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-write-failure-'));
  dirs.push(dir);
  const lmdb = new LmdbLogStore(dir);
  stores.push(lmdb);
  const store = new FaultyLogStore(lmdb);
  const failures: Partition[] = [];
  const host: PartitionHost = {
    brokerId: BROKER,
    replicaLagTimeMaxMs: 30000,
    now: () => Date.now(),
    proposeIsr() {},
    reportStorageFailure: (p) => failures.push(p),
    topicConfig: () => '',
  };
  const state = store.createPartition('T', 0).state;
  const part = new Partition('T', 't', 0, state.localId, state, store, host);
  part.applyState({ leader: BROKER, leaderEpoch: 0, partitionEpoch: 0, replicas: [BROKER], isr: [BROKER] });
  return { store, part, failures };
}

/** An idempotent producer's batch of `n` records from sequence `seq`. */
function batch(seq: number, n: number): Buffer {
  return encodeRecordBatch({
    records: Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`seq-${seq + i}`) })),
    producerId: PRODUCER_ID,
    producerEpoch: 0,
    baseSequence: seq,
  });
}

function append(part: Partition, seq: number, n: number) {
  const bytes = batch(seq, n);
  return part.append(bytes, readBatchHeader(bytes, 0), bytes.length, null);
}

const settle = (p: Promise<void>) => p.then(() => 'ok', () => 'failed');

function values(part: Partition): string[] {
  return part.readBatches(part.logStartOffset, part.logEndOffset, 1 << 30).flatMap((b) => decodeRecordBatch(b.bytes, 0).records.map((r) => r.value!.toString()));
}

describe('a failed log write', () => {
  it('fails the writes queued behind it, and the retries that follow land in order', async () => {
    const { store, part, failures } = setUp();
    expect(await settle(append(part, 0, 2).committed)).toBe('ok');
    // Three batches in one turn (as from a produce request, or pipelined ones); the first write fails.
    store.failNextWrites(1);
    const inFlight = [append(part, 2, 2), append(part, 4, 2), append(part, 6, 1)];
    expect(inFlight.map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
    expect(await Promise.all(inFlight.map((r) => settle(r.committed)))).toEqual(['failed', 'failed', 'failed']);
    expect(failures).toHaveLength(1);
    // Reloaded from disk: nothing of the three landed.
    await new Promise((r) => setTimeout(r, 10));
    expect(part.storageFailed).toBe(false);
    expect(part.logEndOffset).toBe(2);
    // The producer retries in order and is accepted.
    for (const [seq, n] of [[2, 2], [4, 2], [6, 1]] as const) {
      const r = append(part, seq, n);
      expect(r.errorCode, `retry of sequence ${seq}`).toBe(ErrorCode.NONE);
      expect(await settle(r.committed)).toBe('ok');
    }
    expect(values(part)).toEqual(['seq-0', 'seq-1', 'seq-2', 'seq-3', 'seq-4', 'seq-5', 'seq-6']);
  });
});

// The group coordinator's batched writes (coordinator-appender.ts) against a fake leader replica: which writes share
// a record batch under each group.coordinator.append.linger.ms, that every write is answered only by its own
// batch's fate, and that batches complete in log order even when replication answers out of order.
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../worker/protocol/errors.js';
import { decodeRecordBatch, type BatchHeader } from '../../worker/protocol/records/record-batch.js';
import { CoordinatorAppender, type AppendTarget, type AppenderOptions } from '../../worker/broker/coordinator/group/coordinator-appender.js';
import type { AppendResult } from '../../worker/broker/replica/partition.js';
import type { EncodedRecord } from '../../worker/broker/coordinator/group/records.js';

/** A leader replica that records appends and lets the test decide when (and how) each batch replicates. */
class FakeLeader implements AppendTarget {
  readonly appended: string[][] = [];
  private next = 0;
  /** Error code of the next append (once). */
  failNext: number = ErrorCode.NONE;
  /** Replication: by default every batch replicates at once; `held` keeps the waits for the test to release. */
  hold = false;
  readonly held: { offset: number; resolve: (code: number) => void }[] = [];

  append(buf: Buffer, _header: BatchHeader, _size: number, _t: number | null): AppendResult {
    const base = { errorMessage: null, logAppendTime: -1, logStartOffset: 0, committed: Promise.resolve() };
    if (this.failNext !== ErrorCode.NONE) {
      const errorCode = this.failNext;
      this.failNext = ErrorCode.NONE;
      return { ...base, errorCode, baseOffset: -1, lastOffset: -1 };
    }
    const keys = decodeRecordBatch(buf, 0).records.map((r) => r.key!.toString());
    this.appended.push(keys);
    const baseOffset = this.next;
    this.next += keys.length;
    return { ...base, errorCode: ErrorCode.NONE, baseOffset, lastOffset: this.next - 1 };
  }

  waitForHighWatermark(offset: number, _timeoutMs: number): Promise<number> {
    if (!this.hold) return Promise.resolve(ErrorCode.NONE);
    return new Promise((resolve) => this.held.push({ offset, resolve }));
  }
}

function appender(leader: FakeLeader, opts: Partial<AppenderOptions> = {}): CoordinatorAppender {
  return new CoordinatorAppender(leader, { name: '__consumer_offsets-0', lingerMs: -1, maxBatchBytes: 1 << 20, commitTimeoutMs: 5000, now: () => 1000, ...opts });
}

const rec = (key: string, valueBytes = 8): EncodedRecord => ({ key: Buffer.from(key), value: Buffer.alloc(valueBytes) });
const turn = () => new Promise((r) => setImmediate(r));

/** Settles each promise into a log of what happened, in the order it happened. */
function track(log: string[], name: string, p: Promise<void>): Promise<void> {
  return p.then(
    () => void log.push(`${name} ok`),
    (e: Error) => void log.push(`${name} failed: ${e.message}`),
  );
}

/** Two batches in two turns with replication held; `between` runs before the second write. */
async function twoHeldBatches(between: (leader: FakeLeader) => void = () => undefined) {
  const leader = new FakeLeader();
  const a = appender(leader);
  leader.hold = true;
  const log: string[] = [];
  const first = track(log, 'batch 1', a.write([rec('a')]));
  await turn();
  between(leader);
  const second = track(log, 'batch 2', a.write([rec('b')]));
  await turn();
  return { leader, log, both: Promise.all([first, second]) };
}

describe('coordinator appender', () => {
  test('adaptive linger (-1): the writes of one event-loop turn share a batch and resolve in write order', async () => {
    const leader = new FakeLeader();
    const a = appender(leader);
    const log: string[] = [];
    const done = [track(log, 'w1', a.write([rec('a'), rec('b')])), track(log, 'w2', a.write([rec('c')])), track(log, 'w3', a.write([rec('d')]))];
    expect(leader.appended).toEqual([]);
    await turn();
    expect(leader.appended).toEqual([['a', 'b', 'c', 'd']]);
    await Promise.all(done);
    expect(log).toEqual(['w1 ok', 'w2 ok', 'w3 ok']);
    // The next turn's writes are the next batch.
    await a.write([rec('e')]);
    expect(leader.appended).toEqual([['a', 'b', 'c', 'd'], ['e']]);
  });

  test('linger 0 appends every write on its own, at once', () => {
    const leader = new FakeLeader();
    const a = appender(leader, { lingerMs: 0 });
    void a.write([rec('a')]);
    void a.write([rec('b'), rec('c')]);
    expect(leader.appended).toEqual([['a'], ['b', 'c']]);
  });

  test('a positive linger keeps the batch open that long', async () => {
    const leader = new FakeLeader();
    const a = appender(leader, { lingerMs: 30 });
    const w1 = a.write([rec('a')]);
    await turn();
    const w2 = a.write([rec('b')]);
    await turn();
    expect(leader.appended).toEqual([]);
    await Promise.all([w1, w2]);
    expect(leader.appended).toEqual([['a', 'b']]);
  });

  test('a batch closes before a write that would take it past the largest batch; a write larger alone still goes out', async () => {
    const leader = new FakeLeader();
    const a = appender(leader, { maxBatchBytes: 400 });
    const writes = [a.write([rec('a', 100)]), a.write([rec('b', 100)]), a.write([rec('c', 100)]), a.write([rec('big', 1000)]), a.write([rec('d', 10)])];
    await Promise.all(writes);
    expect(leader.appended).toEqual([['a', 'b'], ['c'], ['big'], ['d']]);
  });

  test('a refused append fails exactly the writes of its batch', async () => {
    const leader = new FakeLeader();
    const a = appender(leader);
    const log: string[] = [];
    leader.failNext = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    const first = [track(log, 'w1', a.write([rec('a')])), track(log, 'w2', a.write([rec('b')]))];
    await turn();
    const second = track(log, 'w3', a.write([rec('c')]));
    await Promise.all([...first, second]);
    expect(log).toEqual([
      `w1 failed: append to __consumer_offsets-0 failed with error ${ErrorCode.NOT_LEADER_OR_FOLLOWER}`,
      `w2 failed: append to __consumer_offsets-0 failed with error ${ErrorCode.NOT_LEADER_OR_FOLLOWER}`,
      'w3 ok',
    ]);
    expect(leader.appended).toEqual([['c']]);
  });

  test('a batch the in-sync replicas do not get in time fails its writes', async () => {
    const leader = new FakeLeader();
    const a = appender(leader);
    leader.hold = true;
    const w = a.write([rec('a')]);
    await turn();
    leader.held.shift()!.resolve(ErrorCode.REQUEST_TIMED_OUT);
    await expect(w).rejects.toThrow(`__consumer_offsets-0 did not replicate the write (error ${ErrorCode.REQUEST_TIMED_OUT})`);
  });

  test('batches complete in log order even when a later one replicates first', async () => {
    const { leader, log, both } = await twoHeldBatches();
    expect(leader.held.map((h) => h.offset)).toEqual([1, 2]);
    leader.held[1]!.resolve(ErrorCode.NONE);
    await turn();
    expect(log).toEqual([]);
    leader.held[0]!.resolve(ErrorCode.NONE);
    await both;
    expect(log).toEqual(['batch 1 ok', 'batch 2 ok']);
  });

  test('a batch that fails while an earlier one is pending does not go unhandled, and waits its turn', async () => {
    const { leader, log, both } = await twoHeldBatches((l) => (l.failNext = ErrorCode.KAFKA_STORAGE_ERROR));
    await turn();
    expect(log).toEqual([]);
    leader.held[0]!.resolve(ErrorCode.NONE);
    await both;
    expect(log).toEqual(['batch 1 ok', `batch 2 failed: append to __consumer_offsets-0 failed with error ${ErrorCode.KAFKA_STORAGE_ERROR}`]);
  });

  test('abort fails the open batch without appending it; idle appends what is open and waits for it', async () => {
    const leader = new FakeLeader();
    const a = appender(leader, { lingerMs: 10_000 });
    const aborted = a.write([rec('a')]);
    a.abort(new Error('no longer the coordinator'));
    await expect(aborted).rejects.toThrow('no longer the coordinator');
    expect(leader.appended).toEqual([]);
    const pending = a.write([rec('b')]);
    await a.idle();
    expect(leader.appended).toEqual([['b']]);
    await expect(pending).resolves.toBeUndefined();
  });
});

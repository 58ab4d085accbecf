// The broker's LMDB store commits synchronously: a write is readable as soon as its promise exists, and is in the
// data file for the next process, with or without an fsync per commit (log.flush.interval.messages=1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LmdbLogStore } from '../../worker/broker/log/lmdb-log-store.js';
import { encodeRecordBatch } from '../../worker/protocol/records/record-batch.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function batchAt(baseOffset: number, values: string[]): { baseOffset: number; lastOffset: number; maxTimestamp: number; bytes: Buffer } {
  const bytes = encodeRecordBatch({ baseOffset: BigInt(baseOffset), records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: 1000 + baseOffset })) });
  return { baseOffset, lastOffset: baseOffset + values.length - 1, maxTimestamp: 1000 + baseOffset, bytes };
}

describe.each([
  { name: 'background sync (default)', syncEveryCommit: false },
  { name: 'fsync in every commit', syncEveryCommit: true },
])('LmdbLogStore, $name', ({ syncEveryCommit }) => {
  test('an append is readable before its promise settles, and after a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-store-'));
    dirs.push(dir);
    const store = new LmdbLogStore(dir, { syncEveryCommit, syncIntervalMs: 50 });
    const { state, durable } = store.createPartition('topic-id-1', 0);
    await durable;
    const first = batchAt(0, ['a', 'b']);
    const second = batchAt(2, ['c']);
    const written = store.append(state.localId, [first], [], first.maxTimestamp, { segments: [{ baseOffset: 0, createdMs: 1, sizeBytes: first.bytes.length, maxTimestamp: first.maxTimestamp, endOffset: 2 }] });
    // Synchronous commit: visible at once, not only after the promise.
    expect(store.read(state.localId, 0, 10, 1 << 20).map((b) => b.baseOffset)).toEqual([0]);
    await written;
    await store.append(state.localId, [second], [], second.maxTimestamp);
    await store.updateMeta(state.localId, { highWatermark: 3, epochs: [[0, 0]] });
    await store.close();

    const reopened = new LmdbLogStore(dir, { syncEveryCommit });
    const [p] = reopened.partitions();
    expect(p).toMatchObject({ topicId: 'topic-id-1', partition: 0, logEndOffset: 3, highWatermark: 3, epochs: [[0, 0]], maxTimestamp: second.maxTimestamp });
    const batches = reopened.read(p!.localId, 0, 3, 1 << 20);
    expect(batches.map((b) => Buffer.compare(b.bytes, b.baseOffset === 0 ? first.bytes : second.bytes))).toEqual([0, 0]);
    expect(reopened.segments(p!.localId)).toHaveLength(1);
    await reopened.close();
  });

  test('a failing write leaves nothing behind and the store keeps working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-store-'));
    dirs.push(dir);
    const store = new LmdbLogStore(dir, { syncEveryCommit });
    const { state } = store.createPartition('topic-id-2', 0);
    const good = batchAt(0, ['x']);
    // A value the binary encoding refuses fails the second put: the whole transaction, the first put included, is undone.
    const bad = { ...batchAt(1, ['y']), bytes: 42 as unknown as Buffer };
    await expect(store.append(state.localId, [good, bad], [], null)).rejects.toThrow();
    expect(store.read(state.localId, 0, 10, 1 << 20)).toEqual([]);
    await store.append(state.localId, [good], [], null);
    expect(store.read(state.localId, 0, 10, 1 << 20).map((b) => b.baseOffset)).toEqual([0]);
    await store.close();
  });
});

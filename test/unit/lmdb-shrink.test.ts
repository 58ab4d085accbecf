// A data file that is mostly free space is replaced by a compacted copy at start: smaller on disk, same log.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { LmdbLogStore } from '../../worker/broker/log/lmdb-log-store.js';
import { mappedInThisProcess, shrinkIfMostlyFree, worthLooking } from '../../worker/broker/log/lmdb-shrink.js';
import { encodeRecordBatch } from '../../worker/protocol/records/record-batch.js';

const MiB = 1024 * 1024;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function batch(baseOffset: number, bytes: number) {
  const value = Buffer.alloc(bytes, baseOffset % 251);
  const encoded = encodeRecordBatch({ baseOffset: BigInt(baseOffset), records: [{ key: null, value, timestamp: 1000 + baseOffset }] });
  return { baseOffset, lastOffset: baseOffset, maxTimestamp: 1000 + baseOffset, bytes: encoded };
}

/** A store with 24 MB written to one partition, then everything below offset `keepFrom` deleted. */
async function shrunkLog(keepFrom: number): Promise<{ dir: string; kept: Buffer[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-shrink-'));
  dirs.push(dir);
  const store = new LmdbLogStore(dir);
  const { state } = store.createPartition('topic-id', 0);
  for (let o = 0; o < 1500; o += 50) {
    await store.append(state.localId, Array.from({ length: 50 }, (_, i) => batch(o + i, 16_000)), [], 1000 + o + 49);
  }
  await store.deleteBelow(state.localId, keepFrom, 100_000);
  await store.setLogStartOffset(state.localId, keepFrom);
  const kept = store.read(state.localId, keepFrom, 1500, 1 << 30).map((b) => Buffer.from(b.bytes));
  await store.close();
  return { dir, kept };
}

test('a mostly free data file is replaced by a compacted copy holding the same log', async () => {
  const { dir, kept } = await shrunkLog(1400);
  const policy = { minFileBytes: 8 * MiB, maxUsedFraction: 0.5 };
  expect(worthLooking(dir, policy)).toBe(true);
  const before = statSync(join(dir, 'data.mdb')).size;
  const r = await shrinkIfMostlyFree(dir, policy);
  expect(r).not.toBeNull();
  expect(r!.fileBytes).toBe(before);
  expect(before).toBeGreaterThan(22 * MiB);
  // 100 batches of 16 KB are left: the file is about their size now.
  expect(r!.newFileBytes).toBeLessThan(4 * MiB);
  expect(statSync(join(dir, 'data.mdb')).size).toBe(r!.newFileBytes);
  expect(existsSync(join(dir, 'shrink.tmp'))).toBe(false);

  const reopened = new LmdbLogStore(dir);
  const [p] = reopened.partitions();
  expect(p).toMatchObject({ logStartOffset: 1400, logEndOffset: 1500 });
  const read = reopened.read(p!.localId, 1400, 1500, 1 << 30);
  expect(read.map((b) => b.baseOffset)).toEqual(Array.from({ length: 100 }, (_, i) => 1400 + i));
  expect(read.every((b, i) => Buffer.compare(b.bytes, kept[i]!) === 0)).toBe(true);
  // And it takes writes again.
  await reopened.append(p!.localId, [batch(1500, 100)], [], 2500);
  expect(reopened.read(p!.localId, 1500, 1501, 1 << 20)).toHaveLength(1);
  await reopened.close();

  // Now mostly in use: left alone.
  expect(await shrinkIfMostlyFree(dir, { minFileBytes: 0, maxUsedFraction: 0.5 })).toBeNull();
});

test('a file mostly in use, or smaller than the limit, is left alone; a leftover copy from a crash is removed', async () => {
  const { dir } = await shrunkLog(100);
  const size = statSync(join(dir, 'data.mdb')).size;
  expect(await shrinkIfMostlyFree(dir, { minFileBytes: 8 * MiB, maxUsedFraction: 0.5 })).toBeNull();
  expect(worthLooking(dir, { minFileBytes: size + 1, maxUsedFraction: 0.5 })).toBe(false);
  mkdirSync(join(dir, 'shrink.tmp'));
  writeFileSync(join(dir, 'shrink.tmp', 'data.mdb'), 'half a copy');
  expect(await shrinkIfMostlyFree(dir, { minFileBytes: size + 1, maxUsedFraction: 0.5 })).toBeNull();
  expect(existsSync(join(dir, 'shrink.tmp'))).toBe(false);
  expect(statSync(join(dir, 'data.mdb')).size).toBe(size);
  expect(worthLooking(join(dir, 'nothing-here'))).toBe(false);
});

test('never while the environment is open in this process: a thread there would go on writing to the old file', async () => {
  const { dir, kept } = await shrunkLog(1400);
  const policy = { minFileBytes: 8 * MiB, maxUsedFraction: 0.5 };
  const before = statSync(join(dir, 'data.mdb')).size;
  const open = new LmdbLogStore(dir);
  const canTell = mappedInThisProcess(join(dir, 'data.mdb'));
  if (canTell === null) console.warn('[skip-part] no /proc/self/maps here: only the caller\'s "skip" is checked');
  else expect(canTell).toBe(true);
  expect(await shrinkIfMostlyFree(dir, policy)).toBeNull();
  // 'proceed' is the caller's word that nothing of the process opened the directory: here only Linux's maps overrule it.
  if (canTell !== null) expect(await shrinkIfMostlyFree(dir, policy, 'proceed')).toBeNull();
  expect(statSync(join(dir, 'data.mdb')).size).toBe(before);
  const [p] = open.partitions();
  expect(open.read(p!.localId, 1400, 1500, 1 << 30).map((b) => Buffer.from(b.bytes))).toEqual(kept);
  await open.close();
  if (canTell !== null) expect(mappedInThisProcess(join(dir, 'data.mdb'))).toBe(false);
  expect(await shrinkIfMostlyFree(dir, policy)).not.toBeNull();
});

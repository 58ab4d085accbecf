// LMDB never gives pages back to the file system: pages freed by retention, compaction or a deleted topic are reused
// for new records, but the data file keeps its largest size. A cluster whose logs shrank for good (a big topic
// deleted, a shorter retention) gets the space back at its next start: before any broker opens its environment, a
// copy holding only the pages in use replaces the file. It must run while no thread of the process has the
// environment open: lmdb-js shares one open environment between the threads of a process, so a broker opening the
// replaced file would join an environment still mapping the old one and write there. The supervisor does it
// before it starts the broker workers, never on the restart of one broker, and it is skipped when the file is
// still mapped in this process (a cluster stopped a moment ago whose threads have not let go yet; Linux tells by
// /proc/self/maps; elsewhere the caller says whether an earlier cluster of this process used the directory). The
// old file stays whole until an atomic rename, so a crash midway loses nothing (a leftover copy is removed on
// the next try).
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LmdbLogStore } from './lmdb-log-store.js';

export interface ShrinkPolicy {
  /** Smaller files are left alone: copying costs a start-up more than the space is worth. */
  minFileBytes: number;
  /** Shrink only when the pages in use are at most this fraction of the file. */
  maxUsedFraction: number;
}

export const DEFAULT_SHRINK_POLICY: ShrinkPolicy = { minFileBytes: 64 * 1024 * 1024, maxUsedFraction: 0.5 };

export interface ShrinkResult {
  fileBytes: number;
  usedBytes: number;
  newFileBytes: number;
  ms: number;
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Whether some thread of this process maps `file` (null: this platform cannot tell). */
export function mappedInThisProcess(file: string): boolean | null {
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return null;
  }
  const path = realpathSync(file);
  return maps.split('\n').some((line) => line.endsWith(` ${path}`));
}

/** True when `dir` holds a data file big enough for the policy to look at (a stat: cheap enough for every start). */
export function worthLooking(dir: string, policy: ShrinkPolicy = DEFAULT_SHRINK_POLICY): boolean {
  try {
    return statSync(join(dir, 'data.mdb')).size >= policy.minFileBytes;
  } catch {
    return false;
  }
}

/**
 * Shrinks the environment in `dir` when the policy says it is worth it and no thread of this process has it open;
 * null when it was left as it was. `unverifiable`: what to do where the platform cannot tell whether the file is
 * mapped - 'proceed' only when no environment of this process ever opened the directory.
 */
export async function shrinkIfMostlyFree(
  dir: string,
  policy: ShrinkPolicy = DEFAULT_SHRINK_POLICY,
  unverifiable: 'proceed' | 'skip' = 'skip',
): Promise<ShrinkResult | null> {
  const inUse = () => {
    const mapped = mappedInThisProcess(join(dir, 'data.mdb'));
    return mapped === null ? unverifiable === 'skip' : mapped;
  };
  const file = join(dir, 'data.mdb');
  const copyDir = join(dir, 'shrink.tmp');
  rmSync(copyDir, { recursive: true, force: true });
  let fileBytes: number;
  try {
    fileBytes = statSync(file).size;
  } catch {
    return null;
  }
  if (fileBytes < policy.minFileBytes || inUse()) return null;
  const t0 = performance.now();
  const store = new LmdbLogStore(dir, { readerOnly: true });
  let usedBytes: number;
  try {
    usedBytes = store.usage().usedBytes;
    if (usedBytes > fileBytes * policy.maxUsedFraction) return null;
    mkdirSync(copyDir);
    await store.copyCompacted(copyDir);
  } catch (e) {
    rmSync(copyDir, { recursive: true, force: true });
    throw e;
  } finally {
    await store.close();
  }
  const copy = join(copyDir, 'data.mdb');
  // Our handle is closed now: if the file is still mapped, another thread shares the environment (the copy was
  // made through it, so it is right, but that thread would go on writing to the old file).
  if (inUse()) {
    rmSync(copyDir, { recursive: true, force: true });
    return null;
  }
  fsyncPath(copy);
  renameSync(copy, file);
  fsyncPath(dir);
  rmSync(copyDir, { recursive: true, force: true });
  return { fileBytes, usedBytes, newFileBytes: statSync(file).size, ms: performance.now() - t0 };
}

// Where Eddy keeps its data, and the lock that stops two Eddy processes from sharing one data dir.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The OS's per-user application data folder (the same one Electron's userData uses, minus its app name). */
export function defaultDataDir(): string {
  if (process.env.EDDY_DATA_DIR) return process.env.EDDY_DATA_DIR;
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Eddy', 'data');
    case 'win32':
      return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Eddy', 'data');
    default:
      return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'eddy', 'data');
  }
}

export class DataDirError extends Error {
  override name = 'DataDirError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates (if needed) and locks the data dir for this process. Throws DataDirError with a message fit for a
 * user when the folder cannot be used or another live Eddy process holds it.
 */
export function lockDataDir(dir: string): () => void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch (e) {
    throw new DataDirError(`data dir ${dir} is not usable: ${(e as Error).message}`);
  }
  const lockFile = join(dir, 'eddy.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'EEXIST') throw new DataDirError(`data dir ${dir} is not usable: ${err.message}`);
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (holder === process.pid) throw new DataDirError(`data dir ${dir} is already in use by this process`);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new DataDirError(`data dir ${dir} is in use by another Eddy process (pid ${holder})`);
      }
      // A lock left by a process that is gone (killed, crashed): take it over.
      rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirError(`could not lock data dir ${dir}`);
}

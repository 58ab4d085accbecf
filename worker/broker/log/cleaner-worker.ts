// Entry of a broker's cleaner thread (cleaner-thread.ts starts it): runs the record-level work of a cleaning
// (CleaningJob) on the partition's batches, read here from the broker's LMDB environment, and sends back the
// batches that stay of each segment that changes, as transferred buffers.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { CleaningJob, type ReadBatches } from './cleaning-job.js';
import { transferList, type CleanerReply, type CleanerRequest } from './cleaner-thread.js';
import { LmdbLogStore } from './lmdb-log-store.js';

const port = parentPort;
if (!port) throw new Error('cleaner-worker.ts runs as a worker thread');

/**
 * The thread's nice value. Cleaning is background work that can wait a few milliseconds; produce and fetch, on the
 * broker threads of the same process, cannot. With a lower scheduling weight the cleaner still gets every core the
 * brokers leave idle, but a broker thread that wakes up for a request runs first when the cores are busy.
 */
const CLEANER_NICE = 10;

/**
 * Linux only: there the nice value is a per-thread attribute and setpriority(PRIO_PROCESS, tid) sets it for that
 * thread alone (setpriority(2), NOTES); elsewhere it would apply to the whole process, so nothing is done.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, CLEANER_NICE);
  } catch {
    // No /proc (not Linux) or not permitted: the cleaner runs at the broker's priority.
  }
}
lowerThreadPriority();

/** The cleaning under way and the store it reads. */
let job: { cleaning: CleaningJob; store: LmdbLogStore } | null = null;
/** Read-only views of the broker's LMDB environments, by path (lmdb-js shares the environment with the broker). */
const stores = new Map<string, LmdbLogStore>();

function storeAt(path: string): LmdbLogStore {
  let store = stores.get(path);
  if (!store) stores.set(path, (store = new LmdbLogStore(path, { readerOnly: true })));
  return store;
}

async function handle(m: CleanerRequest): Promise<void> {
  let reply: CleanerReply;
  try {
    if (m.type === 'close') {
      job = null;
      await Promise.all([...stores.values()].map((s) => s.close()));
      stores.clear();
      process.exit(0); // ends this thread only
    } else if (m.type === 'begin') {
      const { path, localId } = m.log;
      const store = storeAt(path);
      // As Partition.readBatches: a batch that starts before `from` belongs to the range before.
      const read: ReadBatches = (from, to, maxBytes) => store.read(localId, from, to, maxBytes).filter((b) => b.baseOffset >= from);
      job = { cleaning: new CleaningJob(read, m.now, m.deleteRetentionMs), store };
      reply = { id: m.id };
    } else if (!job) {
      throw new Error('no cleaning has begun');
    } else {
      // Each pass reads one snapshot, taken now: it holds everything the broker committed before asking.
      job.store.refreshReadSnapshot();
      if (m.type === 'keys') {
        await job.cleaning.mapKeys(m.from, m.to);
        reply = { id: m.id };
      } else {
        reply = { id: m.id, range: await job.cleaning.filter(m.from, m.to) };
      }
    }
  } catch (e) {
    reply = { id: m.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  port!.postMessage(reply, 'range' in reply ? transferList(reply.range) : []);
}

// One request at a time, in the order sent.
let queue = Promise.resolve();
port.on('message', (m: CleanerRequest) => {
  queue = queue.then(() => handle(m));
});

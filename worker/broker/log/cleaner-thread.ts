// A broker's cleaner thread, as Kafka runs its log cleaner in threads of its own (log.cleaner.threads): a large
// cleaning's record-level work (CleaningJob: reading and walking every record, the key map, rebuilding batches)
// runs there, so the broker's event loop and heap stay free for produce and fetch while the operating system
// shares the cores. The thread reads the partition's batches itself from the broker's LMDB environment
// (lmdb-js shares one environment between the threads of a process; a read is a snapshot and never holds up a
// write) and sends back only what stays of a segment that changes. Writing it back stays with the broker, in
// cleaner.ts. Started on first use, the thread stops after IDLE_MS without work (an idle broker keeps no
// thread) and with the broker.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FilteredRange } from './cleaning-job.js';

/** Where a partition's log is: the broker's LMDB environment and the partition's id in it. */
export interface LogLocation {
  path: string;
  localId: number;
}

export type CleanerRequest =
  | { id: number; type: 'begin'; log: LogLocation; now: number; deleteRetentionMs: number }
  | { id: number; type: 'keys' | 'filter'; from: number; to: number }
  /** Close the environments and end the thread. */
  | { id: number; type: 'close' };
export type CleanerReply = { id: number; range?: FilteredRange } | { id: number; error: string };

/** The record-level work of one cleaning, wherever it runs (cleaner.ts). */
export interface CleanerWork {
  /** Pass 1: note the latest offset of every key in the batches of [from, to). */
  mapKeys(from: number, to: number): Promise<void>;
  /** Pass 2: what stays of the batches of [from, to). */
  filter(from: number, to: number): Promise<FilteredRange>;
}

const IDLE_MS = 30_000;
/** How long a closing thread may take to close its environments before it is terminated. */
const CLOSE_MS = 5_000;

/**
 * The ArrayBuffers to transfer with the batches that stay. A batch that is a view of only part of its ArrayBuffer
 * (a pool slab) is copied first: posting it would clone or detach the whole ArrayBuffer.
 */
export function transferList(range: FilteredRange | undefined): ArrayBuffer[] {
  const transfer: ArrayBuffer[] = [];
  for (const b of range?.keep ?? []) {
    const bytes = b.bytes;
    if (!(bytes.buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) b.bytes = Buffer.from(new Uint8Array(bytes));
    transfer.push(b.bytes.buffer as ArrayBuffer);
  }
  return transfer;
}

/** The built cleaner-worker.js next to this module's bundle, or null (running from source: clean in-thread). */
function workerPath(): string | null {
  for (const rel of ['./cleaner-worker.js', '../cleaner-worker.js']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return null;
}

export class CleanerThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: FilteredRange | undefined) => void; reject: (e: Error) => void }>();
  private idleTimer: NodeJS.Timeout | null = null;

  /** `spawn` starts the thread running cleaner-worker.ts (tests start it from source). */
  constructor(private readonly spawn: () => Worker) {}

  /** A cleaner thread for this broker, or null where the worker bundle is not built. */
  static create(): CleanerThread | null {
    const path = workerPath();
    return path ? new CleanerThread(() => new Worker(path, { name: 'log-cleaner' })) : null;
  }

  /** Starts a cleaning of the partition at `log` in the thread: its work goes to a fresh CleaningJob. */
  begin(log: LogLocation, now: number, deleteRetentionMs: number): CleanerWork {
    // A failure here fails the passes that follow as well; that is where the cleaning sees it.
    this.send({ id: 0, type: 'begin', log, now, deleteRetentionMs }).catch(() => undefined);
    return {
      mapKeys: async (from, to) => {
        await this.send({ id: 0, type: 'keys', from, to });
      },
      filter: async (from, to) => {
        const range = await this.send({ id: 0, type: 'filter', from, to });
        if (!range) throw new Error('the cleaner thread sent no result');
        // Transferred buffers arrive as plain Uint8Arrays.
        for (const b of range.keep ?? []) b.bytes = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
        return range;
      },
    };
  }

  /** Ends the thread: it closes its view of the environments and exits (terminated if it does not in CLOSE_MS). */
  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const w = this.worker;
    this.worker = null;
    this.fail(new Error('the cleaner thread stopped'));
    if (!w) return;
    w.postMessage({ id: 0, type: 'close' } satisfies CleanerRequest);
    const kill = setTimeout(() => void w.terminate(), CLOSE_MS);
    kill.unref();
    w.once('exit', () => clearTimeout(kill));
  }

  private send(m: CleanerRequest): Promise<FilteredRange | undefined> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    m.id = id;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage(m);
    });
  }

  private start(): Worker {
    const w = this.spawn();
    w.on('message', (r: CleanerReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if ('error' in r) p.reject(new Error(r.error));
      else p.resolve(r.range);
      if (this.pending.size === 0 && this.worker === w) {
        this.idleTimer = setTimeout(() => this.close(), IDLE_MS);
        this.idleTimer.unref();
      }
    });
    const lost = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.fail(e);
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`the cleaner thread exited (code ${code})`)));
    // The broker may stop with the thread idle: it must not keep the broker's event loop alive.
    w.unref();
    this.worker = w;
    return w;
  }

  private fail(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

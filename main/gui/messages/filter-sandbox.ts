// The message filter's JavaScript expression runs in a worker thread, inside a node:vm context that holds only the
// language's own globals (no require, process, Buffer or timers). Records go in as JSON text and are parsed inside
// the context, so no object of the host realm (whose constructors would lead back to Node) is reachable. Each batch
// has a time budget: vm's timeout stops a runaway expression, and the worker is terminated if even that fails.
import { Worker } from 'node:worker_threads';
import { uiError } from '../errors.js';

export interface FilterInput {
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
  partition: number;
  offset: number;
  timestamp: number;
}

// CommonJS source of the worker (run with eval: no separate bundle to locate).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' });
let compiled = null;
try {
  vm.runInContext(
    '"use strict"; globalThis.__test = (function () { const f = function (record, json) { return (' + workerData.expression + '\\n); };' +
      ' return function (text) { const records = JSON.parse(text); const out = [];' +
      ' for (let i = 0; i < records.length; i++) { const r = records[i]; let json; try { json = r.value === null ? undefined : JSON.parse(r.value); } catch { json = undefined; }' +
      ' r.json = json; try { out.push(f(r, json) ? 1 : 0); } catch (e) { return JSON.stringify({ error: String(e && e.message !== undefined ? e.message : e), index: i }); } }' +
      ' return JSON.stringify({ matches: out }); }; })();',
    context,
    { timeout: workerData.budgetMs, filename: 'filter' },
  );
  compiled = context.__test;
  parentPort.postMessage({ ok: true });
} catch (e) {
  parentPort.postMessage({ ok: false, error: String(e && e.message !== undefined ? e.message : e) });
}
parentPort.on('message', (m) => {
  if (!compiled) return;
  context.__input = m.text;
  try {
    const answer = vm.runInContext('__test(__input)', context, { timeout: m.budgetMs });
    parentPort.postMessage({ id: m.id, answer: String(answer) });
  } catch (e) {
    parentPort.postMessage({ id: m.id, answer: JSON.stringify({ error: String(e && e.message !== undefined ? e.message : e), timeout: /timed out/.test(String(e && e.message)) }) });
  }
});
`;

function filterError(what: string): Error {
  return uiError('FILTER_ERROR', what, 'fix the filter expression (it sees `record` with key, value, headers, partition, offset, timestamp, and `json`)');
}

export class FilterSandbox {
  private worker: Worker;
  private ready: Promise<void>;
  private nextId = 1;
  private dead = false;

  constructor(
    readonly expression: string,
    private readonly budgetMs = 1_000,
  ) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { expression, budgetMs },
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
      stdout: true,
      stderr: true,
    });
    this.worker.unref();
    this.worker.on('error', () => (this.dead = true));
    this.worker.on('exit', () => (this.dead = true));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void this.close();
        reject(filterError(`the filter expression did not compile within ${budgetMs} ms`));
      }, budgetMs + 5_000);
      this.worker.once('message', (m: { ok: boolean; error?: string }) => {
        clearTimeout(timer);
        if (m.ok) resolve();
        else {
          void this.close();
          reject(filterError(`the filter expression does not compile: ${m.error}`));
        }
      });
    });
    this.ready.catch(() => undefined);
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Which records the expression keeps; rejects with FILTER_ERROR on a throw or a batch over the time budget. */
  async test(records: FilterInput[]): Promise<boolean[]> {
    await this.ready;
    if (this.dead) throw filterError('the filter stopped (it ran too long or used too much memory)');
    if (records.length === 0) return [];
    const id = this.nextId++;
    const text = JSON.stringify(records);
    const answer = await new Promise<string>((resolve, reject) => {
      // vm's timeout is the first line; a worker that does not answer shortly after it is terminated.
      const timer = setTimeout(() => {
        cleanup();
        void this.close();
        reject(filterError(`the filter expression ran longer than ${this.budgetMs} ms and was stopped`));
      }, this.budgetMs + 2_000);
      const onMessage = (m: { id: number; answer: string }) => {
        if (m.id !== id) return;
        cleanup();
        resolve(m.answer);
      };
      const onExit = () => {
        cleanup();
        reject(filterError('the filter stopped (it ran too long or used too much memory)'));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.worker.off('exit', onExit);
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', onExit);
      this.worker.postMessage({ id, text, budgetMs: this.budgetMs });
    });
    const parsed = JSON.parse(answer) as { matches?: number[]; error?: string; index?: number; timeout?: boolean };
    if (parsed.timeout) {
      void this.close();
      throw filterError(`the filter expression ran longer than ${this.budgetMs} ms and was stopped`);
    }
    if (parsed.error !== undefined) {
      const r = parsed.index !== undefined ? records[parsed.index] : undefined;
      throw filterError(`the filter expression threw${r ? ` on partition ${r.partition} offset ${r.offset}` : ''}: ${parsed.error}`);
    }
    return (parsed.matches ?? []).map((m) => m === 1);
  }

  async close(): Promise<void> {
    this.dead = true;
    await this.worker.terminate().catch(() => undefined);
  }
}

/** Sandboxes by expression, reused across browse calls of a page; closed when unused for a while. */
export class FilterCache {
  private readonly entries = new Map<string, { sandbox: FilterSandbox; timer: NodeJS.Timeout }>();

  constructor(private readonly idleMs = 60_000) {}

  get(expression: string): FilterSandbox {
    let e = this.entries.get(expression);
    if (e && !e.sandbox.alive) {
      clearTimeout(e.timer);
      this.entries.delete(expression);
      e = undefined;
    }
    if (!e) {
      // A few at most: the oldest goes.
      if (this.entries.size >= 4) {
        const [oldest, entry] = this.entries.entries().next().value as [string, { sandbox: FilterSandbox; timer: NodeJS.Timeout }];
        clearTimeout(entry.timer);
        void entry.sandbox.close();
        this.entries.delete(oldest);
      }
      e = { sandbox: new FilterSandbox(expression), timer: setTimeout(() => undefined, 0) };
      this.entries.set(expression, e);
    }
    clearTimeout(e.timer);
    const entry = e;
    entry.timer = setTimeout(() => {
      this.entries.delete(expression);
      void entry.sandbox.close();
    }, this.idleMs);
    entry.timer.unref();
    return entry.sandbox;
  }

  async closeAll(): Promise<void> {
    for (const e of this.entries.values()) {
      clearTimeout(e.timer);
      await e.sandbox.close();
    }
    this.entries.clear();
  }
}

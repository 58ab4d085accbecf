// The nemesis: a seeded schedule of faults against a running cluster — kill and restart brokers, freeze and
// thaw them, cut and heal links (broker-broker and broker-controller), slow or lossy links, failing log
// writes — that always leaves the cluster able to recover: at most `maxDown` brokers are dead or frozen at a
// time, and healAll() undoes everything (thaw, restart, heal every link) before the round's final read.
import type { RunningCluster } from 'eddy';
import type { LinkEnd } from '../../../main/api.js';
import type { Rng } from './prng.js';
import { sleep, withTimeout } from './wire.js';

export type NemesisOp = 'kill' | 'restart' | 'pause' | 'resume' | 'cut' | 'cutController' | 'heal' | 'slow' | 'lossy' | 'failWrites';

export interface NemesisOptions {
  brokers: number;
  rng: Rng;
  /** Brokers dead or frozen at once (default 1; 2 with RF=3 still recovers, with partitions offline meanwhile). */
  maxDown?: number;
  /** Link faults at once (default 2). */
  maxLinkFaults?: number;
  /** Pause between two faults, ms (default 300-1200). */
  intervalMs?: [number, number];
  /** Weights of the operations (default: all). */
  weights?: Partial<Record<NemesisOp, number>>;
  /** Log times are relative to this (default: construction). */
  since?: number;
}

const DEFAULT_WEIGHTS: Record<NemesisOp, number> = {
  kill: 3,
  restart: 4,
  pause: 2,
  resume: 3,
  cut: 2,
  cutController: 2,
  heal: 4,
  slow: 1,
  lossy: 1,
  failWrites: 1,
};

type Mode = 'up' | 'killed' | 'paused' | 'restarting';

interface LinkFault {
  a: LinkEnd;
  b: LinkEnd;
  what: string;
}

export class Nemesis {
  private readonly mode: Mode[];
  private readonly links = new Map<string, LinkFault>();
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly t0: number;
  readonly log: string[] = [];
  readonly counts = new Map<NemesisOp, number>();

  constructor(
    private readonly cluster: RunningCluster,
    private readonly o: NemesisOptions,
  ) {
    this.mode = Array.from({ length: o.brokers }, () => 'up' as Mode);
    this.t0 = o.since ?? Date.now();
  }

  private say(text: string): void {
    this.log.push(`+${String(Date.now() - this.t0).padStart(6)} ms ${text}`);
  }

  private ids(m: Mode): number[] {
    return this.mode.flatMap((x, i) => (x === m ? [i] : []));
  }

  private get down(): number {
    return this.mode.filter((m) => m !== 'up').length;
  }

  private linkKey(a: LinkEnd, b: LinkEnd): string {
    return a === 'controller' || b === 'controller' ? `controller-${a === 'controller' ? b : a}` : `${Math.min(a, b)}-${Math.max(a, b)}`;
  }

  /** Ops possible now, with their weights. */
  private options(): Partial<Record<NemesisOp, number>> {
    const w = { ...DEFAULT_WEIGHTS, ...this.o.weights };
    const up = this.ids('up');
    const maxDown = this.o.maxDown ?? 1;
    const canDown = this.down < maxDown && up.length > 0;
    const upPairs = up.length >= 2;
    const room = this.links.size < (this.o.maxLinkFaults ?? 2);
    const out: Partial<Record<NemesisOp, number>> = {};
    if (canDown) out.kill = w.kill;
    if (canDown) out.pause = w.pause;
    if (this.ids('killed').length > 0) out.restart = w.restart;
    if (this.ids('paused').length > 0) out.resume = w.resume;
    if (room && upPairs) out.cut = w.cut;
    if (room && up.length > 0) out.cutController = w.cutController;
    if (room && upPairs) out.slow = w.slow;
    if (room && upPairs) out.lossy = w.lossy;
    if (this.healableLinks().length > 0) out.heal = w.heal;
    if (up.length > 0) out.failWrites = w.failWrites;
    return out;
  }

  /** Link faults whose broker ends are not frozen (changing a frozen broker's link waits for it to thaw). */
  private healableLinks(): LinkFault[] {
    return [...this.links.values()].filter((l) => [l.a, l.b].every((e) => e === 'controller' || this.mode[e] !== 'paused'));
  }

  /** Runs faults until stop(); returns at once. */
  start(): void {
    this.loop = (async () => {
      const [lo, hi] = this.o.intervalMs ?? [300, 1200];
      while (!this.stopped) {
        await sleep(this.o.rng.range(lo, hi));
        if (this.stopped) break;
        await this.step();
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** One fault, chosen by the seeded generator among those possible now. */
  async step(): Promise<void> {
    const rng = this.o.rng;
    const opts = this.options();
    if (Object.keys(opts).length === 0) return;
    const op = rng.weighted(opts);
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    const c = this.cluster;
    const up = this.ids('up');
    try {
      switch (op) {
        case 'kill': {
          const id = rng.pick(up);
          this.say(`kill broker ${id}`);
          this.mode[id] = 'killed';
          await c.killBroker(id);
          break;
        }
        case 'restart': {
          const id = rng.pick(this.ids('killed'));
          this.say(`restart broker ${id}`);
          this.mode[id] = 'restarting';
          // Restarting waits on every running broker (new links), so it only completes once frozen ones thaw.
          const p = c.restartBroker(id).then(
            () => {
              this.mode[id] = 'up';
              this.say(`broker ${id} restarted`);
            },
            (e: Error) => {
              this.mode[id] = 'killed';
              this.say(`restart of broker ${id} failed: ${e.message}`);
            },
          );
          this.track(p);
          if (this.ids('paused').length === 0) await p;
          break;
        }
        case 'pause': {
          const id = rng.pick(up);
          this.say(`pause broker ${id}`);
          this.mode[id] = 'paused';
          c.pauseBroker(id);
          break;
        }
        case 'resume': {
          const id = rng.pick(this.ids('paused'));
          this.say(`resume broker ${id}`);
          this.mode[id] = 'up';
          c.resumeBroker(id);
          break;
        }
        case 'cut':
        case 'slow':
        case 'lossy': {
          const a = rng.pick(up);
          const b = rng.pick(up.filter((x) => x !== a));
          await this.setLink(a, b, op);
          break;
        }
        case 'cutController': {
          await this.setLink(rng.pick(up), 'controller', 'cut');
          break;
        }
        case 'heal': {
          const l = rng.pick(this.healableLinks());
          this.say(`heal link ${this.linkKey(l.a, l.b)} (was ${l.what})`);
          this.links.delete(this.linkKey(l.a, l.b));
          await withTimeout(c.healLink(l.a, l.b), 20_000, 'healLink');
          break;
        }
        case 'failWrites': {
          const id = rng.pick(up);
          const n = rng.range(1, 3);
          this.say(`fail the next ${n} writes of broker ${id}`);
          await withTimeout(c.failWrites(id, n), 20_000, 'failWrites');
          break;
        }
      }
    } catch (e) {
      this.say(`${op} failed: ${(e as Error).message}`);
    }
  }

  private async setLink(a: LinkEnd, b: LinkEnd, kind: 'cut' | 'slow' | 'lossy'): Promise<void> {
    const rng = this.o.rng;
    const key = this.linkKey(a, b);
    let what: string;
    let faults: { cut?: boolean; delayMs?: number; loss?: number };
    if (kind === 'cut') {
      what = 'cut';
      faults = { cut: true };
    } else if (kind === 'slow') {
      const delayMs = rng.range(20, 400);
      what = `delay ${delayMs} ms`;
      faults = { delayMs };
    } else {
      const loss = rng.range(5, 40) / 100;
      what = `loss ${loss}`;
      faults = { loss };
    }
    this.say(`link ${key}: ${what}`);
    this.links.set(key, { a, b, what });
    await withTimeout(this.cluster.setLinkFaults(a, b, faults), 20_000, 'setLinkFaults');
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Undoes every fault: thaw frozen brokers, finish restarts, restart dead brokers, heal every link. */
  async healAll(): Promise<void> {
    const c = this.cluster;
    for (const id of this.ids('paused')) {
      this.say(`heal: resume broker ${id}`);
      c.resumeBroker(id);
      this.mode[id] = 'up';
    }
    await withTimeout(Promise.all([...this.pending]), 60_000, 'pending restarts');
    // A restart while another broker is stopped can fail (known bug restart-detaches-own-link): try again, the
    // others first.
    for (let attempt = 1; this.ids('killed').length > 0; attempt++) {
      for (const id of this.ids('killed')) {
        this.say(`heal: restart broker ${id}`);
        try {
          await withTimeout(c.restartBroker(id), 60_000, `restart broker ${id}`);
          this.mode[id] = 'up';
        } catch (e) {
          if (attempt >= 5) throw e;
          this.say(`heal: restart of broker ${id} failed (attempt ${attempt}): ${(e as Error).message}`);
          await sleep(200);
        }
      }
    }
    for (const l of [...this.links.values()]) {
      this.say(`heal: link ${this.linkKey(l.a, l.b)} (was ${l.what})`);
      await withTimeout(c.healLink(l.a, l.b), 20_000, 'healLink');
    }
    this.links.clear();
  }

  summary(): string {
    return [...this.counts].map(([k, n]) => `${k} x${n}`).join(', ');
  }
}

// The live consumer: while producers and the nemesis run, it follows every partition from offset 0, always
// from whichever broker the metadata (asked of the brokers in turn, so sometimes a stale one) names as leader,
// without leader-epoch fencing, and remembers each record it was handed with the high watermark that came
// with it. A record below the high watermark is committed: the checker demands it is still at that offset
// at the end.
import type { History } from './history.js';
import { ConnPool, ErrorCode, errorName, fetchOnce, metadata, parseBootstrap, sleep } from './wire.js';

export class LiveConsumer {
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly pool = new ConnPool();
  private readonly bootstrap: { host: string; port: number }[];
  private nextBootstrap = 0;
  /** Next offset to read, by partition. */
  readonly positions: number[];
  fetches = 0;
  errors = new Map<string, number>();

  constructor(
    bootstrap: string,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly history: History,
  ) {
    this.bootstrap = parseBootstrap(bootstrap);
    this.positions = Array.from({ length: partitions }, () => 0);
  }

  start(): void {
    for (let p = 0; p < this.partitions; p++) this.loops.push(this.follow(p));
  }

  private countError(what: string): void {
    this.errors.set(what, (this.errors.get(what) ?? 0) + 1);
  }

  private async leaderOf(partition: number): Promise<{ id: number; host: string; port: number } | null> {
    // Ask the brokers in turn: a broker with stale metadata may send us to a leader that no longer is one.
    for (let i = 0; i < this.bootstrap.length; i++) {
      const b = this.bootstrap[this.nextBootstrap++ % this.bootstrap.length]!;
      try {
        const md = await metadata(this.pool.get(b.port, b.host), this.topic);
        const p = md.partitions.find((x) => x.partition === partition);
        const where = p && md.brokers.get(p.leader);
        if (p && where) return { id: p.leader, ...where };
      } catch {
        // next broker
      }
    }
    return null;
  }

  private async follow(partition: number): Promise<void> {
    let leader: { id: number; host: string; port: number } | null = null;
    while (!this.stopped) {
      if (!leader) {
        leader = await this.leaderOf(partition);
        if (!leader) {
          this.countError('no leader');
          await sleep(100);
          continue;
        }
      }
      const offset = this.positions[partition]!;
      try {
        const r = await fetchOnce(this.pool.get(leader.port, leader.host), this.topic, partition, offset, { maxWaitMs: 200 });
        this.fetches++;
        if (r.errorCode !== ErrorCode.NONE) {
          this.countError(errorName(r.errorCode));
          if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
            this.history.note(`live consumer: ${this.topic}-${partition} offset ${offset} out of range at broker ${leader.id} (log start ${r.logStartOffset}, high watermark ${r.highWatermark})`);
          }
          leader = null;
          await sleep(50);
          continue;
        }
        for (const rec of r.records) {
          this.history.see({ partition, offset: rec.offset, value: rec.value, highWatermark: r.highWatermark, broker: leader.id });
          this.positions[partition] = rec.offset + 1;
        }
      } catch (e) {
        this.countError((e as Error).message.replace(/\d+/g, 'N').slice(0, 60));
        leader = null;
        await sleep(100);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
    this.pool.closeAll();
  }

  summary(): string {
    const errs = [...this.errors].map(([k, n]) => `${k} x${n}`).join(', ');
    return `live consumer: ${this.fetches} fetches, positions ${this.positions.join('/')}${errs ? `, errors: ${errs}` : ''}`;
  }
}

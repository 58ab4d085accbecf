// A small seeded PRNG (sfc32 seeded through splitmix32) so that a round's workload and fault schedule follow
// from one 32-bit seed. The brokers' thread timing is not seeded: the same seed gives the same sequence of
// faults at the same moments of the round, not a bit-identical execution.

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next 32-bit unsigned integer (sfc32). */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  /** Picks a key by weight. */
  weighted<K extends string>(weights: Partial<Record<K, number>>): K {
    const entries = Object.entries(weights).filter(([, w]) => (w as number) > 0) as [K, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let x = this.next() * total;
    for (const [k, w] of entries) {
      x -= w;
      if (x < 0) return k;
    }
    return entries.at(-1)![0];
  }

  /** An independent generator for a sub-task (a producer, the nemesis), derived from this one's seed. */
  fork(label: string): Rng {
    let h = this.seed ^ 0x5bd1e995;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h >>> 0);
  }
}

/** Parses a seed given as decimal or 0x-hex. */
export function parseSeed(text: string): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? Number.parseInt(t.slice(2), 16) : Number(t);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`EDDY_FAULT_SEED must be a 32-bit unsigned integer, got "${text}"`);
  return n >>> 0;
}

export function formatSeed(seed: number): string {
  return `0x${(seed >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The seeds of `rounds` rounds: with EDDY_FAULT_SEED set, the first round uses exactly that seed (so a failing
 * round is reproduced with EDDY_FAULT_SEED=<its seed> EDDY_FAULT_ROUNDS=1) and later rounds derive from it;
 * otherwise a fresh random base seed.
 */
export function roundSeeds(rounds: number, env: NodeJS.ProcessEnv = process.env): number[] {
  const base = env.EDDY_FAULT_SEED ? parseSeed(env.EDDY_FAULT_SEED) : (Math.random() * 4294967296) >>> 0;
  const derive = new Rng(base);
  return Array.from({ length: rounds }, (_, i) => (i === 0 ? base : derive.u32()));
}

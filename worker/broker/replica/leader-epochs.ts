// Leader epoch cache (Kafka's LeaderEpochFileCache): for each leader epoch, the first offset written in it.
// It answers "where does epoch E end on this replica", which is how a returning follower finds the point
// where its log diverges from the leader's (KIP-101, KIP-279) and truncates before fetching.

export class LeaderEpochs {
  /** [epoch, startOffset], epochs strictly increasing, start offsets non-decreasing. */
  private entries: [number, number][];

  constructor(entries: [number, number][] = []) {
    this.entries = entries.map(([e, o]) => [e, o]);
  }

  toJSON(): [number, number][] {
    return this.entries.map(([e, o]) => [e, o]);
  }

  get latestEpoch(): number {
    return this.entries.at(-1)?.[0] ?? -1;
  }

  /** Records that `epoch` starts at `offset`; returns whether the cache changed. */
  assign(epoch: number, offset: number): boolean {
    const last = this.entries.at(-1);
    if (last && epoch <= last[0]) return false;
    this.entries.push([epoch, offset]);
    return true;
  }

  startOffsetOf(epoch: number): number | null {
    return this.entries.find(([e]) => e === epoch)?.[1] ?? null;
  }

  /**
   * The largest epoch <= `epoch` this replica knows and the offset where it ends: the start of the next
   * epoch, or `logEndOffset` for the latest one. Unknown (older than everything): [-1, -1].
   */
  endOffsetFor(epoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    let found = -1;
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i]![0] <= epoch) found = i;
    if (found < 0) return { epoch: -1, endOffset: -1 };
    const next = this.entries[found + 1];
    return { epoch: this.entries[found]![0], endOffset: next ? next[1] : logEndOffset };
  }

  /** Drops what lies at or after `offset` (after a truncation). */
  truncateFromEnd(offset: number): void {
    this.entries = this.entries.filter(([, o]) => o < offset);
  }

  /** Drops entries wholly below the log start (after retention), keeping the one that covers it. */
  truncateFromStart(offset: number): void {
    while (this.entries.length > 1 && this.entries[1]![1] <= offset) this.entries.shift();
    if (this.entries[0] && this.entries[0][1] < offset) this.entries[0] = [this.entries[0][0], offset];
  }
}

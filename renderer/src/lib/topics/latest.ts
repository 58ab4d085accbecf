// "Check as the user types": a series of async checks where only the latest counts. later() runs one after a pause
// in typing (cancelling the one pending); each run gets a token, and current(token) says whether a newer run has
// started since, so a slow answer never overwrites a newer one.
export class LatestRun {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  /** Starts a new run now: cancels the pending one and makes every older token stale. */
  next(): number {
    clearTimeout(this.#timer);
    return ++this.#generation;
  }

  /** Starts a new run after `ms` (restarted by every call before then). */
  later(ms: number, run: (token: number) => void): number {
    const token = this.next();
    this.#timer = setTimeout(() => run(token), ms);
    return token;
  }

  current(token: number): boolean {
    return token === this.#generation;
  }

  cancel(): void {
    this.next();
  }
}

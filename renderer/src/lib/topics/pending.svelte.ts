// An action a dialog runs (produce, replay, add partitions, delete …): busy while it runs, its error kept for the
// dialog's ErrorBox. One instance per dialog.
export class Pending {
  busy = $state(false);
  error = $state.raw<unknown>(null);

  /** Runs fn; true when it succeeded (otherwise the error is in `error`). */
  async run(fn: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await fn();
      return true;
    } catch (e) {
      this.error = e;
      return false;
    } finally {
      this.busy = false;
    }
  }
}

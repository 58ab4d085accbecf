// Data a page loads from the contract, with its loading and error states; reload() refetches without clearing
// what is shown (no flicker on refresh). Large payloads go in $state.raw: they are replaced, never mutated.
export class Resource<T> {
  data = $state.raw<T | undefined>(undefined);
  error = $state.raw<unknown>(null);
  loading = $state(false);
  #load: () => Promise<T>;
  #generation = 0;

  constructor(load: () => Promise<T>, opts: { lazy?: boolean } = {}) {
    this.#load = load;
    if (!opts.lazy) void this.reload();
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const data = await this.#load();
      if (generation !== this.#generation) return;
      this.data = data;
      this.error = null;
    } catch (e) {
      if (generation !== this.#generation) return;
      this.error = e;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}

// Live data that grows: the metrics sampler's series and the cluster's event timeline. Each tick asks only for what
// is new (metrics since the last sample's time, events after the last seq) and appends, keeping a bounded window,
// so a page left open for hours neither grows nor re-downloads the past. Arrays are $state.raw: replaced, never
// mutated, which is what a chart or a keyed list wants.
import type { ClusterEvent, MetricsSample } from '../../../main/contract/ui-api.js';
import { call } from './api/index.js';

/** Samples kept on screen: 15 minutes at the sampler's 2 s. */
const MAX_SAMPLES = 450;
const MAX_EVENTS = 500;

class AppendFeed<T> {
  /** Oldest first, as the contract returns them. */
  items = $state.raw<T[]>([]);
  error = $state.raw<unknown>(null);
  loaded = $state(false);
  readonly #fetch: (last: T | undefined) => Promise<T[]>;
  readonly #order: (item: T) => number;
  readonly #max: number;
  #inFlight: Promise<void> | null = null;

  /** `order` is the increasing key the contract pages by (a sample's t, an event's seq). */
  constructor(fetch: (last: T | undefined) => Promise<T[]>, order: (item: T) => number, max: number) {
    this.#fetch = fetch;
    this.#order = order;
    this.#max = max;
  }

  /** Fetches what is new; a tick while one is under way joins it (two would both append the same items). */
  tick(): Promise<void> {
    this.#inFlight ??= this.#tick().finally(() => (this.#inFlight = null));
    return this.#inFlight;
  }

  async #tick(): Promise<void> {
    try {
      const last = this.items.at(-1);
      const fresh = await this.#fetch(last);
      const newer = last === undefined ? fresh : fresh.filter((x) => this.#order(x) > this.#order(last));
      if (newer.length) this.items = [...this.items, ...newer].slice(-this.#max);
      this.error = null;
    } catch (e) {
      this.error = e;
    } finally {
      this.loaded = true;
    }
  }
}

export class MetricsFeed extends AppendFeed<MetricsSample> {
  constructor(conn: string) {
    super((last) => (last ? call('metrics', conn, last.t) : call('metrics', conn)), (s) => s.t, MAX_SAMPLES);
  }
}

export class EventFeed extends AppendFeed<ClusterEvent> {
  /** Newest first, for the timeline. */
  newestFirst = $derived([...this.items].reverse());

  constructor(conn: string) {
    super((last) => (last ? call('events', conn, last.seq) : call('events', conn)), (e) => e.seq, MAX_EVENTS);
  }
}

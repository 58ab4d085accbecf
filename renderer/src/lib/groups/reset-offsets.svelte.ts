// The reset-offsets dialog's state. Like kafka-consumer-groups --reset-offsets: the plan (previewOffsetReset) is
// shown first, and applying is possible only for the very input previewed and only when the cluster allows it (the
// group is empty). Every edit re-plans after a short pause.
import type { OffsetResetInput, OffsetResetPreview, OffsetResetTarget } from '../../../../main/contract/ui-api.js';
import { call } from '../api/index.js';
import { fromLocalInput, toLocalInput } from '../messages/query.js';
import { LatestRun } from '../topics/latest.js';

export type ResetScope = 'all' | 'topic' | 'partitions';
export type ResetKind = OffsetResetTarget['kind'];

const DEBOUNCE_MS = 300;

export class ResetOffsetsForm {
  scope = $state<ResetScope>('all');
  topic = $state('');
  /** Partitions of `topic` ticked for scope 'partitions'. */
  partitions = $state<number[]>([]);
  kind = $state<ResetKind>('earliest');
  when = $state(toLocalInput(Date.now() - 3_600_000));
  offset = $state(0);
  shift = $state(-1);

  preview = $state.raw<OffsetResetPreview | null>(null);
  /** The input the preview is for (JSON): Apply needs it to equal the current input. */
  previewedInput = $state('');
  previewing = $state(false);
  applying = $state(false);
  error = $state.raw<unknown>(null);
  applied = $state.raw<OffsetResetPreview | null>(null);

  readonly conn: string;
  readonly groupId: string;
  #plans = new LatestRun();

  constructor(conn: string, groupId: string, topics: string[]) {
    this.conn = conn;
    this.groupId = groupId;
    this.topic = topics[0] ?? '';
  }

  target(): OffsetResetTarget | null {
    switch (this.kind) {
      case 'earliest':
      case 'latest':
        return { kind: this.kind };
      case 'timestamp': {
        const ts = fromLocalInput(this.when);
        return ts === null ? null : { kind: 'timestamp', timestamp: ts };
      }
      case 'offset':
        return Number.isInteger(this.offset) && this.offset >= 0 ? { kind: 'offset', offset: this.offset } : null;
      case 'shift':
        return Number.isInteger(this.shift) ? { kind: 'shift', by: this.shift } : null;
    }
  }

  /** The contract input for the form, or null while it is incomplete. */
  input(): OffsetResetInput | null {
    const target = this.target();
    if (!target) return null;
    const input: OffsetResetInput = { groupId: this.groupId, target };
    if (this.scope === 'topic') {
      if (!this.topic) return null;
      input.topics = [{ topic: this.topic }];
    } else if (this.scope === 'partitions') {
      if (!this.topic || this.partitions.length === 0) return null;
      input.topics = [{ topic: this.topic, partitions: [...this.partitions].sort((a, b) => a - b) }];
    }
    return input;
  }

  readonly current = $derived(JSON.stringify(this.input()));
  readonly canApply = $derived(!!this.preview?.allowed && this.previewedInput === this.current && !this.previewing && !this.applying && this.preview.changes.length > 0);

  togglePartition(p: number): void {
    this.partitions = this.partitions.includes(p) ? this.partitions.filter((x) => x !== p) : [...this.partitions, p];
    this.changed();
  }

  /** Call after every edit: re-plans after a pause. */
  changed(): void {
    this.applied = null;
    this.#plans.later(DEBOUNCE_MS, (token) => void this.#plan(token));
  }

  plan(): Promise<void> {
    return this.#plan(this.#plans.next());
  }

  async #plan(gen: number): Promise<void> {
    const input = this.input();
    if (!input) {
      this.preview = null;
      this.previewedInput = '';
      return;
    }
    this.previewing = true;
    this.error = null;
    try {
      const preview = await call('previewOffsetReset', this.conn, input);
      if (!this.#plans.current(gen)) return;
      this.preview = preview;
      this.previewedInput = JSON.stringify(input);
    } catch (e) {
      if (this.#plans.current(gen)) {
        this.error = e;
        this.preview = null;
      }
    } finally {
      if (this.#plans.current(gen)) this.previewing = false;
    }
  }

  async apply(): Promise<boolean> {
    const input = this.input();
    if (!input || !this.canApply) return false;
    this.applying = true;
    this.error = null;
    try {
      this.applied = await call('resetOffsets', this.conn, input);
      // Re-plan from the new committed offsets (the table now shows them as current).
      void this.plan();
      return true;
    } catch (e) {
      this.error = e;
      return false;
    } finally {
      this.applying = false;
    }
  }

  dispose(): void {
    this.#plans.cancel();
  }
}

// A topic's configs and their editing: one entry at a time, validated by the cluster (alterTopicConfigs checks with
// validate_only first), the error kept next to the entry it is about.
import type { ConfigEntry } from '../../../../main/contract/ui-api.js';
import { call } from '../api/index.js';
import { Resource } from '../resource.svelte.js';

export class TopicConfigs {
  readonly resource: Resource<ConfigEntry[]>;
  search = $state('');
  onlyOverrides = $state(false);
  /** The entry being edited and its draft value. */
  editing = $state<string | null>(null);
  draft = $state('');
  saving = $state(false);
  /** Errors by config name. */
  errors = $state.raw<Record<string, unknown>>({});
  readonly conn: string;
  readonly topic: string;

  constructor(conn: string, topic: string) {
    this.conn = conn;
    this.topic = topic;
    this.resource = new Resource(() => call('topicConfigs', conn, topic));
  }

  readonly visible = $derived.by(() => {
    const q = this.search.trim().toLowerCase();
    return (this.resource.data ?? []).filter((c) => (!this.onlyOverrides || c.source === 'TOPIC_CONFIG') && (!q || c.name.includes(q) || (c.value ?? '').toLowerCase().includes(q)));
  });

  readonly overrideCount = $derived.by(() => (this.resource.data ?? []).filter((c) => c.source === 'TOPIC_CONFIG').length);

  edit(c: ConfigEntry): void {
    this.editing = c.name;
    this.draft = c.value ?? '';
    this.#clearError(c.name);
  }

  cancel(): void {
    if (this.editing) this.#clearError(this.editing);
    this.editing = null;
  }

  async save(): Promise<void> {
    const name = this.editing;
    if (!name) return;
    await this.#apply(name, { set: { [name]: this.draft } });
    if (!(name in this.errors)) this.editing = null;
  }

  /** Removes the topic's override: back to the cluster's value. */
  async reset(name: string): Promise<void> {
    await this.#apply(name, { delete: [name] });
    if (!(name in this.errors) && this.editing === name) this.editing = null;
  }

  async #apply(name: string, change: { set?: Record<string, string>; delete?: string[] }): Promise<void> {
    this.saving = true;
    this.#clearError(name);
    try {
      await call('alterTopicConfigs', this.conn, this.topic, change);
      await this.resource.reload();
    } catch (e) {
      this.errors = { ...this.errors, [name]: e };
    } finally {
      this.saving = false;
    }
  }

  #clearError(name: string): void {
    if (!(name in this.errors)) return;
    const next = { ...this.errors };
    delete next[name];
    this.errors = next;
  }
}

// The create-topic form: fields, the cluster's defaults for configs, and validation as the user types — the obvious
// mistakes locally, the rest by the cluster itself (CreateTopics with validate_only), so the messages are Kafka's.
import type { ConfigEntry, CreateTopicInput } from '../../../../main/contract/ui-api.js';
import { splitUiError } from '../../../../main/contract/ui-api.js';
import { call } from '../api/index.js';
import { Resource } from '../resource.svelte.js';
import { LatestRun } from './latest.js';

export type CreateField = 'name' | 'partitions' | 'replicationFactor' | 'configs' | 'form';

/** Which field a CreateTopics error is about. */
export function fieldOfError(name: string): CreateField {
  switch (name) {
    case 'TOPIC_ALREADY_EXISTS':
    case 'INVALID_TOPIC_EXCEPTION':
      return 'name';
    case 'INVALID_PARTITIONS':
      return 'partitions';
    case 'INVALID_REPLICATION_FACTOR':
    case 'INVALID_REPLICA_ASSIGNMENT':
      return 'replicationFactor';
    case 'INVALID_CONFIG':
    case 'POLICY_VIOLATION':
      return 'configs';
    default:
      return 'form';
  }
}

/** Kafka's topic name rule (Topic.validate): 1–249 of [a-zA-Z0-9._-], not "." or "..". */
export function topicNameProblem(name: string): string | null {
  if (name === '') return 'a name is required';
  if (name === '.' || name === '..') return 'a topic cannot be named "." or ".."';
  if (name.length > 249) return 'at most 249 characters';
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return 'only letters, digits, ".", "_" and "-"';
  return null;
}

const DEBOUNCE_MS = 250;

export class CreateTopicForm {
  name = $state('');
  partitions = $state(3);
  replicationFactor = $state(3);
  /** Config overrides the user typed (name → value); empty values are not sent. */
  configs = $state<Record<string, string>>({});
  configSearch = $state('');
  checking = $state(false);
  /** Result of the last validation of the current input: null = not yet known. */
  valid = $state<boolean | null>(null);
  errors = $state.raw<Partial<Record<CreateField, string>>>({});
  submitting = $state(false);
  submitError = $state.raw<unknown>(null);

  readonly conn: string;
  readonly defaults: Resource<ConfigEntry[]>;
  #checks = new LatestRun();

  constructor(conn: string, brokers: number) {
    this.conn = conn;
    this.replicationFactor = Math.max(1, Math.min(3, brokers));
    this.defaults = new Resource(() => call('newTopicDefaults', conn));
  }

  readonly overrides = $derived(Object.fromEntries(Object.entries(this.configs).filter(([, v]) => v.trim() !== '')));

  readonly shownDefaults = $derived.by(() => {
    const q = this.configSearch.trim().toLowerCase();
    return (this.defaults.data ?? []).filter((c) => !q || c.name.includes(q) || (this.configs[c.name] ?? '') !== '');
  });

  input(validateOnly: boolean): CreateTopicInput {
    const input: CreateTopicInput = { name: this.name.trim(), partitions: this.partitions, replicationFactor: this.replicationFactor, validateOnly };
    if (Object.keys(this.overrides).length) input.configs = { ...this.overrides };
    return input;
  }

  #localErrors(): Partial<Record<CreateField, string>> {
    const e: Partial<Record<CreateField, string>> = {};
    const nameProblem = topicNameProblem(this.name.trim());
    if (nameProblem) e.name = nameProblem;
    if (!Number.isInteger(this.partitions) || this.partitions < 1) e.partitions = 'at least 1';
    if (!Number.isInteger(this.replicationFactor) || this.replicationFactor < 1) e.replicationFactor = 'at least 1';
    return e;
  }

  /** Call on every edit: checks locally now and with the cluster after a pause in typing. */
  changed(): void {
    const local = this.#localErrors();
    this.errors = local;
    this.valid = null;
    if (Object.keys(local).length) {
      this.#checks.cancel();
      this.checking = false;
      this.valid = false;
      return;
    }
    this.checking = true;
    this.#checks.later(DEBOUNCE_MS, (token) => void this.#validate(token));
  }

  async #validate(gen: number): Promise<void> {
    try {
      await call('createTopic', this.conn, this.input(true));
      if (!this.#checks.current(gen)) return;
      this.errors = {};
      this.valid = true;
    } catch (e) {
      if (!this.#checks.current(gen)) return;
      const { name, message, hint } = splitUiError(e);
      this.errors = { [fieldOfError(name)]: `${name}: ${message}${hint ? ` — ${hint}` : ''}` };
      this.valid = false;
    } finally {
      if (this.#checks.current(gen)) this.checking = false;
    }
  }

  /** Creates the topic; true on success. */
  async submit(): Promise<boolean> {
    this.#checks.cancel();
    this.checking = false;
    const local = this.#localErrors();
    if (Object.keys(local).length) {
      this.errors = local;
      return false;
    }
    this.submitting = true;
    this.submitError = null;
    try {
      await call('createTopic', this.conn, this.input(false));
      return true;
    } catch (e) {
      const { name, message } = splitUiError(e);
      this.errors = { [fieldOfError(name)]: `${name}: ${message}` };
      this.submitError = e;
      return false;
    } finally {
      this.submitting = false;
    }
  }

  dispose(): void {
    this.#checks.cancel();
  }
}

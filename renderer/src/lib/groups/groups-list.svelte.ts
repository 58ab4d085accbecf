// The consumer groups list: one groups() call, filtered on the client by search and state (DataTable sorts).
import type { GroupSummary } from '../../../../main/contract/ui-api.js';
import { call } from '../api/index.js';
import { Resource } from '../resource.svelte.js';

export class GroupsList {
  readonly resource: Resource<GroupSummary[]>;
  search = $state('');
  /** '' = every state */
  state = $state('');

  constructor(conn: string) {
    this.resource = new Resource(() => call('groups', conn), { lazy: true });
  }

  readonly states = $derived.by(() => [...new Set((this.resource.data ?? []).map((g) => g.state))].sort());

  readonly visible = $derived.by(() => {
    const needle = this.search.trim().toLowerCase();
    return (this.resource.data ?? []).filter((g) => (!this.state || g.state === this.state) && (!needle || g.groupId.toLowerCase().includes(needle)));
  });
}

/** Badge tone of a group state: green when Stable, amber while rebalancing, red when Dead. */
export function groupStateTone(state: string): 'ok' | 'warn' | 'danger' | 'muted' {
  if (state === 'Stable') return 'ok';
  if (state === 'Dead') return 'danger';
  if (/Rebalance|Assigning|Reconciling/.test(state)) return 'warn';
  return 'muted';
}

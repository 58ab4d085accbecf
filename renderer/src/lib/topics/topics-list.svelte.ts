// The topics list: one topics() call, filtered on the client by the search box and the internal-topics toggle
// (DataTable sorts what remains).
import type { TopicSummary } from '../../../../main/contract/ui-api.js';
import { call } from '../api/index.js';
import { Resource } from '../resource.svelte.js';

export class TopicsList {
  readonly resource: Resource<TopicSummary[]>;
  search = $state('');
  showInternal = $state(false);

  constructor(conn: string) {
    this.resource = new Resource(() => call('topics', conn), { lazy: true });
  }

  readonly internalCount = $derived.by(() => (this.resource.data ?? []).filter((t) => t.internal).length);

  readonly visible = $derived.by(() => {
    const needle = this.search.trim().toLowerCase();
    return (this.resource.data ?? []).filter((t) => (this.showInternal || !t.internal) && (!needle || t.name.toLowerCase().includes(needle)));
  });
}

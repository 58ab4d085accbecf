// The clusters the UI knows (the local one and the remote ones the user added), and which one the current route
// shows. The route's connection segment is the source of truth; this only lists and describes them.
import { LOCAL_CONNECTION, type ConnectionInfo, type RemoteConnectionParams } from '../../../main/contract/ui-api.js';
import { call } from './api/index.js';
import { router } from './router.svelte.js';

class Connections {
  list = $state.raw<ConnectionInfo[]>([]);
  error = $state.raw<unknown>(null);
  loaded = $state(false);
  /** The connection of the current route (undefined until listed, or when the id is unknown). */
  current = $derived(this.list.find((c) => c.id === router.route.conn));
  /** Local-only controls (broker faults, cluster settings) are shown for the local cluster only. */
  isLocal = $derived(this.current ? this.current.kind === 'local' : router.route.conn === LOCAL_CONNECTION);

  async reload(): Promise<void> {
    try {
      this.list = await call('listConnections');
      this.error = null;
    } catch (e) {
      this.error = e;
    } finally {
      this.loaded = true;
    }
  }

  async add(params: RemoteConnectionParams): Promise<ConnectionInfo> {
    const info = await call('addConnection', params);
    this.list = [...this.list.filter((c) => c.id !== info.id), info];
    void this.reload();
    return info;
  }

  async remove(id: string): Promise<void> {
    await call('removeConnection', id);
    this.list = this.list.filter((c) => c.id !== id);
    if (router.route.conn === id) router.go({ page: 'overview', conn: LOCAL_CONNECTION });
    void this.reload();
  }
}

export const connections = new Connections();

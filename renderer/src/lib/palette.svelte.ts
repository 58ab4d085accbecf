// What the command palette (Ctrl/Cmd-K) offers: the pages, the current cluster's topics, groups and brokers, the
// other connections, and actions (create topic, produce, kill/restart/pause/resume broker N, heal links, theme…).
// Loaded fresh each time the palette opens, so it lists what the cluster has now.
import type { BrokerInfo, GroupSummary, TopicSummary } from '../../../main/contract/ui-api.js';
import { call } from './api/index.js';
import { connections } from './connections.svelte.js';
import { intents } from './intents.svelte.js';
import { onConnection, router, type Route } from './router.svelte.js';
import { shell } from './shortcuts.svelte.js';
import { theme } from './theme.svelte.js';
import { toasts } from './toasts.svelte.js';

export type PaletteKind = 'page' | 'topic' | 'group' | 'broker' | 'connection' | 'action';

export interface PaletteItem {
  id: string;
  kind: PaletteKind;
  label: string;
  /** A second line (counts, state). */
  detail?: string;
  /** Extra words to match on that are not shown (e.g. "g t"). */
  keywords?: string;
  run: () => void | Promise<unknown>;
}

const PAGES: { page: Exclude<Route['page'], 'topic' | 'messages' | 'group'>; label: string; keys: string }[] = [
  { page: 'overview', label: 'Overview', keys: 'g o dashboard cluster' },
  { page: 'brokers', label: 'Brokers', keys: 'g b nodes' },
  { page: 'topics', label: 'Topics', keys: 'g t' },
  { page: 'groups', label: 'Consumer groups', keys: 'g g consumers lag' },
  { page: 'settings', label: 'Settings', keys: 'g s preferences theme' },
];

export class PaletteSource {
  topics = $state.raw<TopicSummary[]>([]);
  groups = $state.raw<GroupSummary[]>([]);
  brokers = $state.raw<BrokerInfo[]>([]);
  loading = $state(false);
  /** What could not be listed (the palette still offers the rest). */
  failed = $state.raw<string[]>([]);
  readonly conn: string;

  constructor(conn: string) {
    this.conn = conn;
  }

  /** Lists the cluster's topics, groups and brokers; each shows as soon as it arrives (a slow one holds none back). */
  async load(): Promise<void> {
    this.loading = true;
    const failed: string[] = [];
    const track = <T>(what: string, p: Promise<T>, use: (v: T) => void) =>
      p.then(use, () => {
        failed.push(what);
        this.failed = [...failed];
      });
    await Promise.all([
      track('topics', call('topics', this.conn), (v) => (this.topics = v)),
      track('brokers', call('brokers', this.conn), (v) => (this.brokers = v)),
      track('groups', call('groups', this.conn), (v) => (this.groups = v)),
    ]);
    this.loading = false;
  }

  items = $derived.by((): PaletteItem[] => {
    const conn = this.conn;
    const local = connections.isLocal;
    const go = (route: Route) => () => router.go(route);
    const out: PaletteItem[] = PAGES.map((p) => ({ id: `page:${p.page}`, kind: 'page', label: p.label, keywords: p.keys, run: go({ page: p.page, conn }) }));

    out.push(
      {
        id: 'action:create-topic',
        kind: 'action',
        label: 'Create topic…',
        keywords: 'new add',
        run: () => {
          intents.request({ kind: 'create-topic' });
          router.go({ page: 'topics', conn });
        },
      },
      { id: 'action:connect', kind: 'action', label: 'Connect to cluster…', keywords: 'add remote connection bootstrap', run: () => {
          shell.connectOpen = true;
        } },
      { id: 'action:theme', kind: 'action', label: `Theme: switch from ${theme.choice}`, keywords: 'dark light system colour color', run: () => theme.cycle() },
      { id: 'action:help', kind: 'action', label: 'Keyboard shortcuts', keywords: 'help ?', run: () => {
          shell.helpOpen = true;
        } },
    );

    for (const t of this.topics) {
      out.push({
        id: `topic:${t.name}`,
        kind: 'topic',
        label: t.name,
        detail: `${t.partitions} partition${t.partitions === 1 ? '' : 's'} · ${t.messages} messages${t.internal ? ' · internal' : ''}`,
        run: go({ page: 'topic', conn, topic: t.name, tab: 'partitions' }),
      });
    }
    for (const t of this.topics) {
      if (t.internal) continue;
      out.push({
        id: `messages:${t.name}`,
        kind: 'action',
        label: `Messages of ${t.name}`,
        keywords: 'browse consume view',
        run: go({ page: 'messages', conn, topic: t.name, query: new URLSearchParams() }),
      });
      out.push({
        id: `produce:${t.name}`,
        kind: 'action',
        label: `Produce to ${t.name}…`,
        keywords: 'send write publish',
        run: () => {
          intents.request({ kind: 'produce', topic: t.name });
          router.go({ page: 'messages', conn, topic: t.name, query: new URLSearchParams() });
        },
      });
    }
    for (const g of this.groups) {
      out.push({
        id: `group:${g.groupId}`,
        kind: 'group',
        label: g.groupId,
        detail: `${g.state} · ${g.memberCount} member${g.memberCount === 1 ? '' : 's'}${g.totalLag === null ? '' : ` · lag ${g.totalLag}`}`,
        run: go({ page: 'group', conn, groupId: g.groupId }),
      });
    }
    for (const b of this.brokers) {
      out.push({
        id: `broker:${b.id}`,
        kind: 'broker',
        label: `Broker ${b.id}`,
        detail: `${b.host}:${b.port} · ${b.state}${b.isController ? ' · controller' : ''}`,
        run: go({ page: 'brokers', conn, broker: b.id }),
      });
      if (!local) continue;
      const act = (verb: string, method: 'killBroker' | 'restartBroker' | 'pauseBroker' | 'resumeBroker', past: string) =>
        out.push({
          id: `${method}:${b.id}`,
          kind: 'action',
          label: `${verb} broker ${b.id}`,
          keywords: 'local fault',
          run: () => toasts.run(`${verb} broker ${b.id}`, () => call(method, b.id), `Broker ${b.id} ${past}`),
        });
      if (b.state === 'up') {
        act('Kill', 'killBroker', 'killed');
        act('Pause', 'pauseBroker', 'paused');
      } else if (b.state === 'down') act('Restart', 'restartBroker', 'restarted');
      else act('Resume', 'resumeBroker', 'resumed');
    }
    if (local) {
      out.push(
        { id: 'action:add-broker', kind: 'action', label: 'Add broker', keywords: 'local scale', run: () => toasts.run('Add broker', async () => toasts.show('ok', `Broker ${(await call('addBroker')).id} added`)) },
        { id: 'action:heal', kind: 'action', label: 'Heal all links', keywords: 'local network fault partition', run: () => toasts.run('Heal all links', () => call('healAllLinks'), 'All links healed') },
      );
    }
    for (const c of connections.list) {
      if (c.id === conn) continue;
      out.push({ id: `conn:${c.id}`, kind: 'connection', label: `Switch to ${c.name}`, detail: c.bootstrapServers, keywords: 'cluster connection', run: go(onConnection(router.route, c.id)) });
    }
    return out;
  });
}

// Hash routes, so the same build works from file:// (Electron) and http:// (headless). Every route names its
// connection first: #/c/<conn>/<page>/…, so the cluster switcher only swaps that segment.
export type Route =
  | { page: 'overview'; conn: string }
  | { page: 'brokers'; conn: string; /** The broker whose configs are shown. */ broker?: number }
  | { page: 'topics'; conn: string }
  | { page: 'topic'; conn: string; topic: string; tab: 'partitions' | 'configs' | 'consumers' }
  | { page: 'messages'; conn: string; topic: string; query: URLSearchParams }
  | { page: 'groups'; conn: string }
  | { page: 'group'; conn: string; groupId: string }
  | { page: 'settings'; conn: string };

const TOPIC_TABS = ['partitions', 'configs', 'consumers'] as const;

export function parseRoute(hash: string, fallbackConn = 'local'): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let conn = fallbackConn;
  if (parts[0] === 'c' && parts[1]) {
    conn = parts[1];
    parts.splice(0, 2);
  }
  const [page, arg, sub] = parts;
  switch (page) {
    case 'brokers': {
      const id = arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : undefined;
      return id === undefined ? { page: 'brokers', conn } : { page: 'brokers', conn, broker: id };
    }
    case 'topics':
      if (!arg) return { page: 'topics', conn };
      if (sub === 'messages') return { page: 'messages', conn, topic: arg, query: new URLSearchParams(search) };
      return { page: 'topic', conn, topic: arg, tab: (TOPIC_TABS as readonly string[]).includes(sub ?? '') ? (sub as (typeof TOPIC_TABS)[number]) : 'partitions' };
    case 'groups':
      return arg ? { page: 'group', conn, groupId: arg } : { page: 'groups', conn };
    case 'settings':
      return { page: 'settings', conn };
    default:
      return { page: 'overview', conn };
  }
}

/** The hash for a route (inverse of parseRoute). */
export function href(route: Route): string {
  const c = `#/c/${encodeURIComponent(route.conn)}`;
  switch (route.page) {
    case 'topic':
      return `${c}/topics/${encodeURIComponent(route.topic)}${route.tab === 'partitions' ? '' : `/${route.tab}`}`;
    case 'messages': {
      const q = route.query.toString();
      return `${c}/topics/${encodeURIComponent(route.topic)}/messages${q ? `?${q}` : ''}`;
    }
    case 'group':
      return `${c}/groups/${encodeURIComponent(route.groupId)}`;
    case 'brokers':
      return route.broker === undefined ? `${c}/brokers` : `${c}/brokers/${route.broker}`;
    default:
      return `${c}/${route.page}`;
  }
}

/** The same page on another connection; a topic or group page falls back to its list (the other cluster may lack it). */
export function onConnection(route: Route, conn: string): Route {
  switch (route.page) {
    case 'topic':
    case 'messages':
      return { page: 'topics', conn };
    case 'group':
      return { page: 'groups', conn };
    case 'brokers':
      return { page: 'brokers', conn };
    default:
      return { page: route.page, conn };
  }
}

class Router {
  route = $state<Route>(parseRoute(typeof location === 'undefined' ? '' : location.hash));

  constructor() {
    if (typeof window !== 'undefined') window.addEventListener('hashchange', () => (this.route = parseRoute(location.hash, this.route.conn)));
  }

  go(route: Route): void {
    location.hash = href(route);
  }
}

export const router = new Router();

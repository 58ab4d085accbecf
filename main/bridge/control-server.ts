// The local control surface: fault injection and status over HTTP on loopback, for `eddy broker|link|status`
// subcommands, scripts and tests outside the process. Where to reach it (and the bearer token it requires)
// is written to <data-dir>/eddy.json, readable only by the user, and removed on a clean stop.
//
//   GET  /status                         brokers, partitions (leader, ISR), links, cluster id
//   GET  /events?since=<ms>              the cluster timeline
//   POST /brokers                        add a broker
//   POST /brokers/<id>/kill|restart|pause|resume
//   POST /brokers/<id>/fail-writes       {"count": N}
//   POST /links/<a>/<b>/cut|heal         a, b: broker ids or "controller"
//   POST /links/<a>/<b>                  {"delayMs": 50, "loss": 0.1}
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { FaultError, type Cluster, type LinkEnd } from '../supervisor/cluster.js';

export interface InstanceInfo {
  pid: number;
  bootstrapServers: string;
  control: { url: string; token: string };
  ui?: string;
}

export const INSTANCE_FILE = 'eddy.json';

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

function parseEnd(s: string): LinkEnd {
  if (s === 'controller') return 'controller';
  if (!/^\d+$/.test(s)) throw new FaultError(`"${s}" is neither a broker id nor "controller"`);
  return Number(s);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65536) throw new FaultError('request body too large');
  }
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new FaultError('request body is not JSON');
  }
}

export function clusterStatus(cluster: Cluster) {
  return {
    clusterId: cluster.clusterId,
    bootstrapServers: cluster.bootstrapServers,
    brokers: cluster.brokers(),
    partitions: cluster.partitions(),
    links: cluster.links(),
  };
}

/** `cluster` may be a getter: the local cluster is replaced when the GUI resets it. */
export function startControlServer(clusterOrGetter: Cluster | (() => Cluster), opts: { dataDir: string; ui?: () => string | undefined }): Promise<ControlServer> {
  const current = typeof clusterOrGetter === 'function' ? clusterOrGetter : () => clusterOrGetter;
  const token = randomBytes(24).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== expected.length || !timingSafeEqual(auth, expected)) return send(401, { error: 'missing or wrong bearer token (see eddy.json in the data dir)' });
    // Browsers never send this header cross-site without a preflight, which we do not answer.
    if (req.headers.origin) return send(403, { error: 'cross-origin requests are refused' });
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    const cluster = current();
    try {
      if (req.method === 'GET' && url.pathname === '/status') return send(200, clusterStatus(cluster));
      if (req.method === 'GET' && url.pathname === '/events') return send(200, cluster.eventLog(Number(url.searchParams.get('since') ?? 0)));
      if (req.method !== 'POST') return send(404, { error: 'not found' });
      if (url.pathname === '/brokers') {
        const id = await cluster.addBroker();
        return send(200, { ok: true, id, brokers: cluster.brokers() });
      }
      if (parts[0] === 'brokers' && parts.length === 3) {
        const id = parseEnd(parts[1]!);
        if (id === 'controller') throw new FaultError('the controller is not a broker');
        switch (parts[2]) {
          case 'kill':
            await cluster.killBroker(id);
            break;
          case 'restart':
            await cluster.restartBroker(id);
            break;
          case 'pause':
            cluster.pauseBroker(id);
            break;
          case 'resume':
            cluster.resumeBroker(id);
            break;
          case 'fail-writes': {
            const body = await readJson(req);
            const count = Number(body.count ?? 1);
            if (!Number.isInteger(count) || count < 0) throw new FaultError('count must be a whole number');
            await cluster.failWrites(id, count);
            break;
          }
          default:
            return send(404, { error: `unknown broker action ${parts[2]}` });
        }
        return send(200, { ok: true, brokers: cluster.brokers() });
      }
      if (parts[0] === 'links' && (parts.length === 3 || parts.length === 4)) {
        const a = parseEnd(parts[1]!);
        const b = parseEnd(parts[2]!);
        let faults;
        if (parts[3] === 'cut') faults = await cluster.cutLink(a, b);
        else if (parts[3] === 'heal') faults = await cluster.healLink(a, b);
        else if (parts.length === 3) {
          const body = await readJson(req);
          const change: { delayMs?: number; loss?: number; cut?: boolean } = {};
          if (body.delayMs !== undefined) change.delayMs = Number(body.delayMs);
          if (body.loss !== undefined) change.loss = Number(body.loss);
          if (body.cut !== undefined) change.cut = Boolean(body.cut);
          faults = await cluster.setLinkFaults(a, b, change);
        } else return send(404, { error: `unknown link action ${parts[3]}` });
        return send(200, { ok: true, faults });
      }
      return send(404, { error: 'not found' });
    } catch (e) {
      if (e instanceof FaultError) return send(400, { error: e.message });
      return send(500, { error: (e as Error).message });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const port = (server.address() as { port: number }).port;
      const url = `http://127.0.0.1:${port}`;
      const file = join(opts.dataDir, INSTANCE_FILE);
      const ui = opts.ui?.();
      const info: InstanceInfo = { pid: process.pid, bootstrapServers: current().bootstrapServers, control: { url, token }, ...(ui ? { ui } : {}) };
      writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
      chmodSync(file, 0o600);
      resolve({
        url,
        close: () =>
          new Promise<void>((r) => {
            rmSync(file, { force: true });
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

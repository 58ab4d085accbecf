// Serves the renderer to a browser in headless mode, on loopback, behind a per-run token.
// Protections for a localhost service: a random token in the printed URL (then a cookie), and the Host and
// Origin headers must name this server, which defeats DNS rebinding and cross-site requests. No CORS.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { UI_WEBSOCKET_PATH, type UiApi } from '../contract/ui-api.js';
import { refuseUpgrade, uiSocketServer } from './ui-socket.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface UiServerOptions {
  host: string;
  port: number;
  rendererDir: string;
  /** JSON served at /api/status. */
  status: () => unknown;
  /** The UI contract, served over a WebSocket at UI_WEBSOCKET_PATH. */
  api?: UiApi;
}

export interface UiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  const m = /(?:^|;\s*)eddy_token=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
  return m ? m[1]! : null;
}

/** Same-origin WebSockets are 'self' in Chromium's connect-src, so no ws: source needs listing (tested in e2e). */
export const UI_CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";

export function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = randomBytes(24).toString('base64url');
  let port = opts.port;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${opts.host}:${port}`]);

  /** The checks every request passes, pages and the contract's WebSocket alike. */
  const check = (req: IncomingMessage): { ok: true; url: URL; given: string | null } | { ok: false; code: number; message: string } => {
    if (!allowedHosts().has(req.headers.host ?? '')) return { ok: false, code: 421, message: 'unexpected Host header' };
    const origin = req.headers.origin;
    if (origin && !allowedHosts().has(origin.replace(/^https?:\/\//, ''))) return { ok: false, code: 403, message: 'cross-origin request refused' };
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const given = url.searchParams.get('token');
    const authorized = (given !== null && sameToken(given, token)) || sameToken(cookieToken(req) ?? '', token);
    if (!authorized) return { ok: false, code: 401, message: 'missing or wrong token: open the URL Eddy printed at start-up' };
    return { ok: true, url, given };
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const deny = (code: number, msg: string) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(msg);
    };
    const checked = check(req);
    if (!checked.ok) return deny(checked.code, checked.message);
    const { url, given } = checked;

    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': UI_CSP,
    };
    if (given !== null) headers['set-cookie'] = `eddy_token=${token}; HttpOnly; SameSite=Strict; Path=/`;

    if (url.pathname === '/api/status') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(opts.status()));
      return;
    }
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const file = join(opts.rendererDir, rel === '' ? 'index.html' : rel);
    if (!file.startsWith(opts.rendererDir + sep) && file !== opts.rendererDir) return deny(404, 'not found');
    const target = existsSync(file) && statSync(file).isFile() ? file : join(opts.rendererDir, 'index.html');
    if (!existsSync(target)) return deny(404, 'the UI is not built: run npm run build');
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
    res.end(readFileSync(target));
  };

  const server: Server = createServer(handle);
  const sockets = opts.api ? uiSocketServer(opts.api) : null;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const checked = check(req);
    if (!checked.ok) return refuseUpgrade(socket, checked.code, checked.message);
    if (checked.url.pathname !== UI_WEBSOCKET_PATH || !sockets) return refuseUpgrade(socket, 404, 'not found');
    sockets.accept(req, socket, head);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port, exclusive: true }, () => {
      server.off('error', reject);
      const addr = server.address();
      port = typeof addr === 'object' && addr ? addr.port : opts.port;
      resolve({
        url: `http://${opts.host}:${port}/?token=${token}`,
        port,
        close: () =>
          new Promise<void>((r) => {
            sockets?.close();
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

// Serves the renderer to a browser in headless mode, on loopback, behind a per-run token.
// Protections for a localhost service: a random token in the printed URL (then a cookie), and the Host and
// Origin headers must name this server, which defeats DNS rebinding and cross-site requests. No CORS.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

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
  /** JSON served at /api/status (the typed UI contract over WebSocket arrives with the GUI work). */
  status: () => unknown;
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

export function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const token = randomBytes(24).toString('base64url');
  let port = opts.port;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${opts.host}:${port}`]);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const deny = (code: number, msg: string) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(msg);
    };
    if (!allowedHosts().has(req.headers.host ?? '')) return deny(421, 'unexpected Host header');
    const origin = req.headers.origin;
    if (origin && !allowedHosts().has(origin.replace(/^https?:\/\//, ''))) return deny(403, 'cross-origin request refused');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const given = url.searchParams.get('token');
    const authorized = (given !== null && sameToken(given, token)) || sameToken(cookieToken(req) ?? '', token);
    if (!authorized) return deny(401, 'missing or wrong token: open the URL Eddy printed at start-up');

    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
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
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

// The UI served by headless mode, in a real browser, and the protections of that localhost service.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrap } from 'comlink';
import { chromium } from 'playwright';
import WebSocket from 'ws';
import { jsonSocketEndpoint } from '../../main/contract/contract-endpoint.js';
import { UI_WEBSOCKET_PATH, type UiApi } from '../../main/contract/ui-api.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../helpers/chromium.js';
import { runEddy, type EddyProcess } from '../helpers/eddy-process.js';
import { waitFor } from '../helpers/wait.js';

let eddy: EddyProcess;
let dataDir: string;
let uiUrl: URL;
let appData: string;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: uiUrl.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'eddy-ui-'));
  appData = mkdtempSync(join(tmpdir(), 'eddy-ui-app-'));
  eddy = runEddy(['--brokers', '2', '--port', '0', '--ui-port', '0', '--data-dir', dataDir], { env: { EDDY_APP_DATA_DIR: appData } });
  await eddy.bootstrap;
  const line = await waitFor(() => /^ui: (\S+)$/m.exec(eddy.stdout()), { what: 'the ui: line' });
  uiUrl = new URL(line[1]!);
});

afterAll(async () => {
  await eddy?.stop('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(appData, { recursive: true, force: true });
});

/** Opens the contract's WebSocket the way a page does; resolves with the socket or the refusal's status. */
function openSocket(headers: Record<string, string>): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${uiUrl.port}${UI_WEBSOCKET_PATH}`, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode! });
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('UI server protections', () => {
  test('no token: 401; the printed URL: 200 and a session cookie', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    const ok = await get(`/?token=${uiUrl.searchParams.get('token')}`, { host: uiUrl.host });
    expect(ok.status).toBe(200);
    expect(String(ok.headers['set-cookie'])).toMatch(/eddy_token=.*HttpOnly; SameSite=Strict/);
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('a foreign Host header (DNS rebinding) and a cross-site Origin are refused even with the token', async () => {
    const token = uiUrl.searchParams.get('token')!;
    expect((await get(`/api/status?token=${token}`, { host: `evil.example:${uiUrl.port}` })).status).toBe(421);
    expect((await get(`/api/status?token=${token}`, { host: uiUrl.host, origin: 'http://evil.example' })).status).toBe(403);
    const status = await get(`/api/status?token=${token}`, { host: uiUrl.host, origin: `http://${uiUrl.host}` });
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ bootstrapServers: await eddy.bootstrap, brokers: 2 });
  });
});

describe('the UI contract over the WebSocket', () => {
  test('refused without the cookie, from a foreign Origin or a foreign Host; answers with them right', async () => {
    const token = uiUrl.searchParams.get('token')!;
    const cookie = `eddy_token=${token}`;
    const host = uiUrl.host;
    expect(await openSocket({ host })).toEqual({ status: 401 });
    expect(await openSocket({ host, cookie: 'eddy_token=wrong' })).toEqual({ status: 401 });
    expect(await openSocket({ host, cookie, origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await openSocket({ host: `evil.example:${uiUrl.port}`, cookie })).toEqual({ status: 421 });
    const opened = await openSocket({ host, cookie, origin: `http://${host}` });
    expect('ws' in opened).toBe(true);
    const ws = (opened as { ws: WebSocket }).ws;
    try {
      const api = wrap<UiApi>(jsonSocketEndpoint(ws as unknown as Parameters<typeof jsonSocketEndpoint>[0]));
      const conns = await api.listConnections();
      expect(conns).toEqual([expect.objectContaining({ id: 'local', kind: 'local', bootstrapServers: await eddy.bootstrap })]);
      const overview = await api.overview('local');
      expect(overview.brokers.map((b) => b.id)).toEqual([0, 1]);
      expect(overview.brokers.every((b) => b.state === 'up')).toBe(true);
      // Errors keep their contract name across the socket.
      await expect(api.overview('nope')).rejects.toMatchObject({ name: 'NOT_CONNECTED' });
    } finally {
      ws.close();
    }
  });
});

describe.skipIf(!chromiumAvailable().available)('UI in Chromium', () => {
  test('the page loads and its contract answers over the WebSocket (CSP connect-src allows it)', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const cspViolations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      await page.goto(uiUrl.href);
      await expect.poll(() => page.getByRole('navigation').isVisible(), { timeout: 10_000 }).toBe(true);
      // The page's own client (renderer/src/lib/api) opens the socket; the page's CSP must let it.
      // Written as text: this file imports another WebSocket (ws), which the test transform would substitute.
      const fromPage = async (): Promise<string> =>
        page.evaluate(`new Promise((resolve) => {
          const ws = new WebSocket(new URL(${JSON.stringify(UI_WEBSOCKET_PATH)}, location.href).href.replace(/^http/, 'ws'));
          ws.onopen = () => ws.send(JSON.stringify({ id: 'x', type: 'APPLY', path: ['listConnections'], argumentList: [] }));
          ws.onmessage = (e) => { resolve(String(e.data)); ws.close(); };
          ws.onerror = () => resolve('error');
        })`);
      const answer = JSON.parse(await fromPage()) as { id: string; value: unknown };
      expect(answer.id).toBe('x');
      expect(answer.value).toEqual([expect.objectContaining({ id: 'local' })]);
      expect(cspViolations).toEqual([]);
      // A reload works from the cookie alone (no token in the URL any more).
      await page.goto(`${uiUrl.origin}/`);
      await expect.poll(() => page.getByRole('navigation').isVisible(), { timeout: 10_000 }).toBe(true);
      expect(JSON.parse(await fromPage())).toMatchObject({ id: 'x' });
      const shots = join(process.cwd(), 'test-results');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'headless-ui.png') });
    } finally {
      await browser.close();
    }
  });
});

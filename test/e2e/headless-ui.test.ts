// The UI served by headless mode, in a real browser, and the protections of that localhost service.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../helpers/chromium.js';
import { runEddy, type EddyProcess } from '../helpers/eddy-process.js';
import { waitFor } from '../helpers/wait.js';

let eddy: EddyProcess;
let dataDir: string;
let uiUrl: URL;

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
  eddy = runEddy(['--brokers', '2', '--port', '0', '--ui-port', '0', '--data-dir', dataDir]);
  await eddy.bootstrap;
  const line = await waitFor(() => /^ui: (\S+)$/m.exec(eddy.stdout()), { what: 'the ui: line' });
  uiUrl = new URL(line[1]!);
});

afterAll(async () => {
  await eddy?.stop('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

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

describe.skipIf(!chromiumAvailable().available)('UI in Chromium', () => {
  test('the page shows the running cluster', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(uiUrl.href);
      await expect.poll(() => page.getByTestId('bootstrap').textContent(), { timeout: 10_000 }).toBe(await eddy.bootstrap);
      // A reload works from the cookie alone (no token in the URL any more).
      await page.goto(`${uiUrl.origin}/`);
      await expect.poll(() => page.getByTestId('bootstrap').textContent(), { timeout: 10_000 }).toBe(await eddy.bootstrap);
      const shots = join(process.cwd(), 'test-results');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'headless-ui.png') });
    } finally {
      await browser.close();
    }
  });
});

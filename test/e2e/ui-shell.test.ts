// The GUI's shell and cluster pages in Chromium against a real headless Eddy (3 brokers) and, as a remote cluster,
// a second Eddy process: live overview counters while kafkajs produces, killing and restarting a broker from the
// Brokers page, a link fault, the theme persisting across a reload, the command palette and the shortcuts, the
// "Connect to cluster" dialog. Screenshots of each page go to test-results/ui-*.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../helpers/chromium.js';
import { runEddy, type EddyProcess } from '../helpers/eddy-process.js';
import { waitFor } from '../helpers/wait.js';

const SHOTS = join(process.cwd(), 'test-results');
const LONG = 45_000;

let eddy: EddyProcess;
let remote: EddyProcess;
let uiUrl: URL;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Errors thrown in the page (a broken component shows up here even when the test's checks pass). */
let pageErrors: string[] = [];
let kafka: Kafka;
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

async function uiLine(p: EddyProcess): Promise<URL> {
  const m = await waitFor(() => /^ui: (\S+)$/m.exec(p.stdout()), { what: 'the ui: line', timeoutMs: 60_000 });
  return new URL(m[1]!);
}

async function shot(name: string, target: Page = page): Promise<void> {
  await target.screenshot({ path: join(SHOTS, `ui-${name}.png`), fullPage: true });
}

/** The number a StatCard shows (data-testid="<id>-value"), digits only. */
async function stat(id: string, target: Page = page): Promise<string> {
  return ((await target.getByTestId(`${id}-value`).textContent()) ?? '').trim();
}

/** A key press on the page with nothing focused (shortcuts are off while typing in a field). */
async function key(k: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press(k);
}

async function go(hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

const chromiumOk = chromiumAvailable().available;

describe.skipIf(!chromiumOk)('GUI shell and cluster pages', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    eddy = runEddy(['--brokers', '3', '--port', '0', '--ui-port', '0', '--data-dir', tempDir('eddy-ui-shell-')], { env: { EDDY_APP_DATA_DIR: tempDir('eddy-ui-shell-app-') } });
    remote = runEddy(['--brokers', '1', '--port', '0', '--no-ui', '--data-dir', tempDir('eddy-ui-remote-')], { env: { EDDY_APP_DATA_DIR: tempDir('eddy-ui-remote-app-') } });
    const bootstrap = await eddy.bootstrap;
    uiUrl = await uiLine(eddy);
    await remote.bootstrap;
    kafka = new Kafka({ clientId: 'eddy-ui-shell-test', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3, replicationFactor: 3 }] });
    await admin.disconnect();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // The printed URL's token becomes the session cookie; later pages of the context open without it.
    const first = await context.newPage();
    await first.goto(uiUrl.href);
    await first.close();
  }, 180_000);

  // Each test starts from a fresh page on the Overview, so one test's open dialog cannot block the next.
  beforeEach(async () => {
    pageErrors = [];
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${uiUrl.origin}/#/c/local/overview`);
    await expect.poll(() => page.getByRole('navigation').isVisible(), { timeout: LONG }).toBe(true);
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await shot(`failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    await page?.close();
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([eddy?.stop('SIGTERM'), remote?.stop('SIGTERM')]);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('the overview shows 3 brokers up, the controller, counts, and live throughput that moves while kafkajs produces', async () => {
    await go('#/c/local/overview');
    await expect.poll(() => stat('stat-brokers'), { timeout: LONG }).toBe('3 / 3');
    await expect.poll(() => stat('stat-topics'), { timeout: LONG }).not.toBe('0');
    expect(Number(await stat('stat-partitions'))).toBeGreaterThanOrEqual(3);
    expect(await stat('stat-controller')).toMatch(/^\d$/);
    expect(await stat('stat-urp')).toBe('0');
    expect(await page.getByTestId('rate-messages-in').textContent()).toBe('0');

    const producer: Producer = kafka.producer();
    await producer.connect();
    let producing = true;
    const load = (async () => {
      for (let i = 0; producing; i++) {
        await producer.send({ topic: 'orders', messages: Array.from({ length: 50 }, (_, k) => ({ key: `k${k}`, value: `order ${i}-${k} ${'x'.repeat(200)}` })) });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await expect.poll(async () => Number((await page.getByTestId('rate-messages-in').textContent())?.replace(/,/g, '')), { timeout: LONG, interval: 500 }).toBeGreaterThan(0);
      await expect.poll(async () => (await page.getByTestId('rate-bytes-in').textContent()) ?? '', { timeout: LONG, interval: 500 }).not.toBe('0 B');
      // The charts are drawn (uPlot canvases) once two samples exist.
      await expect.poll(() => page.locator('.chart canvas').count(), { timeout: LONG }).toBeGreaterThanOrEqual(2);
      // A group that committed offset 0 on every partition lags by everything produced.
      const admin = kafka.admin();
      await admin.connect();
      await admin.setOffsets({ groupId: 'billing', topic: 'orders', partitions: [0, 1, 2].map((partition) => ({ partition, offset: '0' })) });
      await admin.disconnect();
      await expect.poll(() => page.getByTestId('lagging-groups').textContent(), { timeout: LONG }).toContain('billing');
      expect(Number((await stat('stat-lag')).replace(/,/g, ''))).toBeGreaterThan(0);
      await shot('overview');
    } finally {
      producing = false;
      await load;
      await producer.disconnect();
    }
  });

  test('killing broker 2 from the Brokers page: down, an event in the timeline, under-replicated partitions; restart: up again', async () => {
    // "g b" goes to the Brokers page.
    await key('g');
    await key('b');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/c/local/brokers');
    const row = page.getByTestId('broker-row-2');
    await expect.poll(() => row.getByTestId('broker-state').textContent(), { timeout: LONG }).toBe('up');
    await page.getByTestId('kill-2').click();
    await page.getByTestId('confirm').click();
    await expect.poll(() => row.getByTestId('broker-state').textContent(), { timeout: LONG }).toBe('down');
    await expect.poll(() => page.locator('[data-testid="event"][data-kind^="broker-"]').filter({ hasText: '2' }).count(), { timeout: LONG }).toBeGreaterThan(0);
    // Its replicas fall out of the ISR (after replica.lag.time.max.ms).
    await expect.poll(async () => Number(await stat('brokers-urp')), { timeout: 90_000 }).toBeGreaterThan(0);
    await shot('brokers-killed');

    // The overview agrees.
    await go('#/c/local/overview');
    await expect.poll(() => stat('stat-brokers'), { timeout: LONG }).toBe('2 / 3');
    await expect.poll(async () => Number(await stat('stat-urp')), { timeout: LONG }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('overview-broker-2').getAttribute('data-state'), { timeout: LONG }).toBe('down');
    await expect.poll(() => page.locator('[data-testid="event"][data-kind^="broker-"]').count(), { timeout: LONG }).toBeGreaterThan(0);

    await go('#/c/local/brokers');
    await page.getByTestId('restart-2').click();
    await expect.poll(() => row.getByTestId('broker-state').textContent(), { timeout: LONG }).toBe('up');
    await expect.poll(() => stat('brokers-up'), { timeout: LONG }).toBe('3 / 3');
    // The follower catches up and rejoins the ISR.
    await expect.poll(() => stat('brokers-urp'), { timeout: 90_000 }).toBe('0');
  }, 240_000);

  test('cutting a link shows in the fault panel; heal all clears it', async () => {
    await go('#/c/local/brokers');
    const link = page.getByTestId('link-controller-1');
    await expect.poll(() => link.getByTestId('link-state').textContent(), { timeout: LONG }).toBe('ok');
    await link.getByTestId('link-toggle').click();
    await expect.poll(() => link.getAttribute('data-cut'), { timeout: LONG }).toBe('true');
    expect(await link.getByTestId('link-state').textContent()).toBe('cut');
    expect(await link.getByTestId('link-toggle').textContent()).toBe('Heal');
    await shot('brokers-link-cut');
    await page.getByTestId('heal-all').click();
    await expect.poll(() => link.getAttribute('data-cut'), { timeout: LONG }).toBe('false');
    expect(await link.getByTestId('link-state').textContent()).toBe('ok');
  }, 120_000);

  test('the theme switch persists across a reload and in a fresh browser profile (it is a backend setting)', async () => {
    await go('#/c/local/settings');
    await page.getByTestId('theme-dark').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(255, 255, 255)');
    await shot('settings-dark');
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme), { timeout: LONG }).toBe('dark');
    // A new profile has no localStorage cache: the choice comes from settings().
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const other = await fresh.newPage();
      await other.goto(`${uiUrl.href}#/c/local/settings`);
      await expect.poll(() => other.evaluate(() => document.documentElement.dataset.themeChoice), { timeout: LONG }).toBe('dark');
      await expect.poll(() => other.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    } finally {
      await fresh.close();
    }
    await page.getByTestId('theme-light').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await shot('settings');
  }, 120_000);

  test('"?" shows the shortcuts; the command palette (Ctrl-K) jumps to a page and to a topic', async () => {
    await key('?');
    await expect.poll(() => page.getByTestId('help').isVisible()).toBe(true);
    expect(await page.getByTestId('help').textContent()).toContain('Command palette');
    await shot('help');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('help').count()).toBe(0);

    await key('Control+k');
    const input = page.getByTestId('palette-input');
    await expect.poll(() => input.isVisible()).toBe(true);
    await input.fill('brok');
    await expect.poll(() => page.getByTestId('palette-item').first().textContent()).toContain('Brokers');
    await input.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/c/local/brokers');
    expect(await input.count()).toBe(0);
    // "/" focuses the page's search field (here the broker configs filter).
    await expect.poll(() => page.locator('[data-shortcut="search"]').count(), { timeout: LONG }).toBe(1);
    await key('/');
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.shortcut)).toBe('search');

    await key('Control+k');
    await input.fill('ordrs');
    await expect.poll(() => page.getByTestId('palette-item').first().textContent(), { timeout: LONG }).toContain('orders');
    await shot('palette');
    await input.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/c/local/topics/orders');

    // Actions: "Create topic…" opens the Topics page with its create dialog.
    await key('Control+k');
    await input.fill('create topic');
    await input.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/c/local/topics');
    await expect.poll(() => page.locator('dialog[open]').count(), { timeout: LONG }).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);

    // Local broker actions run from the palette: pause broker 1, then resume it.
    await go('#/c/local/brokers');
    const state = () => page.getByTestId('broker-row-1').getByTestId('broker-state').textContent();
    await expect.poll(state, { timeout: LONG }).toBe('up');
    for (const [verb, after] of [
      ['pause broker 1', 'paused'],
      ['resume broker 1', 'up'],
    ] as const) {
      await key('Control+k');
      await input.fill(verb);
      await expect.poll(() => page.getByTestId('palette-item').first().textContent(), { timeout: LONG }).toMatch(new RegExp(verb, 'i'));
      await input.press('Enter');
      await expect.poll(state, { timeout: LONG }).toBe(after);
    }
  }, 180_000);

  test('the connect dialog checks its fields, then connects to a second Eddy as a remote cluster without local controls', async () => {
    await go('#/c/local/overview');
    await page.getByTestId('connection-switcher').click();
    await page.getByTestId('open-connect').click();
    const submit = page.getByTestId('connect-submit');
    await submit.click();
    await expect.poll(() => page.getByTestId('error-bootstrapServers').textContent()).toContain('host:port');
    await page.locator('#connect-bootstrapServers').fill('no-port-here');
    await expect.poll(() => page.getByTestId('error-bootstrapServers').textContent()).toContain('no-port-here');
    await page.locator('#connect-security').selectOption('SCRAM-SHA-256');
    await expect.poll(() => page.getByTestId('error-username').textContent()).toContain('user name');
    expect(await page.getByTestId('error-password').textContent()).toContain('password');
    await shot('connect-dialog-errors');

    // An unreachable cluster: the backend's error, with its name.
    await page.locator('#connect-security').selectOption('none');
    await page.locator('#connect-bootstrapServers').fill('127.0.0.1:1');
    await submit.click();
    await expect.poll(() => page.locator('dialog [data-testid="error"]').textContent(), { timeout: LONG }).toContain('CONNECTION_FAILED');

    await page.locator('#connect-bootstrapServers').fill(await remote.bootstrap);
    await page.locator('#connect-name').fill('remote');
    await submit.click();
    await expect.poll(() => page.evaluate(() => location.hash), { timeout: LONG }).toMatch(/^#\/c\/(?!local\/)[^/]+\/overview$/);
    await expect.poll(() => page.getByTestId('connection-name').textContent(), { timeout: LONG }).toBe('remote');
    await expect.poll(() => stat('stat-brokers'), { timeout: LONG }).toBe('1 / 1');
    await shot('overview-remote');

    // Local-only powers are hidden for a remote cluster.
    await page.getByTestId('nav-brokers').click();
    await expect.poll(() => page.getByTestId('broker-row-0').count(), { timeout: LONG }).toBe(1);
    expect(await page.getByTestId('add-broker').count()).toBe(0);
    expect(await page.getByTestId('link-panel').count()).toBe(0);
    expect(await page.getByTestId('kill-0').count()).toBe(0);

    // The switcher lists both and goes back to the local cluster on the same page.
    await page.getByTestId('connection-switcher').click();
    await page.getByTestId('connection-local').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/c/local/brokers');
    await expect.poll(() => page.getByTestId('add-broker').count(), { timeout: LONG }).toBe(1);
  }, 180_000);

  test('screenshots of every page', async () => {
    for (const [hash, name] of [
      ['#/c/local/overview', 'overview-final'],
      ['#/c/local/brokers', 'brokers'],
      ['#/c/local/topics', 'topics'],
      ['#/c/local/topics/orders', 'topic'],
      ['#/c/local/topics/orders/messages', 'messages'],
      ['#/c/local/groups', 'groups'],
      ['#/c/local/settings', 'settings-final'],
    ] as const) {
      await go(hash);
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Loading' }).count(), { timeout: LONG }).toBe(0);
      await page.waitForTimeout(500);
      await shot(name);
    }
    expect(await page.locator('nav[aria-label="Pages"] a').count()).toBe(5);
  }, 120_000);

  // Last: it empties the cluster.
  test('resetting the local cluster needs the typed confirmation, then leaves an empty running cluster', async () => {
    await go('#/c/local/settings');
    await page.getByTestId('reset-cluster').click();
    const confirm = page.getByTestId('confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('confirm-input').fill('rest');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('confirm-input').fill('reset');
    await shot('settings-reset-confirm');
    await confirm.click();
    await expect.poll(() => page.getByTestId('toast').filter({ hasText: 'reset' }).count(), { timeout: 120_000 }).toBe(1);
    await go('#/c/local/overview');
    await expect.poll(() => stat('stat-brokers'), { timeout: LONG }).toBe('3 / 3');
    await expect.poll(() => stat('stat-topics'), { timeout: LONG }).toBe('0');
  }, 180_000);
});

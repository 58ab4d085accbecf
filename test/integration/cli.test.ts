// The `eddy` command as a user runs it: flags, the bootstrap line, clean stops, refusals with clear messages,
// and `npm start` falling back to headless where no window can open.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LAUNCH, runEddy, type EddyProcess } from '../helpers/eddy-process.js';
import { RawClient } from '../helpers/raw-client.js';
import { findElectron } from '../../main/supervisor/electron-check.js';

const dirs: string[] = [];
const procs: EddyProcess[] = [];
const servers: Server[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-cli-'));
  dirs.push(d);
  return d;
}

function eddy(args: string[], opts: Parameters<typeof runEddy>[1] = {}): EddyProcess {
  const p = runEddy(args, opts);
  procs.push(p);
  return p;
}

afterEach(async () => {
  for (const p of procs.splice(0)) await p.stop('SIGKILL');
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function occupyPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    servers.push(s);
    s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
  });
}

describe('eddy CLI', () => {
  test('--help documents every flag', async () => {
    const p = eddy(['--help']);
    expect((await p.exited).code).toBe(0);
    for (const flag of ['--brokers', '--port', '--host', '--data-dir', '--ui-port', '--no-ui', '--help', '--version']) {
      expect(p.stdout()).toContain(flag);
    }
  });

  test('unknown flags and bad values are usage errors (exit 2)', async () => {
    for (const args of [['--bogus'], ['--brokers', '0'], ['--brokers', '10'], ['--port', 'abc'], ['--port', '65535', '--brokers', '3']]) {
      const p = eddy(args);
      const { code } = await p.exited;
      expect(code, args.join(' ')).toBe(2);
      expect(p.stderr()).toMatch(/^eddy: /);
    }
  });

  test('prints one bootstrap line for the requested brokers, serves Kafka, and stops cleanly on SIGINT', async () => {
    const p = eddy(['--brokers', '2', '--port', '0', '--no-ui', '--data-dir', tempDir()]);
    const bootstrap = await p.bootstrap;
    expect(bootstrap).toMatch(/^127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    expect(p.stdout().trim().split('\n')).toEqual([`bootstrap: ${bootstrap}`]);
    const c = await RawClient.open(await p.port());
    const md = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.brokers.map((b: { port: number }) => `127.0.0.1:${b.port}`).join(',')).toBe(bootstrap);
    c.close();
    const exit = await p.stop('SIGINT');
    expect(exit.code).toBe(0);
  });

  test('defaults: three brokers on consecutive ports from --port', async () => {
    const base = 30000 + Math.floor(Math.random() * 20000);
    const p = eddy(['--port', String(base), '--no-ui', '--data-dir', tempDir()]);
    expect(await p.bootstrap).toBe(`127.0.0.1:${base},127.0.0.1:${base + 1},127.0.0.1:${base + 2}`);
    expect((await p.stop('SIGTERM')).code).toBe(0);
  });

  test('refuses a busy port with a clear message and a non-zero exit', async () => {
    const busy = await occupyPort();
    const p = eddy(['--brokers', '1', '--port', String(busy), '--no-ui', '--data-dir', tempDir()]);
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr()).toContain(`port 127.0.0.1:${busy} is already in use`);
    expect(p.stdout()).not.toContain('bootstrap:');
  });

  test('refuses an unusable data dir (a file) and a data dir another Eddy is using', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const a = eddy(['--port', '0', '--no-ui', '--data-dir', file]);
    expect((await a.exited).code).toBe(1);
    expect(a.stderr()).toContain(`data dir ${file} is not usable`);

    const shared = tempDir();
    const first = eddy(['--brokers', '1', '--port', '0', '--no-ui', '--data-dir', shared]);
    await first.bootstrap;
    const second = eddy(['--brokers', '1', '--port', '0', '--no-ui', '--data-dir', shared]);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toMatch(/is in use by another Eddy process \(pid \d+\)/);
  });

  test('a data dir left locked by a killed process is taken over', async () => {
    const dir = tempDir();
    const first = eddy(['--brokers', '1', '--port', '0', '--no-ui', '--data-dir', dir]);
    await first.bootstrap;
    await first.stop('SIGKILL');
    const second = eddy(['--brokers', '1', '--port', '0', '--no-ui', '--data-dir', dir]);
    expect(await second.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  test('--ui-port 0 serves the UI on a free port and prints its URL with a token', async () => {
    const p = eddy(['--brokers', '1', '--port', '0', '--ui-port', '0', '--data-dir', tempDir()]);
    await p.bootstrap;
    await new Promise((r) => setTimeout(r, 50));
    const ui = /^ui: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(p.stdout());
    expect(ui).not.toBeNull();
    const res = await fetch(ui![1]!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app">');
  });
});

describe('npm start', () => {
  test('without a display it says why in one line and runs headless', async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const p = eddy(['--brokers', '1', '--port', '0', '--no-ui', '--data-dir', tempDir()], { entry: LAUNCH, env });
    await p.bootstrap;
    const lines = p.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^eddy: desktop window unavailable: .+; running headless$/);
  });

  test('findElectron explains each reason the window cannot open', () => {
    const present = () => process.execPath;
    expect(findElectron({ EDDY_HEADLESS: '1', DISPLAY: ':0' }, 'linux', present)).toEqual({ reason: 'EDDY_HEADLESS=1 is set' });
    expect(findElectron({}, 'linux', present)).toEqual({ reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' });
    const missing = () => {
      throw new Error('Electron failed to install correctly, please delete node_modules/electron and try installing again');
    };
    expect(findElectron({ DISPLAY: ':0' }, 'linux', missing)).toEqual({
      reason: 'the Electron binary is not installed (Electron failed to install correctly, please delete node_modules/electron and try installing again)',
    });
    expect(findElectron({}, 'darwin', () => '/nonexistent/Electron')).toEqual({ reason: 'the Electron binary is not installed' });
    expect(findElectron({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', present)).toEqual({ path: process.execPath });
  });
});

// The GUI backend against a real in-process cluster, served by the real UI server: tests call the contract both
// directly and through the WebSocket transport (a `ws` client + comlink, as a page does).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wrap, type Remote } from 'comlink';
import WebSocket from 'ws';
import { startUiServer, type UiServer } from '../../../main/bridge/ui-server.js';
import { jsonSocketEndpoint, type TextSocket } from '../../../main/contract/contract-endpoint.js';
import { UI_WEBSOCKET_PATH, type UiApi } from '../../../main/contract/ui-api.js';
import { GuiBackend } from '../../../main/gui/backend.js';
import { LocalCluster } from '../../../main/gui/local-cluster.js';

// The supervisor's sources run here in plain Node: point them at the built broker worker.
process.env.EDDY_BROKER_WORKER ??= fileURLToPath(new URL('../../../out/main/broker-worker.js', import.meta.url));

export interface GuiHarness {
  local: LocalCluster | null;
  backend: GuiBackend;
  server: UiServer;
  appData: string;
  /** The contract over a WebSocket. */
  remote: Remote<UiApi>;
  socket: WebSocket;
  /** Opens another WebSocket with these headers (for refusal tests). */
  open(headers: Record<string, string>): Promise<{ ws: WebSocket } | { status: number }>;
  close(): Promise<void>;
}

export async function startGuiHarness(opts: { brokers?: number; local?: boolean; sampleIntervalMs?: number } = {}): Promise<GuiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eddy-gui-data-'));
  const appData = mkdtempSync(join(tmpdir(), 'eddy-gui-app-'));
  const rendererDir = mkdtempSync(join(tmpdir(), 'eddy-gui-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');
  const local = opts.local === false ? null : await LocalCluster.start({ brokers: opts.brokers ?? 3, port: 0, host: '127.0.0.1', dataDir });
  const backend = new GuiBackend({ runtime: 'headless', appDataDir: appData, local, sampleIntervalMs: opts.sampleIntervalMs ?? 500 });
  const server = await startUiServer({ host: '127.0.0.1', port: 0, rendererDir, status: () => ({}), api: backend });
  const url = new URL(server.url);
  const token = url.searchParams.get('token')!;
  const open = (headers: Record<string, string>) =>
    new Promise<{ ws: WebSocket } | { status: number }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}${UI_WEBSOCKET_PATH}`, { headers });
      ws.once('open', () => resolve({ ws }));
      ws.once('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode! });
        ws.terminate();
      });
      ws.once('error', reject);
    });
  const opened = await open({ host: url.host, cookie: `eddy_token=${token}`, origin: `http://${url.host}` });
  if (!('ws' in opened)) throw new Error(`the contract socket was refused (${opened.status})`);
  const socket = opened.ws;
  const remote = wrap<UiApi>(jsonSocketEndpoint(socket as unknown as TextSocket));
  return {
    local,
    backend,
    server,
    appData,
    remote,
    socket,
    open,
    async close() {
      socket.close();
      await server.close();
      await backend.close();
      await local?.stop();
      for (const d of [dataDir, appData, rendererDir]) rmSync(d, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const text = (b: { base64: string } | null) => (b ? Buffer.from(b.base64, 'base64').toString('utf8') : null);

// The UI contract over a WebSocket (headless mode): each socket gets the API exposed with comlink, JSON text frames
// both ways, only contract method calls let through. The upgrade passes the same checks as the pages (Host, Origin,
// token cookie) before the server accepts it.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { expose } from 'comlink';
import { WebSocketServer, type WebSocket } from 'ws';
import { contractOnly, jsonSocketEndpoint } from '../contract/contract-endpoint.js';
import type { UiApi } from '../contract/ui-api.js';

/** A produce of many copies or a browse of 10,000 messages stays well below this. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface UiSocketServer {
  /** Handles an HTTP upgrade already authorized by the caller. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function refuseUpgrade(socket: Duplex, code: number, message: string): void {
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 421: 'Misdirected Request' }[code] ?? 'Bad Request';
  socket.end(`HTTP/1.1 ${code} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

export function uiSocketServer(api: UiApi): UiSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  wss.on('connection', (ws: WebSocket) => {
    ws.on('error', () => ws.terminate());
    expose(api, contractOnly(jsonSocketEndpoint(ws)));
  });
  return {
    accept(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

// comlink endpoints for the UI contract. comlink speaks over anything with postMessage/addEventListener: an Electron
// MessagePort as it is, a WebSocket through jsonSocketEndpoint (both the browser's and the `ws` package's sockets
// have send() and addEventListener('message')). The serving side wraps its endpoint in contractOnly so a page can
// call the contract's methods and nothing else of the object behind it (comlink would otherwise let a caller walk
// any property path, e.g. to a method's constructor).
import type { Endpoint } from 'comlink';
import { UI_METHODS } from './ui-api.js';

/** What jsonSocketEndpoint needs of a WebSocket. */
export interface TextSocket {
  send(data: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

type Listener = EventListenerOrEventListenerObject;

/** Delivers an event to a DOM-style listener (a function or an object with handleEvent). */
export function callListener(listener: Listener, event: unknown): void {
  if (typeof listener === 'function') listener(event as Event);
  else listener.handleEvent(event as Event);
}

/** comlink messages as JSON text frames (the contract carries only JSON-safe values). */
export function jsonSocketEndpoint(socket: TextSocket): Endpoint {
  const wrapped = new Map<Listener, (event: { data: unknown }) => void>();
  return {
    postMessage(message: unknown) {
      socket.send(JSON.stringify(message));
    },
    addEventListener(type: string, listener: Listener) {
      if (type !== 'message') return;
      const onText = (event: { data: unknown }) => {
        let data: unknown;
        try {
          data = JSON.parse(String(event.data));
        } catch {
          return; // not ours: ignore rather than break the channel
        }
        callListener(listener, { data });
      };
      wrapped.set(listener, onText);
      socket.addEventListener('message', onText);
    },
    removeEventListener(type: string, listener: Listener) {
      const onText = wrapped.get(listener);
      if (type !== 'message' || !onText) return;
      wrapped.delete(listener);
      socket.removeEventListener('message', onText);
    },
  };
}

const ALLOWED = new Set<string>(UI_METHODS);

/** True for the comlink messages a contract client sends: a call of one contract method, or a release. */
export function isContractCall(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as { type?: unknown; path?: unknown };
  if (m.type === 'RELEASE') return true;
  return m.type === 'APPLY' && Array.isArray(m.path) && m.path.length === 1 && typeof m.path[0] === 'string' && ALLOWED.has(m.path[0]);
}

/**
 * The serving side's endpoint: incoming messages that are not contract calls are dropped (the caller's promise
 * never settles, which only a page that bypasses the contract would notice).
 */
export function contractOnly(endpoint: Endpoint): Endpoint {
  const wrapped = new Map<Listener, Listener>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => endpoint.postMessage(message, transfer),
    addEventListener(type: string, listener: Listener) {
      const filtered = (event: Event) => {
        if (isContractCall((event as MessageEvent).data)) callListener(listener, event);
      };
      wrapped.set(listener, filtered);
      endpoint.addEventListener(type, filtered);
    },
    removeEventListener(type: string, listener: Listener) {
      const filtered = wrapped.get(listener);
      if (!filtered) return;
      wrapped.delete(listener);
      endpoint.removeEventListener(type, filtered);
    },
    start: endpoint.start?.bind(endpoint),
  };
}

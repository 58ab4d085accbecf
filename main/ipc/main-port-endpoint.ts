// comlink over Electron's MessagePortMain, whose API is Node-style (.on('message', e => e.data), start(), close())
// rather than the DOM's addEventListener. Kept free of Electron imports so it is tested in plain Node.
import type { Endpoint } from 'comlink';
import { callListener } from '../contract/contract-endpoint.js';

/** What the adapter needs of a MessagePortMain. */
export interface MainPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  start(): void;
}

type Listener = EventListenerOrEventListenerObject;

export function mainPortEndpoint(port: MainPortLike): Endpoint {
  const wrapped = new Map<Listener, (event: { data: unknown }) => void>();
  return {
    // The contract carries plain data only: nothing is transferred.
    postMessage: (message: unknown) => port.postMessage(message),
    addEventListener(type: string, listener: Listener) {
      if (type !== 'message') return;
      const onMessage = (event: { data: unknown }) => callListener(listener, { data: event.data });
      wrapped.set(listener, onMessage);
      port.on('message', onMessage);
    },
    removeEventListener(type: string, listener: Listener) {
      const onMessage = wrapped.get(listener);
      if (type !== 'message' || !onMessage) return;
      wrapped.delete(listener);
      port.off('message', onMessage);
    },
    start: () => port.start(),
  };
}

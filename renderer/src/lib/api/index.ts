// The renderer's only way to the backend: the UI contract over comlink. In Electron the preload hands the page a
// MessagePort (posted as UI_PORT_MESSAGE); in a browser (headless mode) the contract runs over a WebSocket to the
// server that served the page (the session cookie authenticates it). The renderer never imports Node or Electron.
import { wrap, type Remote } from 'comlink';
import { jsonSocketEndpoint } from '../../../../main/contract/contract-endpoint.js';
import { UI_PORT_MESSAGE, UI_WEBSOCKET_PATH, type UiApi } from '../../../../main/contract/ui-api.js';

declare global {
  interface Window {
    /** Set by the Electron preload: the page should wait for the contract's MessagePort. */
    eddyElectron?: true;
  }
}

// The preload posts the port once per page load, at dom-ready: listen from the moment this module runs (module
// scripts run before that), not from the first call, so a page that calls later still gets it.
const electronPort: Promise<MessagePort> | null =
  typeof window !== 'undefined' && window.eddyElectron
    ? new Promise((resolve) => {
        const onMessage = (e: MessageEvent) => {
          if (e.source !== window || e.data !== UI_PORT_MESSAGE || !e.ports[0]) return;
          window.removeEventListener('message', onMessage);
          resolve(e.ports[0]);
        };
        window.addEventListener('message', onMessage);
      })
    : null;

function webSocket(): Promise<WebSocket> {
  const url = new URL(UI_WEBSOCKET_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(ws), { once: true });
    ws.addEventListener('error', () => reject(new Error('could not open the connection to Eddy (reload the page, or open the URL Eddy printed)')), { once: true });
  });
}

let connected: Promise<Remote<UiApi>> | null = null;

/** The contract; connects on first use. */
export function uiApi(): Promise<Remote<UiApi>> {
  connected ??= (async () => {
    if (electronPort) {
      const port = await electronPort;
      port.start();
      return wrap<UiApi>(port);
    }
    const ws = await webSocket();
    // A closed socket (backend restarted, laptop slept): the next call opens a new one.
    ws.addEventListener('close', () => (connected = null), { once: true });
    return wrap<UiApi>(jsonSocketEndpoint(ws));
  })();
  // A failed attempt is not cached: the next call tries again.
  connected.catch(() => (connected = null));
  return connected;
}

/** Calls one contract method: `call('topics', conn)`. */
export async function call<M extends keyof UiApi>(method: M, ...args: Parameters<UiApi[M]>): Promise<Awaited<ReturnType<UiApi[M]>>> {
  const api = await uiApi();
  const fn = api[method] as unknown as (...a: Parameters<UiApi[M]>) => Promise<Awaited<ReturnType<UiApi[M]>>>;
  return fn(...args);
}

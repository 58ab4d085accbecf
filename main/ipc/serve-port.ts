// Serves the UI contract on one end of a MessageChannel (Electron's main process, one channel per page load).
import { expose } from 'comlink';
import { contractOnly } from '../contract/contract-endpoint.js';
import type { UiApi } from '../contract/ui-api.js';
import { mainPortEndpoint, type MainPortLike } from './main-port-endpoint.js';

export function serveContractOnPort(api: UiApi, port: MainPortLike): void {
  // comlink's expose starts the port itself.
  expose(api, contractOnly(mainPortEndpoint(port)));
}

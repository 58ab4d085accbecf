// comlink over worker_threads MessagePorts: one side exposes an object, the other gets a typed proxy.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { MessagePort } from 'node:worker_threads';

export type Remote<T> = Comlink.Remote<T>;

export function exposeOn<T extends object>(port: MessagePort, api: T): void {
  Comlink.expose(api, nodeEndpoint(port));
}

export function connect<T>(port: MessagePort): Remote<T> {
  return Comlink.wrap<T>(nodeEndpoint(port));
}

export function release(remote: Remote<unknown>): void {
  remote[Comlink.releaseProxy]();
}

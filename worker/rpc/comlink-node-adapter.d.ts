// comlink ships typings for its Node adapter next to the UMD build only; this points the ESM path at them.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  import type { NodeEndpoint } from 'comlink/dist/umd/node-adapter';
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}

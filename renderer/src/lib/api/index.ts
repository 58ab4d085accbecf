// The renderer's only way to the backend: the UI contract, over the preload bridge in Electron or HTTP in
// a browser (headless mode). The renderer never imports Node or Electron.
import type { ClusterSummary, UiApi } from '../../../../main/contract/ui-api.js';

declare global {
  interface Window {
    eddy?: UiApi;
  }
}

export async function clusterSummary(): Promise<ClusterSummary> {
  if (window.eddy) return window.eddy.clusterSummary();
  const res = await fetch('/api/status', { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as ClusterSummary;
}

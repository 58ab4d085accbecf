// The typed UI contract shared by the renderer and both transports (Electron IPC via the preload, and
// HTTP/WebSocket in headless mode). The GUI work extends it; the renderer only ever sees this interface.

export interface ClusterSummary {
  clusterId: string;
  bootstrapServers: string;
  brokers: number;
}

export interface UiApi {
  clusterSummary(): Promise<ClusterSummary>;
}

/** Name of the single IPC channel the preload forwards contract calls on. */
export const UI_IPC_CHANNEL = 'eddy:ui-api';

// Sandboxed preload: exposes exactly the UI contract to the renderer, nothing else of Electron or Node.
import { contextBridge, ipcRenderer } from 'electron';
import { UI_IPC_CHANNEL, type UiApi } from '../contract/ui-api.js';

const api: UiApi = {
  clusterSummary: () => ipcRenderer.invoke(UI_IPC_CHANNEL, 'clusterSummary'),
};

contextBridge.exposeInMainWorld('eddy', api);

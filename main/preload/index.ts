// Sandboxed preload: hands the page the MessagePort that carries the UI contract (posted by the main process at
// each page load) and says it runs in Electron. Nothing else of Electron or Node reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { UI_PORT_MESSAGE } from '../contract/ui-api.js';

contextBridge.exposeInMainWorld('eddyElectron', true);

ipcRenderer.on(UI_PORT_MESSAGE, (event) => {
  window.postMessage(UI_PORT_MESSAGE, '*', event.ports);
});

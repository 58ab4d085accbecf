// The one application window: sandboxed renderer, context isolation, no Node integration, and nothing
// loaded from the network. Its bounds are remembered between runs (window-state.json in the app-data folder).
import { BrowserWindow, screen, shell } from 'electron';
import { initialBounds, loadWindowState, saveWindowState } from '../gui/window-state.js';

export function createMainWindow(preloadPath: string, rendererIndex: string, appDataDir: string): BrowserWindow {
  const start = initialBounds(
    loadWindowState(appDataDir),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  const win = new BrowserWindow({
    ...start.bounds,
    title: 'Eddy',
    show: false,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => {
    if (start.maximized) win.maximize();
    win.show();
  });
  // Remember where the window was (its normal bounds even when maximized).
  win.on('close', () => saveWindowState(appDataDir, { bounds: win.getNormalBounds(), maximized: win.isMaximized() }));
  // Links open in the user's browser, never inside the app.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(rendererIndex);
  return win;
}

/**
 * Electron main process: one window (context isolation, sandbox, no Node in the page, strict CSP, no
 * navigation or new windows, no permissions), the backend served over IPC, native menus and dialogs.
 * Everything testable lives in security.ts and menuTemplate.ts; this file only wires Electron.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MENU_CHANNEL } from '../../core/protocol/ipcChannel.js';
import { serveService } from '../../core/protocol/rpc.js';
import { rendererDir } from '../server/rendererDir.js';
import { createBackend } from '../service/createBackend.js';
import { ElectronIpcProtocol } from '../transports/ElectronIpcProtocol.js';
import { loadElectron } from './electronApi.js';
import {
  buildMenuTemplate,
  developerToolsEnabled,
  IMAGE_FILE_FILTER,
  PROJECT_FILE_FILTER,
} from './menuTemplate.js';
import { denyWindowOpen, isNavigationAllowed, isPermissionGranted, mainWindowOptions } from './security.js';

const electron = await loadElectron();
if (!electron) {
  console.error(
    'mixel: Electron is not installed here; run `npx mixel serve` to use the window in your browser.',
  );
  process.exit(1);
}
const { app, BrowserWindow, ipcMain, Menu, dialog, session } = electron;

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(denyWindowOpen);
});
await app.whenReady();
session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
  callback(isPermissionGranted(permission)),
);
session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));

const developerTools = developerToolsEnabled(app.isPackaged, process.env);
const backend = createBackend();
const here = dirname(fileURLToPath(import.meta.url));
const window = new BrowserWindow(mainWindowOptions(join(here, 'preload.cjs'), developerTools));
const indexHtml = join(rendererDir(), 'index.html');
const appUrl = pathToFileURL(indexHtml).href;
for (const event of ['will-navigate', 'will-redirect'] as const) {
  window.webContents.on(event, (e, url) => {
    if (!isNavigationAllowed(url, appUrl)) e.preventDefault();
  });
}
serveService(backend.service, new ElectronIpcProtocol(ipcMain, window.webContents));

const menu = buildMenuTemplate({
  isMac: process.platform === 'darwin',
  developerTools,
  send: (command) => window.webContents.send(MENU_CHANNEL, command),
  chooseFiles: async (kind) => {
    const result = await dialog.showOpenDialog(window, {
      properties: kind === 'images' ? ['openFile', 'multiSelections'] : ['openFile'],
      filters: [kind === 'images' ? IMAGE_FILE_FILTER : PROJECT_FILE_FILTER],
    });
    return result.canceled ? [] : result.filePaths;
  },
  chooseSavePath: async () => {
    const result = await dialog.showSaveDialog(window, { filters: [PROJECT_FILE_FILTER] });
    return result.canceled || !result.filePath ? null : result.filePath;
  },
});
Menu.setApplicationMenu(Menu.buildFromTemplate(menu));

window.once('ready-to-show', () => window.show());
app.on('window-all-closed', () => {
  void backend.close().finally(() => app.quit());
});
await window.loadFile(indexHtml);

/**
 * Electron main process: one window (context isolation, sandbox, no Node in the page, strict CSP, no
 * navigation or new windows, no permissions, DevTools only for developers) on the app's own mixel://
 * scheme, the backend served over IPC behind a check that the window names only paths the user picked,
 * native menus and dialogs. Everything testable lives in the modules beside this file; this file only
 * wires Electron.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIALOG_CHANNEL, MENU_CHANNEL } from '../../core/protocol/ipcChannel.js';
import { serveService } from '../../core/protocol/rpc.js';
import { rendererDir } from '../server/rendererDir.js';
import { createBackend } from '../service/createBackend.js';
import { ElectronIpcProtocol } from '../transports/ElectronIpcProtocol.js';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appFileForUrl,
  appResponseHeaders,
} from './appProtocol.js';
import { loadElectron } from './electronApi.js';
import { launchProjectPath } from './launchArguments.js';
import { buildMenuTemplate, developerToolsEnabled } from './menuTemplate.js';
import { CLOSE_PROMPT, closeDecision, saveThenClose } from './closePrompt.js';
import { chooseAndGrant, isNativeDialogKind, type DialogShower } from './nativeDialogs.js';
import { PathGrants } from './pathGrants.js';
import {
  denyWindowOpen,
  isDownloadAllowed,
  isNavigationAllowed,
  isPermissionGranted,
  mainWindowOptions,
} from './security.js';
import { withGrantedPaths } from './withGrantedPaths.js';

const electron = await loadElectron();
if (!electron) {
  console.error(
    'mixel: Electron is not installed here; run `npx mixel serve` to use the window in your browser.',
  );
  process.exit(1);
}
const { app, BrowserWindow, ipcMain, Menu, dialog, session, protocol } = electron;

app.enableSandbox();
// Before 'ready', as Electron requires: the page's origin is mixel://app, never file://.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
// macOS hands a double-clicked project over by event, possibly before 'ready': keep it until the window
// can take it. Like `--project`, a file the user opened with the app is their choice, so it is granted.
let openFileLater: string | null = null;
let openFileNow: ((path: string) => void) | null = null;
app.on('open-file', (event, path) => {
  event.preventDefault();
  if (openFileNow) openFileNow(path);
  else openFileLater = path;
});
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(denyWindowOpen);
});
await app.whenReady();
session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
  callback(isPermissionGranted(permission)),
);
session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
session.defaultSession.on('will-download', (event, item) => {
  if (!isDownloadAllowed(item.getURL())) event.preventDefault();
});
const pageDir = rendererDir();
protocol.handle(APP_SCHEME, async (request) => {
  const file = appFileForUrl(request.url, pageDir);
  const body = file && (await readFile(file).catch(() => null));
  return file && body
    ? new Response(body, { headers: appResponseHeaders(file) })
    : new Response('not found', { status: 404 });
});

const developerTools = developerToolsEnabled(app.isPackaged, process.env);
const backend = createBackend();
const grants = new PathGrants();
const service = withGrantedPaths(backend.service, grants);

// `electron .` passes the app folder first; an installed app gets its arguments right after the binary.
const launchProject = launchProjectPath(process.argv.slice(app.isPackaged ? 1 : 2)) ?? openFileLater;
if (launchProject) {
  await grants.grantFile(launchProject);
  await service.openProject(launchProject).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`mixel: ${message}`);
    dialog.showErrorBox('Mixel could not open the project', message);
  });
}

const here = dirname(fileURLToPath(import.meta.url));
const window = new BrowserWindow(mainWindowOptions(join(here, 'preload.cjs'), developerTools));
for (const event of ['will-navigate', 'will-redirect'] as const) {
  window.webContents.on(event, (e, url) => {
    if (!isNavigationAllowed(url, APP_INDEX_URL)) e.preventDefault();
  });
}
serveService(service, new ElectronIpcProtocol(ipcMain, window.webContents));

const dialogs: DialogShower = {
  showOpen: (options) => dialog.showOpenDialog(window, options),
  showSave: (options) => dialog.showSaveDialog(window, options),
};
ipcMain.handle(DIALOG_CHANNEL, async (event, kind) =>
  event.sender.id === window.webContents.id && isNativeDialogKind(kind)
    ? chooseAndGrant(kind, dialogs, grants)
    : [],
);

const menu = buildMenuTemplate({
  isMac: process.platform === 'darwin',
  developerTools,
  send: (command) => window.webContents.send(MENU_CHANNEL, command),
  chooseFiles: (kind) => chooseAndGrant(kind === 'images' ? 'add-images' : 'open-project', dialogs, grants),
  chooseSavePath: async () => (await chooseAndGrant('save-project', dialogs, grants))[0] ?? null,
});
Menu.setApplicationMenu(Menu.buildFromTemplate(menu));

window.webContents.on('will-prevent-unload', (event) => {
  const decision = closeDecision(dialog.showMessageBoxSync(window, CLOSE_PROMPT));
  if (decision === 'close') event.preventDefault();
  if (decision !== 'save') return;
  void saveThenClose({
    projectPath: async () => (await backend.service.getProject()).path,
    chooseSavePath: async () => (await chooseAndGrant('save-project', dialogs, grants))[0],
    sendToPage: (command) => window.webContents.send(MENU_CHANNEL, command),
  });
});

window.once('ready-to-show', () => window.show());
app.on('window-all-closed', () => {
  void backend.close().finally(() => app.quit());
});
await window.loadURL(APP_INDEX_URL);

// Projects opened with the app once the page listens go to it as File ▸ Open would send them.
openFileNow = (path) =>
  void grants.grantFile(path).then(() => window.webContents.send(MENU_CHANNEL, { id: 'open-project', path }));
if (openFileLater !== null && openFileLater !== launchProject) openFileNow(openFileLater);

/**
 * The desktop window's security settings as plain values and pure functions, so they are unit-tested
 * without Electron (Electron's security checklist: context isolation, sandbox, no Node in the page, a
 * strict Content-Security-Policy, no navigation, no new windows, no permissions).
 */

/**
 * Scripts and styles only from the app itself (no inline script: Vite emits files), images from the app
 * or generated in the page (canvas → blob/data URLs), network only back to the app (browser mode's
 * WebSocket; the Electron window uses IPC), nothing embedded, no <base>, no forms, no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface MainWindowOptions {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly show: boolean;
  readonly title: string;
  readonly backgroundColor: string;
  readonly webPreferences: {
    readonly preload: string;
    readonly contextIsolation: true;
    readonly sandbox: true;
    readonly nodeIntegration: false;
    readonly nodeIntegrationInWorker: false;
    readonly nodeIntegrationInSubFrames: false;
    readonly webSecurity: true;
    readonly allowRunningInsecureContent: false;
    readonly webviewTag: false;
    readonly navigateOnDragDrop: false;
    readonly spellcheck: false;
    /** False in the shipped app: no DevTools by menu, shortcut or `openDevTools()`. */
    readonly devTools: boolean;
  };
}

/**
 * The BrowserWindow options of the one Mixel window. `developerTools` comes from
 * `developerToolsEnabled` (menuTemplate.ts): unpackaged or MIXEL_DEV=1.
 */
export function mainWindowOptions(preloadPath: string, developerTools: boolean): MainWindowOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    show: false, // shown on 'ready-to-show', so the user never sees a blank white frame
    title: 'Mixel',
    backgroundColor: '#1d1f23',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Dropping a file on the window must reach our drop handler, not navigate to the file.
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: developerTools,
    },
  };
}

/**
 * The window may only show its own page: any navigation elsewhere (a link, a dropped file, a script
 * setting location) is refused. `appUrl` is the loaded index.html; only that exact document (any hash)
 * is allowed.
 */
export function isNavigationAllowed(targetUrl: string, appUrl: string): boolean {
  try {
    const target = new URL(targetUrl);
    const app = new URL(appUrl);
    return target.protocol === app.protocol && target.host === app.host && target.pathname === app.pathname;
  } catch {
    return false;
  }
}

/** New windows are never opened (window.open, target=_blank): the answer Electron's handler expects. */
export function denyWindowOpen(): { action: 'deny' } {
  return { action: 'deny' };
}

/** No permission (camera, notifications, geolocation, …) is ever granted to the page. */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}

/**
 * The window never downloads (it has no download feature): a page script could otherwise write a file of
 * its choosing through the download prompt. Exports go through the backend to granted folders.
 */
export function isDownloadAllowed(_url: string): boolean {
  return false;
}

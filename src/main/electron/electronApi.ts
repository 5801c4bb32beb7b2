/**
 * The parts of Electron's API the main process uses, typed here because Electron is an optional
 * dependency that may be absent (its runtime cannot always be downloaded). `loadElectron` imports it by a
 * non-literal name, so this file type-checks with or without Electron's own types installed.
 */
import type { IpcMainLike, WebContentsLike } from '../transports/ElectronIpcProtocol.js';
import type { MainWindowOptions } from './security.js';
import type { MenuItem } from './menuTemplate.js';

export interface WebContents extends WebContentsLike {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): void;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): void;
  /** The page refused its unload (unsaved changes); `preventDefault` lets it unload after all. */
  on(event: 'will-prevent-unload', listener: (event: { preventDefault(): void }) => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  getURL(): string;
}

export interface BrowserWindowInstance {
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): void;
  show(): void;
}

export interface DialogResult {
  canceled: boolean;
  filePaths: string[];
}

export interface ElectronModule {
  app: {
    /** False when run from source (`electron .`), true in an installed build. */
    readonly isPackaged: boolean;
    whenReady(): Promise<void>;
    enableSandbox(): void;
    quit(): void;
    on(event: 'window-all-closed', listener: () => void): void;
    on(event: 'web-contents-created', listener: (event: unknown, contents: WebContents) => void): void;
    /** macOS: a file opened with the app (double-clicked `.mixel`), at launch or while running. */
    on(event: 'open-file', listener: (event: { preventDefault(): void }, path: string) => void): void;
  };
  BrowserWindow: new (options: MainWindowOptions) => BrowserWindowInstance;
  ipcMain: IpcMainLike & {
    /** Answers `ipcRenderer.invoke` on `channel` with the listener's result. */
    handle(
      channel: string,
      listener: (event: { sender: { id: number } }, ...args: unknown[]) => Promise<unknown>,
    ): void;
  };
  protocol: {
    registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
    handle(scheme: string, handler: (request: { url: string }) => Promise<Response>): void;
  };
  Menu: {
    buildFromTemplate(template: MenuItem[]): unknown;
    setApplicationMenu(menu: unknown): void;
  };
  dialog: {
    showOpenDialog(
      window: BrowserWindowInstance,
      options: { properties: string[]; filters: { name: string; extensions: string[] }[]; title?: string },
    ): Promise<DialogResult>;
    showSaveDialog(
      window: BrowserWindowInstance,
      options: { filters: { name: string; extensions: string[] }[]; defaultPath?: string },
    ): Promise<{ canceled: boolean; filePath?: string }>;
    showErrorBox(title: string, content: string): void;
    showMessageBoxSync(
      window: BrowserWindowInstance,
      options: {
        type: string;
        buttons: readonly string[];
        defaultId: number;
        cancelId: number;
        message: string;
        detail: string;
      },
    ): number;
  };
  session: {
    defaultSession: {
      setPermissionRequestHandler(
        handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
      ): void;
      setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
      on(
        event: 'will-download',
        listener: (event: { preventDefault(): void }, item: { getURL(): string }) => void,
      ): void;
    };
  };
}

/** Electron's module, or null when the optional dependency is not installed (then use `mixel serve`). */
export async function loadElectron(): Promise<ElectronModule | null> {
  const name: string = 'electron';
  try {
    const mod = (await import(name)) as { default?: ElectronModule } & Partial<ElectronModule>;
    const electron = (mod.app ? mod : mod.default) as ElectronModule | undefined;
    // Under plain Node, `electron` resolves to the launcher package, which exports a path string.
    return electron && typeof electron === 'object' && 'BrowserWindow' in electron ? electron : null;
  } catch {
    return null;
  }
}

/**
 * The window's preload (sandboxed, context-isolated). It exposes one narrow object: a pipe for protocol
 * frames (ArrayBuffers), a listener for menu commands and the native file dialogs (whose picks are the
 * only paths the backend accepts from the window). The page never sees ipcRenderer or Node.
 * Sandboxed preloads cannot load our ES modules, so this file is CommonJS with no imports but Electron's;
 * its channel names are checked against src/core/protocol/ipcChannel.ts by a test.
 */
interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    send(channel: string, ...args: unknown[]): void;
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  };
}

const FRAME_CHANNEL = 'mixel:frame';
const MENU_CHANNEL = 'mixel:menu';
const DIALOG_CHANNEL = 'mixel:dialog';
const NATIVE_DIALOG_KINDS = ['open-project', 'add-images', 'save-project', 'export-folder'];

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

contextBridge.exposeInMainWorld('mixelIpc', {
  send(frame: ArrayBuffer): void {
    if (!(frame instanceof ArrayBuffer)) throw new TypeError('mixelIpc.send takes an ArrayBuffer');
    ipcRenderer.send(FRAME_CHANNEL, frame);
  },
  onFrame(listener: (frame: ArrayBuffer) => void): () => void {
    const handler = (_event: unknown, frame: unknown) => {
      if (frame instanceof ArrayBuffer) listener(frame);
      else if (frame instanceof Uint8Array) listener(frame.slice().buffer);
    };
    ipcRenderer.on(FRAME_CHANNEL, handler);
    return () => ipcRenderer.removeListener(FRAME_CHANNEL, handler);
  },
  onMenuCommand(listener: (command: { id: string; path?: string }) => void): () => void {
    const handler = (_event: unknown, command: unknown) => {
      const c = command as { id?: unknown; path?: unknown };
      if (typeof c?.id === 'string' && (c.path === undefined || typeof c.path === 'string')) {
        listener({ id: c.id, path: c.path as string | undefined });
      }
    };
    ipcRenderer.on(MENU_CHANNEL, handler);
    return () => ipcRenderer.removeListener(MENU_CHANNEL, handler);
  },
  async chooseFiles(kind: string): Promise<string[]> {
    if (!NATIVE_DIALOG_KINDS.includes(kind)) throw new TypeError(`mixelIpc.chooseFiles: no dialog "${kind}"`);
    const paths = await ipcRenderer.invoke(DIALOG_CHANNEL, kind);
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : [];
  },
});

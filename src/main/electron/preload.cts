/**
 * The window's preload (sandboxed, context-isolated). It exposes one narrow object: a pipe for protocol
 * frames (ArrayBuffers) and a listener for menu commands. The page never sees ipcRenderer or Node.
 * Sandboxed preloads cannot load our ES modules, so this file is CommonJS with no imports but Electron's;
 * its channel names are checked against src/core/protocol/ipcChannel.ts by a test.
 */
interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    send(channel: string, ...args: unknown[]): void;
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
    removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  };
}

const FRAME_CHANNEL = 'mixel:frame';
const MENU_CHANNEL = 'mixel:menu';

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
});

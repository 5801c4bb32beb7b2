/**
 * Connects the window to the backend: through the preload's IPC pipe inside Electron, else over a
 * WebSocket to the browser-mode server that served this page (its token is in the page URL).
 */
import { Emitter } from '../../core/protocol/Event.js';
import type { MenuCommand, MixelIpcBridge, NativeDialogKind } from '../../core/protocol/ipcChannel.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import type { Protocol } from '../../core/protocol/Protocol.js';
import { connectService } from '../../core/protocol/rpc.js';

declare global {
  interface Window {
    mixelIpc?: MixelIpcBridge;
  }
}

export interface Backend {
  readonly service: MixelService;
  /** 'electron' when native menus and dialogs exist; 'browser' in browser mode. */
  readonly host: 'electron' | 'browser';
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

/** The desktop app's native file dialogs (through the preload), or null in browser mode. */
export function nativeFileDialog(): ((kind: NativeDialogKind) => Promise<string[]>) | null {
  const ipc = typeof window === 'undefined' ? undefined : window.mixelIpc;
  return ipc ? (kind) => ipc.chooseFiles(kind) : null;
}

export async function connectBackend(): Promise<Backend> {
  const ipc = window.mixelIpc;
  if (ipc) {
    return {
      service: connectService(ipcProtocol(ipc)),
      host: 'electron',
      onMenuCommand: (listener) => ipc.onMenuCommand(listener),
    };
  }
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const socket = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
  socket.binaryType = 'arraybuffer';
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener(
      'error',
      () => reject(new Error('cannot reach the Mixel backend: is `mixel serve` still running?')),
      {
        once: true,
      },
    );
  });
  return {
    service: connectService(webSocketProtocol(socket)),
    host: 'browser',
    onMenuCommand: () => () => {},
  };
}

function webSocketProtocol(socket: WebSocket): Protocol {
  const messages = new Emitter<ArrayBuffer>();
  const closed = new Emitter<void>();
  socket.addEventListener('message', (e) => {
    if (e.data instanceof ArrayBuffer) messages.fire(e.data);
  });
  socket.addEventListener('close', () => closed.fire());
  return {
    send: (frame) => socket.send(frame),
    onMessage: (listener) => messages.event(listener),
    onClose: (listener) => closed.event(listener),
  };
}

function ipcProtocol(ipc: MixelIpcBridge): Protocol {
  const messages = new Emitter<ArrayBuffer>();
  ipc.onFrame((frame) => messages.fire(frame));
  return {
    send: (frame) => ipc.send(frame),
    onMessage: (listener) => messages.event(listener),
    onClose: () => ({ dispose: () => {} }),
  };
}

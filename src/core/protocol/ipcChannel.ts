/** The one IPC channel between the window and the backend: every protocol frame goes through it. */
export const IPC_CHANNEL = 'mixel:frame';

/** Menu commands from the Electron main process to the window: `{ id, path? }`. */
export const MENU_CHANNEL = 'mixel:menu';

/** What the preload exposes to the page as `window.mixelIpc`. */
export interface MixelIpcBridge {
  send(frame: ArrayBuffer): void;
  onFrame(listener: (frame: ArrayBuffer) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

/** A menu item chosen in the native menu; `path` when a native file dialog picked one. */
export interface MenuCommand {
  readonly id: string;
  readonly path?: string;
}

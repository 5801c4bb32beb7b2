/** The one IPC channel between the window and the backend: every protocol frame goes through it. */
export const IPC_CHANNEL = 'mixel:frame';

/** Menu commands from the Electron main process to the window: `{ id, path? }`. */
export const MENU_CHANNEL = 'mixel:menu';

/** What the preload exposes to the page as `window.mixelIpc`. */
export interface MixelIpcBridge {
  send(frame: ArrayBuffer): void;
  onFrame(listener: (frame: ArrayBuffer) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Shows a native dialog; resolves to the picked paths, empty when cancelled. */
  chooseFiles(kind: NativeDialogKind): Promise<string[]>;
}

/** A menu item chosen in the native menu; `path` when a native file dialog picked one. */
export interface MenuCommand {
  readonly id: string;
  readonly path?: string;
}

/**
 * Native file dialogs the page may ask the Electron main process for (`invoke` on DIALOG_CHANNEL). What the
 * user picks is granted to the window; typed-in paths are not (src/main/electron/withGrantedPaths.ts).
 */
export const DIALOG_CHANNEL = 'mixel:dialog';
export const NATIVE_DIALOG_KINDS = ['open-project', 'add-images', 'save-project', 'export-folder'] as const;
export type NativeDialogKind = (typeof NATIVE_DIALOG_KINDS)[number];

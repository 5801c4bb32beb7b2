/**
 * Closing the desktop window with unsaved changes asks Save / Don't save / Cancel, as every desktop editor
 * does. The page refuses its unload while it has unsaved changes (App.tsx); Electron then fires
 * `will-prevent-unload` here, and only an explicit "Don't save" lets the window go. "Save" saves through the
 * page (so its unsaved-changes count is reset) and the page closes itself once the file is written.
 */
import type { MenuCommand } from '../../core/protocol/ipcChannel.js';

export const CLOSE_PROMPT = {
  type: 'question',
  buttons: ['Save', 'Don’t save', 'Cancel'],
  defaultId: 0,
  cancelId: 2,
  message: 'Save the changes to this project before closing?',
  detail: 'Your labels and settings since the last save are lost if you don’t save them.',
} as const;

/** What the page is asked to do when the user picks Save: save, then close the window. */
export const SAVE_AND_CLOSE_COMMAND = 'save-and-close';

export interface CloseRequestDeps {
  /** The project's file, or null when it was never saved. */
  projectPath(): Promise<string | null>;
  /** The native Save dialog; the picked path (granted to the window), or undefined when cancelled. */
  chooseSavePath(): Promise<string | undefined>;
  sendToPage(command: MenuCommand): void;
}

export type CloseDecision = 'close' | 'save' | 'stay';

/** The button picked in CLOSE_PROMPT, as a decision (Escape or closing the box counts as Cancel). */
export function closeDecision(button: number): CloseDecision {
  if (button === 0) return 'save';
  if (button === 1) return 'close';
  return 'stay';
}

/**
 * Carries out Save: asks for a path first when the project was never saved (cancelling that keeps the
 * window open), then tells the page to save and close. Resolves to whether the page was asked to.
 */
export async function saveThenClose(deps: CloseRequestDeps): Promise<boolean> {
  const current = await deps.projectPath();
  const path = current ?? (await deps.chooseSavePath());
  if (!path) return false;
  deps.sendToPage(current ? { id: SAVE_AND_CLOSE_COMMAND } : { id: SAVE_AND_CLOSE_COMMAND, path });
  return true;
}

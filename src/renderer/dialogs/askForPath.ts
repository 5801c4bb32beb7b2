/**
 * Where a command needs a file: in the desktop app the native dialog (the backend accepts only paths
 * picked there, see src/main/electron/withGrantedPaths.ts); in browser mode, which has no native dialogs,
 * the typed-path dialog (PathDialog).
 */
import type { NativeDialogKind } from '../../core/protocol/ipcChannel.js';
import * as app from '../state/controller.js';
import { setApp, type DialogState } from '../state/store.js';
import { nativeFileDialog } from '../transport/connectBackend.js';

export type PathDialogState = Extract<DialogState, { kind: 'path' }>;

const NATIVE_KIND: Record<PathDialogState['action'], NativeDialogKind> = {
  'open-project': 'open-project',
  'save-project': 'save-project',
  'add-image': 'add-images',
};

/** Runs a path command as PathDialog's OK button does; after a successful save, `afterSave`. */
export async function usePath(
  action: PathDialogState['action'],
  path: string,
  afterSave?: () => void,
): Promise<void> {
  if (action === 'open-project') await app.openProject(path);
  else if (action === 'save-project') {
    if ((await app.saveProject(path)) && afterSave) afterSave();
  } else await app.addImagePath(path);
}

export interface AskForPathDeps {
  readonly choose: ((kind: NativeDialogKind) => Promise<string[]>) | null;
  readonly showTyped: (dialog: PathDialogState) => void;
  readonly use: (action: PathDialogState['action'], path: string, afterSave?: () => void) => Promise<void>;
  readonly showError: (err: unknown) => void;
}

const windowDeps = (): AskForPathDeps => ({
  choose: nativeFileDialog(),
  showTyped: (dialog) => setApp({ dialog }),
  use: usePath,
  showError: (err) => app.showError(err),
});

/** Asks for the file(s) `dialog` describes, natively when the app has native dialogs, then runs the command. */
export function askForPath(dialog: PathDialogState, deps: AskForPathDeps = windowDeps()): Promise<void> {
  const choose = deps.choose;
  if (!choose) {
    deps.showTyped(dialog);
    return Promise.resolve();
  }
  return choose(NATIVE_KIND[dialog.action]).then(
    async (paths) => {
      for (const path of paths) await deps.use(dialog.action, path, dialog.afterSave);
    },
    (err: unknown) => deps.showError(err),
  );
}

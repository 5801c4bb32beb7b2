/**
 * Asks for a file path (browser mode has no native file dialogs; in Electron the File menu uses native
 * dialogs and this stays available from the toolbar). Paths are on the backend's machine: typed, or
 * picked in the file browser of the user's folders below the field.
 */
import { useState } from 'react';
import { getApp, setApp, type DialogState } from '../state/store.js';
import { usePath } from './askForPath.js';
import { FileBrowser, folderOf, joinPath } from './FileBrowser.js';
import { Modal } from './Modal.js';

/** An example path of the kind each command wants: an image for Add image, a project file otherwise. */
const PLACEHOLDERS: Record<Extract<DialogState, { kind: 'path' }>['action'], string> = {
  'open-project': '/home/me/experiment/cells.mixel',
  'save-project': '/home/me/experiment/cells.mixel',
  'add-image': '/home/me/experiment/cells_01.tif',
};

/** The name Save as offers in a folder before the user typed one. */
const DEFAULT_PROJECT_FILE_NAME = 'project.mixel';

function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(cut + 1).trim();
}

/** The open project's folder, where the browser starts when the command gives none. */
function projectFolder(): string | null {
  const path = getApp().project?.path;
  return path ? folderOf(path) : null;
}

export function PathDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'path' }> }) {
  const [path, setPath] = useState(dialog.initial);
  const submit = async (picked?: string) => {
    const p = (picked ?? path).trim();
    if (!p) return;
    setApp({ dialog: null });
    await usePath(dialog.action, p, dialog.afterSave);
  };
  return (
    <Modal
      wide
      title={dialog.title}
      footer={
        <>
          <button type="button" onClick={() => setApp({ dialog: null })}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            data-testid="path-ok"
            disabled={!path.trim()}
            onClick={() => void submit()}
          >
            OK
          </button>
        </>
      }
    >
      <label className="field">
        {dialog.label}
        <input
          autoFocus
          data-testid="path-input"
          value={path}
          placeholder={PLACEHOLDERS[dialog.action]}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void submit()}
        />
      </label>
      <FileBrowser
        startFolder={folderOf(dialog.initial) ?? projectFolder()}
        fileKind={dialog.action === 'add-image' ? 'image' : 'project'}
        onFolder={(folder) => {
          // Save as keeps the file name typed so far and moves it to the opened folder.
          if (dialog.action === 'save-project')
            setPath((p) => joinPath(folder, baseName(p) || DEFAULT_PROJECT_FILE_NAME));
        }}
        onPick={setPath}
        onConfirm={(p) => void submit(p)}
      />
    </Modal>
  );
}

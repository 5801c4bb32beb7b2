/**
 * Asks for a file path (browser mode has no native file dialogs; in Electron the File menu uses native
 * dialogs and this stays available from the toolbar). Paths are on the backend's machine.
 */
import { useState } from 'react';
import { setApp, type DialogState } from '../state/store.js';
import { usePath } from './askForPath.js';
import { Modal } from './Modal.js';

/** An example path of the kind each command wants: an image for Add image, a project file otherwise. */
const PLACEHOLDERS: Record<Extract<DialogState, { kind: 'path' }>['action'], string> = {
  'open-project': '/home/me/experiment/cells.mixel',
  'save-project': '/home/me/experiment/cells.mixel',
  'add-image': '/home/me/experiment/cells_01.tif',
};

export function PathDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'path' }> }) {
  const [path, setPath] = useState(dialog.initial);
  const submit = async () => {
    const p = path.trim();
    if (!p) return;
    setApp({ dialog: null });
    await usePath(dialog.action, p, dialog.afterSave);
  };
  return (
    <Modal
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
    </Modal>
  );
}

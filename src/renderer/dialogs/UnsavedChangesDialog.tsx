/**
 * Asks before New, Open or the sample replace a project with unsaved changes: save them first, discard
 * them, or cancel (also Escape and the backdrop). Cancel has the focus, so a stray Enter loses nothing.
 */
import * as app from '../state/controller.js';
import { getApp, setApp, type DialogState } from '../state/store.js';
import { askForPath } from './askForPath.js';
import { Modal } from './Modal.js';

export function UnsavedChangesDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'unsaved' }> }) {
  const save = async () => {
    setApp({ dialog: null });
    if (getApp().project?.path) {
      if (await app.saveProject()) dialog.proceed();
      return;
    }
    // Never saved: ask where, as Save does, and go on only once the file is written.
    await askForPath({
      kind: 'path',
      title: 'Save project',
      label: 'Save to (.mixel)',
      initial: '',
      action: 'save-project',
      afterSave: dialog.proceed,
    });
  };
  const discard = () => {
    setApp({ dialog: null });
    dialog.proceed();
  };
  const name = getApp().project?.path ?? 'This project';
  return (
    <Modal
      title="Save changes?"
      footer={
        <>
          <button
            type="button"
            data-testid="unsaved-cancel"
            autoFocus
            onClick={() => setApp({ dialog: null })}
          >
            Cancel
          </button>
          <button type="button" className="danger" data-testid="unsaved-discard" onClick={discard}>
            Discard changes
          </button>
          <button type="button" className="primary" data-testid="unsaved-save" onClick={() => void save()}>
            Save
          </button>
        </>
      }
    >
      <p data-testid="unsaved-message">
        {name} has changes that are not saved (labels, classes, settings or images). {dialog.what} would lose
        them.
      </p>
    </Modal>
  );
}

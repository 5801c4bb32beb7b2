/** Asks before a class with labels is deleted: its labels go with it, and that cannot be undone. */
import * as app from '../state/controller.js';
import { setApp, type DialogState } from '../state/store.js';
import { Modal } from './Modal.js';

export function DeleteClassDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'delete-class' }> }) {
  const remove = async () => {
    setApp({ dialog: null });
    await app.deleteClass(dialog.classId, true);
  };
  return (
    <Modal
      title={`Delete class “${dialog.name}”?`}
      footer={
        <>
          <button
            type="button"
            data-testid="delete-class-cancel"
            autoFocus
            onClick={() => setApp({ dialog: null })}
          >
            Keep it
          </button>
          <button
            type="button"
            className="danger"
            data-testid="delete-class-ok"
            onClick={() => void remove()}
          >
            Delete class and labels
          </button>
        </>
      }
    >
      <p data-testid="delete-class-message">
        {dialog.labeledPixels.toLocaleString('en')} labeled pixels of “{dialog.name}” will be removed with it.
        This cannot be undone; save the project first if you may want them back.
      </p>
    </Modal>
  );
}

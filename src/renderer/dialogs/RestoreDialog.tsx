/** Offers the session autosaved before the window or its server ended unexpectedly. */
import { describeAutosave, discard, restore } from '../state/autosave.js';
import { setApp, type DialogState } from '../state/store.js';
import { Modal } from './Modal.js';

export function RestoreDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'restore' }> }) {
  return (
    <Modal
      title="Restore unsaved work?"
      footer={
        <>
          <button
            type="button"
            data-testid="restore-discard"
            className="danger"
            onClick={() => {
              setApp({ dialog: null });
              void discard();
            }}
          >
            Discard it
          </button>
          <button
            type="button"
            className="primary"
            data-testid="restore-ok"
            autoFocus
            onClick={() => {
              setApp({ dialog: null });
              void restore();
            }}
          >
            Restore
          </button>
        </>
      }
    >
      <p data-testid="restore-message">
        {describeAutosave(dialog.info)} Mixel ended before it was saved. Restore brings the labels, classes
        and settings back. Not restored now, it is replaced by the next autosave of this session.
      </p>
    </Modal>
  );
}

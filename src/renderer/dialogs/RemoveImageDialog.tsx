/** Asks before an image with labels leaves the project: its labels go with it (the file stays on disk). */
import { setApp, type DialogState } from '../state/store.js';
import { removeImage } from '../state/removeImage.js';
import { Modal } from './Modal.js';

export function RemoveImageDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'remove-image' }> }) {
  const remove = async () => {
    setApp({ dialog: null });
    await removeImage(dialog.imageId, true);
  };
  return (
    <Modal
      title={`Remove “${dialog.name}” from the project?`}
      footer={
        <>
          <button
            type="button"
            data-testid="remove-image-cancel"
            autoFocus
            onClick={() => setApp({ dialog: null })}
          >
            Keep it
          </button>
          <button
            type="button"
            className="danger"
            data-testid="remove-image-ok"
            onClick={() => void remove()}
          >
            Remove image and its labels
          </button>
        </>
      }
    >
      <p data-testid="remove-image-message">
        Its {dialog.labeledPixels.toLocaleString('en')} labeled pixels go with it. The image file itself stays
        where it is.
      </p>
    </Modal>
  );
}

/** Asks before an image with labels leaves the project: its labels go with it (the file stays on disk). */
import type { DialogState } from '../state/store.js';
import { removeImage } from '../state/removeImage.js';
import { ConfirmDangerDialog } from './ConfirmDangerDialog.js';

export function RemoveImageDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'remove-image' }> }) {
  return (
    <ConfirmDangerDialog
      title={`Remove “${dialog.name}” from the project?`}
      testId="remove-image"
      confirmLabel="Remove image and its labels"
      onConfirm={() => removeImage(dialog.imageId, true)}
    >
      Its {dialog.labeledPixels.toLocaleString('en')} labeled pixels go with it. The image file itself stays
      where it is.
    </ConfirmDangerDialog>
  );
}

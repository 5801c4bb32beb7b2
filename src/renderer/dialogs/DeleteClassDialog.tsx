/** Asks before a class with labels is deleted: its labels go with it, and that cannot be undone. */
import * as app from '../state/controller.js';
import type { DialogState } from '../state/store.js';
import { ConfirmDangerDialog } from './ConfirmDangerDialog.js';

export function DeleteClassDialog({ dialog }: { dialog: Extract<DialogState, { kind: 'delete-class' }> }) {
  return (
    <ConfirmDangerDialog
      title={`Delete class “${dialog.name}”?`}
      testId="delete-class"
      confirmLabel="Delete class and labels"
      onConfirm={() => app.deleteClass(dialog.classId, true)}
    >
      {dialog.labeledPixels.toLocaleString('en')} labeled pixels of “{dialog.name}” will be removed with it.
      This cannot be undone; save the project first if you may want them back.
    </ConfirmDangerDialog>
  );
}

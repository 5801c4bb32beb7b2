/** The window: toolbar, sidebar, viewer, status bar, dialogs; keyboard shortcuts and file drops. */
import { useEffect, useState } from 'react';
import { ClassifierDialog } from './dialogs/ClassifierDialog.js';
import { DeleteClassDialog } from './dialogs/DeleteClassDialog.js';
import { ExportDialog } from './dialogs/ExportDialog.js';
import { FeatureMatrixDialog } from './dialogs/FeatureMatrixDialog.js';
import { PathDialog } from './dialogs/PathDialog.js';
import { RemoveImageDialog } from './dialogs/RemoveImageDialog.js';
import { RestoreDialog } from './dialogs/RestoreDialog.js';
import { ShortcutsDialog } from './dialogs/ShortcutsDialog.js';
import { UnsavedChangesDialog } from './dialogs/UnsavedChangesDialog.js';
import { Sidebar } from './panels/Sidebar.js';
import { StatusBar } from './panels/StatusBar.js';
import { Toolbar } from './panels/Toolbar.js';
import { handleShortcut } from './state/actions.js';
import { startAutosave } from './state/autosave.js';
import { watchOtherTabs } from './state/otherTabs.js';
import * as app from './state/controller.js';
import { getApp, hasUnsavedChanges, setApp, useApp } from './state/store.js';
import { Viewer } from './viewer/Viewer.js';

export function App() {
  const dialog = useApp((s) => s.dialog);
  const [isDragOver, setDragOver] = useState(false);
  const otherTabs = useApp((s) => s.otherTabs);

  useEffect(() => startAutosave(), []);
  useEffect(() => watchOtherTabs(), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        // Escape closes whatever dialog is open (as its Cancel) and, with none open, leaves the toolbar
        // or a field for the image, where the keys paint, pan and zoom.
        if (getApp().dialog) setApp({ dialog: null });
        else focusViewer();
        e.preventDefault();
        return;
      }
      if (handleShortcut(e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // A dialog closed (by any button, Escape or the backdrop): the keys belong to the image again.
  useEffect(
    () =>
      useApp.subscribe((s, before) => {
        if (before.dialog && !s.dialog) focusViewer();
      }),
    [],
  );

  useEffect(() => {
    // Closing or reloading with unsaved changes: the browser asks; in the desktop app the main process
    // asks Save / Don't save / Cancel (src/main/electron/closePrompt.ts).
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!hasUnsavedChanges()) return;
      e.preventDefault();
      e.returnValue = ''; // older Chromium versions ask only when returnValue is set
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  return (
    <div
      className={`app ${isDragOver ? 'drag-over' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragOver(true);
        }
      }}
      onDragLeave={() => setDragOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragOver(false);
        void (async () => {
          for (const file of e.dataTransfer.files) await app.uploadImageFile(file);
        })();
      }}
    >
      <Toolbar />
      {otherTabs > 0 ? (
        <div className="banner" role="alert" data-testid="open-elsewhere">
          This project is open in another tab too: both edit the same project, and neither shows the
          other&apos;s changes. Close one of them.
        </div>
      ) : null}
      <div className="main">
        <Sidebar />
        <Viewer />
      </div>
      <StatusBar />
      {dialog?.kind === 'path' ? <PathDialog dialog={dialog} /> : null}
      {dialog?.kind === 'features' ? <FeatureMatrixDialog /> : null}
      {dialog?.kind === 'classifier' ? <ClassifierDialog /> : null}
      {dialog?.kind === 'export' ? <ExportDialog /> : null}
      {dialog?.kind === 'delete-class' ? <DeleteClassDialog dialog={dialog} /> : null}
      {dialog?.kind === 'unsaved' ? <UnsavedChangesDialog dialog={dialog} /> : null}
      {dialog?.kind === 'remove-image' ? <RemoveImageDialog dialog={dialog} /> : null}
      {dialog?.kind === 'shortcuts' ? <ShortcutsDialog /> : null}
      {dialog?.kind === 'restore' ? <RestoreDialog dialog={dialog} /> : null}
    </div>
  );
}

/** Gives the keyboard to the image view (a dialog left the focus on the button that opened it). */
function focusViewer(): void {
  (document.activeElement as HTMLElement | null)?.blur();
  document.querySelector<HTMLElement>('[data-testid="viewer"]')?.focus({ preventScroll: true });
}

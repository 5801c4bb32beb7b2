/**
 * Stroke handling: committing strokes and undo/redo on the active image's plane, each edit sent to the
 * backend and followed by a retrain when live update is on.
 */
import type { Stroke } from '../../core/labels/Stroke.js';
import type { LabelEdit } from '../labels/LabelSession.js';
import { updatePrediction } from './liveUpdate.js';
import { addLabelsDirty, labels, service, showError, showErrorUnlessRemoved } from './session.js';
import { getApp, markEdited, setApp } from './store.js';

function afterLabelEdit(edit: LabelEdit | null): void {
  if (!edit) return;
  addLabelsDirty(edit.dirty);
  setApp((s) => ({ labelsVersion: s.labelsVersion + 1 }));
  markEdited();
  syncUndoState();
  const imageId = getApp().activeImageId;
  void service()
    .applyLabelChange(edit.change)
    .catch((err: unknown) => (imageId ? showErrorUnlessRemoved(err, imageId) : showError(err)));
  // Sent at once, not after the change's answer: the backend applies the change before this request
  // trains (predictVisibleTiles), and the answer waited behind this window's repaint of the stroke.
  if (getApp().isLiveUpdate) void updatePrediction(true);
}

export function commitStroke(stroke: Stroke): void {
  afterLabelEdit(labels.commitStroke(stroke));
}

/** Several strokes as one undo step (the accept-prediction brush). */
export function commitStrokes(strokes: readonly Stroke[]): void {
  afterLabelEdit(labels.commitStrokes(strokes));
}

export function undo(): void {
  const { activeImageId: id, plane } = getApp();
  if (id) afterLabelEdit(labels.undo(id, plane));
}

export function redo(): void {
  const { activeImageId: id, plane } = getApp();
  if (id) afterLabelEdit(labels.redo(id, plane));
}

/** The undo and redo buttons follow the history of the plane on screen. */
export function syncUndoState(): void {
  const { activeImageId: id, plane } = getApp();
  setApp({ canUndo: labels.canUndo(id, plane), canRedo: labels.canRedo(id, plane) });
}

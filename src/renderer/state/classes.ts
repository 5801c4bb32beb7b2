/**
 * Editing the label classes: add, rename or recolour, delete (asking first when the class has labels);
 * the backend keeps strokes and model consistent, the window redraws labels and overlay.
 */
import type { LabelClass } from '../../core/protocol/types.js';
import { updatePrediction } from './liveUpdate.js';
import { showProject } from './projectFiles.js';
import { labels, predictions, resetLabelsDirty, service, showError } from './session.js';
import { getApp, markEdited, setApp } from './store.js';

const CLASS_COLORS = ['#e0c020', '#2080ff', '#e6194b', '#3cb44b', '#911eb4', '#f58231', '#46f0f0'];

export async function setClasses(classes: LabelClass[]): Promise<void> {
  const before = getApp().project?.classes ?? [];
  const removed = before.some((c) => !classes.some((k) => k.id === c.id));
  try {
    const project = await service().setClasses(classes);
    markEdited();
    if (removed) {
      // Strokes of a deleted class are gone in the backend; reload the labels from it.
      await showProject(project);
      return;
    }
    predictions.entries.forEach((e) => e.canvases.clear());
    setApp((s) => ({
      project,
      labelsVersion: s.labelsVersion + 1,
      predictionVersion: s.predictionVersion + 1,
    }));
    resetLabelsDirty();
    if (classes.length !== before.length && getApp().isLiveUpdate) void updatePrediction(true);
  } catch (err) {
    showError(err);
  }
}

export function addClass(): Promise<void> {
  const classes = getApp().project?.classes ?? [];
  const id = Math.max(0, ...classes.map((c) => c.id)) + 1;
  return setClasses([
    ...classes,
    { id, name: `Class ${id}`, color: CLASS_COLORS[(id - 1) % CLASS_COLORS.length] },
  ]);
}

export function updateClass(id: number, change: Partial<Omit<LabelClass, 'id'>>): Promise<void> {
  const classes = getApp().project?.classes ?? [];
  return setClasses(classes.map((c) => (c.id === id ? { ...c, ...change } : c)));
}

/**
 * Deletes a class; a class with labels is deleted only once the user confirms, because its labels go
 * with it and deleting a class cannot be undone.
 */
export function deleteClass(id: number, isConfirmed = false): Promise<void> {
  const classes = getApp().project?.classes ?? [];
  const target = classes.find((c) => c.id === id);
  if (classes.length <= 1 || !target) return Promise.resolve();
  const labeledPixels = labels.pixelsOfClass(id);
  if (labeledPixels > 0 && !isConfirmed) {
    setApp({ dialog: { kind: 'delete-class', classId: id, name: target.name, labeledPixels } });
    return Promise.resolve();
  }
  if (getApp().activeClassId === id) setApp({ activeClassId: classes.find((c) => c.id !== id)!.id });
  return setClasses(classes.filter((c) => c.id !== id));
}

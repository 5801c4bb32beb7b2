/**
 * Removing an image from the project (not from disk). An image with labels goes only once the user
 * confirms, since its strokes go with it and the removal cannot be undone.
 */
import * as app from './controller.js';
import { noteRemoval } from './session.js';
import { announce } from './statusLine.js';
import { getApp, markEdited, setApp } from './store.js';

/** Labeled pixels of an image (every plane of a stack) as the window holds them. */
function labeledPixels(imageId: string): number {
  return app.labels.pixelsOfImage(imageId);
}

export async function removeImage(imageId: string, isConfirmed = false): Promise<void> {
  const image = app.findImage(imageId);
  if (!image) return;
  const pixels = labeledPixels(imageId);
  if (pixels > 0 && !isConfirmed) {
    setApp({ dialog: { kind: 'remove-image', imageId, name: image.name, labeledPixels: pixels } });
    return;
  }
  const removal = noteRemoval(imageId);
  const project = await app
    .runAndShow(`Removing ${image.name}…`, () => app.service().removeImage(imageId))
    .finally(() => removal.done());
  if (!project) return;
  app.labels.forget(imageId);
  app.predictions.clear(imageId);
  for (const [key, entry] of app.imageTiles.entries)
    if (entry.tile?.imageId === imageId || key.startsWith(`${imageId}:`)) app.imageTiles.entries.delete(key);
  markEdited();
  const wasActive = getApp().activeImageId === imageId;
  setApp((s) => {
    const display = { ...s.display };
    delete display[imageId];
    return {
      project,
      display,
      pointer: null,
      activeImageId: wasActive ? null : s.activeImageId,
      ...(wasActive ? { canUndo: false, canRedo: false } : {}),
      predictionVersion: s.predictionVersion + 1,
    };
  });
  // Held: a live update of the removed image that was under way may still report.
  announce(`Removed ${image.name} from the project (the file stays)`);
  const next = project.images[0]?.id;
  if (wasActive && next) app.selectImage(next);
}

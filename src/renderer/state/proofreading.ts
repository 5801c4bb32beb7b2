/**
 * The "accept prediction" brush in the window: a drag with it turns the segmentation on screen under the
 * brush into labels (labels/acceptPrediction.ts), committed as one undo step.
 */
import type { Stroke } from '../../core/labels/Stroke.js';
import { strokePlane } from '../../core/labels/Stroke.js';
import { acceptedStrokes, predictedClassLookup } from '../labels/acceptPrediction.js';
import * as app from './controller.js';
import { getApp, setApp } from './store.js';

/** Labels the pixels under `brush` (a stroke of the brush's shape) with their predicted class. */
export function acceptPredictionUnder(brush: Stroke): void {
  const image = app.findImage(brush.imageId);
  const classes = getApp().project?.classes ?? [];
  if (!image) return;
  const tiles = app.predictions
    .forImage(image.id, strokePlane(brush))
    .filter((e) => e.tile.requestId >= app.predictions.currentFrom)
    .map((e) => e.tile);
  if (tiles.length === 0) {
    setApp({ status: 'Nothing predicted here yet: paint two classes first, then accept the prediction' });
    return;
  }
  try {
    const strokes = acceptedStrokes(
      brush,
      image.width,
      image.height,
      predictedClassLookup(
        tiles,
        classes.map((c) => c.id),
      ),
      () => crypto.randomUUID(),
    );
    if (strokes.length === 0) return;
    app.commitStrokes(strokes);
    setApp({ status: `Accepted the prediction as labels (${strokes.length} rows)` });
  } catch (err) {
    app.showError(err);
  }
}

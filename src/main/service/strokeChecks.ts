/**
 * What a label change may ask of the backend, checked before anything is painted: every point near its
 * image, and the painting bounded (the schema bounds counts and radius; this bounds the pixels touched).
 */
import { strokeWork } from '../../core/labels/rasterizeStroke.js';
import type { Stroke } from '../../core/labels/Stroke.js';
import { STROKE_COORDINATE_MARGIN_PX } from '../../core/protocol/constants.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import { MAX_LABEL_CHANGE_PIXELS } from './constants.js';

/** Throws `invalid-argument` naming the stroke when a point lies further than the margin outside the image. */
export function checkStrokeNearImage(stroke: Stroke, width: number, height: number): void {
  const m = STROKE_COORDINATE_MARGIN_PX;
  const p = stroke.points;
  for (let i = 0; i + 1 < p.length; i += 2) {
    const x = p[i];
    const y = p[i + 1];
    if (!(x >= -m && x <= width + m && y >= -m && y <= height + m)) {
      throw new ServiceError(
        'invalid-argument',
        `stroke ${stroke.id} has a point at (${x}, ${y}), more than ${m} px outside its ${width}×${height} image`,
      );
    }
  }
}

/** Throws `invalid-argument` when the strokes together would paint more than one change may. */
export function checkPaintingWork(
  strokes: readonly { stroke: Stroke; width: number; height: number }[],
): void {
  let work = 0;
  for (const { stroke, width, height } of strokes) work += strokeWork(stroke, width, height);
  if (work > MAX_LABEL_CHANGE_PIXELS) {
    throw new ServiceError(
      'invalid-argument',
      `this label change would paint up to ${work.toExponential(1)} pixels, more than the ` +
        `${MAX_LABEL_CHANGE_PIXELS.toExponential(0)} one change may: paint shorter strokes or a smaller brush`,
    );
  }
}

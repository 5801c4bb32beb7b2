/**
 * Proofreading ("accept prediction"): where the user drags this brush, the current segmentation — the
 * class of highest probability in the overlay on screen — becomes labels. The result is ordinary paint
 * strokes (one per run of a class along a pixel row, one pixel wide), so undo, saving and the backend's
 * training treat it as any painting.
 */
import { MAX_STROKES_PER_CHANGE } from '../../core/protocol/constants.js';
import { rasterizeStroke } from '../../core/labels/rasterizeStroke.js';
import { strokeBounds, type Stroke } from '../../core/labels/Stroke.js';
import type { ProbabilityTile } from '../../core/protocol/types.js';

/** Radius of a one-pixel-wide run stroke: the row's pixel centres lie on it, the next rows' are 1 away. */
const RUN_RADIUS_PX = 0.5;

/**
 * The predicted class id at a pixel from the probability tiles on screen (the finest that covers it), or 0
 * where there is no prediction. `classIds[k]` is the class of probability plane k.
 */
export function predictedClassLookup(
  tiles: readonly ProbabilityTile[],
  classIds: readonly number[],
): (x: number, y: number) => number {
  const byFineness = [...tiles].sort((a, b) => a.stride - b.stride);
  return (x, y) => {
    const t = byFineness.find(
      (t) => x >= t.rect.x && y >= t.rect.y && x < t.rect.x + t.rect.width && y < t.rect.y + t.rect.height,
    );
    if (!t) return 0;
    const px = Math.min(t.width - 1, Math.floor((x - t.rect.x) / t.stride));
    const py = Math.min(t.height - 1, Math.floor((y - t.rect.y) / t.stride));
    const n = t.width * t.height;
    let best = -1;
    let bestValue = 0;
    for (let k = 0; k < t.classCount; k++) {
      const v = t.probabilities[k * n + py * t.width + px];
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    return best < 0 ? 0 : (classIds[best] ?? 0);
  };
}

/**
 * The paint strokes that label the pixels under `brush` with their predicted class. Pixels without a
 * prediction stay as they are. Throws a one-line Error when the area would need more strokes than one
 * change may carry (a huge brush over a fragmented segmentation).
 */
export function acceptedStrokes(
  brush: Stroke,
  width: number,
  height: number,
  classAt: (x: number, y: number) => number,
  newId: () => string,
): Stroke[] {
  const bounds = strokeBounds(brush, width, height);
  if (!bounds) return [];
  // The brush's footprint, rasterized in a frame of its bounds.
  const mask = new Uint8Array(bounds.width * bounds.height);
  const shifted = new Float32Array(brush.points.length);
  for (let i = 0; i < shifted.length; i += 2) {
    shifted[i] = brush.points[i] - bounds.x;
    shifted[i + 1] = brush.points[i + 1] - bounds.y;
  }
  rasterizeStroke(mask, bounds.width, bounds.height, {
    ...brush,
    classId: 1,
    mode: 'paint',
    points: shifted,
  });

  const strokes: Stroke[] = [];
  const run = (classId: number, y: number, from: number, to: number) => {
    if (classId === 0) return;
    strokes.push({
      ...brush,
      id: newId(),
      classId,
      mode: 'paint',
      radiusPx: RUN_RADIUS_PX,
      points: new Float32Array([from + 0.5, y + 0.5, to + 0.5, y + 0.5]),
    });
  };
  for (let row = 0; row < bounds.height; row++) {
    const y = bounds.y + row;
    let start = -1;
    let current = 0;
    for (let col = 0; col <= bounds.width; col++) {
      const x = bounds.x + col;
      const classId = col < bounds.width && mask[row * bounds.width + col] ? classAt(x, y) : 0;
      if (classId === current && start >= 0) continue;
      if (start >= 0) run(current, y, start, x - 1);
      current = classId;
      start = x;
    }
  }
  if (strokes.length > MAX_STROKES_PER_CHANGE)
    throw new Error(
      `accepting the prediction here needs ${strokes.length} strokes, more than ${MAX_STROKES_PER_CHANGE}: use a smaller brush`,
    );
  return strokes;
}

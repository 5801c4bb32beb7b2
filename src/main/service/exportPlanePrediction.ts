/**
 * The export sources of one plane computed from its probabilities, tile by tile: Simple Segmentation
 * (the most probable class's value), Uncertainty (1 − (p1 − p2)) and, when asked for, the probability
 * planes. One plane at a time, so a stack's export holds one plane's results in memory, not the stack's.
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { LabelClass } from '../../core/protocol/types.js';
import { tileGrid, type Rect } from '../../core/tiling.js';

export interface PlanePrediction {
  readonly segmentation: Uint8Array;
  readonly uncertainty: Float32Array;
  /** One plane per class, or none when probabilities are not exported. */
  readonly probabilities: Float32Array[];
}

export async function predictExportPlane(
  width: number,
  height: number,
  classes: readonly LabelClass[],
  withProbabilities: boolean,
  /** Probabilities of a rectangle of this plane: classes.length planes of rect.width × rect.height. */
  predict: (rect: Rect) => Promise<Float32Array>,
  onFraction: (fraction: number) => void,
): Promise<PlanePrediction> {
  const n = width * height;
  const segmentation = new Uint8Array(n);
  const uncertainty = new Float32Array(n);
  const probabilities = withProbabilities ? classes.map(() => new Float32Array(n)) : [];
  const tiles = tileGrid(width, height, PREDICTION_TILE_SIZE, 0);
  for (const [t, { core }] of tiles.entries()) {
    const probs = await predict(core);
    const m = core.width * core.height;
    for (let y = 0; y < core.height; y++) {
      for (let x = 0; x < core.width; x++) {
        const local = y * core.width + x;
        const global = (core.y + y) * width + core.x + x;
        let best = -1;
        let bestP = -1;
        let second = 0;
        for (let c = 0; c < classes.length; c++) {
          const p = probs[c * m + local];
          if (p > bestP) {
            second = Math.max(second, bestP);
            bestP = p;
            best = c;
          } else if (p > second) second = p;
          if (probabilities.length) probabilities[c][global] = p;
        }
        segmentation[global] = classes[best].id;
        uncertainty[global] = 1 - (bestP - Math.max(0, second));
      }
    }
    onFraction((t + 1) / tiles.length);
  }
  return { segmentation, uncertainty, probabilities };
}

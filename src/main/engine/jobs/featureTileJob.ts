/**
 * Job 'featureTile': the feature bank on one tile. The input planes are the crop to read from (the tile's
 * outer rectangle, or the whole image when it is shared memory: then nothing is copied), and `core` is the
 * rectangle to compute, relative to that crop. Output: core-sized planes in channel order — or, when `into`
 * gives shared full-size output planes, the core is written there directly and no planes travel back.
 */
import { computeFeatures } from '../../../core/features/computeFeatures.js';
import type { FeatureConvention, FeatureSelection } from '../../../core/features/selection.js';
import type { TileCrop } from '../../../core/tiling.js';

export interface FeatureTileInput extends TileCrop {
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  /**
   * The image's feature offsets (featureOffsets of the whole image or plane, one per channel), so that its
   * tiles share them and stitch exactly; default: each tile's own (featureOffset.ts).
   */
  readonly offsets?: readonly number[];
  /** Optional shared output: full-size planes (one per feature channel) of `width` columns; the core lands at (x, y). */
  readonly into?: {
    readonly planes: Float32Array[];
    readonly width: number;
    readonly x: number;
    readonly y: number;
  };
}

export interface FeatureTileOutput {
  /** Core-sized planes, or none when the result was written `into` shared planes. */
  readonly planes: Float32Array[];
}

export async function featureTileJob(input: FeatureTileInput): Promise<FeatureTileOutput> {
  const image = { width: input.width, height: input.height, channels: input.planes };
  const planes = computeFeatures(image, input.selection, input.convention, input.core, {
    offsets: input.offsets,
  });
  const into = input.into;
  if (!into) return { planes };
  if (into.planes.length !== planes.length) {
    throw new RangeError(
      `featureTile: ${into.planes.length} output planes for ${planes.length} feature channels`,
    );
  }
  const { width: w, height: h } = input.core;
  planes.forEach((plane, c) => {
    const target = into.planes[c];
    for (let y = 0; y < h; y++)
      target.set(plane.subarray(y * w, (y + 1) * w), (into.y + y) * into.width + into.x);
  });
  return { planes: [] };
}

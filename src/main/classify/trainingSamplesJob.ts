/**
 * Job 'trainingSamples': features of one labeled tile, computed in the worker, reduced to the rows the
 * classifier trains on: every labeled pixel (with its spatial group for cross-validation) and a seeded
 * random subsample of unlabeled pixels for semi-supervised EM. Only tiles that hold labels are sent.
 */
import { computeFeatures } from '../../core/features/computeFeatures.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import { SeededRandom } from '../../core/random.js';
import type { TileCrop } from '../../core/tiling.js';

/**
 * Edge of the square blocks that group labeled pixels for cross-validation: neighbouring pixels of a
 * stroke are nearly identical, so holding out single pixels would measure memorization, not generalization.
 */
export const CROSS_VALIDATION_BLOCK_PX = 64;

export interface TrainingSamplesInput extends TileCrop {
  /** Core-sized labels: 0 = unlabeled, 1..K. */
  readonly labels: Uint8Array;
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  /**
   * The image's feature offsets (featureOffsets of the whole image or plane, one per channel), so that its
   * tiles share them and stitch exactly; default: each tile's own (featureOffset.ts).
   */
  readonly offsets?: readonly number[];
  /** Probability of keeping an unlabeled pixel. */
  readonly unlabeledFraction: number;
  readonly seed: number;
  /** Position of the core in the image, and the image's width, to number the blocks. */
  readonly origin: { readonly x: number; readonly y: number };
  readonly imageWidth: number;
  /** Added to block numbers so that blocks of different images never share an id. */
  readonly groupBase: number;
}

export interface TrainingSamples {
  /** nLabeled × nFeatures, row-major. */
  readonly samples: Float32Array;
  readonly labels: Uint8Array;
  readonly groups: Int32Array;
  /** nUnlabeled × nFeatures, row-major. */
  readonly unlabeled: Float32Array;
  readonly nFeatures: number;
}

export function trainingSamplesJob(input: TrainingSamplesInput): TrainingSamples {
  const { core, labels } = input;
  const features = computeFeatures(
    { width: input.width, height: input.height, channels: input.planes },
    input.selection,
    input.convention,
    core,
    { offsets: input.offsets },
  );
  const d = features.length;
  const rng = new SeededRandom(input.seed);
  const labeledIdx: number[] = [];
  const unlabeledIdx: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > 0) labeledIdx.push(i);
    else if (rng.next() < input.unlabeledFraction) unlabeledIdx.push(i);
  }
  const blocksPerRow = Math.ceil(input.imageWidth / CROSS_VALIDATION_BLOCK_PX);
  const groups = Int32Array.from(labeledIdx, (i) => {
    const gx = input.origin.x + (i % core.width);
    const gy = input.origin.y + Math.floor(i / core.width);
    const block =
      Math.floor(gy / CROSS_VALIDATION_BLOCK_PX) * blocksPerRow + Math.floor(gx / CROSS_VALIDATION_BLOCK_PX);
    return input.groupBase + block;
  });
  return {
    samples: gatherRows(features, labeledIdx),
    labels: Uint8Array.from(labeledIdx, (i) => labels[i]),
    groups,
    unlabeled: gatherRows(features, unlabeledIdx),
    nFeatures: d,
  };
}

/** The rows `idx` of feature planes, as an idx.length × planes.length row-major matrix. */
export function gatherRows(planes: Float32Array[], idx: number[]): Float32Array {
  const d = planes.length;
  const out = new Float32Array(idx.length * d);
  for (let c = 0; c < d; c++) {
    const plane = planes[c];
    for (let r = 0; r < idx.length; r++) out[r * d + c] = plane[idx[r]];
  }
  return out;
}

/**
 * Pool jobs on one block of a volume: its 3-D features (Features export), its class probabilities
 * (prediction: the 61+ feature channels never leave the worker) and its training rows (labelled voxels
 * plus a seeded sample of unlabelled ones, drawn as the 2-D trainer draws them, so the classifier is the
 * same). Each gets the block's outer voxels and computes its core with the frame's offsets, so blocks
 * stitch into exactly the whole volume's result.
 */
import { computeFeatures3d } from '../../core/features3d/computeFeatures3d.js';
import type { Features3dLayout } from '../../core/features3d/featureLayout3d.js';
import type { Box, Shape3 } from '../../core/features3d/volume3d.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import { predictProbabilities, type FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import { SeededRandom } from '../../core/random.js';
import { preparedFor } from '../engine/jobs/classifyTileJob.js';
import { gatherRows, type TrainingSamples } from '../classify/trainingSamplesJob.js';
import { VOLUME_CROSS_VALIDATION_BLOCK } from './volumeConstants.js';

export interface VolumeBlockInput {
  /** The block's outer voxels, one z-major array per input channel. */
  readonly channels: Float32Array[];
  readonly outer: Shape3;
  /** The core to compute, relative to the outer box. */
  readonly region: Box;
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  readonly layout: Features3dLayout;
  /** The frame's feature offsets (one per channel), shared by all its blocks. */
  readonly offsets: readonly number[];
  /** The whole frame's shape, for refusing scales that do not fit it. */
  readonly volumeShape: Shape3;
}

function blockFeatures(input: VolumeBlockInput): Float32Array[] {
  const volume = { ...input.outer, channels: input.channels };
  return computeFeatures3d(volume, input.selection, {
    ...input.layout,
    convention: input.convention,
    region: input.region,
    offsets: input.offsets,
    volumeShape: input.volumeShape,
  });
}

/** Job 'volumeFeatureBlock': the core's feature channels, z-major. */
export function volumeFeatureBlockJob(input: VolumeBlockInput): { planes: Float32Array[] } {
  return { planes: blockFeatures(input) };
}

export interface ClassifyVolumeBlockInput extends VolumeBlockInput {
  readonly model: FittedClassifier;
  readonly modelKey: string;
}

/** Job 'classifyVolumeBlock': per-class probabilities of the core, z-major. */
export function classifyVolumeBlockJob(input: ClassifyVolumeBlockInput): { probabilities: Float32Array[] } {
  const features = blockFeatures(input);
  const { depth, height, width } = input.region;
  const model = preparedFor(input.model, input.modelKey);
  return { probabilities: predictProbabilities(model, features, depth * height * width) };
}

export interface VolumeTrainingSamplesInput extends VolumeBlockInput {
  /** Core-sized labels, z-major: 0 = unlabeled, 1..K. */
  readonly labels: Uint8Array;
  /** Probability of keeping an unlabeled voxel. */
  readonly unlabeledFraction: number;
  readonly seed: number;
  /** The core's first voxel in the frame, to number the cross-validation cubes. */
  readonly origin: { readonly z: number; readonly y: number; readonly x: number };
  /** Added to cube numbers so that cubes of different frames and images never share an id. */
  readonly groupBase: number;
}

/** Cross-validation cubes of a frame (for numbering frames' groups apart). */
export function volumeGroupCount(shape: Shape3): number {
  const n = (len: number) => Math.ceil(len / VOLUME_CROSS_VALIDATION_BLOCK);
  return n(shape.depth) * n(shape.height) * n(shape.width) + 1;
}

/** Job 'volumeTrainingSamples': the training rows of one labelled block. */
export function volumeTrainingSamplesJob(input: VolumeTrainingSamplesInput): TrainingSamples {
  const features = blockFeatures(input);
  const { labels, region, origin } = input;
  const rng = new SeededRandom(input.seed);
  const labeledIdx: number[] = [];
  const unlabeledIdx: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > 0) labeledIdx.push(i);
    else if (rng.next() < input.unlabeledFraction) unlabeledIdx.push(i);
  }
  const cube = VOLUME_CROSS_VALIDATION_BLOCK;
  const ny = Math.ceil(input.volumeShape.height / cube);
  const nx = Math.ceil(input.volumeShape.width / cube);
  const planeSize = region.height * region.width;
  const groups = Int32Array.from(labeledIdx, (i) => {
    const z = origin.z + Math.floor(i / planeSize);
    const y = origin.y + Math.floor((i % planeSize) / region.width);
    const x = origin.x + (i % region.width);
    const id = (Math.floor(z / cube) * ny + Math.floor(y / cube)) * nx + Math.floor(x / cube);
    return input.groupBase + id;
  });
  return {
    samples: gatherRows(features, labeledIdx),
    labels: Uint8Array.from(labeledIdx, (i) => labels[i]),
    groups,
    unlabeled: gatherRows(features, unlabeledIdx),
    nFeatures: features.length,
  };
}

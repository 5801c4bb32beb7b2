/**
 * Trains the pixel classifier on scribbles from one or several images: features are computed only for
 * tiles that hold labels (in the worker pool), reduced there to the labeled rows plus a subsample of
 * unlabeled ones, and EM then runs in workers too, one class per job (fitClassifierOnPool).
 */
import { concatArrays } from '../../core/concatArrays.js';
import {
  DEFAULT_CLASSIFIER_OPTIONS,
  usesUnlabeled,
  type ClassifierOptions,
} from '../../core/classifier/classifierOptions.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import { featureHaloPx } from '../../core/features/computeFeatures.js';
import {
  featureChannelNames,
  type FeatureConvention,
  type FeatureSelection,
} from '../../core/features/selection.js';
import type { PlanarImage } from '../../core/image.js';
import { featureOffsets } from '../../core/features/featureOffset.js';
import { DEFAULT_TILE_SIZE, tileGrid } from '../../core/tiling.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { fitClassifierOnPool } from './fitClassifierOnPool.js';
import { cropLabels, cropTile } from './tileCrops.js';
import type { TrainingSamples } from './trainingSamplesJob.js';

export interface TrainingInput {
  readonly image: PlanarImage;
  /** width × height: 0 = unlabeled, 1..K = class. */
  readonly labels: Uint8Array;
}

export type TrainingProgress = (stage: 'features' | 'fit', done: number, total: number) => void;

/**
 * The share of unlabeled pixels (of the labelled tiles or blocks) kept for semi-supervised EM: enough for
 * the classifier's sample count, none when it trains on labels only.
 */
export function unlabeledSampleFraction(options: Partial<ClassifierOptions>, unlabeled: number): number {
  const sampleCount =
    options.semiSupervised?.sampleCount ?? DEFAULT_CLASSIFIER_OPTIONS.semiSupervised.sampleCount;
  return usesUnlabeled(options) ? Math.min(1, sampleCount / Math.max(1, unlabeled)) : 0;
}

export async function trainClassifier(
  pool: WorkerPool,
  inputs: TrainingInput[],
  selection: FeatureSelection,
  convention: FeatureConvention,
  options: Partial<ClassifierOptions> = {},
  onProgress?: TrainingProgress,
  signal?: AbortSignal,
): Promise<FittedClassifier> {
  if (inputs.length === 0) throw new RangeError('no images to train on');
  const channelCount = inputs[0].image.channels.length;
  for (const { image, labels } of inputs) {
    if (labels.length !== image.width * image.height) {
      throw new RangeError(
        `labels hold ${labels.length} pixels but the image is ${image.width} × ${image.height}`,
      );
    }
    if (image.channels.length !== channelCount) {
      throw new RangeError(
        `all training images need the same number of channels (${channelCount} vs ${image.channels.length})`,
      );
    }
  }
  const halo = featureHaloPx(selection, convention);
  const jobs: {
    input: TrainingInput;
    tile: ReturnType<typeof tileGrid>[number];
    labels: Uint8Array;
    groupBase: number;
    offsets: number[];
  }[] = [];
  let unlabeledInLabeledTiles = 0;
  let groupBase = 0;
  for (const input of inputs) {
    const { width, height } = input.image;
    // One offset per image channel, shared by its tiles (featureOffset.ts).
    const offsets = featureOffsets(input.image.channels);
    for (const tile of tileGrid(width, height, DEFAULT_TILE_SIZE, halo)) {
      const labels = cropLabels(input.labels, width, tile.core);
      let labeled = 0;
      for (let i = 0; i < labels.length; i++) if (labels[i] > 0) labeled++;
      if (labeled === 0) continue;
      unlabeledInLabeledTiles += labels.length - labeled;
      jobs.push({ input, tile, labels, groupBase, offsets });
    }
    groupBase += Math.ceil(width / 8) * Math.ceil(height / 8) + 1;
  }
  if (jobs.length === 0) throw new RangeError('there are no labels to train on: paint at least two classes');
  const unlabeledFraction = unlabeledSampleFraction(options, unlabeledInLabeledTiles);
  let done = 0;
  const featureParts = Promise.all(
    jobs.map(async (job, index) => {
      const crop = cropTile(job.input.image, job.tile);
      const part = await pool.run(
        'trainingSamples',
        {
          ...crop,
          labels: job.labels,
          selection,
          convention,
          unlabeledFraction,
          seed: (options.seed ?? 0) * 7919 + index,
          origin: { x: job.tile.core.x, y: job.tile.core.y },
          imageWidth: job.input.image.width,
          groupBase: job.groupBase,
          offsets: job.offsets,
        },
        { signal, transfer: crop.planes.map((p) => p.buffer as ArrayBuffer) },
      );
      onProgress?.('features', ++done, jobs.length);
      return part;
    }),
  );
  // Recorded so that an image noisier than these can be predicted with the model widened to its noise.
  // Queued behind the tiles: measured by the first thread done with them, while the other ends its last.
  const trainingNoise = pool.run('trainingNoise', { images: inputs.map((input) => input.image) }, { signal });
  // (A failing tile is reported by the await below, not as unhandled should the fit throw first.)
  trainingNoise.catch(() => undefined);
  const model = await fitSampleParts(pool, await featureParts, options, onProgress, signal);
  const { noise } = await trainingNoise;
  return {
    ...model,
    featureNames: featureChannelNames(selection, channelCount),
    training: { ...model.training, noise },
  };
}

/**
 * The fit shared by the 2-D and the volume trainer: the rows of every labelled tile or block joined, then
 * EM on the pool (fitClassifierOnPool).
 */
export async function fitSampleParts(
  pool: WorkerPool,
  parts: TrainingSamples[],
  options: Partial<ClassifierOptions>,
  onProgress?: TrainingProgress,
  signal?: AbortSignal,
): Promise<FittedClassifier> {
  const merged = mergeSamples(parts);
  onProgress?.('fit', 0, 1);
  return fitClassifierOnPool(
    pool,
    {
      samples: merged.samples,
      labels: merged.labels,
      nFeatures: merged.nFeatures,
      unlabeled: merged.unlabeled,
      sampleGroups: merged.groups,
    },
    options,
    (fitDone, fitTotal) => onProgress?.('fit', fitDone, fitTotal),
    signal,
  );
}

function mergeSamples(parts: TrainingSamples[]): TrainingSamples {
  const d = parts[0].nFeatures;
  return {
    samples: concatArrays(
      Float32Array,
      parts.map((p) => p.samples),
    ),
    labels: concatArrays(
      Uint8Array,
      parts.map((p) => p.labels),
    ),
    groups: concatArrays(
      Int32Array,
      parts.map((p) => p.groups),
    ),
    unlabeled: concatArrays(
      Float32Array,
      parts.map((p) => p.unlabeled),
    ),
    nFeatures: d,
  };
}

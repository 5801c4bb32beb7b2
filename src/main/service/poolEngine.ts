/**
 * The ClassifierEngine over the worker pool: features with the shared feature bank (job 'featureTile',
 * written straight into shared memory that the service caches), fits with the per-class jobs of
 * fitClassifierOnPool, and predictions from cached features with job 'predictFeatures'. Image pixels are
 * copied once into shared memory, so no job copies them again.
 */
import {
  featureChannelCount,
  FEATURE_IDS,
  FEATURE_NAMES,
  presetSelection,
  type FeatureConvention,
} from '../../core/features/selection.js';
import type { ClassifierOptions, FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import { DEFAULT_CLASSIFIER_OPTIONS } from '../../core/classifier/classifierOptions.js';
import type { PlanarImage } from '../../core/image.js';
import type { ClassifierSettings, FeatureMatrix } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import { fitClassifierWithStart } from '../classify/fitClassifierOnPool.js';
import type { ClassMixturesStart } from '../../core/classifier/warmStart.js';
import { featureHaloPx } from '../../core/features/computeFeatures.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { calibrateFitted } from './unexplainedCalibration.js';
import type { PredictFeaturesInput, TileSubsample } from './jobs/predictFeaturesJob.js';

/** The window computes features as ilastik does, so projects trained here match ilastik's behaviour. */
export const WINDOW_FEATURE_CONVENTION: FeatureConvention = 'ilastik';

let modelCounter = 0;
const processTag = Math.random().toString(36).slice(2);

export function createPoolEngine(pool: WorkerPool): ClassifierEngine {
  return {
    featureNames: FEATURE_IDS.map((id) => FEATURE_NAMES[id]),
    defaultFeatures: () => presetSelection('default'),
    haloPx: (features) => featureHaloPx(features, WINDOW_FEATURE_CONVENTION),
    async computeTileFeatures(image, core, features, signal) {
      const n = core.width * core.height;
      const count = featureChannelCount(features, image.channels.length);
      const shared = new SharedArrayBuffer(count * n * 4);
      const planes = Array.from({ length: count }, (_, i) => new Float32Array(shared, i * n * 4, n));
      await pool.run(
        'featureTile',
        {
          planes: image.channels,
          width: image.width,
          height: image.height,
          core,
          selection: features,
          convention: WINDOW_FEATURE_CONVENTION,
          into: { planes, width: core.width, x: 0, y: 0 },
        },
        { signal },
      );
      return planes;
    },
    async fit(samples, labels, featureCount, settings, unlabeled, signal, warmStart) {
      const { model, start } = await fitClassifierWithStart(
        pool,
        {
          samples,
          labels,
          nFeatures: featureCount,
          unlabeled: settings.semiSupervised ? unlabeled : undefined,
        },
        classifierOptions(settings),
        { signal, warmStart: warmStart?.emStart as ClassMixturesStart | undefined },
      );
      return {
        classIds: model.classes,
        featureCount,
        fitted: model,
        key: `${processTag}-${++modelCounter}`,
        unexplained: calibrateFitted(model, samples, labels, unlabeled),
        emStart: start,
      };
    },
    predict: (model, features, pixelCount, signal, subsample) =>
      pool.run('predictFeatures', predictInput(model, features, pixelCount, subsample), { signal }),
    predictBytes: (model, features, pixelCount, signal, subsample) =>
      pool.run('predictFeatureBytes', predictInput(model, features, pixelCount, subsample), { signal }),
    predictStridedBytes: (model, tiles, signal) =>
      pool.run(
        'predictStridedBytes',
        {
          tiles,
          model: model.fitted as FittedClassifier,
          modelKey: model.key,
          unexplained: model.unexplained,
        },
        { signal },
      ),
    adaptModel: (input, signal) =>
      pool.run('adaptModel', input, { signal, transfer: input.planes.map((p) => p.buffer as ArrayBuffer) }),
    scoreFeatureSets: (input, signal) => pool.run('scoreFeatureSets', input, { signal }),
    async computeVolumeBlockFeatures(input, signal) {
      const result = await pool.run('volumeFeatureBlock', input, { signal });
      return result.planes;
    },
  };
}

function predictInput(
  model: TrainedModel,
  features: Float32Array[],
  pixelCount: number,
  subsample: TileSubsample | undefined,
): PredictFeaturesInput {
  return {
    features,
    pixelCount,
    subsample,
    model: model.fitted as FittedClassifier,
    modelKey: model.key,
    unexplained: model.unexplained,
  };
}

/** The window's two settings mapped onto the classifier's options; everything else keeps its default. */
export function classifierOptions(settings: ClassifierSettings): Partial<ClassifierOptions> {
  return {
    components: settings.components,
    maxComponents: Math.max(settings.components, DEFAULT_CLASSIFIER_OPTIONS.maxComponents),
    semiSupervised: { ...DEFAULT_CLASSIFIER_OPTIONS.semiSupervised, enabled: settings.semiSupervised },
  };
}

/**
 * The window starts from the classifier's own defaults (chosen on the accuracy benchmark), so a project
 * trained in the window behaves as `mixel train` would.
 */
export function defaultClassifierSettings(): ClassifierSettings {
  const d = DEFAULT_CLASSIFIER_OPTIONS;
  return {
    components: typeof d.components === 'number' ? d.components : d.maxComponents,
    semiSupervised: d.semiSupervised.enabled !== false,
  };
}

/** Copies an image's channels into shared memory, so feature jobs read them without a copy. */
export function toSharedImage(image: PlanarImage): PlanarImage {
  const n = image.width * image.height;
  const shared = new SharedArrayBuffer(image.channels.length * n * 4);
  const channels = image.channels.map((plane, c) => {
    const view = new Float32Array(shared, c * n * 4, n);
    view.set(plane);
    return view;
  });
  return { width: image.width, height: image.height, channels };
}

export type { Rect, TrainedModel, FeatureMatrix };

/**
 * The window's per-image adaptation: an image without any label (one the model was not trained on) is
 * predicted with the live model adapted to it (adaptClassifier, 'auto'), as `mixel predict` does; an
 * image with labels is predicted with the live model itself. The adapted model is computed once per
 * image and live model (features of a grid of windows, their work bounded by the image's own; a seeded
 * sample of their pixels; the fit on the worker pool: job 'adaptModel') and kept until the model is
 * replaced; the live model and the project are not changed.
 */
import { concatArrays } from '../../core/concatArrays.js';
import {
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
  NOISE_FEATURE_WINDOW,
} from '../../core/classifier/adaptation/adaptationConstants.js';
import {
  excessNoise,
  isNoiseMatchable,
  noiseMatchedModel,
  planeVariances,
  regionsNoiseSd,
  syntheticNoiseImage,
} from '../../core/classifier/adaptation/noiseMatch.js';
import { isAdaptable } from '../../core/classifier/adaptation/adaptedModel.js';
import { sampleWindows } from '../../core/classifier/adaptation/samplePixels.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { PlanarImage } from '../../core/image.js';
import type { FeatureMatrix } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import { adaptedResult, adaptModelInThread } from '../engine/jobs/adaptModelJob.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { hasAnyLabel } from './planeLabels.js';
import type { OpenImage } from './projectImage.js';
import { withTrainingNoise } from './trainingNoise.js';

/** Adapted models kept: one per image of the open project for the current model is plenty. */
const MAX_ADAPTED_MODELS = 64;

export class ImageAdaptation {
  private readonly adapted = new Map<string, Promise<TrainedModel>>();

  /** `trainingImages`: the project's images, whose labeled ones give the training noise (trainingNoise.ts). */
  constructor(
    private readonly engine: ClassifierEngine,
    private readonly trainingImages: () => Iterable<OpenImage> = () => [],
  ) {}

  /**
   * The model to predict `image` with: `model` adapted to it when the image holds no label (on any plane)
   * and its features are 2-D (adaptation samples 2-D feature windows).
   */
  modelFor(image: OpenImage, model: TrainedModel, features: FeatureMatrix): Promise<TrainedModel> {
    const fitted = model.fitted as FittedClassifier;
    if (!isFitted(fitted) || !isAdaptable(fitted) || hasAnyLabel(image) || features.dimensions === '3d') {
      return Promise.resolve(model);
    }
    const key = `${model.key}|${image.info.id}`;
    let pending = this.adapted.get(key);
    if (!pending) {
      // Not tied to one request's signal: every request for this image shares the result.
      pending = this.adapt(image, model, fitted, features);
      this.adapted.set(key, pending);
      pending.catch(() => this.adapted.delete(key));
      if (this.adapted.size > MAX_ADAPTED_MODELS)
        this.adapted.delete(this.adapted.keys().next().value as string);
    }
    return pending;
  }

  private async adapt(
    image: OpenImage,
    model: TrainedModel,
    fitted: FittedClassifier,
    features: FeatureMatrix,
  ): Promise<TrainedModel> {
    const { width, height } = image.pixels;
    const windows = sampleWindows(
      width,
      height,
      ADAPTATION_WINDOW_COUNT,
      ADAPTATION_WINDOW_SIZE,
      this.engine.haloPx(features),
    );
    // The pixels the features read (normalized under percentile normalization), as prediction uses:
    // features of the raw pixels would show the model a drift that prediction never sees.
    const pixels = image.normalized?.pixels ?? image.pixels;
    const parts = await Promise.all(
      windows.map((rect) => this.engine.computeTileFeatures(pixels, rect, features)),
    );
    const planes = parts[0].map((_, c) =>
      concatArrays(
        Float32Array,
        parts.map((p) => p[c]),
      ),
    );
    const base = await this.noiseMatched(fitted, pixels, windows, features);
    // The fit runs on the pool where the engine has one, so tiles and strokes are served meanwhile.
    const input = { model: base, planes, choice: 'auto' as const };
    const result = this.engine.adaptModel
      ? adaptedResult(base, await this.engine.adaptModel(input))
      : adaptModelInThread(input);
    if (result.model === fitted) return model;
    const noise = base === fitted ? '' : '|noise';
    return { ...model, fitted: result.model, key: `${model.key}|${image.info.id}${noise}|${result.applied}` };
  }

  /**
   * `fitted` widened to the image's extra noise (noiseMatch.ts) when the image is at least twice as noisy
   * as the labeled images, as `mixel predict` does (batch/noiseMatching.ts); else `fitted` itself.
   */
  private async noiseMatched(
    fitted: FittedClassifier,
    pixels: PlanarImage,
    windows: readonly Rect[],
    features: FeatureMatrix,
  ): Promise<FittedClassifier> {
    const recorded = withTrainingNoise(fitted, this.trainingImages());
    if (!isNoiseMatchable(recorded)) return fitted;
    const excess = excessNoise(recorded.training.noise!, regionsNoiseSd(pixels, windows));
    if (!excess) return fitted;
    const halo = this.engine.haloPx(features);
    const noiseImage = syntheticNoiseImage(excess, NOISE_FEATURE_WINDOW + 2 * halo);
    const core = { x: halo, y: halo, width: NOISE_FEATURE_WINDOW, height: NOISE_FEATURE_WINDOW };
    const planes = await this.engine.computeTileFeatures(noiseImage, core, features);
    return noiseMatchedModel(recorded, planeVariances(planes));
  }
}

function isFitted(value: unknown): value is FittedClassifier {
  return typeof value === 'object' && value !== null && 'mixture' in value && 'transform' in value;
}

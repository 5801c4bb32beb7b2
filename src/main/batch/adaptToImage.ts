/**
 * Per-image adaptation for `mixel predict` and the batch export: features of a grid of small windows of
 * the plane (on the worker pool, as prediction computes them), then a seeded sample of their pixels and
 * adaptClassifier's choice, on the pool too (job 'adaptModel'). The project's model is not changed: an
 * adapted copy and its own cache key come back, or the model itself when nothing is adapted, and the
 * normalization to predict the plane with — the project's, followed by the intensity transfer when that
 * was chosen, so the features of the transferred image are computed exactly.
 */
import { createHash } from 'node:crypto';
import { concatArrays } from '../../core/concatArrays.js';
import { adaptClassifier, type AdaptationResult } from '../../core/classifier/adaptation/adaptClassifier.js';
import {
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
  type AdaptationChoice,
} from '../../core/classifier/adaptation/adaptationConstants.js';
import { isAdaptable } from '../../core/classifier/adaptation/adaptedModel.js';
import { featureRoles, type FeatureRole } from '../../core/classifier/adaptation/featureRoles.js';
import {
  applyIntensityTransfer,
  type IntensityTransfer,
} from '../../core/classifier/adaptation/intensityTransfer.js';
import { noiseResponses, noiseSdFromResponses } from '../../core/classifier/adaptation/noiseMatch.js';
import { sampleWindows } from '../../core/classifier/adaptation/samplePixels.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import type { PlanarImage } from '../../core/image.js';
import type { ImageSource } from '../../core/imageSource.js';
import { growRect } from '../../core/tiling.js';
import { adaptedResult } from '../engine/jobs/adaptModelJob.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { matchPlaneNoise } from './noiseMatching.js';

/** What any adaptation needs, a plane's or a volume frame's. */
export interface AdaptationRequest {
  /** The same normalization prediction applies. */
  readonly normalize: (image: PlanarImage) => PlanarImage;
  readonly model: FittedClassifier;
  readonly modelKey: string;
  readonly pool: WorkerPool;
  readonly choice: AdaptationChoice;
  readonly classNames: readonly string[];
  readonly signal?: AbortSignal;
}

export interface AdaptPlaneOptions extends AdaptationRequest {
  readonly source: ImageSource;
  readonly plane: number;
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  readonly haloPx: number;
}

export interface AdaptedPlane {
  readonly model: FittedClassifier;
  readonly modelKey: string;
  /** What to normalize the plane's pixels with before its features: options.normalize, then the transfer. */
  readonly normalize: (image: PlanarImage) => PlanarImage;
  readonly result: AdaptationResult;
  readonly seconds: number;
}

export async function adaptToPlane(options: AdaptPlaneOptions): Promise<AdaptedPlane> {
  const started = performance.now();
  if (options.choice === 'off' || !isAdaptable(options.model)) return unadapted(options);
  const { planes, noise } = await windowFeatures(options);
  const { request, note } = await matchPlaneNoise(options, noise);
  const roles = featureRoles(request.selection, request.source.info.channels);
  return withNote(await adaptFromSample(request, planes, roles, started), note);
}

/** The adaptation's reason led by what noise matching did (noiseMatching.ts), if anything. */
export function withNote(adapted: AdaptedPlane, note: string | null): AdaptedPlane {
  return note ? { ...adapted, result: { ...adapted.result, reason: note + adapted.result.reason } } : adapted;
}

/** What prediction uses when nothing is adapted: the model, its key and the project's normalization. */
export function unadapted(options: AdaptationRequest): AdaptedPlane {
  const { model, modelKey, choice, normalize } = options;
  const result = adaptClassifier(model, new Float64Array(0), 0, choice === 'off' ? 'off' : choice);
  return { model, modelKey, normalize, result, seconds: 0 };
}

/** What the fit is drawn from: the sample windows' feature planes, or the sample's rows already drawn. */
export type AdaptationPixels = Float32Array[] | { readonly rows: Float64Array; readonly n: number };

/**
 * adaptClassifier's choice on the sample windows' feature planes (2-D or 3-D) or on a drawn sample, run on
 * the pool (job 'adaptModel') so this thread stays free for other images' work; an adapted model gets its
 * own cache key.
 */
export async function adaptFromSample(
  options: AdaptationRequest,
  pixels: AdaptationPixels,
  roles: readonly FeatureRole[] | null,
  started: number,
): Promise<AdaptedPlane> {
  const { model, modelKey, choice } = options;
  const planes = Array.isArray(pixels) ? pixels : [];
  const sample = Array.isArray(pixels) ? undefined : pixels;
  const output = await options.pool.run(
    'adaptModel',
    { model, planes, sample, choice, classNames: options.classNames, roles },
    {
      transfer: sample ? [sample.rows.buffer as ArrayBuffer] : planes.map((p) => p.buffer as ArrayBuffer),
      signal: options.signal,
    },
  );
  const result = adaptedResult(model, output);
  const adapted =
    result.model === model && !result.intensity
      ? modelKey
      : `${modelKey}:${createHash('sha256')
          .update(JSON.stringify([result.model, result.intensity]))
          .digest('hex')
          .slice(0, 16)}`;
  return {
    model: result.model,
    modelKey: adapted,
    normalize: withTransfer(options.normalize, result.intensity),
    result,
    seconds: (performance.now() - started) / 1000,
  };
}

function withTransfer(
  normalize: (image: PlanarImage) => PlanarImage,
  transfer: IntensityTransfer | null,
): (image: PlanarImage) => PlanarImage {
  return transfer ? (image) => applyIntensityTransfer(normalize(image), transfer) : normalize;
}

/**
 * Feature planes of the sample windows' cores, concatenated window after window, and each channel's
 * noise over those cores (noiseMatch.ts), from the same pixels.
 */
async function windowFeatures(
  options: AdaptPlaneOptions,
): Promise<{ planes: Float32Array[]; noise: number[] }> {
  const { source, plane, haloPx, pool, selection, convention } = options;
  const { width, height } = source.info;
  const windows = sampleWindows(width, height, ADAPTATION_WINDOW_COUNT, ADAPTATION_WINDOW_SIZE, haloPx);
  const parts = await Promise.all(
    windows.map(async (core) => {
      const outer = growRect(core, haloPx, width, height);
      // Copies, so each travels to the worker alone even if the reader's planes share one buffer.
      const planes = options.normalize(await source.readRegion(outer, plane)).channels.map((c) => c.slice());
      const region = { x: core.x - outer.x, y: core.y - outer.y, width: core.width, height: core.height };
      const responses = planes.map((c) => noiseResponses(c, outer.width, outer.height, region));
      const result = await pool.run(
        'featureTile',
        { planes, width: outer.width, height: outer.height, core: region, selection, convention },
        { transfer: planes.map((p) => p.buffer as ArrayBuffer), signal: options.signal },
      );
      return { planes: result.planes, responses };
    }),
  );
  const channels = source.info.channels;
  return {
    planes: (parts[0]?.planes ?? []).map((_, c) =>
      concatArrays(
        Float32Array,
        parts.map((part) => part.planes[c]),
      ),
    ),
    noise: Array.from({ length: channels }, (_, c) => noiseSdFromResponses(parts.map((p) => p.responses[c]))),
  };
}

/**
 * Job 'classifyTile': features of one tile computed and consumed inside the worker (49+ planes never
 * travel between threads), then per-class probabilities for the tile's core. The prepared model (the
 * standardization folded into the projection, Cholesky factors) is cached per worker by modelKey.
 */
import { computeFeatures } from '../../../core/features/computeFeatures.js';
import type { FeatureConvention, FeatureSelection } from '../../../core/features/selection.js';
import {
  predictProbabilities,
  prepareClassifier,
  type FittedClassifier,
  type PreparedClassifier,
} from '../../../core/classifier/PixelClassifier.js';
import type { TileCrop } from '../../../core/tiling.js';

export interface ClassifyTileInput extends TileCrop {
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  /**
   * The image's feature offsets (featureOffsets of the whole image or plane, one per channel), so that its
   * tiles share them and stitch exactly; default: each tile's own (featureOffset.ts).
   */
  readonly offsets?: readonly number[];
  readonly model: FittedClassifier;
  /** Identifies the model (e.g. a hash of its JSON) so each worker prepares it once. */
  readonly modelKey: string;
}

/** A few models (the live one and the one being replaced) are enough; more only holds memory. */
const MAX_CACHED_MODELS = 2;
const prepared = new Map<string, PreparedClassifier>();

export function preparedFor(model: FittedClassifier, modelKey: string): PreparedClassifier {
  let p = prepared.get(modelKey);
  if (!p) {
    p = prepareClassifier(model);
    prepared.set(modelKey, p);
    if (prepared.size > MAX_CACHED_MODELS) prepared.delete(prepared.keys().next().value as string);
  }
  return p;
}

export function classifyTileJob(input: ClassifyTileInput): { probabilities: Float32Array[] } {
  const { planes, width, height, core } = input;
  const features = computeFeatures(
    { width, height, channels: planes },
    input.selection,
    input.convention,
    core,
    { offsets: input.offsets },
  );
  const model = preparedFor(input.model, input.modelKey);
  return { probabilities: predictProbabilities(model, features, core.width * core.height) };
}

/**
 * The window's current classifier and whether it is still good: every label, class or feature change
 * bumps a version, and the model remembers the version it was fitted on. A preview may fit a quick model
 * (a small subsample, supervised only); a full-resolution request or a save then refits properly.
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { ClassifierSettings } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { MAX_TRAINING_SAMPLES_PER_CLASS, QUICK_FIT_SAMPLES_PER_CLASS } from './constants.js';
import { collectTrainingSamples, type LabeledImage } from './trainingSamples.js';

/** What a fit reads: every image's labels, the class values, and a tile's features on demand. */
export interface TrainingSource {
  readonly images: readonly LabeledImage[];
  readonly classIds: readonly number[];
  readonly tileFeatures: (image: LabeledImage, core: Rect) => Promise<Float32Array[]>;
}

export class LiveModel {
  private model: TrainedModel | null = null;
  private labelsVersion = 0;
  private modelVersion = -1;
  private isQuick = false;

  constructor(private readonly engine: ClassifierEngine) {}

  get current(): TrainedModel | null {
    return this.model;
  }

  /** Labels changed: the model stays usable (it is shown until the refit) but is stale. */
  labelsChanged(): void {
    this.labelsVersion++;
  }

  /** Classes, features or settings changed: the model no longer fits the project at all. */
  invalidate(): void {
    this.model = null;
    this.labelsVersion++;
  }

  /** A model fitted on the current labels with the full settings (not a preview's quick fit). */
  isFinal(): boolean {
    return this.model !== null && this.modelVersion === this.labelsVersion && !this.isQuick;
  }

  /** Whether a request of this kind should refit first. */
  needsTraining(isPreview: boolean): boolean {
    const isStale = this.model === null || this.modelVersion !== this.labelsVersion;
    return isStale || (this.isQuick && !isPreview);
  }

  /**
   * Fits the classifier on the labels of every image. `quick` (for a preview) fits on a small subsample,
   * supervised only, so the preview appears fast. A fit whose signal was aborted changes nothing.
   */
  async train(
    source: TrainingSource,
    settings: ClassifierSettings,
    signal: AbortSignal,
    quick = false,
  ): Promise<void> {
    const version = this.labelsVersion;
    const matrix = await collectTrainingSamples(
      source.images,
      source.classIds,
      PREDICTION_TILE_SIZE,
      source.tileFeatures,
      quick ? QUICK_FIT_SAMPLES_PER_CLASS : MAX_TRAINING_SAMPLES_PER_CLASS,
    );
    if (!matrix || matrix.classIds.length < 2) {
      this.model = null;
      this.modelVersion = version;
      this.isQuick = false;
      return;
    }
    const trained = await this.engine.fit(
      matrix.samples,
      matrix.labels,
      matrix.featureCount,
      quick ? { ...settings, semiSupervised: false } : settings,
      matrix.unlabeled,
      signal,
    );
    if (signal.aborted) return;
    this.model = trained;
    this.modelVersion = version;
    this.isQuick = quick;
  }
}

/**
 * The window's current classifier and whether it is still good: every label, class or feature change
 * bumps a version, and the model remembers the version it was fitted on. A preview may fit a quick model
 * (a small subsample, supervised only), the full-resolution overlay a cheaper live one; Save and Export
 * then refit with the project's own settings (liveFit.ts).
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { ClassifierSettings } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { fitPlan, MAX_WARM_STARTS_IN_A_ROW, type FitLevel } from './liveFit.js';
import { collectTrainingSamples, type LabeledImage } from './trainingSamples.js';

/** What a fit reads: every image's labels, the class values, and a tile's features on demand. */
export interface TrainingSource {
  readonly images: readonly LabeledImage[];
  readonly classIds: readonly number[];
  /** `signal` is the fit's own: a fit shared by several callers stops only when all of them have. */
  readonly tileFeatures: (image: LabeledImage, core: Rect, signal: AbortSignal) => Promise<Float32Array[]>;
}

/** A fit under way, shared by every caller that wants the same fit (one per window asking at once). */
interface SharedFit {
  readonly version: number;
  readonly level: FitLevel;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  waiters: number;
}

export class LiveModel {
  private model: TrainedModel | null = null;
  private labelsVersion = 0;
  private modelVersion = -1;
  /** labelsVersion at the last invalidate(): a fit of an older version fitted other features or classes. */
  private invalidatedVersion = 0;
  private level: FitLevel = 'final';
  /** The fit a full-resolution overlay asks for ('final' makes the live loop fit as Save does: bench:live compares). */
  displayLevel: Exclude<FitLevel, 'quick'> = 'live';
  /** Whether live fits start EM from the last live model (warmStartFor); bench:live-backend compares. */
  warmStart = true;
  /** Whether a preview fits at the live level when that fit starts warm (levelFor); bench:live-backend compares. */
  warmPreview = true;
  /** The last live fit and how many warm starts in a row led to it; none after invalidate(). */
  private lastLive: { model: TrainedModel; warmInARow: number } | null = null;
  private shared: SharedFit | null = null;
  /** The display-level fit started ahead of its request (prefetchDisplayFit); the next labels change stops it. */
  private prefetched: AbortController | null = null;

  constructor(private readonly engine: ClassifierEngine) {}

  get current(): TrainedModel | null {
    return this.model;
  }

  /** Labels changed: the model stays usable (it is shown until the refit) but is stale. */
  labelsChanged(): void {
    this.labelsVersion++;
    this.stopPrefetch();
  }

  /** Classes, features or settings changed: the model no longer fits the project at all. */
  invalidate(): void {
    this.model = null;
    this.lastLive = null;
    this.labelsVersion++;
    this.invalidatedVersion = this.labelsVersion;
    this.stopPrefetch();
  }

  /**
   * Starts the full-resolution overlay's fit now, without waiting for it, when that overlay will need one:
   * called once a preview's tiles are out, so the fit runs while the window paints the preview and sends
   * its full-resolution request, which then joins this fit (train) instead of starting it.
   * `start` is this model's train with the source and settings of the caller.
   */
  prefetchDisplayFit(start: (signal: AbortSignal, level: FitLevel) => Promise<void>): void {
    if (!this.needsTraining(false)) return;
    this.stopPrefetch();
    const controller = new AbortController();
    this.prefetched = controller;
    start(controller.signal, this.displayLevel).catch(() => undefined); // its request sees any failure
  }

  private stopPrefetch(): void {
    this.prefetched?.abort();
    this.prefetched = null;
  }

  /** A model fitted on the current labels with the project's own settings (not a quick or live fit). */
  isFinal(): boolean {
    return this.model !== null && this.modelVersion === this.labelsVersion && this.level === 'final';
  }

  /**
   * The fit a request of this kind asks for: the full-resolution overlay the display level; the preview
   * the quick fit (it appears first and is what painting waits for: bench:live measured it 199 ms with the
   * quick fit against 310 ms when it waited for a cold live fit), unless the live fit can start warm from
   * the last one (warmStartFor): then the preview gets the live fit, which costs little more than the quick
   * one, and the full-resolution pass needs no fit of its own (bench:live-backend, three runs alternating
   * at load 6–8: stroke → full-resolution 614 / 749 / 679 against 680 / 853 / 755 ms, backend CPU per
   * stroke 396 / 435 / 409 against 464 / 550 / 499 ms, preview 188–257 against 155–176 ms).
   */
  levelFor(isPreview: boolean): FitLevel {
    if (!isPreview) return this.displayLevel;
    const isLiveWarm = this.warmPreview && this.displayLevel === 'live' && this.warmStartFor('live') !== null;
    return isLiveWarm ? 'live' : 'quick';
  }

  /** Whether a request of this kind should refit first. */
  needsTraining(isPreview: boolean): boolean {
    const isStale = this.model === null || this.modelVersion !== this.labelsVersion;
    return isStale || (this.level === 'quick' && !isPreview);
  }

  /**
   * Fits the classifier on the labels of every image, at `level` (liveFit.ts): 'quick' (for a preview) fits on a small subsample,
   * supervised only, so the preview appears fast. Callers asking for the same fit while one runs (several
   * windows after one stroke) wait for that one instead of each starting its own; it is aborted only when
   * every caller waiting for it has aborted. A fit that was aborted changes nothing.
   */
  async train(
    source: TrainingSource,
    settings: ClassifierSettings,
    signal: AbortSignal,
    level: FitLevel = 'final',
  ): Promise<void> {
    const version = this.labelsVersion;
    let fit = this.shared;
    if (!fit || fit.version !== version || fit.level !== level || fit.controller.signal.aborted) {
      const controller = new AbortController();
      const started: SharedFit = {
        version,
        level,
        controller,
        done: this.fit(source, settings, controller.signal, level, version),
        waiters: 0,
      };
      this.shared = fit = started;
      started.done
        .finally(() => {
          if (this.shared === started) this.shared = null;
        })
        .catch(() => undefined); // each waiter sees the failure through `done`
    }
    const joined = fit;
    joined.waiters++;
    const leave = () => {
      if (--joined.waiters === 0) joined.controller.abort();
    };
    if (signal.aborted) leave();
    else signal.addEventListener('abort', leave, { once: true });
    try {
      await joined.done;
    } finally {
      signal.removeEventListener('abort', leave);
    }
  }

  private async fit(
    source: TrainingSource,
    settings: ClassifierSettings,
    signal: AbortSignal,
    level: FitLevel,
    version: number,
  ): Promise<void> {
    const plan = fitPlan(level, settings);
    const matrix = await collectTrainingSamples(
      source.images,
      source.classIds,
      PREDICTION_TILE_SIZE,
      (image, core) => source.tileFeatures(image, core, signal),
      plan.samplesPerClass,
    );
    // A fit of older labels that ends after a newer one must not replace it, nor may a fit begun before
    // the features or classes changed (its model would be shown as current and predict the new features).
    if (version < this.modelVersion || version < this.invalidatedVersion) return;
    if (!matrix || matrix.classIds.length < 2) {
      this.model = null;
      this.modelVersion = version;
      this.level = 'final';
      return;
    }
    const start = this.warmStartFor(level);
    const trained = await this.engine.fit(
      matrix.samples,
      matrix.labels,
      matrix.featureCount,
      plan.settings,
      matrix.unlabeled,
      signal,
      start?.model,
    );
    if (signal.aborted || version < this.modelVersion || version < this.invalidatedVersion) return;
    this.model = trained;
    this.modelVersion = version;
    this.level = level;
    if (level === 'live') this.lastLive = { model: trained, warmInARow: start ? start.warmInARow + 1 : 0 };
  }

  /**
   * The model a fit of this level starts EM from: live fits start from the last live fit (the labels
   * differ by a stroke or so; the engine starts cold wherever classes, features or sizes differ), except
   * after MAX_WARM_STARTS_IN_A_ROW, so a long session of painting does not drift from what a fresh start
   * finds. Quick fits are small and Save's final fit must not depend on the painting's history.
   */
  private warmStartFor(level: FitLevel): { model: TrainedModel; warmInARow: number } | null {
    const last = this.lastLive;
    if (level !== 'live' || !this.warmStart || !last || last.warmInARow >= MAX_WARM_STARTS_IN_A_ROW)
      return null;
    return last;
  }
}

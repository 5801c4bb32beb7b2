/**
 * The one implementation of MixelService (STYLE.md §3). Holds the open project (images in memory, strokes,
 * label rasters derived from them), a per-tile feature cache and the current model. Heavy work goes to the
 * ClassifierEngine (the worker pool); this class only orchestrates, so the Electron main thread and the
 * browser-mode server stay responsive.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { rasterizeStroke, rerasterizeRect } from '../../core/labels/rasterizeStroke.js';
import { strokeBounds, type Stroke } from '../../core/labels/Stroke.js';
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import { MAX_TRAINING_SAMPLES_PER_CLASS, QUICK_FIT_SAMPLES_PER_CLASS } from './constants.js';
import { Emitter } from '../../core/protocol/Event.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type {
  ClassifierSettings,
  ExportRequest,
  ExportResult,
  FeatureMatrix,
  ImageTile,
  ImageTileRequest,
  LabelChange,
  LabelClass,
  PredictRequest,
  PredictResult,
  ProbabilityTile,
  Progress,
  ProjectImage,
  ProjectState,
} from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { exportOneImage } from './exportImage.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import { defaultClassifierSettings } from './poolEngine.js';
import { loadProjectImage, type LoadedPixels, type OpenImage } from './projectImage.js';
import { clipRect, forEachLimited, newController, quantize } from './tileHelpers.js';
import { TilePredictor } from './TilePredictor.js';
import { readProjectFile, writeProjectFile } from './projectFileAdapter.js';
import { collectTrainingSamples } from './trainingSamples.js';

export interface LocalMixelServiceOptions {
  readonly engine: ClassifierEngine;
  /** Folder for the built-in sample and for uploaded images. */
  readonly dataDir: string;
  /** Reads a whole image file; throws an Error whose message names the problem. */
  readonly loadImage: (path: string) => Promise<LoadedPixels>;
  /** Writes the built-in sample into a folder and returns its image path. */
  readonly writeSample: (dir: string) => Promise<string>;
  /** Tiles predicted at once; one per worker thread keeps every thread busy without queueing far ahead. */
  readonly concurrency?: number;
}

const DEFAULT_TILE_CONCURRENCY = 2;
/** Progress for a prediction is reported once it has run this long (a cached-feature update never shows one). */
const PROGRESS_AFTER_MS = 1000;

export const DEFAULT_CLASSES: readonly LabelClass[] = [
  { id: 1, name: 'Background', color: '#e0c020' },
  { id: 2, name: 'Foreground', color: '#2080ff' },
];

export const DEFAULT_CLASSIFIER: ClassifierSettings = defaultClassifierSettings();

export class LocalMixelService implements MixelService {
  private readonly progress = new Emitter<Progress>();
  private readonly tiles = new Emitter<ProbabilityTile>();
  readonly onDidProgress = this.progress.event;
  readonly onDidUpdateTile = this.tiles.event;

  private path: string | null = null;
  private classes: LabelClass[] = [...DEFAULT_CLASSES];
  private images = new Map<string, OpenImage>();
  private strokes = new Map<string, Stroke>();
  private features: FeatureMatrix;
  private classifier: ClassifierSettings = DEFAULT_CLASSIFIER;
  private readonly cache = new FeatureTileCache();
  private readonly predictor: TilePredictor;
  private model: TrainedModel | null = null;
  /** Bumped on every change that invalidates the model; the model remembers the version it was fit on. */
  private labelsVersion = 0;
  private modelVersion = -1;
  /** The model is the quick one fitted for a preview; a full-resolution request refits properly. */
  private isModelQuick = false;
  private readonly running = new Map<number, AbortController>();
  private currentPredict: AbortController | null = null;

  constructor(private readonly options: LocalMixelServiceOptions) {
    this.features = options.engine.defaultFeatures();
    this.predictor = new TilePredictor(options.engine, this.cache);
  }

  async getProject(): Promise<ProjectState> {
    return {
      path: this.path,
      classes: this.classes,
      images: [...this.images.values()].map((im) => im.info),
      strokes: [...this.strokes.values()],
      features: this.features,
      featureNames: this.options.engine.featureNames,
      classifier: this.classifier,
      hasModel: this.model !== null,
    };
  }

  async newProject(): Promise<ProjectState> {
    this.reset(null, [...DEFAULT_CLASSES], this.options.engine.defaultFeatures(), DEFAULT_CLASSIFIER);
    return this.getProject();
  }

  async openSampleProject(): Promise<ProjectState> {
    const dir = join(this.options.dataDir, 'sample');
    const imagePath = await this.options.writeSample(dir);
    const image = await this.readProjectImage(imagePath, 'sample');
    this.reset(
      null,
      [
        { id: 1, name: 'background', color: '#e0c020' },
        { id: 2, name: 'nucleus', color: '#2080ff' },
      ],
      this.options.engine.defaultFeatures(),
      DEFAULT_CLASSIFIER,
    );
    this.images.set(image.info.id, image);
    return this.getProject();
  }

  async openProject(path: string): Promise<ProjectState> {
    const full = resolve(path);
    const doc = await readProjectFile(full, this.options.engine, (p, id) => this.readProjectImage(p, id));
    this.reset(full, doc.classes, doc.features, this.classifier);
    for (const im of doc.images) this.images.set(im.info.id, im);
    this.labelsVersion++;
    return this.getProject();
  }

  async saveProject(path?: string): Promise<{ path: string }> {
    const target = path ? resolve(path) : this.path;
    if (!target)
      throw new ServiceError('no-path', 'this project has never been saved: choose a file to save it to');
    // The file carries a model current with its labels, so `mixel predict` can run it as saved.
    if (!this.isModelFinal()) await this.train(newController().signal).catch(() => undefined);
    const isModelCurrent = this.model !== null && this.isModelFinal();
    await writeProjectFile(target, {
      classes: this.classes,
      images: [...this.images.values()],
      features: this.features,
      model: isModelCurrent ? (this.model!.fitted as FittedClassifier) : null,
    });
    this.path = target;
    return { path: target };
  }

  /** The labels an image had when its project was opened (strokes come on top), or null. */
  async getBaseLabels(imageId: string): Promise<Uint8Array | null> {
    return this.requireImage(imageId).base;
  }

  async addImage(path: string): Promise<ProjectImage> {
    const image = await this.readProjectImage(resolve(path), randomUUID());
    const other = this.images.values().next().value;
    if (other && other.info.channelCount !== image.info.channelCount) {
      // One classifier serves every image, so every image must give the same feature channels.
      throw new ServiceError(
        'channel-mismatch',
        `${image.info.name} has ${image.info.channelCount} channel(s) but the project's images have ${other.info.channelCount}: ` +
          'all images of a project need the same channels (start a new project for this one)',
      );
    }
    this.images.set(image.info.id, image);
    return image.info;
  }

  async uploadImage(fileName: string, bytes: ArrayBuffer): Promise<ProjectImage> {
    const dir = join(this.options.dataDir, 'uploads', randomUUID());
    await mkdir(dir, { recursive: true });
    const target = join(dir, basename(fileName));
    await writeFile(target, new Uint8Array(bytes));
    return this.addImage(target);
  }

  async removeImage(imageId: string): Promise<ProjectState> {
    this.requireImage(imageId);
    this.images.delete(imageId);
    for (const [id, s] of this.strokes) if (s.imageId === imageId) this.strokes.delete(id);
    this.cache.clear(imageId);
    this.labelsVersion++;
    return this.getProject();
  }

  async getImageTile(request: ImageTileRequest): Promise<ImageTile> {
    const image = this.requireImage(request.imageId);
    const rect = clipRect(request.rect, image.info.width, image.info.height);
    const step = 2 ** request.level;
    const width = Math.max(1, Math.ceil(rect.width / step));
    const height = Math.max(1, Math.ceil(rect.height / step));
    const channels = image.pixels.channels.map((plane) => {
      const out = new Float32Array(width * height);
      for (let y = 0; y < height; y++) {
        const row = (rect.y + y * step) * image.info.width + rect.x;
        for (let x = 0; x < width; x++) out[y * width + x] = plane[row + x * step];
      }
      return out;
    });
    return { imageId: request.imageId, level: request.level, rect, width, height, channels };
  }

  async setClasses(classes: LabelClass[]): Promise<ProjectState> {
    const kept = new Set(classes.map((c) => c.id));
    const touched = new Set<string>();
    for (const [id, s] of this.strokes) {
      if (s.mode === 'paint' && !kept.has(s.classId)) {
        this.strokes.delete(id);
        touched.add(s.imageId);
      }
    }
    for (const image of this.images.values()) {
      const base = image.base;
      if (!base) continue;
      for (let i = 0; i < base.length; i++) {
        if (base[i] !== 0 && !kept.has(base[i])) {
          base[i] = 0;
          touched.add(image.info.id);
        }
      }
    }
    for (const imageId of touched) this.rebuildLabels(this.images.get(imageId)!);
    if (touched.size > 0 || classes.length !== this.classes.length) this.invalidateModel();
    this.classes = classes;
    return this.getProject();
  }

  async applyLabelChange(change: LabelChange): Promise<void> {
    for (const s of change.added) {
      this.requireImage(s.imageId);
      if (s.mode === 'paint' && !this.classes.some((c) => c.id === s.classId)) {
        throw new ServiceError(
          'unknown-class',
          `stroke ${s.id} paints class ${s.classId}, which the project does not have`,
        );
      }
    }
    for (const id of change.removed) {
      const s = this.strokes.get(id);
      if (!s) continue;
      this.strokes.delete(id);
      const image = this.images.get(s.imageId)!;
      const bounds = strokeBounds(s, image.info.width, image.info.height);
      const remaining = [...this.strokes.values()].filter((o) => o.imageId === s.imageId);
      if (bounds)
        rerasterizeRect(
          image.labels,
          image.info.width,
          image.info.height,
          remaining,
          bounds,
          image.base ?? undefined,
        );
    }
    for (const s of change.added) {
      this.strokes.set(s.id, s);
      const image = this.images.get(s.imageId)!;
      rasterizeStroke(image.labels, image.info.width, image.info.height, s);
    }
    if (change.added.length > 0 || change.removed.length > 0) this.labelsVersion++;
  }

  async setFeatureSelection(features: FeatureMatrix): Promise<ProjectState> {
    const rows = this.options.engine.featureNames.length;
    if (
      features.enabled.length !== rows ||
      features.enabled.some((r) => r.length !== features.scales.length)
    ) {
      throw new ServiceError(
        'invalid-argument',
        `the feature matrix must have ${rows} rows of ${features.scales.length} scales`,
      );
    }
    if (!features.enabled.some((r) => r.some(Boolean))) {
      throw new ServiceError('invalid-argument', 'select at least one feature');
    }
    this.features = features;
    this.cache.clear();
    this.invalidateModel();
    return this.getProject();
  }

  async setClassifierSettings(settings: ClassifierSettings): Promise<ProjectState> {
    this.classifier = settings;
    this.invalidateModel();
    return this.getProject();
  }

  async predictTiles(request: PredictRequest): Promise<PredictResult> {
    const started = performance.now();
    this.currentPredict?.abort();
    const controller = newController();
    this.currentPredict = controller;
    this.running.set(request.requestId, controller);
    const { signal } = controller;
    let trainMs = 0;
    let tilesDone = 0;
    try {
      const image = this.requireImage(request.imageId);
      const isPreview = (request.stride ?? 1) > 1;
      const isStale = this.model === null || this.modelVersion !== this.labelsVersion;
      if (request.retrain && (isStale || (this.isModelQuick && !isPreview))) {
        const t0 = performance.now();
        await this.train(signal, isPreview);
        trainMs = performance.now() - t0;
      }
      const model = this.model;
      if (!model) {
        return {
          requestId: request.requestId,
          tilesDone: 0,
          isCancelled: false,
          hasModel: false,
          trainMs,
          totalMs: performance.now() - started,
        };
      }
      // A few tiles at a time (one per worker): each tile goes features → prediction → screen before the
      // later ones start, so the first probabilities appear after one tile's work, not after all features.
      await forEachLimited(
        request.tiles,
        this.options.concurrency ?? DEFAULT_TILE_CONCURRENCY,
        signal,
        async (tile) => {
          const rect = clipRect(tile, image.info.width, image.info.height);
          const stride = request.stride ?? 1;
          const probabilities =
            stride > 1
              ? await this.predictPreview(image, rect, model, stride, signal)
              : await this.predictRect(image, rect, model, signal);
          if (signal.aborted) return;
          this.tiles.fire({
            requestId: request.requestId,
            imageId: image.info.id,
            rect,
            stride,
            width: Math.ceil(rect.width / stride),
            height: Math.ceil(rect.height / stride),
            classCount: this.classes.length,
            probabilities: quantize(probabilities),
          });
          tilesDone++;
          // Only slow requests (features still being computed) are worth a progress bar.
          if (performance.now() - started > PROGRESS_AFTER_MS) {
            this.progress.fire({
              requestId: request.requestId,
              task: 'Predicting tiles',
              done: tilesDone,
              total: request.tiles.length,
            });
          }
        },
      );
      return {
        requestId: request.requestId,
        tilesDone,
        isCancelled: false,
        hasModel: true,
        trainMs,
        totalMs: performance.now() - started,
      };
    } catch (err) {
      if (signal.aborted) {
        return {
          requestId: request.requestId,
          tilesDone,
          isCancelled: true,
          hasModel: this.model !== null,
          trainMs,
          totalMs: performance.now() - started,
        };
      }
      throw err;
    } finally {
      this.running.delete(request.requestId);
      if (this.currentPredict === controller) this.currentPredict = null;
    }
  }

  async exportImages(request: ExportRequest): Promise<ExportResult> {
    const controller = newController();
    this.running.set(request.requestId, controller);
    const { signal } = controller;
    const results: ExportResult['images'][number][] = [];
    const total = request.imageIds.length;
    try {
      const report = (p: Omit<Progress, 'requestId' | 'task' | 'total'>) =>
        this.progress.fire({ requestId: request.requestId, task: 'Exporting', total, ...p });
      if (!this.isModelFinal()) await this.train(signal);
      for (const [i, imageId] of request.imageIds.entries()) {
        if (signal.aborted) break;
        const image = this.images.get(imageId);
        try {
          if (!image) throw new Error(`image ${imageId} is not in the project`);
          const model = this.model;
          if (request.sources.some((s) => s !== 'labels') && !model) {
            throw new Error('no classifier yet: paint labels for at least two classes first');
          }
          const paths = await exportOneImage({
            image: image.info,
            labels: image.labels,
            classes: this.classes,
            request,
            predict: (rect) => this.predictRect(image, rect, model!, signal),
            onFraction: (imageFraction) => report({ done: i, imageId, imageFraction }),
          });
          results.push({ imageId, paths });
          report({ done: i + 1, imageId, imageFraction: 1 });
        } catch (err) {
          if (signal.aborted) break;
          const error = (err as Error).message;
          results.push({ imageId, paths: [], error });
          report({ done: i + 1, imageId, error });
        }
      }
      return { requestId: request.requestId, images: results, isCancelled: signal.aborted };
    } finally {
      this.running.delete(request.requestId);
    }
  }

  async cancel(requestId: number): Promise<void> {
    this.running.get(requestId)?.abort();
  }

  /** Stops running work; the engine (worker pool) is closed by whoever created it. */
  dispose(): void {
    for (const c of this.running.values()) c.abort();
  }

  /** Features of one prediction tile, from the cache or computed in the pool. */
  private tileFeatures(image: OpenImage, rect: Rect, signal?: AbortSignal): Promise<Float32Array[]> {
    return this.predictor.features(image, rect, this.features, signal);
  }

  private predictRect(
    image: OpenImage,
    rect: Rect,
    model: TrainedModel,
    signal?: AbortSignal,
  ): Promise<Float32Array> {
    return this.predictor.predictRect(image, rect, model, this.classes, this.features, signal);
  }

  private predictPreview(
    image: OpenImage,
    rect: Rect,
    model: TrainedModel,
    stride: number,
    signal?: AbortSignal,
  ): Promise<Float32Array> {
    return this.predictor.predictPreview(image, rect, model, stride, this.classes, this.features, signal);
  }

  /** A model fitted on the current labels with the full settings (not a preview's quick fit). */
  private isModelFinal(): boolean {
    return this.model !== null && this.modelVersion === this.labelsVersion && !this.isModelQuick;
  }

  /**
   * Fits the classifier on the labels of every image. `quick` (for a preview) fits on a small subsample,
   * supervised only, so the preview appears fast; the full-resolution pass then refits properly.
   */
  private async train(signal: AbortSignal, quick = false): Promise<void> {
    const version = this.labelsVersion;
    const matrix = await collectTrainingSamples(
      [...this.images.values()].map((im) => ({
        id: im.info.id,
        width: im.info.width,
        height: im.info.height,
        labels: im.labels,
      })),
      this.classes.map((c) => c.id),
      PREDICTION_TILE_SIZE,
      (im, core) => this.tileFeatures(this.images.get(im.id)!, core, signal),
      quick ? QUICK_FIT_SAMPLES_PER_CLASS : MAX_TRAINING_SAMPLES_PER_CLASS,
    );
    if (!matrix || matrix.classIds.length < 2) {
      this.model = null;
      this.modelVersion = version;
      this.isModelQuick = false;
      return;
    }
    const trained = await this.options.engine.fit(
      matrix.samples,
      matrix.labels,
      matrix.featureCount,
      quick ? { ...this.classifier, semiSupervised: false } : this.classifier,
      matrix.unlabeled,
      signal,
    );
    if (signal.aborted) return;
    this.model = trained;
    this.modelVersion = version;
    this.isModelQuick = quick;
  }

  private invalidateModel(): void {
    this.model = null;
    this.labelsVersion++;
  }

  private reset(
    path: string | null,
    classes: LabelClass[],
    features: FeatureMatrix,
    classifier: ClassifierSettings,
  ): void {
    this.currentPredict?.abort();
    this.path = path;
    this.classes = classes;
    this.images = new Map();
    this.strokes = new Map();
    this.features = features;
    this.classifier = classifier;
    this.cache.clear();
    this.invalidateModel();
  }

  private rebuildLabels(image: OpenImage): void {
    if (image.base) image.labels.set(image.base);
    else image.labels.fill(0);
    for (const s of this.strokes.values()) {
      if (s.imageId === image.info.id) rasterizeStroke(image.labels, image.info.width, image.info.height, s);
    }
    this.labelsVersion++;
  }

  private requireImage(imageId: string): OpenImage {
    const image = this.images.get(imageId);
    if (!image)
      throw new ServiceError('unknown-image', `image ${imageId} is not in the project (reload the project)`);
    return image;
  }

  private readProjectImage(path: string, id: string): Promise<OpenImage> {
    return loadProjectImage(this.options.loadImage, path, id);
  }
}

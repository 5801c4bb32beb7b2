/**
 * The one implementation of MixelService (STYLE.md §3). Holds the open project (images in memory, strokes,
 * label rasters derived from them), a per-tile feature cache and the current model. Heavy work goes to the
 * ClassifierEngine (the worker pool); this class only orchestrates, so the Electron main thread and the
 * browser-mode server stay responsive.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { DEFAULT_NORMALIZATION_MODE } from '../../core/normalization.js';
import { Emitter } from '../../core/protocol/Event.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { uploadNameProblem } from '../../core/protocol/schemas.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { FeatureTile, FeatureTileRequest } from '../../core/protocol/types.js';
import type {
  AutosaveInfo,
  ClassifierSettings,
  ExportRequest,
  ExportResult,
  FeatureMatrix,
  ImageTile,
  ImageTileRequest,
  LabelChange,
  LabelClass,
  NormalizationMode,
  PredictRequest,
  PredictResult,
  ProbabilityTile,
  Progress,
  ProjectImage,
  ProjectState,
  SuggestFeaturesRequest,
  SuggestFeaturesResult,
  FolderListing,
} from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { LiveModel } from './LiveModel.js';
import type { FitLevel } from './liveFit.js';
import { exportImagesInTurn } from './exportImages.js';
import { ExportFeatureRelease } from './exportFeatureRelease.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import { defaultClassifierSettings } from './poolEngine.js';
import { imageTile, loadProjectImage, type LoadedPixels, type OpenImage } from './projectImage.js';
import { newController } from './tileHelpers.js';
import { normalizeOpenImage } from './imageNormalization.js';
import { Autosave, autosavePathFor } from './Autosave.js';
import { streamPredictedTiles } from './streamPredictedTiles.js';
import { TilePredictor } from './TilePredictor.js';
import { featureTile } from './featureTiles.js';
import { ImageAdaptation } from './imageAdaptation.js';
import { readProjectFile, writeProjectFile } from './projectFileAdapter.js';
import { ProjectStrokes } from './ProjectStrokes.js';
import { runSuggestFeatures } from './suggestFeaturesRequest.js';
import { browseRoots, listFolder } from './fileBrowser.js';
import { homedir } from 'node:os';
import { baseOf, checkPlane, windowImageOf } from './planeLabels.js';
import { StackPlanes } from './StackPlanes.js';
import { stackTrainingImages } from './stackTraining.js';
import { checkStacksFor3d } from './liveFeatures3d.js';
import { UploadFolder, type UploadLimits } from './UploadFolder.js';
import { MAX_CONCURRENT_UPLOADS, MAX_UPLOAD_FOLDER_BYTES, UPLOAD_IDLE_MS } from './constants.js';
import { MAX_UPLOAD_FILE_BYTES } from '../../core/protocol/constants.js';

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
  /** Bounds of uploads; the defaults are the named constants (tests lower them). */
  readonly uploadLimits?: Partial<UploadLimits>;
  /** The home folder the file browser may list (default: the user's); tests point it elsewhere. */
  readonly homeDir?: string;
}

const DEFAULT_TILE_CONCURRENCY = 2;

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
  private readonly strokes = new ProjectStrokes(() => this.images);
  private features: FeatureMatrix;
  private classifier: ClassifierSettings = DEFAULT_CLASSIFIER;
  private normalization: NormalizationMode = DEFAULT_NORMALIZATION_MODE;
  private readonly cache = new FeatureTileCache();
  /** Planes of stacks beyond plane 0, read when the window or training first asks for them. */
  private readonly planes = new StackPlanes();
  private readonly predictor: TilePredictor;
  private readonly live: LiveModel;
  /** Images without labels are predicted with the live model adapted to them (imageAdaptation.ts). */
  private readonly adaptation: ImageAdaptation;
  private readonly running = new Map<number, AbortController>();
  /** The running predictTiles of each view: a newer call of the same view supersedes it. */
  private readonly currentPredicts = new Map<string, AbortController>();
  private readonly uploads: UploadFolder;
  private readonly autosave: Autosave;

  constructor(private readonly options: LocalMixelServiceOptions) {
    this.features = options.engine.defaultFeatures();
    this.predictor = new TilePredictor(options.engine, this.cache, this.planes);
    this.live = new LiveModel(options.engine);
    this.adaptation = new ImageAdaptation(options.engine);
    this.autosave = new Autosave(options.dataDir);
    this.uploads = new UploadFolder(join(options.dataDir, 'uploads'), {
      maxFileBytes: MAX_UPLOAD_FILE_BYTES,
      maxFolderBytes: MAX_UPLOAD_FOLDER_BYTES,
      maxConcurrent: MAX_CONCURRENT_UPLOADS,
      idleMs: UPLOAD_IDLE_MS,
      ...options.uploadLimits,
    });
  }

  async getProject(): Promise<ProjectState> {
    return {
      path: this.path,
      classes: this.classes,
      images: [...this.images.values()].map(windowImageOf),
      strokes: this.strokes.all(),
      features: this.features,
      featureNames: this.options.engine.featureNames,
      classifier: this.classifier,
      normalization: this.normalization,
      hasModel: this.live.current !== null,
    };
  }

  async setNormalization(mode: NormalizationMode): Promise<ProjectState> {
    this.normalization = mode;
    for (const image of this.images.values()) normalizeOpenImage(image, mode);
    this.planes.clearNormalized();
    this.predictor.features3d.clear();
    this.cache.clear();
    this.live.invalidate();
    return this.getProject();
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
    this.normalization = doc.normalization;
    for (const im of doc.images) {
      normalizeOpenImage(im, doc.normalization);
      this.images.set(im.info.id, im);
    }
    this.live.labelsChanged();
    return this.getProject();
  }

  async saveProject(path?: string): Promise<{ path: string }> {
    const target = path ? resolve(path) : this.path;
    if (!target)
      throw new ServiceError('no-path', 'this project has never been saved: choose a file to save it to');
    // The file carries a model current with its labels, so `mixel predict` can run it as saved.
    if (!this.live.isFinal()) await this.train(newController().signal).catch(() => undefined);
    const isModelCurrent = this.live.isFinal();
    await writeProjectFile(target, {
      classes: this.classes,
      images: [...this.images.values()],
      features: this.features,
      normalization: this.normalization,
      model: isModelCurrent ? (this.live.current!.fitted as FittedClassifier) : null,
    });
    this.path = target;
    await this.autosave.discard(); // the work is in its file now
    return { path: target };
  }

  async autosaveProject(): Promise<AutosaveInfo> {
    const target = autosavePathFor(this.path, this.options.dataDir);
    // No training here: an autosave must be quick and never wait for the pool.
    await writeProjectFile(target, {
      classes: this.classes,
      images: [...this.images.values()],
      features: this.features,
      normalization: this.normalization,
      model: null,
    });
    return this.autosave.record(target, this.path);
  }

  getAutosave(): Promise<AutosaveInfo | null> {
    return this.autosave.latest();
  }

  async restoreAutosave(): Promise<ProjectState> {
    const info = await this.autosave.latest();
    if (!info) throw new ServiceError('no-autosave', 'there is no autosaved session to restore');
    await this.openProject(info.path);
    this.path = info.projectPath; // Save writes the project's own file, not the autosave
    return this.getProject();
  }

  discardAutosave(): Promise<void> {
    return this.autosave.discard();
  }

  /** The labels an image had when its project was opened (strokes come on top), or null. */
  async getBaseLabels(imageId: string, plane = 0): Promise<Uint8Array | null> {
    const image = this.requireImage(imageId);
    checkPlane(image, plane, 'getBaseLabels');
    return baseOf(image, plane);
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

  async beginUpload(fileName: string, totalBytes: number): Promise<string> {
    const problem = uploadNameProblem(fileName);
    if (problem)
      throw new ServiceError('upload-refused', `cannot upload ${JSON.stringify(fileName)}: ${problem}`);
    return this.uploads.begin(fileName, totalBytes);
  }

  async uploadChunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<void> {
    await this.uploads.write(uploadId, offset, bytes);
  }

  async finishUpload(uploadId: string): Promise<ProjectImage> {
    const received = await this.uploads.finish(uploadId);
    try {
      return await this.addImage(received.path);
    } catch (err) {
      await received.discard();
      throw err;
    }
  }

  async abortUpload(uploadId: string): Promise<void> {
    await this.uploads.abort(uploadId);
  }

  async removeImage(imageId: string): Promise<ProjectState> {
    this.requireImage(imageId);
    this.images.delete(imageId);
    this.strokes.removeImage(imageId);
    this.cache.clear(imageId);
    this.planes.clear(imageId);
    this.predictor.features3d.clear(imageId);
    this.live.labelsChanged();
    return this.getProject();
  }

  async getImageTile(request: ImageTileRequest): Promise<ImageTile> {
    const image = this.requireImage(request.imageId);
    const plane = request.plane ?? 0;
    checkPlane(image, plane, 'getImageTile');
    return imageTile(image, request, await this.planes.raw(image, plane));
  }

  /** For bench:live only: which fit the full-resolution overlay uses ('final': as Save fits). */
  setDisplayFitLevel(level: 'live' | 'final'): void {
    this.live.displayLevel = level;
  }

  async getFeatureTile(request: FeatureTileRequest): Promise<FeatureTile> {
    const image = this.requireImage(request.imageId);
    checkPlane(image, request.plane ?? 0, 'getFeatureTile');
    return featureTile(this.predictor, image, request, this.features);
  }

  setClasses(classes: LabelClass[]): Promise<ProjectState> {
    return this.strokes.inTurn(async () => {
      const isLabelChanged = await this.strokes.keepClasses(new Set(classes.map((c) => c.id)));
      if (isLabelChanged || classes.length !== this.classes.length) this.live.invalidate();
      this.classes = classes;
      return this.getProject();
    });
  }

  applyLabelChange(change: LabelChange): Promise<void> {
    return this.strokes.inTurn(async () => {
      if (await this.strokes.apply(change, this.classes)) this.live.labelsChanged();
    });
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
    if (features.dimensions === '3d') checkStacksFor3d(this.images.values());
    this.features = features;
    this.cache.clear();
    this.live.invalidate();
    return this.getProject();
  }

  async setClassifierSettings(settings: ClassifierSettings): Promise<ProjectState> {
    this.classifier = settings;
    this.live.invalidate();
    return this.getProject();
  }

  async predictTiles(request: PredictRequest): Promise<PredictResult> {
    const started = performance.now();
    this.currentPredicts.get(request.viewId)?.abort();
    const controller = newController();
    this.currentPredicts.set(request.viewId, controller);
    this.running.set(request.requestId, controller);
    const { signal } = controller;
    let trainMs = 0;
    const delivered = { count: 0 };
    const result = (isCancelled: boolean): PredictResult => ({
      requestId: request.requestId,
      tilesDone: delivered.count,
      isCancelled,
      hasModel: this.live.current !== null,
      trainMs,
      totalMs: performance.now() - started,
    });
    try {
      const image = this.requireImage(request.imageId);
      const plane = request.plane ?? 0;
      checkPlane(image, plane, 'predictTiles');
      const isPreview = (request.stride ?? 1) > 1;
      if (request.retrain && this.live.needsTraining(isPreview)) {
        const t0 = performance.now();
        await this.train(signal, this.live.levelFor(isPreview));
        trainMs = performance.now() - t0;
      }
      const liveModel = this.live.current;
      if (!liveModel) return result(false);
      const model = await this.adaptation.modelFor(image, liveModel, this.features);
      await streamPredictedTiles(
        request,
        {
          image,
          plane,
          classCount: this.classes.length,
          concurrency: this.options.concurrency ?? DEFAULT_TILE_CONCURRENCY,
          started,
          predict: (rect, stride) =>
            stride > 1
              ? this.predictor.predictPreview(
                  image,
                  rect,
                  model,
                  stride,
                  this.classes,
                  this.features,
                  signal,
                  plane,
                )
              : this.predictor.predictRect(image, rect, model, this.classes, this.features, signal, plane),
          onTile: (tile) => this.tiles.fire(tile),
          onProgress: (progress) => this.progress.fire(progress),
        },
        signal,
        delivered,
      );
      return result(false);
    } catch (err) {
      if (signal.aborted) return result(true);
      throw err;
    } finally {
      // Another window may have reused this request id meanwhile: only this call's own entries go.
      if (this.running.get(request.requestId) === controller) this.running.delete(request.requestId);
      if (this.currentPredicts.get(request.viewId) === controller)
        this.currentPredicts.delete(request.viewId);
    }
  }

  async exportImages(request: ExportRequest): Promise<ExportResult> {
    const controller = newController();
    this.running.set(request.requestId, controller);
    const { signal } = controller;
    try {
      if (!this.live.isFinal()) await this.train(signal);
      const model = this.live.current;
      const release = new ExportFeatureRelease(this.cache);
      const images = await exportImagesInTurn(request, signal, {
        image: (imageId) => this.images.get(imageId),
        classes: this.classes,
        predict:
          model &&
          (async (image, rect, plane) =>
            this.predictRect(
              image,
              rect,
              await this.adaptation.modelFor(image, model, this.features),
              signal,
              plane,
            )),
        features: (image, rect, plane) => this.tileFeatures(image, rect, signal, plane),
        onProgress: (progress) => this.progress.fire(progress),
        onImageStart: (image) => release.begin(image),
        onPlaneDone: (image, plane) => release.release(image, plane),
      });
      return { requestId: request.requestId, images, isCancelled: signal.aborted };
    } finally {
      if (this.running.get(request.requestId) === controller) this.running.delete(request.requestId);
    }
  }

  async suggestFeatures(request: SuggestFeaturesRequest): Promise<SuggestFeaturesResult> {
    const image = this.requireImage(request.imageId);
    checkPlane(image, request.plane ?? 0, 'suggestFeatures');
    const controller = newController();
    this.running.set(request.requestId, controller);
    try {
      return await runSuggestFeatures(
        request,
        {
          engine: this.options.engine,
          images: [...this.images.values()],
          image,
          classIds: this.classes.map((c) => c.id),
          features: this.features,
          onProgress: (progress) => this.progress.fire(progress),
          cachedTileFeatures: (im, core, signal, plane) => this.tileFeatures(im, core, signal, plane),
          planePixels: (im, plane) => this.planes.forFeatures(im, plane),
        },
        controller.signal,
      );
    } finally {
      if (this.running.get(request.requestId) === controller) this.running.delete(request.requestId);
    }
  }

  listFolder(path: string | null): Promise<FolderListing> {
    return listFolder(path, browseRoots(this.options.homeDir ?? homedir(), this.options.dataDir, this.path));
  }

  async cancel(requestId: number): Promise<void> {
    this.running.get(requestId)?.abort();
  }

  /** Stops running work; the engine (worker pool) is closed by whoever created it. */
  dispose(): Promise<void> {
    for (const c of this.running.values()) c.abort();
    return this.uploads.dispose();
  }

  /** Features of one prediction tile of one plane, from the cache or computed in the pool. */
  private tileFeatures(
    image: OpenImage,
    rect: Rect,
    signal?: AbortSignal,
    plane = 0,
  ): Promise<Float32Array[]> {
    return this.predictor.features(image, rect, this.features, signal, plane);
  }

  private predictRect(
    image: OpenImage,
    rect: Rect,
    model: TrainedModel,
    signal?: AbortSignal,
    plane = 0,
  ): Promise<Float32Array> {
    return this.predictor
      .predictRect(image, rect, model, this.classes, this.features, signal, plane)
      .then((predicted) => predicted.probabilities);
  }

  /** Fits the live model on every image's labels, on every labelled plane (see LiveModel.train). */
  private train(signal: AbortSignal, level: FitLevel = 'final'): Promise<void> {
    // The images as training began: one removed meanwhile (removeImage) still gives its features to this
    // fit (which the removal has already marked stale) instead of failing with an internal error.
    const planes = stackTrainingImages([...this.images.values()]);
    return this.live.train(
      {
        images: planes.map((p) => p.labeled),
        classIds: this.classes.map((c) => c.id),
        tileFeatures: (labeled, core, fitSignal) => {
          const { image, plane } = planes.find((p) => p.labeled === labeled)!;
          return this.tileFeatures(image, core, fitSignal, plane);
        },
      },
      this.classifier,
      signal,
      level,
    );
  }

  private reset(
    path: string | null,
    classes: LabelClass[],
    features: FeatureMatrix,
    classifier: ClassifierSettings,
  ): void {
    for (const c of this.currentPredicts.values()) c.abort();
    this.path = path;
    this.classes = classes;
    this.images = new Map();
    this.strokes.clear();
    this.features = features;
    this.classifier = classifier;
    this.normalization = DEFAULT_NORMALIZATION_MODE;
    this.cache.clear();
    this.planes.clear();
    this.live.invalidate();
  }

  private requireImage(imageId: string): OpenImage {
    const image = this.images.get(imageId);
    if (!image)
      throw new ServiceError('unknown-image', `image ${imageId} is not in the project (reload the project)`);
    return image;
  }

  private async readProjectImage(path: string, id: string): Promise<OpenImage> {
    const image = await loadProjectImage(this.options.loadImage, path, id);
    normalizeOpenImage(image, this.normalization);
    return image;
  }
}

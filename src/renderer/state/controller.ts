/**
 * What the window does, as plain functions over the store, the backend and the caches: loading a project,
 * committing strokes, undo/redo, live prediction of the visible tiles, classes, saving, exporting.
 * Components and the action table call these; nothing here touches React.
 */
import { concatArrays } from '../../core/concatArrays.js';
import { strokePlane, type Stroke } from '../../core/labels/Stroke.js';
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import { uploadInChunks } from '../../core/protocol/uploadInChunks.js';
import type { LabelClass, ProjectImage, ProjectState, Rect } from '../../core/protocol/types.js';
import type { Backend } from '../transport/connectBackend.js';
import { LabelSession, type LabelEdit } from '../labels/LabelSession.js';
import { fitView, levelForScale, visibleTiles } from '../viewer/rendering.js';
import { offerRestore } from './autosave.js';
import { emptyStateHint } from './emptyStateHint.js';
import { getApp, markEdited, setApp, type DisplaySettings } from './store.js';
import { ImageTiles, PredictionTiles, imageTileKey } from './tileCaches.js';

export const labels = new LabelSession();
export const imageTiles = new ImageTiles();
export const predictions = new PredictionTiles();
/** Union of label pixels changed since the label layer last redrew, or null for a full redraw. */
export let labelsDirty: Rect | null = null;
export function takeLabelsDirty(): Rect | null {
  const r = labelsDirty;
  labelsDirty = null;
  return r;
}

/** The preview after a stroke predicts every 4th pixel per axis: 1/16 of the work, shown until refined. */
const PREVIEW_STRIDE = 4;
/** The coarsest prediction ever requested (the backend accepts up to 16). */
const MAX_STRIDE = 16;

let backend: Backend | null = null;
/** This window's id for predictTiles: its newer requests supersede its older ones, not other windows'. */
const VIEW_ID = crypto.randomUUID();
let nextRequestId = 1;
let currentPredictRequest = 0;
let viewTimer: ReturnType<typeof setTimeout> | null = null;

export function service() {
  if (!backend) throw new Error('the backend is not connected yet');
  return backend.service;
}

export function host(): Backend['host'] {
  return backend?.host ?? 'browser';
}

export async function start(connected: Backend): Promise<void> {
  backend = connected;
  connected.service.onDidUpdateTile((tile) => {
    if (tile.viewId !== VIEW_ID || tile.requestId < predictions.currentFrom) return;
    predictions.put(tile);
    setApp((s) => ({ predictionVersion: s.predictionVersion + 1 }));
  });
  connected.service.onDidProgress((p) => {
    setApp({ progress: p.done >= p.total ? null : { task: p.task, done: p.done, total: p.total } });
  });
  const project = await connected.service.getProject();
  const isFresh = project.images.length === 0;
  await showProject(isFresh ? await connected.service.openSampleProject() : project);
  markSaved();
  // A backend with nothing open was (re)started: work autosaved before may be waiting.
  if (isFresh) await offerRestore();
}

/** The project on screen is the one in its file (just opened, created or saved). */
function markSaved(editCount = getApp().editCount): void {
  setApp({ savedEditCount: editCount });
}

/** Puts a project on screen: labels per image, display defaults, first image fitted, prediction if labeled. */
export async function showProject(project: ProjectState): Promise<void> {
  imageTiles.clear();
  predictions.clear();
  const display: Record<string, DisplaySettings> = {};
  for (const image of project.images) {
    const strokes = project.strokes.filter((s) => s.imageId === image.id);
    // Every plane of a stack with saved labels or strokes: plane 0 first, which later planes join.
    const planes = new Set([0, ...(image.basePlanes ?? []), ...strokes.map(strokePlane)]);
    for (const plane of [...planes].sort((a, b) => a - b)) {
      const base =
        plane === 0
          ? await service().getBaseLabels(image.id)
          : await service().getBaseLabels(image.id, plane);
      labels.load(
        image,
        base,
        strokes.filter((s) => strokePlane(s) === plane),
        plane,
      );
    }
    display[image.id] = defaultDisplay(image);
  }
  const first = project.images[0]?.id ?? null;
  const activeClassId = project.classes[0]?.id ?? 1;
  setApp({
    project,
    display,
    activeImageId: null,
    activeClassId,
    error: null,
    status:
      project.images.length === 0
        ? emptyStateHint(host())
        : `Scribble: pick a class with ${project.classes
            .slice(0, 9)
            .map((c, i) => `${i + 1} (${c.name})`)
            .join(', ')} and paint with the left mouse button`,
  });
  if (first) selectImage(first);
}

export function selectImage(imageId: string): void {
  const image = findImage(imageId);
  if (!image) return;
  const { viewport } = getApp();
  labelsDirty = null;
  setApp((s) => ({
    activeImageId: imageId,
    plane: 0,
    view: fitView(image, viewport),
    labelsVersion: s.labelsVersion + 1,
  }));
  syncUndoState();
  onViewChanged(true);
  if (hasAnyLabels(imageId)) void updatePrediction(true);
}

/**
 * Shows another plane of the active image's stack: its image tiles, labels and overlay (predicted on
 * that plane, with the current model); undo and redo act on that plane's own history.
 */
export function showPlane(plane: number): void {
  const image = findImage(getApp().activeImageId);
  if (!image || plane === getApp().plane) return;
  if (!Number.isInteger(plane) || plane < 0 || plane >= (image.planes ?? 1)) return;
  labelsDirty = null;
  setApp((s) => ({ plane, labelsVersion: s.labelsVersion + 1, predictionVersion: s.predictionVersion + 1 }));
  syncUndoState();
  onViewChanged(true);
}

export function findImage(imageId: string | null): ProjectImage | undefined {
  return getApp().project?.images.find((im) => im.id === imageId);
}

function defaultDisplay(image: ProjectImage): DisplaySettings {
  const colors = ['#ff4040', '#40ff40', '#4080ff', '#ffffff'];
  return {
    mode: image.channelCount === 3 ? 'composite' : 'single',
    channel: 0,
    channels: image.channelRanges.map((r, c) => ({
      min: r.min,
      max: r.max > r.min ? r.max : r.min + 1,
      isVisible: true,
      gamma: 1,
      color: image.channelCount === 3 ? ['#ff0000', '#00ff00', '#0000ff'][c] : colors[c % colors.length],
    })),
  };
}

/** After pan or zoom: fetch missing image tiles now, and (debounced) predict tiles that came into view. */
export function onViewChanged(immediate = false): void {
  void fetchVisibleImageTiles();
  if (viewTimer) clearTimeout(viewTimer);
  viewTimer = setTimeout(
    () => {
      viewTimer = null;
      const { isLiveUpdate, project } = getApp();
      if (isLiveUpdate && project?.hasModel) void updatePrediction(false);
    },
    immediate ? 0 : 150,
  );
}

async function fetchVisibleImageTiles(): Promise<void> {
  const { activeImageId, view, viewport, plane } = getApp();
  const image = findImage(activeImageId);
  if (!image) return;
  const level = levelForScale(view.scale);
  const size = PREDICTION_TILE_SIZE * 2 ** level;
  const wanted = visibleTiles(view, viewport, image, size);
  await Promise.all(
    wanted.map(async (rect) => {
      const key = imageTileKey(image.id, level, rect, plane);
      if (imageTiles.get(key)) return;
      const entry = imageTiles.reserve(key);
      try {
        entry.tile = await service().getImageTile({ imageId: image.id, level, rect, plane });
        setApp((s) => ({ imageVersion: s.imageVersion + 1 }));
      } catch (err) {
        imageTiles.entries.delete(key);
        showError(err);
      }
    }),
  );
}

/**
 * Predicts the visible tiles (retraining first when asked). A newer call supersedes an older one in the
 * backend, so panning away cancels work for tiles no longer on screen.
 */
export async function updatePrediction(retrain: boolean): Promise<void> {
  const { activeImageId, view, viewport, plane } = getApp();
  const image = findImage(activeImageId);
  if (!image) return;
  const all = visibleTiles(view, viewport, image, PREDICTION_TILE_SIZE);
  // Zoomed out, the screen shows every 2^level-th pixel: predicting more would not be seen.
  const screenStride = 2 ** levelForScale(view.scale);
  if (retrain) {
    // After a stroke: refit and show a coarse preview at once, then the full-resolution tiles.
    const requestId = nextRequestId++;
    currentPredictRequest = requestId;
    predictions.currentFrom = requestId;
    setApp({ status: 'Training…' });
    try {
      const preview = await service().predictTiles({
        requestId,
        viewId: VIEW_ID,
        imageId: image.id,
        tiles: all,
        retrain: true,
        stride: Math.min(MAX_STRIDE, PREVIEW_STRIDE * screenStride),
        plane,
      });
      if (requestId !== currentPredictRequest || preview.isCancelled) return;
      if (preview.hasModel)
        setApp({
          status: `Preview in ${Math.round(preview.totalMs)} ms (training ${Math.round(preview.trainMs)} ms); refining…`,
        });
    } catch (err) {
      showErrorUnlessRemoved(err, image.id);
      return;
    }
  }
  const tiles = all.filter((t) => !predictions.isCurrent(image.id, t, screenStride, plane));
  const requestId = nextRequestId++;
  currentPredictRequest = requestId;
  if (tiles.length === 0) return;
  if (!retrain) setApp({ status: 'Predicting…' });
  try {
    const result = await service().predictTiles({
      requestId,
      viewId: VIEW_ID,
      imageId: image.id,
      tiles,
      retrain,
      stride: screenStride,
      plane,
    });
    if (requestId !== currentPredictRequest) return;
    if (!result.hasModel) {
      predictions.clear();
      setApp((s) => ({
        predictionVersion: s.predictionVersion + 1,
        status: 'Paint labels for at least two classes to see predictions',
        project: s.project ? { ...s.project, hasModel: false } : s.project,
      }));
      return;
    }
    setApp((s) => ({
      status: result.isCancelled
        ? 'Prediction cancelled'
        : `Updated ${result.tilesDone} tiles in ${Math.round(result.totalMs)} ms` +
          (result.trainMs > 0 ? ` (training ${Math.round(result.trainMs)} ms)` : ''),
      project: s.project ? { ...s.project, hasModel: true } : s.project,
    }));
  } catch (err) {
    showErrorUnlessRemoved(err, image.id);
  }
}

/** An image removed while work on it was under way: that work's failure is no news to the user. */
function showErrorUnlessRemoved(err: unknown, imageId: string): void {
  if (findImage(imageId)) showError(err);
}

function hasAnyLabels(imageId: string): boolean {
  return labels.hasAnyLabel(imageId);
}

function afterLabelEdit(edit: LabelEdit | null): void {
  if (!edit) return;
  labelsDirty = edit.dirty && labelsDirty ? unionRect(labelsDirty, edit.dirty) : (edit.dirty ?? labelsDirty);
  setApp((s) => ({ labelsVersion: s.labelsVersion + 1 }));
  markEdited();
  syncUndoState();
  const imageId = getApp().activeImageId;
  void service()
    .applyLabelChange(edit.change)
    .then(() => {
      if (getApp().isLiveUpdate) void updatePrediction(true);
    })
    .catch((err: unknown) => (imageId ? showErrorUnlessRemoved(err, imageId) : showError(err)));
}

export function commitStroke(stroke: Stroke): void {
  afterLabelEdit(labels.commitStroke(stroke));
}

/** Several strokes as one undo step (the accept-prediction brush). */
export function commitStrokes(strokes: readonly Stroke[]): void {
  afterLabelEdit(labels.commitStrokes(strokes));
}

export function undo(): void {
  const { activeImageId: id, plane } = getApp();
  if (id) afterLabelEdit(labels.undo(id, plane));
}

export function redo(): void {
  const { activeImageId: id, plane } = getApp();
  if (id) afterLabelEdit(labels.redo(id, plane));
}

function syncUndoState(): void {
  const { activeImageId: id, plane } = getApp();
  setApp({ canUndo: labels.canUndo(id, plane), canRedo: labels.canRedo(id, plane) });
}

const CLASS_COLORS = ['#e0c020', '#2080ff', '#e6194b', '#3cb44b', '#911eb4', '#f58231', '#46f0f0'];

export async function setClasses(classes: LabelClass[]): Promise<void> {
  const before = getApp().project?.classes ?? [];
  const removed = before.some((c) => !classes.some((k) => k.id === c.id));
  try {
    const project = await service().setClasses(classes);
    markEdited();
    if (removed) {
      // Strokes of a deleted class are gone in the backend; reload the labels from it.
      await showProject(project);
      return;
    }
    predictions.entries.forEach((e) => e.canvases.clear());
    setApp((s) => ({
      project,
      labelsVersion: s.labelsVersion + 1,
      predictionVersion: s.predictionVersion + 1,
    }));
    labelsDirty = null;
    if (classes.length !== before.length && getApp().isLiveUpdate) void updatePrediction(true);
  } catch (err) {
    showError(err);
  }
}

export function addClass(): Promise<void> {
  const classes = getApp().project?.classes ?? [];
  const id = Math.max(0, ...classes.map((c) => c.id)) + 1;
  return setClasses([
    ...classes,
    { id, name: `Class ${id}`, color: CLASS_COLORS[(id - 1) % CLASS_COLORS.length] },
  ]);
}

export function updateClass(id: number, change: Partial<Omit<LabelClass, 'id'>>): Promise<void> {
  const classes = getApp().project?.classes ?? [];
  return setClasses(classes.map((c) => (c.id === id ? { ...c, ...change } : c)));
}

/**
 * Deletes a class; a class with labels is deleted only once the user confirms, because its labels go
 * with it and deleting a class cannot be undone.
 */
export function deleteClass(id: number, isConfirmed = false): Promise<void> {
  const classes = getApp().project?.classes ?? [];
  const target = classes.find((c) => c.id === id);
  if (classes.length <= 1 || !target) return Promise.resolve();
  const labeledPixels = labels.pixelsOfClass(id);
  if (labeledPixels > 0 && !isConfirmed) {
    setApp({ dialog: { kind: 'delete-class', classId: id, name: target.name, labeledPixels } });
    return Promise.resolve();
  }
  if (getApp().activeClassId === id) setApp({ activeClassId: classes.find((c) => c.id !== id)!.id });
  return setClasses(classes.filter((c) => c.id !== id));
}

export async function runAndShow<T>(status: string, work: () => Promise<T>): Promise<T | undefined> {
  setApp({ status, error: null });
  try {
    return await work();
  } catch (err) {
    showError(err);
    return undefined;
  }
}

export async function openProject(path: string): Promise<void> {
  const project = await runAndShow(`Opening ${path}…`, () => service().openProject(path));
  if (project) await showFromFile(project);
}

export async function newProject(): Promise<void> {
  const project = await runAndShow('New project', () => service().newProject());
  if (project) await showFromFile(project);
}

export async function openSample(): Promise<void> {
  const project = await runAndShow('Opening the sample…', () => service().openSampleProject());
  if (project) await showFromFile(project);
}

/** Shows a project just opened or created: nothing on screen differs from it yet. */
async function showFromFile(project: ProjectState): Promise<void> {
  await showProject(project);
  markSaved();
}

export async function saveProject(path?: string): Promise<boolean> {
  // Changes made while the file is written are not in it.
  const editCount = getApp().editCount;
  const saved = await runAndShow('Saving…', () => service().saveProject(path));
  if (!saved) return false;
  markSaved(editCount);
  setApp((s) => ({
    status: `Saved ${saved.path}`,
    project: s.project ? { ...s.project, path: saved.path } : s.project,
  }));
  return true;
}

export async function addImagePath(path: string): Promise<void> {
  const image = await runAndShow(`Adding ${path}…`, () => service().addImage(path));
  if (image) await imageAdded(image);
}

export async function uploadImageFile(file: File): Promise<void> {
  const image = await runAndShow(`Uploading ${file.name}…`, () =>
    uploadInChunks(
      service(),
      file.name,
      file.size,
      async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
      (sent, total) => setApp({ status: `Uploading ${file.name}… ${Math.round((100 * sent) / total)} %` }),
    ),
  );
  if (image) await imageAdded(image);
}

async function imageAdded(image: ProjectImage): Promise<void> {
  labels.load(image, null, []);
  markEdited();
  setApp((s) => ({
    project: s.project ? { ...s.project, images: [...s.project.images, image] } : s.project,
    display: { ...s.display, [image.id]: defaultDisplay(image) },
    status: `Added ${image.name}`,
  }));
  selectImage(image.id);
}

export function showError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  setApp({ error: message, status: 'Error' });
}

function unionRect(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}

/** Raw values of one channel over the image tiles currently cached (for auto contrast). */
export function imageTileValues(imageId: string, channel: number): Float32Array {
  const parts = [...imageTiles.entries.values()]
    .filter((e) => e.tile?.imageId === imageId)
    .map((e) => e.tile!.channels[channel]);
  return concatArrays(Float32Array, parts);
}

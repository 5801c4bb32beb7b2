/**
 * The live-update loop: image tiles fetched as the view moves, and the visible tiles predicted (a coarse
 * preview right after a stroke, then full resolution), each newer request superseding the older ones.
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { ProjectImage, Rect } from '../../core/protocol/types.js';
import type { Backend } from '../transport/connectBackend.js';
import { levelForScale, visibleTiles } from '../viewer/rendering.js';
import { colorOverlaysAhead } from '../viewer/useTileCanvases.js';
import { findImage, imageTiles, predictions, service, showError, showErrorUnlessRemoved } from './session.js';
import { getApp, setApp, useApp, type AppState } from './store.js';
import { showActivity } from './statusLine.js';
import { imageTileKey } from './tileCaches.js';
import { TilePaints } from './tilePaints.js';

/** The preview after a stroke predicts every 4th pixel per axis: 1/16 of the work, shown until refined. */
const PREVIEW_STRIDE = 4;
/** The coarsest prediction ever requested (the backend accepts up to 16). */
const MAX_STRIDE = 16;

/** This window's id for predictTiles: its newer requests supersede its older ones, not other windows'. */
const VIEW_ID = crypto.randomUUID();
let nextRequestId = 1;
let currentPredictRequest = 0;
let viewTimer: ReturnType<typeof setTimeout> | null = null;
/**
 * A stroke's refit and preview are under way: a pan, zoom or resize then asks for nothing, since the
 * full-resolution pass that follows reads the view when the preview is in. A request of its own would
 * supersede the refit, and the stroke's preview never showed (a resize of the viewer as a panel opened
 * was enough).
 */
let previewPending: number | null = null;
/** Arriving tiles are repainted a few at a time, refinements when their request ends (tilePaints.ts). */
const tilePaints = new TilePaints(() => setApp((s) => ({ predictionVersion: s.predictionVersion + 1 })));

/**
 * Whether the window needs tiles' unexplained score: only a layer that shows it reads it (the
 * "Unexplained" overlay, the "Label here next" marks and, with either, the status bar's readout).
 * Asked for without them, it cost each full-resolution tile ~15% more prediction and a third more bytes.
 */
export function wantsUnexplained(state: Pick<AppState, 'layers'> = getApp()): boolean {
  return state.layers.unexplained.isVisible || state.layers.next.isVisible;
}

/** Shows this window's predicted tiles and the backend's progress as they arrive. */
export function listenToBackend(connected: Backend): void {
  // A layer that shows the score was switched on: the tiles on screen were predicted without it.
  useApp.subscribe((state, before) => {
    if (wantsUnexplained(state) && !wantsUnexplained(before)) onViewChanged(true);
  });
  connected.service.onDidUpdateTile((tile) => {
    if (tile.viewId !== VIEW_ID || tile.requestId < predictions.currentFrom) return;
    const replacesShown = predictions.isShownAt(tile);
    colorOverlaysAhead(predictions.put(tile));
    tilePaints.arrived(replacesShown);
  });
  connected.service.onDidProgress((p) => {
    setApp({ progress: p.done >= p.total ? null : { task: p.task, done: p.done, total: p.total } });
  });
}

/** After pan or zoom: fetch missing image tiles now, and (debounced) predict tiles that came into view. */
export function onViewChanged(immediate = false): void {
  void fetchVisibleImageTiles();
  if (viewTimer) clearTimeout(viewTimer);
  viewTimer = setTimeout(
    () => {
      viewTimer = null;
      const { isLiveUpdate, project } = getApp();
      if (isLiveUpdate && project?.hasModel && previewPending === null) void updatePrediction(false);
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

/** What the view shows: an image, its plane, the visible tiles and the stride the screen resolves. */
interface ShownView {
  readonly image: ProjectImage;
  readonly plane: number;
  readonly tiles: readonly Rect[];
  /** Zoomed out, the screen shows every 2^level-th pixel: predicting more would not be seen. */
  readonly screenStride: number;
}

function shownView(): ShownView | null {
  const { activeImageId, view, viewport, plane } = getApp();
  const image = findImage(activeImageId);
  if (!image) return null;
  const tiles = visibleTiles(view, viewport, image, PREDICTION_TILE_SIZE);
  return { image, plane, tiles, screenStride: 2 ** levelForScale(view.scale) };
}

const tilesKey = (tiles: readonly Rect[]) =>
  tiles.map((r) => `${r.x},${r.y},${r.width},${r.height}`).join(';');

function isSameView(a: ShownView, b: ShownView | null): boolean {
  return (
    b !== null &&
    a.image.id === b.image.id &&
    a.plane === b.plane &&
    a.screenStride === b.screenStride &&
    tilesKey(a.tiles) === tilesKey(b.tiles)
  );
}

/**
 * Predicts the visible tiles (retraining first when asked). A newer call supersedes an older one in the
 * backend, so panning away cancels work for tiles no longer on screen.
 *
 * While the window has no model yet (the first strokes, or features, classes or normalization changed), a
 * plane switch, pan or zoom asks for nothing (onViewChanged): this call's model is what it waits for. So
 * the full-resolution pass predicts the view shown when it starts, not the one the preview was for, and a
 * view that changed during that pass is predicted once the model is there; before, a plane shown while the
 * model trained kept an empty overlay until the next pan.
 */
export async function updatePrediction(retrain: boolean): Promise<void> {
  const first = shownView();
  if (!first) return;
  if (retrain) {
    // After a stroke: refit and show a coarse preview at once, then the full-resolution tiles.
    const requestId = nextRequestId++;
    currentPredictRequest = requestId;
    predictions.currentFrom = requestId;
    showActivity('Training…');
    previewPending = requestId;
    try {
      const preview = await service().predictTiles({
        requestId,
        viewId: VIEW_ID,
        imageId: first.image.id,
        tiles: first.tiles,
        retrain: true,
        stride: Math.min(MAX_STRIDE, PREVIEW_STRIDE * first.screenStride),
        plane: first.plane,
        unexplained: wantsUnexplained(),
      });
      if (requestId !== currentPredictRequest || preview.isCancelled) return;
      if (preview.hasModel)
        showActivity(
          `Preview in ${Math.round(preview.totalMs)} ms (training ${Math.round(preview.trainMs)} ms); refining…`,
        );
    } catch (err) {
      showErrorUnlessRemoved(err, first.image.id);
      return;
    } finally {
      if (previewPending === requestId) previewPending = null;
      // Whatever arrived is shown now, also when the request failed or was superseded (no held tiles).
      tilePaints.flush();
    }
  }
  const shown = retrain ? shownView() : first;
  if (!shown) return;
  const { image, plane, screenStride } = shown;
  const unexplained = wantsUnexplained();
  const tiles = shown.tiles.filter(
    (t) => !predictions.isCurrent(image.id, t, screenStride, plane, unexplained),
  );
  const requestId = nextRequestId++;
  currentPredictRequest = requestId;
  if (tiles.length === 0) return;
  if (!retrain) showActivity('Predicting…');
  try {
    const result = await service().predictTiles({
      requestId,
      viewId: VIEW_ID,
      imageId: image.id,
      tiles,
      retrain,
      stride: screenStride,
      plane,
      unexplained,
    });
    tilePaints.flush();
    if (requestId !== currentPredictRequest) return;
    if (!result.hasModel) {
      predictions.clear();
      setApp((s) => ({
        predictionVersion: s.predictionVersion + 1,
        project: s.project ? { ...s.project, hasModel: false } : s.project,
      }));
      showActivity('Paint labels for at least two classes to see predictions');
      return;
    }
    // Only when it changes: a new project object re-renders every panel that shows the project.
    if (getApp().project?.hasModel !== true)
      setApp((s) => ({ project: s.project ? { ...s.project, hasModel: true } : s.project }));
    showActivity(
      result.isCancelled
        ? 'Prediction cancelled'
        : `Updated ${result.tilesDone} tiles in ${Math.round(result.totalMs)} ms` +
            (result.trainMs > 0 ? ` (training ${Math.round(result.trainMs)} ms)` : ''),
    );
    // The view changed while no model could answer for it (see above): predict what is shown now, unless
    // a pan's debounced update is about to.
    if (!result.isCancelled && !viewTimer && !isSameView(shown, shownView())) void updatePrediction(false);
  } catch (err) {
    tilePaints.flush();
    showErrorUnlessRemoved(err, image.id);
  }
}

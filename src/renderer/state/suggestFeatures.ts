/**
 * "Suggest features" in the window: runs the backend's ranking in the background (the user keeps
 * painting), follows its progress, keeps the result to show, cancels, and applies one suggestion.
 */
import { create } from 'zustand';
import type { FeatureSuggestion, Rect, SuggestFeaturesResult } from '../../core/protocol/types.js';
import { newExportId } from '../dialogs/exportId.js';
import * as app from './controller.js';
import { getApp, markEdited, setApp } from './store.js';

export interface SuggestState {
  /** The running request, or null. */
  runningId: number | null;
  /** 0..1 while running. */
  fraction: number;
  result: SuggestFeaturesResult | null;
  /** The image the result was ranked for (its preview is a crop of it). */
  imageId: string | null;
  /** Index of the suggestion last applied, to mark it. */
  appliedIndex: number | null;
  /** The preview crop's pixels, windowed to 0..255 grey with the display's contrast (the previews' backdrop). */
  backdrop: Uint8Array | null;
}

export const useSuggest = create<SuggestState>(() => ({
  runningId: null,
  fraction: 0,
  result: null,
  imageId: null,
  appliedIndex: null,
  backdrop: null,
}));

/** The part of the image on screen, in full-resolution pixels. */
export function visibleImageRect(): Rect | null {
  const { activeImageId, view, viewport } = getApp();
  const image = app.findImage(activeImageId);
  if (!image) return null;
  const x0 = Math.max(0, Math.floor(-view.x / view.scale));
  const y0 = Math.max(0, Math.floor(-view.y / view.scale));
  const x1 = Math.min(image.width, Math.ceil((viewport.width - view.x) / view.scale));
  const y1 = Math.min(image.height, Math.ceil((viewport.height - view.y) / view.scale));
  if (x1 <= x0 || y1 <= y0) return { x: 0, y: 0, width: image.width, height: image.height };
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export async function runSuggestFeatures(): Promise<void> {
  const { activeImageId: imageId, plane } = getApp();
  const viewRect = visibleImageRect();
  if (!imageId || !viewRect || useSuggest.getState().runningId !== null) return;
  // Ids as exports take them: above the window's prediction ids and distinct across windows.
  const requestId = newExportId();
  useSuggest.setState({ runningId: requestId, fraction: 0, appliedIndex: null });
  const sub = app.service().onDidProgress((p) => {
    if (p.requestId === requestId && p.total > 0) useSuggest.setState({ fraction: p.done / p.total });
  });
  try {
    const result = await app.service().suggestFeatures({ requestId, imageId, viewRect, plane });
    if (!result.isCancelled) {
      useSuggest.setState({ result, imageId, backdrop: null });
      void loadBackdrop(imageId, result.previewRect, plane);
    }
    setApp({
      status: result.isCancelled
        ? 'Suggest features cancelled'
        : `Ranked feature sets on ${result.sampleCount} labelled pixels in ${(result.totalMs / 1000).toFixed(1)} s`,
    });
  } catch (err) {
    app.showError(err);
  } finally {
    sub.dispose();
    useSuggest.setState({ runningId: null });
  }
}

/** The crop under the previews, as the viewer shows the image (display channel, contrast). */
async function loadBackdrop(imageId: string, rect: Rect, plane: number): Promise<void> {
  try {
    const tile = await app.service().getImageTile({ imageId, level: 0, rect, plane });
    const display = getApp().display[imageId];
    const channel = display?.channel ?? 0;
    const setting = display?.channels[channel];
    const values = tile.channels[channel];
    const min = setting?.min ?? 0;
    const span = Math.max(1e-9, (setting?.max ?? 1) - min);
    const grey = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++)
      grey[i] = Math.max(0, Math.min(255, ((values[i] - min) / span) * 255));
    if (useSuggest.getState().imageId === imageId) useSuggest.setState({ backdrop: grey });
  } catch {
    // Without its backdrop a preview still shows the segmentation; nothing to tell the user.
  }
}

export function cancelSuggestFeatures(): void {
  const id = useSuggest.getState().runningId;
  if (id !== null) void app.service().cancel(id);
}

/** Makes a suggestion the project's feature selection and predicts again with it. */
export async function applySuggestion(suggestion: FeatureSuggestion, index: number): Promise<void> {
  const next = await app.runAndShow(`Using ${suggestion.name}…`, () =>
    app.service().setFeatureSelection(suggestion.features),
  );
  if (!next) return;
  setApp({ project: next, status: `Features: ${suggestion.name} (${suggestion.featureCount} channels)` });
  markEdited();
  useSuggest.setState({ appliedIndex: index });
  app.predictions.clear();
  void app.updatePrediction(true);
}

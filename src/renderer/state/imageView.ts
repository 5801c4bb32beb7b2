/**
 * Which image and plane are on screen: selecting an image (fitted to the viewport), moving through a
 * stack's planes, each image's display defaults and the raw values behind auto contrast.
 */
import { concatArrays } from '../../core/concatArrays.js';
import type { ProjectImage } from '../../core/protocol/types.js';
import { fitView } from '../viewer/rendering.js';
import { syncUndoState } from './labelEdits.js';
import { onViewChanged, updatePrediction } from './liveUpdate.js';
import { findImage, imageTiles, labels, resetLabelsDirty } from './session.js';
import { getApp, setApp, type DisplaySettings } from './store.js';

export function selectImage(imageId: string): void {
  const image = findImage(imageId);
  if (!image) return;
  const { viewport } = getApp();
  resetLabelsDirty();
  setApp((s) => ({
    activeImageId: imageId,
    plane: 0,
    view: fitView(image, viewport),
    labelsVersion: s.labelsVersion + 1,
  }));
  syncUndoState();
  onViewChanged(true);
  if (labels.hasAnyLabel(imageId)) void updatePrediction(true);
}

/**
 * Shows another plane of the active image's stack: its image tiles, labels and overlay (predicted on
 * that plane, with the current model); undo and redo act on that plane's own history.
 */
export function showPlane(plane: number): void {
  const image = findImage(getApp().activeImageId);
  if (!image || plane === getApp().plane) return;
  if (!Number.isInteger(plane) || plane < 0 || plane >= (image.planes ?? 1)) return;
  resetLabelsDirty();
  setApp((s) => ({ plane, labelsVersion: s.labelsVersion + 1, predictionVersion: s.predictionVersion + 1 }));
  syncUndoState();
  onViewChanged(true);
}

export function defaultDisplay(image: ProjectImage): DisplaySettings {
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

/** Raw values of one channel over the image tiles currently cached (for auto contrast). */
export function imageTileValues(imageId: string, channel: number): Float32Array {
  const parts = [...imageTiles.entries.values()]
    .filter((e) => e.tile?.imageId === imageId)
    .map((e) => e.tile!.channels[channel]);
  return concatArrays(Float32Array, parts);
}

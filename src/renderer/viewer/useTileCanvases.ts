/**
 * Turns cached tiles into canvases the Konva layers draw: raw image tiles through the contrast settings,
 * probability tiles through the overlay colours. A canvas is redrawn only when its settings changed.
 */
import type { LabelClass } from '../../core/protocol/types.js';
import { getApp, OVERLAY_MODES, type DisplaySettings, type OverlaySettings } from '../state/store.js';
import { takeSpareCanvas, type ImageTileEntry, type PredictionEntry } from '../state/tileCaches.js';
import {
  colorizeProbabilities,
  parseColor,
  windowChannels,
  type ChannelDisplay,
  type OverlayMode,
} from './rendering.js';
import { colorizeUnexplained } from './unexplainedLayer.js';

export function channelDisplays(display: DisplaySettings): ChannelDisplay[] {
  return display.channels.map((c, i) => ({
    min: c.min,
    max: c.max,
    color: display.mode === 'single' ? [255, 255, 255] : parseColor(c.color),
    isVisible: display.mode === 'single' ? i === display.channel : c.isVisible,
    gamma: c.gamma,
  }));
}

export function imageCanvas(entry: ImageTileEntry, display: DisplaySettings): HTMLCanvasElement | null {
  const tile = entry.tile;
  if (!tile) return null;
  const key = JSON.stringify(display);
  if (entry.canvas && entry.drawnWith === key) return entry.canvas;
  const canvas = entry.canvas ?? document.createElement('canvas');
  canvas.width = tile.width;
  canvas.height = tile.height;
  const data = new ImageData(tile.width, tile.height);
  windowChannels(tile.channels, channelDisplays(display), data.data);
  canvas.getContext('2d')!.putImageData(data, 0, 0);
  entry.canvas = canvas;
  entry.drawnWith = key;
  return canvas;
}

/** The overlay canvases drawn by the overlay layer's last render: on screen, so never drawn over for another tile. */
let shownOverlayCanvases: ReadonlySet<HTMLCanvasElement> = new Set();

/** The overlay layer rendered these canvases (it calls this after each render). */
export function noteShownOverlayCanvases(canvases: ReadonlySet<HTMLCanvasElement>): void {
  shownOverlayCanvases = canvases;
}

const scratchImages = new Map<string, ImageData>();
/** Sizes of scratch images kept (a view's tiles come in a few: full, preview, the image's edges). */
const MAX_SCRATCH_IMAGES = 16;

function scratchImageData(width: number, height: number): ImageData {
  const key = `${width}x${height}`;
  let data = scratchImages.get(key);
  if (!data) {
    data = new ImageData(width, height);
    if (scratchImages.size >= MAX_SCRATCH_IMAGES) scratchImages.clear();
    scratchImages.set(key, data);
  }
  return data;
}

export function overlayCanvas(
  entry: PredictionEntry,
  classes: readonly LabelClass[],
  overlay: OverlaySettings,
  mode: OverlayMode,
): HTMLCanvasElement | null {
  const key = JSON.stringify([classes, overlay.hiddenClasses]);
  const drawn = entry.canvases.get(mode);
  if (drawn && drawn.drawnWith === key) return drawn.canvas;
  const { width, height, probabilities, classCount } = entry.tile;
  if (classCount !== classes.length) return null; // predicted before the class list changed
  if (mode === 'unexplained' && !entry.tile.unexplained) return null;
  const canvas =
    drawn?.canvas ??
    takeSpareCanvas(entry, width, height, shownOverlayCanvases) ??
    document.createElement('canvas');
  // Setting the size clears the canvas and may drop its backing store: only when it differs.
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  // Both colourings write every byte, and putImageData copies: one scratch image per size will do.
  const data = scratchImageData(width, height);
  if (mode === 'unexplained') colorizeUnexplained(entry.tile.unexplained!, data.data);
  else
    colorizeProbabilities(
      probabilities,
      classCount,
      classes.map((c) => parseColor(c.color)),
      classes.map((c) => !overlay.hiddenClasses.includes(c.id)),
      mode,
      data.data,
    );
  canvas.getContext('2d')!.putImageData(data, 0, 0);
  entry.canvases.set(mode, { canvas, drawnWith: key });
  return canvas;
}

/**
 * Colours a tile's shown overlays as it arrives, while the window waits for the next one: the repaint
 * that shows it (often every tile of a request at once, tilePaints.ts) then only draws, and the last
 * tile's repaint no longer colours all sixteen after the request ended.
 */
export function colorOverlaysAhead(entry: PredictionEntry): void {
  const { project, overlay, layers, activeImageId, plane } = getApp();
  if (!project || entry.tile.imageId !== activeImageId || (entry.tile.plane ?? 0) !== plane) return;
  for (const mode of OVERLAY_MODES)
    if (layers[mode].isVisible) overlayCanvas(entry, project.classes, overlay, mode);
}

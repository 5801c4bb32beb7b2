/**
 * Pure pixel helpers of the viewer: contrast windowing of raw channels to RGBA, overlay colouring of
 * probabilities, and which tiles a view needs. Kept free of the DOM so they are unit-tested.
 */
import type { Rect } from '../../core/protocol/types.js';

export interface ChannelDisplay {
  /** Raw value shown black. */
  readonly min: number;
  /** Raw value shown at full colour. */
  readonly max: number;
  readonly color: readonly [number, number, number];
  readonly isVisible: boolean;
  /** Display gamma: the windowed value t in 0..1 is shown as t^gamma (below 1 brightens dim pixels). */
  readonly gamma?: number;
}

export interface ViewTransform {
  /** Screen pixels per image pixel. */
  readonly scale: number;
  /** Screen position of the image's top-left corner. */
  readonly x: number;
  readonly y: number;
}

export function parseColor(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Windows raw channels into RGBA: each visible channel maps [min, max] → [0, 1] (clamped, then raised to
 * its gamma), times its
 * colour, added up (additive composite, as Fiji's composite mode). One visible grey channel = plain grey.
 */
export function windowChannels(
  channels: readonly Float32Array[],
  displays: readonly ChannelDisplay[],
  out: Uint8ClampedArray,
): Uint8ClampedArray {
  const n = out.length / 4;
  const acc = new Float32Array(n * 3);
  channels.forEach((plane, c) => {
    const d = displays[c];
    if (!d?.isVisible) return;
    const span = d.max - d.min || 1;
    const [r, g, b] = d.color;
    const gamma = d.gamma ?? 1;
    for (let i = 0; i < n; i++) {
      let t = (plane[i] - d.min) / span;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      if (gamma !== 1) t = Math.pow(t, gamma);
      acc[3 * i] += t * r;
      acc[3 * i + 1] += t * g;
      acc[3 * i + 2] += t * b;
    }
  });
  for (let i = 0; i < n; i++) {
    out[4 * i] = acc[3 * i];
    out[4 * i + 1] = acc[3 * i + 1];
    out[4 * i + 2] = acc[3 * i + 2];
    out[4 * i + 3] = 255;
  }
  return out;
}

/** 'unexplained' is drawn from the tile's own plane (unexplainedLayer.ts), not from the probabilities. */
export type OverlayMode = 'probabilities' | 'segmentation' | 'uncertainty' | 'unexplained';

/**
 * Colours quantized probabilities (classCount planes, 0..255) as RGBA. Probabilities: each shown class
 * adds its colour weighted by its probability, and alpha is the largest shown probability (so confident
 * regions are solid, unsure ones faint). Segmentation: the winning class's colour. Uncertainty:
 * u = 1 − (p1 − p2) as white with alpha √u, so the mild uncertainty along class borders stays visible.
 */
export function colorizeProbabilities(
  probabilities: Uint8Array,
  classCount: number,
  colors: readonly (readonly [number, number, number])[],
  shown: readonly boolean[],
  mode: OverlayMode,
  out: Uint8ClampedArray,
): Uint8ClampedArray {
  const n = out.length / 4;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = -1;
    let second = 0;
    let r = 0;
    let g = 0;
    let b = 0;
    let alpha = 0;
    for (let c = 0; c < classCount; c++) {
      const p = probabilities[c * n + i];
      if (p > bestP) {
        second = Math.max(second, bestP);
        bestP = p;
        best = c;
      } else if (p > second) second = p;
      if (mode === 'probabilities' && shown[c]) {
        const w = p / 255;
        r += w * colors[c][0];
        g += w * colors[c][1];
        b += w * colors[c][2];
        if (p > alpha) alpha = p;
      }
    }
    if (mode === 'segmentation') {
      if (shown[best]) [r, g, b] = colors[best];
      alpha = shown[best] ? 255 : 0;
    } else if (mode === 'uncertainty') {
      r = g = b = 255;
      alpha = 255 * Math.sqrt(1 - (bestP - Math.max(0, second)) / 255);
    }
    out[4 * i] = r;
    out[4 * i + 1] = g;
    out[4 * i + 2] = b;
    out[4 * i + 3] = alpha;
  }
  return out;
}

/** Black for light colours, white for dark ones: the outline that stands out against `color` itself. */
export function contrastingOutline(color: readonly [number, number, number]): [number, number, number] {
  const luminance = 0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2];
  return luminance > 128 ? [0, 0, 0] : [255, 255, 255];
}

/**
 * Colours a label raster region: class colour where labeled; a one-pixel outline, in the colour that
 * contrasts with the class colour, on the unlabeled pixels next to a label, so a stroke stays visible on
 * an overlay of its own colour; transparent elsewhere. Redraw the changed rectangle grown by one pixel
 * (`growRect`), since the outline reaches one pixel past the labels.
 */
export function colorizeLabels(
  labels: Uint8Array,
  size: { readonly width: number; readonly height: number },
  rect: Rect,
  colorById: ReadonlyMap<number, readonly [number, number, number]>,
  out: Uint8ClampedArray,
): Uint8ClampedArray {
  const { width, height } = size;
  const classAt = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height ? labels[y * width + x] : 0;
  let o = 0;
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++, o += 4) {
      const v = labels[y * width + x];
      let c = v ? colorById.get(v) : undefined;
      if (!v) {
        const next = classAt(x - 1, y) || classAt(x + 1, y) || classAt(x, y - 1) || classAt(x, y + 1);
        const neighbour = next ? colorById.get(next) : undefined;
        if (neighbour) c = contrastingOutline(neighbour);
      }
      if (c) {
        out[o] = c[0];
        out[o + 1] = c[1];
        out[o + 2] = c[2];
        out[o + 3] = 255;
      } else out[o + 3] = 0;
    }
  }
  return out;
}

/** `rect` grown by `by` pixels on every side, clipped to the image. */
export function growRect(rect: Rect, by: number, size: { width: number; height: number }): Rect {
  const x = Math.max(0, rect.x - by);
  const y = Math.max(0, rect.y - by);
  return {
    x,
    y,
    width: Math.min(size.width, rect.x + rect.width + by) - x,
    height: Math.min(size.height, rect.y + rect.height + by) - y,
  };
}

/** The pyramid level to draw at: each level halves the resolution; drawn pixels stay ≥ 1 screen pixel. */
export function levelForScale(scale: number): number {
  return scale >= 1 ? 0 : Math.max(0, Math.floor(Math.log2(1 / scale)));
}

/** The tiles of a fixed grid (in full-resolution pixels) that intersect the visible part of the image. */
export function visibleTiles(
  view: ViewTransform,
  viewport: { width: number; height: number },
  image: { width: number; height: number },
  tileSize: number,
): Rect[] {
  const x0 = Math.max(0, Math.floor(-view.x / view.scale));
  const y0 = Math.max(0, Math.floor(-view.y / view.scale));
  const x1 = Math.min(image.width, Math.ceil((viewport.width - view.x) / view.scale));
  const y1 = Math.min(image.height, Math.ceil((viewport.height - view.y) / view.scale));
  const tiles: Rect[] = [];
  if (x1 <= x0 || y1 <= y0) return tiles;
  // Rows and columns nearest the centre first, so the middle of the view fills in first.
  for (let ty = Math.floor(y0 / tileSize) * tileSize; ty < y1; ty += tileSize) {
    for (let tx = Math.floor(x0 / tileSize) * tileSize; tx < x1; tx += tileSize) {
      tiles.push({
        x: tx,
        y: ty,
        width: Math.min(tileSize, image.width - tx),
        height: Math.min(tileSize, image.height - ty),
      });
    }
  }
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const d = (r: Rect) => Math.hypot(r.x + r.width / 2 - cx, r.y + r.height / 2 - cy);
  return tiles.sort((a, b) => d(a) - d(b));
}

/** The view that fits the whole image in the viewport, centred, with a small margin. */
export function fitView(
  image: { width: number; height: number },
  viewport: { width: number; height: number },
): ViewTransform {
  const scale = Math.min(viewport.width / image.width, viewport.height / image.height) * 0.95;
  return {
    scale,
    x: (viewport.width - image.width * scale) / 2,
    y: (viewport.height - image.height * scale) / 2,
  };
}

/** Zooms by `factor` keeping the image point under (px, py) on screen fixed. */
export function zoomAt(view: ViewTransform, factor: number, px: number, py: number): ViewTransform {
  const scale = Math.min(64, Math.max(1 / 64, view.scale * factor));
  const f = scale / view.scale;
  return { scale, x: px - (px - view.x) * f, y: py - (py - view.y) * f };
}

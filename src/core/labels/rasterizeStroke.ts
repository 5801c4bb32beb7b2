/**
 * Label rasters from strokes. A label raster is Uint8 per pixel: 0 = unlabeled, k = class k (1-based).
 * Rasterizing is deterministic, so the backend and the window derive identical rasters from the same strokes.
 */
import type { Rect } from '../tiling.js';
import { strokeBounds, type Stroke } from './Stroke.js';

/**
 * Paints one stroke (round brush swept along its polyline) into `labels`, limited to `clip` when given.
 * Returns the rectangle that may have changed, or null.
 */
export function rasterizeStroke(
  labels: Uint8Array,
  width: number,
  height: number,
  stroke: Stroke,
  clip?: Rect,
): Rect | null {
  let bounds = strokeBounds(stroke, width, height);
  if (!bounds) return null;
  if (clip) {
    bounds = intersectRect(bounds, clip);
    if (!bounds) return null;
  }
  const value = stroke.mode === 'erase' ? 0 : stroke.classId;
  const p = stroke.points;
  const r = stroke.radiusPx;
  const r2 = r * r;
  const segments = Math.max(1, p.length / 2 - 1);
  for (let s = 0; s < segments; s++) {
    const ax = p[2 * s];
    const ay = p[2 * s + 1];
    const bx = p.length >= 4 ? p[2 * s + 2] : ax;
    const by = p.length >= 4 ? p[2 * s + 3] : ay;
    const x0 = Math.max(bounds.x, Math.floor(Math.min(ax, bx) - r));
    const x1 = Math.min(bounds.x + bounds.width, Math.ceil(Math.max(ax, bx) + r));
    const y0 = Math.max(bounds.y, Math.floor(Math.min(ay, by) - r));
    const y1 = Math.min(bounds.y + bounds.height, Math.ceil(Math.max(ay, by) + r));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = y0; y < y1; y++) {
      const py = y + 0.5;
      for (let x = x0; x < x1; x++) {
        const px = x + 0.5;
        // Distance from the pixel centre to the segment: project, clamp to [0, 1].
        let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - (ax + t * dx);
        const ey = py - (ay + t * dy);
        if (ex * ex + ey * ey <= r2) labels[y * width + x] = value;
      }
    }
  }
  return bounds;
}

/** The raster of a list of strokes painted in order, over `base` labels when given. */
export function rasterizeStrokes(
  width: number,
  height: number,
  strokes: readonly Stroke[],
  base?: Uint8Array,
): Uint8Array {
  const labels = base ? base.slice() : new Uint8Array(width * height);
  for (const stroke of strokes) rasterizeStroke(labels, width, height, stroke);
  return labels;
}

/**
 * Re-derives only `rect` of an existing raster from the strokes (used after undo: the removed stroke's
 * bounds are repainted from the base and the remaining strokes, leaving the rest of the raster alone).
 */
export function rerasterizeRect(
  labels: Uint8Array,
  width: number,
  height: number,
  strokes: readonly Stroke[],
  rect: Rect,
  base?: Uint8Array,
): void {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const start = y * width + rect.x;
    if (base) labels.set(base.subarray(start, start + rect.width), start);
    else labels.fill(0, start, start + rect.width);
  }
  for (const stroke of strokes) rasterizeStroke(labels, width, height, stroke, rect);
}

export function intersectRect(a: Rect, b: Rect): Rect | null {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/**
 * Label rasters from strokes. A label raster is Uint8 per pixel: 0 = unlabeled, k = class k (1-based).
 * Rasterizing is deterministic, so the backend and the window derive identical rasters from the same strokes.
 *
 * The work is exposed as generators that yield every few tens of thousands of pixels visited, so the
 * backend can spread a large change over many event-loop turns (one client's strokes must not stall the
 * others); the window drains them in one go.
 */
import type { Rect } from '../tiling.js';
import { strokeBounds, type Stroke } from './Stroke.js';

/**
 * Pixels visited between two yields of the step generators: ~0.1–0.3 ms of work, so a caller that checks
 * the clock at each yield can keep its slices short without paying for the check on every pixel.
 */
const PIXELS_PER_STEP = 65_536;

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
  return drain(rasterizeStrokeSteps(labels, width, height, stroke, clip));
}

/**
 * rasterizeStroke in steps: yields the pixels visited since the last yield (about PIXELS_PER_STEP) and
 * returns the rectangle that may have changed. Only the pixels of the brush's sweep are visited (each
 * row's span of the capsule around a segment), not the segment's whole bounding box.
 */
export function* rasterizeStrokeSteps(
  labels: Uint8Array,
  width: number,
  height: number,
  stroke: Stroke,
  clip?: Rect,
): Generator<number, Rect | null> {
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
  let visited = 0;
  for (let s = 0; s < segments; s++) {
    const [ax, ay, bx, by] = segmentEnds(p, s);
    const x0 = Math.max(bounds.x, Math.floor(Math.min(ax, bx) - r));
    const x1 = Math.min(bounds.x + bounds.width, Math.ceil(Math.max(ax, bx) + r));
    const y0 = Math.max(bounds.y, Math.floor(Math.min(ay, by) - r));
    const y1 = Math.min(bounds.y + bounds.height, Math.ceil(Math.max(ay, by) + r));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const reach = r * Math.sqrt(len2);
    for (let y = y0; y < y1; y++) {
      const py = y + 0.5;
      const span = capsuleRowSpan(py, ax, ay, bx, by, dx, dy, len2, r2, reach);
      if (!span) continue;
      // One pixel of slack each side: the exact test below decides, the span only skips far pixels.
      const from = Math.max(x0, Math.floor(span.lo - 0.5) - 1);
      const to = Math.min(x1, Math.ceil(span.hi - 0.5) + 2);
      for (let x = from; x < to; x++) {
        const px = x + 0.5;
        // Distance from the pixel centre to the segment: project, clamp to [0, 1].
        let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - (ax + t * dx);
        const ey = py - (ay + t * dy);
        if (ex * ex + ey * ey <= r2) labels[y * width + x] = value;
      }
      visited += Math.max(0, to - from) + 1;
      if (visited >= PIXELS_PER_STEP) {
        yield visited;
        visited = 0;
      }
    }
  }
  if (visited > 0) yield visited;
  return bounds;
}

/**
 * An upper bound of the pixels rasterizeStroke visits for `stroke` on a width × height image: per segment
 * the smaller of its clipped bounding box and the capsule's area (plus a pixel of slack around it).
 */
export function strokeWork(stroke: Stroke, width: number, height: number): number {
  const p = stroke.points;
  const r = stroke.radiusPx;
  const segments = Math.max(1, p.length / 2 - 1);
  let work = 0;
  for (let s = 0; s < segments; s++) {
    const [ax, ay, bx, by] = segmentEnds(p, s);
    const boxWidth =
      Math.min(width, Math.ceil(Math.max(ax, bx) + r)) - Math.max(0, Math.floor(Math.min(ax, bx) - r));
    const boxHeight =
      Math.min(height, Math.ceil(Math.max(ay, by) + r)) - Math.max(0, Math.floor(Math.min(ay, by) - r));
    if (boxWidth <= 0 || boxHeight <= 0) continue;
    const length = Math.hypot(bx - ax, by - ay);
    const capsule = (2 * r + 4) * (length + 2 * r + 4);
    work += Math.min(boxWidth * (boxHeight + 1) + boxHeight, capsule);
  }
  return work;
}

/**
 * The x interval (pixel-centre coordinates) where the row at `py` meets the capsule of radius r around the
 * segment a–b: the union of the two end discs' chords and the band between them (convex, so one interval).
 */
function capsuleRowSpan(
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  dx: number,
  dy: number,
  len2: number,
  r2: number,
  reach: number,
): { lo: number; hi: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [cx, cy] of [
    [ax, ay],
    [bx, by],
  ]) {
    const h = r2 - (py - cy) * (py - cy);
    if (h >= 0) {
      const half = Math.sqrt(h);
      lo = Math.min(lo, cx - half);
      hi = Math.max(hi, cx + half);
    }
  }
  if (len2 > 0) {
    // With u = px − ax: 0 ≤ u·dx + qy·dy ≤ len² (between the ends) and |u·dy − qy·dx| ≤ r·len (near the line).
    const qy = py - ay;
    const along = linearRange(dx, qy * dy, 0, len2);
    const across = linearRange(dy, -qy * dx, -reach, reach);
    const bandLo = Math.max(along.lo, across.lo);
    const bandHi = Math.min(along.hi, across.hi);
    if (bandLo <= bandHi) {
      lo = Math.min(lo, ax + bandLo);
      hi = Math.max(hi, ax + bandHi);
    }
  }
  return lo <= hi ? { lo, hi } : null;
}

/** The u with min ≤ a·u + b ≤ max (everything or nothing when a = 0). */
function linearRange(a: number, b: number, min: number, max: number): { lo: number; hi: number } {
  if (a === 0) return b >= min && b <= max ? { lo: -Infinity, hi: Infinity } : { lo: 1, hi: 0 };
  const u1 = (min - b) / a;
  const u2 = (max - b) / a;
  return { lo: Math.min(u1, u2), hi: Math.max(u1, u2) };
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
  drain(rerasterizeRectSteps(labels, width, height, strokes, rect, base));
}

/** rerasterizeRect in steps (see rasterizeStrokeSteps). */
export function* rerasterizeRectSteps(
  labels: Uint8Array,
  width: number,
  height: number,
  strokes: readonly Stroke[],
  rect: Rect,
  base?: Uint8Array,
): Generator<number, void> {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const start = y * width + rect.x;
    if (base) labels.set(base.subarray(start, start + rect.width), start);
    else labels.fill(0, start, start + rect.width);
  }
  yield rect.width * rect.height;
  for (const stroke of strokes) {
    yield 1; // a cheap step per stroke, so a long list of strokes that miss the rect still yields
    yield* rasterizeStrokeSteps(labels, width, height, stroke, rect);
  }
}

/** Runs a step generator to its end and returns its result. */
function drain<T>(steps: Generator<number, T>): T {
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

export function intersectRect(a: Rect, b: Rect): Rect | null {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/** Segment `s` of a stroke's points (x0, y0, x1, y1, …); a one-point stroke is a segment of length 0. */
function segmentEnds(p: ArrayLike<number>, s: number): [number, number, number, number] {
  const ax = p[2 * s];
  const ay = p[2 * s + 1];
  return p.length >= 4 ? [ax, ay, p[2 * s + 2], p[2 * s + 3]] : [ax, ay, ax, ay];
}

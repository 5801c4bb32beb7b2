import { describe, expect, it } from 'vitest';
import {
  rasterizeStroke,
  rasterizeStrokeSteps,
  rasterizeStrokes,
  rerasterizeRect,
  strokeWork,
} from './rasterizeStroke.js';
import { pointsFromBase64, pointsToBase64, strokeBounds, type Stroke } from './Stroke.js';

const W = 40;
const H = 30;

function paintStroke(
  id: string,
  classId: number,
  points: number[],
  radiusPx = 2,
  mode: Stroke['mode'] = 'paint',
): Stroke {
  return { id, kind: 'stroke', imageId: 'img', classId, radiusPx, mode, points: new Float32Array(points) };
}

describe('rasterizing strokes', () => {
  it('paints a round brush along the stroke and nothing beyond its radius', () => {
    const labels = new Uint8Array(W * H);
    rasterizeStroke(labels, W, H, paintStroke('s', 2, [10, 10, 20, 10], 2));
    expect(labels[10 * W + 15]).toBe(2); // on the line
    expect(labels[11 * W + 15]).toBe(2); // within the radius
    expect(labels[13 * W + 15]).toBe(0); // beyond it
    expect(labels[10 * W + 25]).toBe(0); // past the end
  });

  it('a single click paints a dot', () => {
    const labels = new Uint8Array(W * H);
    rasterizeStroke(labels, W, H, paintStroke('dot', 1, [5.5, 5.5], 1.5));
    expect(labels[5 * W + 5]).toBe(1);
    expect(labels.reduce((n, v) => n + (v ? 1 : 0), 0)).toBeGreaterThanOrEqual(5);
  });

  it('erasing sets pixels back to unlabeled', () => {
    const labels = rasterizeStrokes(W, H, [
      paintStroke('a', 1, [5, 5, 30, 5], 3),
      paintStroke('e', 1, [15, 5, 20, 5], 3, 'erase'),
    ]);
    expect(labels[5 * W + 8]).toBe(1);
    expect(labels[5 * W + 17]).toBe(0);
  });

  it('undoing a stroke restores the raster exactly (re-deriving only its rectangle)', () => {
    const a = paintStroke('a', 1, [5, 5, 30, 20], 3);
    const b = paintStroke('b', 2, [10, 25, 25, 3], 4);
    const before = rasterizeStrokes(W, H, [a]);
    const labels = rasterizeStrokes(W, H, [a, b]);
    expect(labels).not.toEqual(before);
    rerasterizeRect(labels, W, H, [a], strokeBounds(b, W, H)!);
    expect(labels).toEqual(before);
  });

  it('keeps strokes clipped to the image', () => {
    const labels = new Uint8Array(W * H);
    expect(() =>
      rasterizeStroke(labels, W, H, paintStroke('edge', 1, [-10, -10, 100, 100], 5)),
    ).not.toThrow();
    expect(labels[0]).toBe(1);
    expect(strokeBounds(paintStroke('out', 1, [-50, -50, -40, -40], 2), W, H)).toBeNull();
  });

  it('stroke points survive base64 exactly', () => {
    const points = new Float32Array([0.5, 1.25, 1e-7, 123456.789, -3]);
    expect(Array.from(pointsFromBase64(pointsToBase64(points)))).toEqual(Array.from(points));
  });

  it('paints exactly the pixels within the radius of the polyline (random strokes, any angle)', () => {
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 120; n++) {
      const points: number[] = [];
      const count = 1 + Math.floor(random() * 5);
      for (let i = 0; i < count; i++) points.push(random() * 60 - 10, random() * 50 - 10);
      const stroke = paintStroke(`r${n}`, 1, points, 0.3 + random() * 9);
      const labels = new Uint8Array(W * H);
      rasterizeStroke(labels, W, H, stroke);
      expect(labels).toEqual(bruteForce(stroke));
    }
  });

  it('visits only the brush sweep, so a long thin diagonal on a large image costs little', () => {
    const size = 4000;
    const labels = new Uint8Array(size * size);
    const stroke = paintStroke('diag', 1, [0, 0, size, size], 2);
    let visited = 0;
    for (const step of iterate(rasterizeStrokeSteps(labels, size, size, stroke))) visited += step;
    expect(visited).toBeLessThan(size * 12); // the bounding box would be 16 000 000 pixels
    expect(visited).toBeLessThanOrEqual(strokeWork(stroke, size, size));
    expect(labels[2000 * size + 2000]).toBe(1);
    expect(labels[2000 * size + 2010]).toBe(0);
  });

  it('yields in steps, so a caller can stop between them', () => {
    const size = 1024;
    const steps = [
      ...iterate(
        rasterizeStrokeSteps(
          new Uint8Array(size * size),
          size,
          size,
          paintStroke('big', 1, [0, 0, size, size], 200),
        ),
      ),
    ];
    expect(steps.length).toBeGreaterThan(5);
    expect(Math.max(...steps)).toBeLessThan(70_000 + size);
  });
});

/** The definition: a pixel is painted when its centre lies within the radius of some segment. */
function bruteForce(stroke: Stroke): Uint8Array {
  const labels = new Uint8Array(W * H);
  const p = stroke.points;
  const r2 = stroke.radiusPx ** 2;
  const segments = Math.max(1, p.length / 2 - 1);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let s = 0; s < segments; s++) {
        const [ax, ay] = [p[2 * s], p[2 * s + 1]];
        const [bx, by] = p.length >= 4 ? [p[2 * s + 2], p[2 * s + 3]] : [ax, ay];
        const [dx, dy] = [bx - ax, by - ay];
        const len2 = dx * dx + dy * dy;
        let t = len2 > 0 ? ((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / len2 : 0;
        t = Math.min(1, Math.max(0, t));
        if ((x + 0.5 - ax - t * dx) ** 2 + (y + 0.5 - ay - t * dy) ** 2 <= r2)
          labels[y * W + x] = stroke.classId;
      }
    }
  }
  return labels;
}

function* iterate(steps: Generator<number, unknown>): Generator<number> {
  for (let s = steps.next(); !s.done; s = steps.next()) yield s.value;
}

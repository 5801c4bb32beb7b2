import { describe, expect, it } from 'vitest';
import { rasterizeStroke, rasterizeStrokes, rerasterizeRect } from './rasterizeStroke.js';
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
});

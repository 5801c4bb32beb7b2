import { describe, expect, it } from 'vitest';
import {
  colorizeLabels,
  contrastingOutline,
  growRect,
  colorizeProbabilities,
  fitView,
  levelForScale,
  visibleTiles,
  windowChannels,
  zoomAt,
} from './rendering.js';

describe('viewer pixels', () => {
  it('windows 16-bit values: min → black, max → full, clamped outside', () => {
    const out = windowChannels(
      [new Float32Array([400, 1200, 2000, 65535])],
      [{ min: 400, max: 2000, color: [255, 255, 255], isVisible: true }],
      new Uint8ClampedArray(16),
    );
    expect([out[0], out[4], out[8], out[12]]).toEqual([0, 128, 255, 255]);
    expect(out[3]).toBe(255);
  });

  it('raises the windowed value to the gamma: below 1 brightens the mid-tones', () => {
    const out = windowChannels(
      [new Float32Array([0, 250, 1000])],
      [{ min: 0, max: 1000, color: [255, 255, 255], isVisible: true, gamma: 0.5 }],
      new Uint8ClampedArray(12),
    );
    expect([out[0], out[4], out[8]]).toEqual([0, 128, 255]); // √0.25 = 0.5
  });

  it('adds visible channels in their colours (composite) and skips hidden ones', () => {
    const out = windowChannels(
      [new Float32Array([1]), new Float32Array([1]), new Float32Array([1])],
      [
        { min: 0, max: 1, color: [255, 0, 0], isVisible: true },
        { min: 0, max: 1, color: [0, 255, 0], isVisible: true },
        { min: 0, max: 1, color: [0, 0, 255], isVisible: false },
      ],
      new Uint8ClampedArray(4),
    );
    expect(Array.from(out)).toEqual([255, 255, 0, 255]);
  });

  it('colours probabilities, the segmentation and the uncertainty', () => {
    const probs = new Uint8Array([255, 128, /* class 2: */ 0, 127]);
    const colors = [
      [255, 0, 0],
      [0, 0, 255],
    ] as const;
    const p = colorizeProbabilities(
      probs,
      2,
      colors,
      [true, true],
      'probabilities',
      new Uint8ClampedArray(8),
    );
    expect(Array.from(p.slice(0, 4))).toEqual([255, 0, 0, 255]);
    const s = colorizeProbabilities(probs, 2, colors, [true, true], 'segmentation', new Uint8ClampedArray(8));
    expect(Array.from(s.slice(4, 8))).toEqual([255, 0, 0, 255]);
    const u = colorizeProbabilities(probs, 2, colors, [true, true], 'uncertainty', new Uint8ClampedArray(8));
    expect(u[3]).toBe(0); // certain
    expect(u[7]).toBe(254); // a coin toss
    const hidden = colorizeProbabilities(
      probs,
      2,
      colors,
      [false, true],
      'probabilities',
      new Uint8ClampedArray(8),
    );
    expect(hidden[3]).toBe(0);
  });

  it('colours labels by class, outlines them on unlabeled neighbours, leaves the rest transparent', () => {
    // Row 0: a label of class 2 (blue) at x = 1; row 2: nothing near a label.
    const labels = new Uint8Array([0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const out = colorizeLabels(
      labels,
      { width: 4, height: 3 },
      { x: 0, y: 0, width: 4, height: 3 },
      new Map([
        [1, [224, 192, 32]],
        [2, [32, 128, 255]],
      ] as const),
      new Uint8ClampedArray(48),
    );
    const px = (x: number, y: number) => Array.from(out.slice((y * 4 + x) * 4, (y * 4 + x) * 4 + 4));
    expect(px(1, 0)).toEqual([32, 128, 255, 255]);
    // The dark blue label gets a white outline left, right and below.
    expect(px(0, 0)).toEqual([255, 255, 255, 255]);
    expect(px(2, 0)).toEqual([255, 255, 255, 255]);
    expect(px(1, 1)).toEqual([255, 255, 255, 255]);
    expect(px(3, 0)[3]).toBe(0);
    expect(px(0, 1)[3]).toBe(0); // diagonal: no outline
    expect(px(1, 2)[3]).toBe(0);
  });

  it('outlines light classes in black and dark ones in white', () => {
    expect(contrastingOutline([224, 192, 32])).toEqual([0, 0, 0]);
    expect(contrastingOutline([32, 128, 255])).toEqual([255, 255, 255]);
    expect(contrastingOutline([255, 0, 0])).toEqual([255, 255, 255]);
  });

  it('grows a dirty rectangle by the outline, clipped to the image', () => {
    const size = { width: 10, height: 10 };
    expect(growRect({ x: 0, y: 4, width: 3, height: 2 }, 1, size)).toEqual({
      x: 0,
      y: 3,
      width: 4,
      height: 4,
    });
    expect(growRect({ x: 8, y: 8, width: 2, height: 2 }, 1, size)).toEqual({
      x: 7,
      y: 7,
      width: 3,
      height: 3,
    });
  });

  it('needs only the tiles in view, the middle first', () => {
    const tiles = visibleTiles(
      { scale: 1, x: -300, y: 0 },
      { width: 400, height: 200 },
      { width: 1024, height: 1024 },
      256,
    );
    expect(tiles.map((t) => t.x).sort((a, b) => a - b)).toEqual([256, 512]);
    expect(tiles.every((t) => t.y === 0)).toBe(true);
    expect(tiles[0].x).toBe(256); // the centre of the view (x = 500) is in the tile at 256
  });

  it('zooms about the cursor and picks the pyramid level for the scale', () => {
    const v = zoomAt({ scale: 1, x: 0, y: 0 }, 2, 100, 50);
    expect((100 - v.x) / v.scale).toBeCloseTo(100);
    expect((50 - v.y) / v.scale).toBeCloseTo(50);
    expect([
      levelForScale(2),
      levelForScale(1),
      levelForScale(0.5),
      levelForScale(0.3),
      levelForScale(0.1),
    ]).toEqual([0, 0, 1, 1, 3]);
    const fit = fitView({ width: 2000, height: 1000 }, { width: 1000, height: 1000 });
    expect(fit.scale).toBeCloseTo(0.475);
  });
});

import { describe, expect, it } from 'vitest';
import { rasterizeStrokes } from '../../core/labels/rasterizeStroke.js';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { acceptedStrokes, predictedClassLookup } from './acceptPrediction.js';

const W = 40;
const H = 30;
let ids = 0;
const newId = () => `a${++ids}`;

/** A prediction of the whole image: class 2 (nucleus) where x ≥ 20, class 1 left of it. */
function tile(stride = 1): ProbabilityTile {
  const width = Math.ceil(W / stride);
  const height = Math.ceil(H / stride);
  const n = width * height;
  const probabilities = new Uint8Array(2 * n);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const right = x * stride >= 20;
      probabilities[y * width + x] = right ? 40 : 215;
      probabilities[n + y * width + x] = right ? 215 : 40;
    }
  return {
    requestId: 1,
    viewId: 'v',
    imageId: 'im',
    rect: { x: 0, y: 0, width: W, height: H },
    stride,
    width,
    height,
    classCount: 2,
    probabilities,
  };
}

const brush: Stroke = {
  id: 'brush',
  kind: 'stroke',
  imageId: 'im',
  classId: 1,
  radiusPx: 4,
  mode: 'paint',
  points: new Float32Array([10.5, 15.5, 30.5, 15.5]),
};

describe('accept prediction', () => {
  it('labels exactly the brushed pixels with their predicted class, as paint strokes', () => {
    const strokes = acceptedStrokes(brush, W, H, predictedClassLookup([tile()], [1, 2]), newId);
    expect(strokes.every((s) => s.mode === 'paint' && s.imageId === 'im')).toBe(true);
    const accepted = rasterizeStrokes(W, H, strokes);
    const footprint = rasterizeStrokes(W, H, [brush]);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const expected = footprint[i] === 0 ? 0 : x >= 20 ? 2 : 1;
        expect([x, y, accepted[i]]).toEqual([x, y, expected]);
      }
  });

  it('leaves pixels without a prediction unlabelled', () => {
    const strokes = acceptedStrokes(brush, W, H, predictedClassLookup([], [1, 2]), newId);
    expect(strokes).toEqual([]);
  });

  it('reads a coarse preview tile by its stride', () => {
    const classAt = predictedClassLookup([tile(4)], [1, 2]);
    expect(classAt(3, 3)).toBe(1);
    expect(classAt(21, 3)).toBe(2);
    expect(classAt(39, 29)).toBe(2);
  });
});

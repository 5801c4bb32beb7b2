/**
 * The accept-prediction brush on a stack: brushing on plane 4 accepts plane 4's segmentation (not plane
 * 0's, which says another class) and the labels land on plane 4, undoable there; plane 0 stays unlabelled.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { ProbabilityTile, ProjectImage } from '../../core/protocol/types.js';
import { LabelSession } from '../labels/LabelSession.js';
import { getApp, setApp } from './store.js';
import { PredictionTiles } from './tileCaches.js';

const W = 24;
const H = 16;
const image: ProjectImage = {
  id: 'st',
  name: 'st.tif',
  path: '/st.tif',
  width: W,
  height: H,
  channelCount: 1,
  sampleType: 'uint16',
  channelRanges: [{ min: 0, max: 1 }],
  planes: 6,
  axes: 'zyx',
  sizeZ: 6,
  sizeT: 1,
};
const labels = new LabelSession();
const predictions = new PredictionTiles();
vi.mock('./controller.js', () => ({
  findImage: (id: string) => (id === image.id ? image : undefined),
  predictions,
  commitStrokes: (strokes: Stroke[]) => labels.commitStrokes(strokes),
  showError: (err: unknown) => {
    throw err;
  },
}));
const { acceptPredictionUnder } = await import('./proofreading.js');

/** A whole-plane prediction where every pixel is `classIndex` (0 = background, 1 = nucleus). */
function tile(plane: number, classIndex: number): ProbabilityTile {
  const n = W * H;
  const probabilities = new Uint8Array(2 * n).fill(20);
  probabilities.fill(235, classIndex * n, (classIndex + 1) * n);
  return {
    requestId: 1,
    viewId: 'v',
    imageId: image.id,
    plane,
    rect: { x: 0, y: 0, width: W, height: H },
    stride: 1,
    width: W,
    height: H,
    classCount: 2,
    probabilities,
  };
}

describe('accept prediction on a stack', () => {
  it('labels the visible plane from that plane’s segmentation', () => {
    labels.load(image, null, []);
    predictions.put(tile(0, 0));
    predictions.put(tile(4, 1));
    setApp({
      project: { classes: [{ id: 1 }, { id: 2 }] } as unknown as ReturnType<typeof getApp>['project'],
    });
    const brush: Stroke = {
      id: 'brush',
      kind: 'stroke',
      imageId: image.id,
      plane: 4,
      classId: 1,
      radiusPx: 2,
      mode: 'paint',
      points: new Float32Array([4, 8, 12, 8]),
    };
    acceptPredictionUnder(brush);
    const onPlane4 = labels.raster(image.id, 4)!;
    const values = new Set(onPlane4.filter((v) => v !== 0));
    expect([...values]).toEqual([2]); // plane 4's segmentation: nucleus
    expect(onPlane4[8 * W + 8]).toBe(2);
    expect(labels.raster(image.id, 0)!.every((v) => v === 0)).toBe(true);
    expect(labels.canUndo(image.id, 4)).toBe(true);
    expect(labels.canUndo(image.id, 0)).toBe(false);
  });
});

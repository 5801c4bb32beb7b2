/**
 * The window's tiles are quantized in the workers (job 'predictFeatureBytes') instead of on the main
 * thread: what the window shows must stay exactly the float prediction that export writes, rounded to
 * 0..255 — at full resolution, for a rectangle across tiles of the grid, and for the strided preview.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emitter } from '../../core/protocol/Event.js';
import type { PredictRequest, ProbabilityTile, Progress } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import { planeStroke } from '../../../test/helpers/backendOverWire.js';
import { WorkerPool } from '../engine/WorkerPool.js';
import { readImage } from '../io/openImage.js';
import { writeSyntheticSample } from '../sample/writeSyntheticSample.js';
import { createPoolEngine } from './poolEngine.js';
import { predictVisibleTiles } from './predictVisibleTiles.js';
import { ProjectSession } from './ProjectSession.js';
import { RunningRequests } from './RunningRequests.js';

const SIZE = 512;
let dir: string;
let pool: WorkerPool;
let project: ProjectSession;
let imageId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-tile-bytes-'));
  pool = new WorkerPool({ threads: 2 });
  project = new ProjectSession(createPoolEngine(pool), async (path) => {
    const { image, info } = await readImage(path);
    return { pixels: image, info };
  });
  const sample = await writeSyntheticSample(dir, { width: SIZE, height: SIZE, seed: 4 });
  const image = await project.readProjectImage(sample.image, 'sample');
  project.images.set(image.info.id, image);
  imageId = image.info.id;
  // Background along the top left, a nucleus at the brightest pixel of the image.
  const pixels = image.pixels.channels[0];
  const brightest = pixels.reduce((best, v, i) => (v > pixels[best] ? i : best), 0);
  const [bx, by] = [brightest % SIZE, Math.floor(brightest / SIZE)];
  const strokes = [
    planeStroke('b', imageId, 1, undefined, [30, 30, 90, 30], 3),
    planeStroke('n', imageId, 2, undefined, [bx, by, bx + 1, by], 3),
  ];
  await project.strokes.apply({ added: strokes, removed: [] }, project.classes);
  project.live.labelsChanged();
}, 60_000);

afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

/** The tiles predictTiles delivers for `tiles` at `stride`, retraining first. */
async function deliveredTiles(tiles: Rect[], stride: number): Promise<ProbabilityTile[]> {
  const outlets = {
    tiles: new Emitter<ProbabilityTile>(),
    progress: new Emitter<Progress>(),
    concurrency: 4,
  };
  const delivered: ProbabilityTile[] = [];
  outlets.tiles.event((tile) => delivered.push(tile));
  const request: PredictRequest = { requestId: 1, viewId: 'v', imageId, tiles, retrain: true, stride };
  const result = await predictVisibleTiles(project, new RunningRequests(), request, outlets);
  expect(result.tilesDone).toBe(tiles.length);
  return delivered;
}

/** The float prediction of `rect` as export computes it, every `stride`-th pixel, rounded to bytes. */
async function roundedFloats(
  rect: Rect,
  stride: number,
): Promise<{ probabilities: number[]; unexplained: number[] }> {
  const model = project.live.current!;
  const full = await project.predictor.predictRect(
    project.requireImage(imageId),
    rect,
    model,
    project.classes,
    project.features,
  );
  const strided = (plane: Float32Array, planes: number) => {
    const out: number[] = [];
    for (let c = 0; c < planes; c++)
      for (let y = 0; y < rect.height; y += stride)
        for (let x = 0; x < rect.width; x += stride)
          out.push(Math.round(plane[c * rect.width * rect.height + y * rect.width + x] * 255));
    return out;
  };
  return {
    probabilities: strided(full.probabilities, project.classes.length),
    unexplained: strided(full.unexplained!, 1),
  };
}

describe("the window's byte tiles", () => {
  it.each([
    ['a tile of the grid at full resolution', { x: 256, y: 0, width: 256, height: 256 }, 1],
    ['a rectangle across four tiles of the grid', { x: 200, y: 100, width: 150, height: 300 }, 1],
    ['the preview of a tile, every 4th pixel', { x: 0, y: 256, width: 256, height: 256 }, 4],
  ])(
    'are the float prediction rounded to 0..255: %s',
    async (_name, rect, stride) => {
      const [tile] = await deliveredTiles([rect], stride);
      const expected = await roundedFloats(rect, stride);
      expect(tile.width * tile.height * project.classes.length).toBe(expected.probabilities.length);
      expect(Array.from(tile.probabilities)).toEqual(expected.probabilities);
      expect(Array.from(tile.unexplained!)).toEqual(expected.unexplained);
      // Not a blank tile: both classes are seen somewhere.
      expect(tile.probabilities.reduce((a, v) => Math.max(a, v))).toBe(255);
      expect(tile.probabilities.reduce((a, v) => Math.min(a, v))).toBe(0);
    },
    60_000,
  );
});

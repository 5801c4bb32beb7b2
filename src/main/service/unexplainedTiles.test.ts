/**
 * The live loop's "Unexplained" plane through the real engine (worker pool): on an image with a third
 * kind of object (bright squares) that the scribbles of background and nuclei never touch, the tiles
 * delivered after training flag the squares and leave the scribbled kinds alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { makeThirdKindSample } from '../../../test/helpers/thirdKindSample.js';
import { writeIntegerImage } from '../io/writeIntegerImage.js';
import { createBackend, type Backend } from './createBackend.js';

const SIZE = 512;
/** A flagged pixel's quantized score (UNEXPLAINED_FLOOR · 255, rounded). */
const FLAGGED = 128;

let dir: string;
let backend: Backend;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-unexplained-'));
  backend = createBackend({ dataDir: dir, threads: 2 });
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

/** The sample's scribbles as one-pixel strokes along every third row's runs. */
function scribbleStrokes(imageId: string, scribbles: Uint8Array): Stroke[] {
  const strokes: Stroke[] = [];
  for (let y = 0; y < SIZE; y += 3) {
    for (let x = 0; x < SIZE;) {
      const v = scribbles[y * SIZE + x];
      let end = x;
      while (end + 1 < SIZE && scribbles[y * SIZE + end + 1] === v) end++;
      if (v > 0 && end - x >= 2) {
        strokes.push({
          id: `r${y}-${x}`,
          kind: 'stroke',
          imageId,
          classId: v,
          radiusPx: 1,
          mode: 'paint',
          points: new Float32Array([x + 1.5, y + 0.5, end - 0.5, y + 0.5]),
        });
      }
      x = end + 1;
    }
  }
  return strokes;
}

describe('the Unexplained plane of predicted tiles', () => {
  it('flags the kind of object no class was scribbled on', async () => {
    const sample = makeThirdKindSample(SIZE, SIZE, 5, 5);
    const path = join(dir, 'third-kind.tif');
    await writeIntegerImage(path, sample.image, SIZE, SIZE);
    const service = backend.service;
    await service.newProject();
    const image = await service.addImage(path);
    await service.applyLabelChange({ added: scribbleStrokes(image.id, sample.scribbles), removed: [] });
    const score = new Uint8Array(SIZE * SIZE);
    const tiles: ProbabilityTile[] = [];
    const subscription = service.onDidUpdateTile((tile) => tiles.push(tile));
    const rects = [0, 256].flatMap((y) => [0, 256].map((x) => ({ x, y, width: 256, height: 256 })));
    const result = await service.predictTiles({
      requestId: 1,
      viewId: 'test',
      imageId: image.id,
      tiles: rects,
      retrain: true,
    });
    subscription.dispose();
    expect(result.tilesDone).toBe(4);
    for (const tile of tiles) {
      expect(tile.unexplained?.length).toBe(tile.width * tile.height);
      for (let y = 0; y < tile.height; y++)
        score.set(
          tile.unexplained!.subarray(y * tile.width, (y + 1) * tile.width),
          (tile.rect.y + y) * SIZE + tile.rect.x,
        );
    }
    const flaggedShare = (kind: number) => {
      let all = 0;
      let flagged = 0;
      for (let i = 0; i < score.length; i++) {
        if (sample.truth[i] !== kind) continue;
        all++;
        if (score[i] >= FLAGGED) flagged++;
      }
      return flagged / all;
    };
    expect(flaggedShare(3)).toBeGreaterThan(0.8);
    expect(flaggedShare(1)).toBeLessThan(0.05);
    expect(flaggedShare(2)).toBeLessThan(0.05);

    // With no layer showing the score the window asks without it: the same probabilities, for the preview
    // and for the full-resolution tiles (which the pass ahead predicts), and no score plane to send.
    const predicted = async (requestId: number, stride: number, unexplained?: boolean) => {
      const got: ProbabilityTile[] = [];
      const listening = service.onDidUpdateTile((tile) => got.push(tile));
      const request = { requestId, viewId: 'test', imageId: image.id, tiles: rects, retrain: true };
      await service.predictTiles({
        ...request,
        stride,
        ...(unexplained === undefined ? {} : { unexplained }),
      });
      listening.dispose();
      return new Map(got.map((t) => [`${t.rect.x},${t.rect.y}`, t]));
    };
    const previewWith = await predicted(2, 4);
    const fullWith = await predicted(3, 1);
    const previewWithout = await predicted(4, 4, false);
    const fullWithout = await predicted(5, 1, false);
    for (const [withScore, without] of [
      [previewWith, previewWithout],
      [fullWith, fullWithout],
    ]) {
      expect(without.size).toBe(4);
      for (const [where, tile] of without) {
        expect(tile.unexplained).toBeUndefined();
        expect(withScore.get(where)?.unexplained).toBeDefined();
        expect(Buffer.from(tile.probabilities).equals(Buffer.from(withScore.get(where)!.probabilities))).toBe(
          true,
        );
      }
    }
  }, 120_000);
});

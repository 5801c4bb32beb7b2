/**
 * Stacks in the service, through the in-memory protocol (the window's path): an image says its planes and
 * axes, image tiles and predictions come from the plane asked for, strokes land on their plane and come
 * back on it after save and reopen, and a plane the image does not have is refused with one line.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import {
  makeSyntheticStack,
  STACK_BACKGROUND,
  writeSyntheticStack,
} from '../../../test/helpers/syntheticStack.js';
import {
  planeStroke,
  startBackendOverWire,
  type BackendOverWire,
} from '../../../test/helpers/backendOverWire.js';
import { TiffStripWriter } from '../io/TiffStripWriter.js';

let harness: BackendOverWire;
let client: MixelService;
let dir: string;
let stackPath: string;
const stack = makeSyntheticStack(96, 96, 12);
const ball = stack.balls[0]; // centred on plane 5

beforeAll(async () => {
  harness = await startBackendOverWire('mixel-stack-service-');
  ({ client, dir } = harness);
  stackPath = join(dir, 'stack.tif');
  await writeSyntheticStack(stackPath, stack);
});

afterAll(() => harness.close());

function stroke(id: string, classId: number, plane: number | undefined, points: number[]): Stroke {
  return planeStroke(id, 'unset', classId, plane, points, 3);
}

describe('a z-stack in the service', () => {
  it('says its planes and axes, and shows each plane asked for', async () => {
    await client.newProject();
    const image = await client.addImage(stackPath);
    expect(image).toMatchObject({ planes: 12, axes: 'zyx', sizeZ: 12, sizeT: 1, width: 96, height: 96 });
    const centre = { x: Math.round(ball.x), y: Math.round(ball.y), width: 1, height: 1 };
    const onPlane0 = await client.getImageTile({ imageId: image.id, level: 0, rect: centre });
    const onPlane5 = await client.getImageTile({ imageId: image.id, level: 0, rect: centre, plane: 5 });
    expect(onPlane0.channels[0][0]).toBeLessThan(STACK_BACKGROUND + 150);
    expect(onPlane5.channels[0][0]).toBeGreaterThan(3000);
    expect(onPlane5.plane).toBe(5);
  });

  it('refuses a plane the image does not have, in one line naming it', async () => {
    const project = await client.newProject();
    expect(project.images).toEqual([]);
    const image = await client.addImage(stackPath);
    const rect = { x: 0, y: 0, width: 8, height: 8 };
    await expect(client.getImageTile({ imageId: image.id, level: 0, rect, plane: 12 })).rejects.toThrow(
      /plane 12 of stack\.tif, which has 12 planes \(0–11\)/,
    );
    const outside = { ...stroke('far', 1, 12, [10, 10, 20, 20]), imageId: image.id };
    await expect(client.applyLabelChange({ added: [outside], removed: [] })).rejects.toThrow(
      /stroke far asks for plane 12/,
    );
    expect((await client.getProject()).strokes).toEqual([]);
    await expect(
      client.predictTiles({
        requestId: 1,
        viewId: 'v',
        imageId: image.id,
        tiles: [rect],
        retrain: true,
        plane: 99,
      }),
    ).rejects.toThrow(/plane 99/);
    await expect(client.getBaseLabels(image.id, -1)).rejects.toThrow(/getBaseLabels/);
  });

  it('paints on plane 5, predicts plane 5, and keeps the labels on plane 5 through save and reopen', async () => {
    await client.newProject();
    const image = await client.addImage(stackPath);
    const bx = ball.x;
    const by = ball.y;
    const object = { ...stroke('obj', 2, 5, [bx - 4, by, bx + 4, by]), imageId: image.id };
    const background = { ...stroke('bg', 1, 5, [80, 10, 90, 20, 10, 50, 10, 60]), imageId: image.id };
    await client.applyLabelChange({ added: [object, background], removed: [] });
    const strokes = (await client.getProject()).strokes;
    expect(strokes.map((s) => s.plane)).toEqual([5, 5]);

    const tiles: ProbabilityTile[] = [];
    const sub = client.onDidUpdateTile((t) => tiles.push(t));
    const result = await client.predictTiles({
      requestId: 7,
      viewId: 'stack-test',
      imageId: image.id,
      tiles: [{ x: 0, y: 0, width: 96, height: 96 }],
      retrain: true,
      plane: 5,
    });
    sub.dispose();
    expect(result.hasModel).toBe(true);
    const tile = tiles.find((t) => t.requestId === 7)!;
    expect(tile.plane).toBe(5);
    // Class 2 ("object") at the ball's centre, class 1 far from every ball.
    const at = (x: number, y: number, c: number) =>
      tile.probabilities[c * tile.width * tile.height + y * tile.width + x];
    expect(at(Math.round(bx), Math.round(by), 1)).toBeGreaterThan(200);
    expect(at(50, 5, 0)).toBeGreaterThan(200);

    const file = join(dir, 'stack.mixel');
    await client.saveProject(file);
    await client.newProject();
    const reopened = await client.openProject(file);
    const again = reopened.images[0];
    expect(again.basePlanes).toEqual([5]);
    expect(await client.getBaseLabels(again.id, 0)).toBeNull();
    const plane5 = (await client.getBaseLabels(again.id, 5))!;
    expect(plane5[Math.round(by) * 96 + Math.round(bx)]).toBe(2);
    expect(plane5[15 * 96 + 85]).toBe(1);
    // The reopened labels train a model without any new stroke.
    const retrained = await client.predictTiles({
      requestId: 8,
      viewId: 'stack-test',
      imageId: again.id,
      tiles: [{ x: 0, y: 0, width: 32, height: 32 }],
      retrain: true,
      plane: 5,
    });
    expect(retrained.hasModel).toBe(true);
  });

  it('trains on labels of two planes with 3-D features, predicts plane 5, and saves the 3-D setting', async () => {
    await client.newProject();
    const image = await client.addImage(stackPath);
    const project = await client.getProject();
    const threeD = await client.setFeatureSelection({ ...project.features, dimensions: '3d' });
    expect(threeD.features.dimensions).toBe('3d');
    const bx = ball.x;
    const by = ball.y;
    await client.applyLabelChange({
      added: [
        { ...stroke('o5', 2, 5, [bx - 4, by, bx + 4, by]), imageId: image.id },
        { ...stroke('b3', 1, 3, [80, 10, 90, 20, 10, 50, 10, 60]), imageId: image.id },
      ],
      removed: [],
    });
    const tiles: ProbabilityTile[] = [];
    const sub = client.onDidUpdateTile((t) => tiles.push(t));
    const result = await client.predictTiles({
      requestId: 21,
      viewId: 'stack-3d',
      imageId: image.id,
      tiles: [{ x: 0, y: 0, width: 96, height: 96 }],
      retrain: true,
      plane: 5,
    });
    sub.dispose();
    expect(result.hasModel).toBe(true);
    const tile = tiles.find((t) => t.requestId === 21)!;
    const at = (x: number, y: number, c: number) =>
      tile.probabilities[c * tile.width * tile.height + y * tile.width + x];
    expect(at(Math.round(bx), Math.round(by), 1)).toBeGreaterThan(200);
    expect(at(50, 5, 0)).toBeGreaterThan(200);

    const file = join(dir, 'stack3d.mixel');
    await client.saveProject(file);
    const reopened = await client.openProject(file);
    expect(reopened.features.dimensions).toBe('3d');
  });

  it('refuses 3-D features for a project with an image that has no z', async () => {
    await client.openSampleProject();
    const project = await client.getProject();
    await expect(client.setFeatureSelection({ ...project.features, dimensions: '3d' })).rejects.toThrow(
      /3-D features need z-stacks, but sample\.tif has no z axis/,
    );
  });

  it('reads a time-lapse of z-stacks as t × z planes, plane t · Z + z', async () => {
    const frames = 3;
    const depth = 4;
    const lapse = makeSyntheticStack(32, 32, frames * depth);
    // Each plane gets its own level, so the plane read back names itself.
    lapse.voxels.forEach((plane, p) => plane.fill(100 * (p + 1)));
    const path = join(dir, 'lapse.tif');
    const writer = await TiffStripWriter.create(path, {
      width: 32,
      height: 32,
      pages: frames * depth,
      sampleType: 'uint16',
      geometry: { channels: 1, slices: depth, frames },
    });
    for (let p = 0; p < frames * depth; p++) await writer.writeRows(p, lapse.voxels[p]);
    await writer.close();
    await client.newProject();
    const image = await client.addImage(path);
    expect(image).toMatchObject({ planes: 12, axes: 'tzyx', sizeZ: depth, sizeT: frames });
    const rect = { x: 3, y: 3, width: 1, height: 1 };
    const t2z1 = await client.getImageTile({ imageId: image.id, level: 0, rect, plane: 2 * depth + 1 });
    expect(t2z1.channels[0][0]).toBe(100 * (2 * depth + 1 + 1));
  });
});

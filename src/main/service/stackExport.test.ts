/**
 * The window's Export of stacks, through the in-memory protocol (the window's path) on a real backend:
 * a z-stack painted on plane 5 is written as one stack file per source with every plane, its axes, sizes
 * and pixel size as `mixel predict` writes them, plane 5's segmentation showing the object and the Labels
 * export holding plane 5's scribbles on page 5; a time-lapse keeps t; a 3-D project exports what the window
 * shows; a stack as one PNG is refused; a cancelled export leaves no file.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import type { ProbabilityTile, Progress } from '../../core/protocol/types.js';
import { makeSyntheticStack, type SyntheticStack } from '../../../test/helpers/syntheticStack.js';
import { runMixel } from '../../../test/cli/cliHarness.js';
import { openImage } from '../io/openImage.js';
import {
  planeStroke,
  startBackendOverWire,
  type BackendOverWire,
} from '../../../test/helpers/backendOverWire.js';
import { TiffStripWriter } from '../io/TiffStripWriter.js';

const SIZE = 64;
const stack = makeSyntheticStack(SIZE, SIZE, 12);
const ball = stack.balls[0]; // centred on plane 5
const centre = { x: Math.round(ball.x), y: Math.round(ball.y) };
const FAR = { x: 55, y: 5 }; // far from every ball

let harness: BackendOverWire;
let client: MixelService;
let dir: string;

beforeAll(async () => {
  harness = await startBackendOverWire('mixel-stack-export-');
  ({ client, dir } = harness);
});

afterAll(() => harness.close());

/** The stack as a 16-bit ImageJ hyperstack of `slices` × `frames` with a 0.5 µm pixel and a 2 µm z step. */
async function writeStack(path: string, s: SyntheticStack, slices: number, frames: number): Promise<void> {
  const writer = await TiffStripWriter.create(path, {
    width: s.width,
    height: s.height,
    pages: s.planes,
    sampleType: 'uint16',
    geometry: { channels: 1, slices, frames, pixelWidth: 0.5, pixelHeight: 0.5, spacing: 2, unit: 'micron' },
  });
  for (let p = 0; p < s.planes; p++) await writer.writeRows(p, s.voxels[p]);
  await writer.close();
}

function stroke(id: string, imageId: string, classId: number, plane: number, points: number[]): Stroke {
  return planeStroke(id, imageId, classId, plane, points);
}

/** An object stroke across the ball's centre and a background stroke far from it, both on `plane`. */
async function paintOn(imageId: string, plane: number): Promise<void> {
  await client.applyLabelChange({
    added: [
      stroke('obj', imageId, 2, plane, [centre.x - 3, centre.y, centre.x + 3, centre.y]),
      stroke('bg', imageId, 1, plane, [FAR.x - 4, FAR.y, FAR.x + 4, FAR.y]),
    ],
    removed: [],
  });
}

/** One value of a plane of an exported file, read back with Mixel's own reader. */
async function valueAt(path: string, plane: number, at: { x: number; y: number }): Promise<number> {
  const image = await openImage(path);
  const region = await image.readRegion({ ...at, width: 1, height: 1 }, plane);
  return region.channels[0][0];
}

describe("the window's export of a stack", () => {
  it('writes every plane of a z-stack into one TIFF per source, as `mixel predict` does', async () => {
    const path = join(dir, 'zstack.tif');
    await writeStack(path, stack, 12, 1);
    await client.newProject();
    const image = await client.addImage(path);
    await paintOn(image.id, 5);
    const progress: Progress[] = [];
    const sub = client.onDidProgress((p) => progress.push(p));
    const result = await client.exportImages({
      requestId: 31,
      imageIds: [image.id],
      sources: ['simple-segmentation', 'labels'],
      format: 'tiff',
      outputPattern: join(dir, 'window', '{nickname}_{result_type}.{ext}'),
    });
    sub.dispose();
    expect(result.images[0].error).toBeUndefined();
    const [segmentation, labels] = result.images[0].paths;
    expect(await readdir(join(dir, 'window'))).toEqual([
      'zstack_Labels.tif',
      'zstack_Simple Segmentation.tif',
    ]);

    const written = await openImage(segmentation);
    expect(written.info.planes).toBe(12);
    expect(written.metadata.axes).toBe('zyx');
    expect(written.metadata.pixelSize.x?.value).toBeCloseTo(0.5, 6);
    expect(written.metadata.pixelSize.z?.value).toBeCloseTo(2, 6);
    // Plane 5 shows the object at the ball's centre (class 2), background far from it; plane 0 has no ball.
    expect(await valueAt(segmentation, 5, centre)).toBe(2);
    expect(await valueAt(segmentation, 5, FAR)).toBe(1);
    expect(await valueAt(segmentation, 0, centre)).toBe(1);
    // The scribbles of plane 5 are on page 5, and no other page holds any.
    expect(await valueAt(labels, 5, centre)).toBe(2);
    expect(await valueAt(labels, 5, FAR)).toBe(1);
    expect(await valueAt(labels, 4, centre)).toBe(0);
    expect(await valueAt(labels, 0, centre)).toBe(0);
    // Progress ran over all planes: fractions rise through the stack to the end.
    const fractions = progress.filter((p) => p.requestId === 31).map((p) => p.imageFraction ?? 0);
    const steps = [...new Set(fractions.filter((f) => f > 0))];
    expect(steps.length).toBeGreaterThanOrEqual(12);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.at(-1)).toBe(1);

    // The command line on the saved project writes the same axes, sizes and pixel size.
    const projectPath = join(dir, 'zstack.mixel');
    await client.saveProject(projectPath);
    const cliPattern = join(dir, 'cli', '{nickname}_{result_type}.{ext}');
    const run = await runMixel(
      ['predict', '--project', projectPath, '--export', 'Simple Segmentation', '--output', cliPattern, path],
      dir,
    );
    expect(run.code).toBe(0);
    const cli = await openImage(join(dir, 'cli', 'zstack_Simple Segmentation.tif'));
    expect(written.info).toMatchObject({ planes: cli.info.planes, width: SIZE, height: SIZE });
    expect(written.metadata.axes).toBe(cli.metadata.axes);
    expect(written.metadata.pageSizes).toEqual(cli.metadata.pageSizes);
    expect(written.metadata.pixelSize).toEqual(cli.metadata.pixelSize);
  }, 60_000);

  it('keeps t of a time-lapse: 3 frames of 4 planes, labels on t = 1, z = 1 (plane 5)', async () => {
    const path = join(dir, 'lapse.tif');
    await writeStack(path, stack, 4, 3);
    await client.newProject();
    const image = await client.addImage(path);
    expect(image).toMatchObject({ axes: 'tzyx', sizeZ: 4, sizeT: 3 });
    await paintOn(image.id, 5);
    const result = await client.exportImages({
      requestId: 32,
      imageIds: [image.id],
      sources: ['labels', 'probabilities'],
      format: 'tiff',
      outputPattern: join(dir, 'lapse-out', '{nickname}_{result_type}.{ext}'),
    });
    expect(result.images[0].error).toBeUndefined();
    const [labels, probabilities] = result.images[0].paths;
    const written = await openImage(labels);
    expect(written.metadata.axes).toBe('tzyx');
    expect(written.metadata.pageSizes).toEqual([3, 4]);
    expect(await valueAt(labels, 5, centre)).toBe(2);
    expect(await valueAt(labels, 4, centre)).toBe(0);
    const probs = await openImage(probabilities);
    expect(probs.metadata.axes).toBe('tzcyx');
    expect(probs.metadata.pageSizes).toEqual([3, 4, 2]);
    // As OME-Zarr too: one store with its t and z axes.
    const zarr = await client.exportImages({
      requestId: 37,
      imageIds: [image.id],
      sources: ['labels'],
      format: 'zarr',
      outputPattern: join(dir, 'lapse-out', '{nickname}_{result_type}.{ext}'),
    });
    expect(zarr.images[0].error).toBeUndefined();
    const store = await openImage(zarr.images[0].paths[0]);
    expect(store.metadata.axes).toBe('tzyx');
    expect(store.info.planes).toBe(12);
    expect(await valueAt(zarr.images[0].paths[0], 5, centre)).toBe(2);
  }, 60_000);

  it('refuses a stack as one PNG in one line, and writes one PNG per plane when the pattern has {z}', async () => {
    const path = join(dir, 'pngstack.tif');
    await writeStack(path, stack, 12, 1);
    await client.newProject();
    const image = await client.addImage(path);
    await paintOn(image.id, 5);
    const request = {
      requestId: 33,
      imageIds: [image.id],
      sources: ['labels' as const],
      format: 'png' as const,
      outputPattern: join(dir, 'png', '{nickname}_{result_type}.{ext}'),
    };
    const refused = await client.exportImages(request);
    expect(refused.images[0].error).toBe(
      'pngstack.tif: has 12 planes (zyx) but a PNG holds one: put {z} or {t} in the output pattern for one PNG per plane, or use TIFF (one stack file)',
    );
    const perPlane = await client.exportImages({
      ...request,
      outputPattern: join(dir, 'png', '{nickname}_{result_type}_z{z}.{ext}'),
    });
    expect(perPlane.images[0].paths).toHaveLength(12);
    expect(await valueAt(join(dir, 'png', 'pngstack_Labels_z0005.png'), 0, centre)).toBe(2);
    expect(await valueAt(join(dir, 'png', 'pngstack_Labels_z0004.png'), 0, centre)).toBe(0);
  }, 60_000);
  it('exports a 3-D project with the 3-D features the window shows on plane 5', async () => {
    const path = join(dir, 'stack3d.tif');
    await writeStack(path, stack, 12, 1);
    await client.newProject();
    const image = await client.addImage(path);
    const project = await client.getProject();
    await client.setFeatureSelection({ ...project.features, dimensions: '3d' });
    await paintOn(image.id, 5);
    const result = await client.exportImages({
      requestId: 34,
      imageIds: [image.id],
      sources: ['probabilities'],
      format: 'tiff',
      outputPattern: join(dir, 'out3d', '{nickname}_{result_type}.{ext}'),
    });
    expect(result.images[0].error).toBeUndefined();
    // The window's view of plane 5 with the model the export trained.
    const tiles: ProbabilityTile[] = [];
    const sub = client.onDidUpdateTile((t) => tiles.push(t));
    await client.predictTiles({
      requestId: 35,
      viewId: 'export-3d',
      imageId: image.id,
      tiles: [{ x: 0, y: 0, width: SIZE, height: SIZE }],
      retrain: false,
      plane: 5,
    });
    sub.dispose();
    const tile = tiles.find((t) => t.requestId === 35)!;
    const exported = await openImage(result.images[0].paths[0]);
    expect(exported.metadata.axes).toBe('zcyx');
    const plane5 = await exported.readRegion({ x: 0, y: 0, width: SIZE, height: SIZE }, 5);
    // Every pixel of both classes as the window shows it (the window sends 8-bit probabilities).
    let worst = 0;
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < SIZE * SIZE; i++) {
        worst = Math.max(
          worst,
          Math.abs(plane5.channels[c][i] * 255 - tile.probabilities[c * SIZE * SIZE + i]),
        );
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(plane5.channels[1][centre.y * SIZE + centre.x]).toBeGreaterThan(0.8);
  }, 60_000);

  it('cancelled in the middle of a stack, leaves no file behind', async () => {
    const path = join(dir, 'cancel.tif');
    await writeStack(path, stack, 12, 1);
    await client.newProject();
    const image = await client.addImage(path);
    await paintOn(image.id, 5);
    const sub = client.onDidProgress((p) => {
      if (p.requestId === 36 && (p.imageFraction ?? 0) > 0) void client.cancel(36);
    });
    const result = await client.exportImages({
      requestId: 36,
      imageIds: [image.id],
      sources: ['simple-segmentation', 'labels'],
      format: 'tiff',
      outputPattern: join(dir, 'cancelled', '{nickname}_{result_type}.{ext}'),
    });
    sub.dispose();
    expect(result.isCancelled).toBe(true);
    expect(result.images).toEqual([]);
    expect(await readdir(join(dir, 'cancelled')).catch(() => [])).toEqual([]);
  }, 60_000);
});

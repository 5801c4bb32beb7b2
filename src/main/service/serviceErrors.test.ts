/** What the user reads when something cannot be done: each message names the problem and the way out. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from './createBackend.js';

let dir: string;
let backend: Backend;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-errors-'));
  backend = createBackend({ dataDir: dir, threads: 1 });
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

describe('service errors', () => {
  it('refuses to save a never-saved project without a path', async () => {
    await backend.service.newProject();
    await expect(backend.service.saveProject()).rejects.toMatchObject({
      code: 'no-path',
      message: 'this project has never been saved: choose a file to save it to',
    });
  });

  it('refuses an image whose channels differ from the project’s', async () => {
    await backend.service.openSampleProject();
    const rgb = join(dir, 'colour.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 10, g: 200, b: 30 } } })
      .png()
      .toFile(rgb);
    await expect(backend.service.addImage(rgb)).rejects.toMatchObject({
      code: 'channel-mismatch',
      message: expect.stringMatching(/colour\.png has 3 channel\(s\) but the project's images have 1/),
    });
  });

  it('names the file it cannot read', async () => {
    await expect(backend.service.addImage(join(dir, 'nowhere.tif'))).rejects.toMatchObject({
      code: 'image-unreadable',
      message: expect.stringContaining('nowhere.tif'),
    });
  });

  it('refuses strokes of a class the project does not have', async () => {
    const project = await backend.service.openSampleProject();
    const stroke = {
      id: 's',
      kind: 'stroke' as const,
      imageId: project.images[0].id,
      classId: 9,
      radiusPx: 3,
      mode: 'paint' as const,
      points: new Float32Array([1, 1, 5, 5]),
    };
    await expect(backend.service.applyLabelChange({ added: [stroke], removed: [] })).rejects.toMatchObject({
      code: 'unknown-class',
      message: 'stroke s paints class 9, which the project does not have',
    });
  });

  it('says a prediction needs two labeled classes, without failing', async () => {
    const project = await backend.service.openSampleProject();
    const result = await backend.service.predictTiles({
      requestId: 1,
      viewId: 'test-view',
      imageId: project.images[0].id,
      tiles: [{ x: 0, y: 0, width: 256, height: 256 }],
      retrain: true,
    });
    expect(result.hasModel).toBe(false);
    expect(result.tilesDone).toBe(0);
  });
});

/**
 * Silent overwrites (issue 10, defect 12): two inputs mapping to one output file were written one over
 * the other with exit 0, and the window's export wrote an unknown `{field}` literally. Both are now
 * refused before anything is written, in one line naming the colliding inputs and the file.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';
import { runMixel } from '../cli/cliHarness.js';
import { soleStderrLine } from './cliRobustnessHarness.js';
import { FIXTURE_HEIGHT, FIXTURE_WIDTH, fixturePixels, trainedFixtureForFile } from './projectFixture.js';

const fixture = trainedFixtureForFile('mixel-collisions-');
let sameNames: [string, string];

beforeAll(async () => {
  const dir = fixture.dir;
  sameNames = [join(dir, 'a', 'x.tif'), join(dir, 'b', 'x.tif')];
  for (const path of sameNames) {
    await mkdir(join(path, '..'), { recursive: true });
    await writeIntegerImage(path, fixturePixels(), FIXTURE_WIDTH, FIXTURE_HEIGHT);
  }
});

describe('mixel predict with colliding outputs', () => {
  const predict = (...args: string[]) =>
    runMixel(['predict', '--project', fixture.projectPath, '--threads', '1', ...args]);

  it('refuses a/x.tif and b/x.tif into one folder, naming both and the file, writing nothing', async () => {
    const out = join(fixture.dir, 'out');
    const run = await predict('--output', `${out}/{nickname}_{result_type}.{ext}`, ...sameNames);
    expect(run.code).not.toBe(0);
    const line = soleStderrLine(run);
    expect(line).toContain(sameNames[0]);
    expect(line).toContain(sameNames[1]);
    expect(line).toContain(join(out, 'x_Probabilities.tif'));
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  }, 30_000);

  it('refuses an output that would replace an input image', async () => {
    const run = await predict('--output', '{dir}/{nickname}.{ext}', fixture.imagePath);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/would overwrite the input/);
    expect(run.stderr).toContain(fixture.imagePath);
  }, 30_000);

  it('still writes both when {dir} keeps them apart', async () => {
    const run = await predict(...sameNames);
    expect(run.code).toBe(0);
    expect(await readdir(join(fixture.dir, 'a'))).toContain('x_Probabilities.tif');
    expect(await readdir(join(fixture.dir, 'b'))).toContain('x_Probabilities.tif');
  }, 30_000);
});

describe("the window's export", () => {
  let backend: Backend;
  let ids: string[];
  beforeAll(async () => {
    backend = createBackend({ dataDir: join(fixture.dir, 'data'), threads: 1 });
    await backend.service.newProject();
    ids = [];
    for (const path of sameNames) ids.push((await backend.service.addImage(path)).id);
  });
  afterAll(async () => {
    await backend.close();
  });

  const request = (outputPattern: string) => ({
    requestId: 1,
    imageIds: ids,
    sources: ['labels' as const],
    format: 'png' as const,
    outputPattern,
  });

  it('refuses two images mapped to one file before writing anything', async () => {
    const out = join(fixture.dir, 'window-out');
    await expect(backend.service.exportImages(request(`${out}/{name}_{source}.{ext}`))).rejects.toMatchObject(
      {
        code: 'export-collision',
        message: expect.stringMatching(/a\/x\.tif.*b\/x\.tif.*would both be written to .*x_Labels\.png/),
      },
    );
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses an unknown {field} instead of writing it literally', async () => {
    const out = join(fixture.dir, 'window-out-2');
    await expect(backend.service.exportImages(request(`${out}/{dir}/{nme}.{ext}`))).rejects.toMatchObject({
      code: 'export-pattern',
      message: expect.stringContaining('{nme}'),
    });
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses two sources of one image mapped to one file (no {source})', async () => {
    const out = join(fixture.dir, 'window-out-3');
    const both = {
      ...request(`${out}/{name}.{ext}`),
      imageIds: [ids[0]],
      sources: ['labels' as const, 'uncertainty' as const],
    };
    await expect(backend.service.exportImages(both)).rejects.toMatchObject({
      code: 'export-collision',
      message: expect.stringMatching(/labels of .*x\.tif and uncertainty of .*x\.tif would both be written/),
    });
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exports both when the pattern keeps them apart', async () => {
    const result = await backend.service.exportImages(request('{dir}/{name}_{source}.{ext}'));
    expect(result.images.map((im) => im.error)).toEqual([undefined, undefined]);
    expect(await readdir(join(fixture.dir, 'a'))).toContain('x_Labels.png');
  });
});

describe("the window's export of an image that fails part-way", () => {
  it('leaves none of its files (its first source stayed before)', async () => {
    const backend = createBackend({ dataDir: join(fixture.dir, 'data-partial'), threads: 1 });
    try {
      const state = await backend.service.openProject(fixture.projectPath);
      const out = join(fixture.dir, 'partial');
      await mkdir(out);
      // The second source's folder cannot be made: a file holds its name.
      await writeFile(join(out, 'Uncertainty'), 'a file where a folder is needed');
      const result = await backend.service.exportImages({
        requestId: 3,
        imageIds: [state.images[0].id],
        sources: ['labels', 'uncertainty'],
        format: 'png',
        outputPattern: `${out}/{source}/{name}.{ext}`,
      });
      expect(result.images[0].error).toBeTruthy();
      expect(await readdir(join(out, 'Labels'))).toEqual([]);
    } finally {
      await backend.close();
    }
  }, 60_000);
});

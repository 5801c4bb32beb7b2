/** `mixel features` end to end: a 16-bit image in, a float32 TIFF out, equal to the feature bank bit for bit. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { computeFeatures } from '../../src/core/features/computeFeatures.js';
import { featureChannelNames, presetSelection } from '../../src/core/features/selection.js';
import { runCli } from '../../src/main/cli/main.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';

const dirPromise = mkdtemp(join(tmpdir(), 'mixel-features-'));
afterAll(async () => rm(await dirPromise, { recursive: true, force: true }));

describe('mixel features', () => {
  it('writes one named float32 page per channel, equal to computeFeatures', async () => {
    const dir = await dirPromise;
    const width = 71;
    const height = 53;
    const pixels = Uint16Array.from({ length: width * height }, (_, i) => 800 + ((i * 7919) % 3001));
    await writeIntegerImage(join(dir, 'cells.tif'), pixels, width, height);
    const out = join(dir, 'cells_features.tif');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const code = await runCli([
      'node',
      'mixel',
      'features',
      '--image',
      join(dir, 'cells.tif'),
      '--out',
      out,
      '--features',
      'all',
      '--convention',
      'direct',
      '--threads',
      '2',
      '--tile-size',
      '32',
    ]);
    log.mockRestore();
    expect(code).toBe(0);

    const sel = presetSelection('all');
    const expected = computeFeatures({ width, height, channels: [Float32Array.from(pixels)] }, sel, 'direct');
    const names = featureChannelNames(sel, 1);
    expect((await sharp(out).metadata()).pages).toBe(56);
    for (const page of [0, 17, 55]) {
      const { data, info } = await sharp(out, { page })
        .toColourspace('b-w')
        .raw({ depth: 'float' })
        .toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([width, height, 1]);
      const values = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
      expect(values.every((v, i) => v === expected[page][i])).toBe(true);
    }
    expect(names[55]).toBe('Hessian of Gaussian Eigenvalues (σ=10.0) [1]');
  });

  it('names the known presets when given an unknown one', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await runCli([
      'node',
      'mixel',
      'features',
      '--image',
      'x.tif',
      '--out',
      'y.tif',
      '--features',
      'most',
    ]);
    const message = err.mock.calls.map((c) => String(c[0])).join('');
    err.mockRestore();
    expect(code).not.toBe(0);
    expect(message).toContain('--features most is not known: use default or all');
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runMixel } from '../helpers/runMixel.js';

const mixel = (...args: string[]) => runMixel(args);

describe('the mixel command', () => {
  it('prints its commands with --help', () => {
    const r = mixel('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: mixel/);
    expect(r.stdout).toMatch(/sample/);
  });

  it('rejects an unknown command with a hint and a non-zero status', () => {
    const r = mixel('segmnt');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command/);
  });

  it('refuses a misspelt --axes (or --input_axes) before opening any file: usage error, exit 2', () => {
    for (const args of [
      ['predict', '--project', 'missing.mixel', '--axes', 'qq', 'missing.tif'],
      ['predict', '--project', 'missing.mixel', '--input_axes', 'zzyx', 'missing.tif'],
      ['train', '--image', 'missing.tif', '--labels', 'missing.png', '--axes', 'yxz', '--out', 'p.mixel'],
      ['info', '--axes', 'xy', 'missing.tif'],
    ]) {
      const r = mixel(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/axes "\w+" not understood/);
      expect(r.stderr).not.toMatch(/missing\.(tif|mixel)/);
    }
  });

  it('refuses scribbles of one class before computing features: usage error, exit 2 (before: internal error, 70)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixel-oneclass-'));
    expect(mixel('sample', '--out', dir, '--size', '64').status).toBe(0);
    const labels = Buffer.alloc(64 * 64);
    for (let i = 0; i < 500; i++) labels[i * 7] = 2; // only class 2 painted
    await sharp(labels, { raw: { width: 64, height: 64, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(join(dir, 'only2.png'));
    const image = join(dir, 'sample.tif');
    for (const extra of [[], ['--classes', 'a,b,c']]) {
      const args = ['train', '--image', image, '--labels', join(dir, 'only2.png'), ...extra];
      const r = mixel(...args, '--out', join(dir, 'p.mixel'));
      expect(r.status, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(
        /the labels hold only class 2 \(\w+( \d)?\): at least two classes need labels/,
      );
      expect(r.stderr).not.toContain('internal error');
      expect(r.stderr).not.toContain('features of labeled tiles');
    }
  });

  it('writes the built-in sample as a 16-bit single-channel TIFF with scribbles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixel-sample-'));
    const r = mixel('sample', '--out', dir, '--size', '128');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(join(dir, 'sample.tif'));
    const image = await sharp(join(dir, 'sample.tif')).metadata();
    expect([image.width, image.height, image.channels, image.depth]).toEqual([128, 128, 1, 'ushort']);
    const scribbles = await sharp(join(dir, 'sample_scribbles.png')).metadata();
    expect([scribbles.channels, scribbles.depth]).toEqual([1, 'uchar']);
  });
});

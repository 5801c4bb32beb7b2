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

/** `mixel segment` end to end: outputs on a small synthetic image, and the one-line errors users read. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { runCli } from '../../src/main/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'mixel-segment-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeGrey(path: string, values: Uint8Array | Uint16Array, width: number, height: number) {
  const is16 = values instanceof Uint16Array;
  await sharp(Buffer.from(values.buffer, values.byteOffset, values.byteLength), {
    raw: { width, height, channels: 1 },
  })
    .toColourspace(is16 ? 'grey16' : 'b-w')
    .png()
    .toFile(path);
}

async function segment(args: string[]): Promise<{ code: number; stderr: string }> {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    writes.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const code = await runCli(['node', 'mixel', 'segment', ...args]);
    return { code, stderr: writes.join('') };
  } finally {
    spy.mockRestore();
    log.mockRestore();
  }
}

describe('mixel segment', () => {
  it('writes the Simple Segmentation, Probabilities and Uncertainty of an image from its scribbles', async () => {
    const s = makeSyntheticSample({ width: 160, height: 120, seed: 2 });
    await writeGrey(join(dir, 'cells.png'), s.image, 160, 120);
    await writeGrey(join(dir, 'labels.png'), s.scribbles, 160, 120);
    const out = join(dir, 'out');
    const { code } = await segment([
      '--image',
      join(dir, 'cells.png'),
      '--labels',
      join(dir, 'labels.png'),
      '--out',
      out,
      '--threads',
      '2',
    ]);
    expect(code).toBe(0);
    // The same names and formats as `mixel predict`: TIFFs by default, class values 1..K.
    const seg = join(out, 'cells_Simple Segmentation.tif');
    const segmentation = await sharp(seg).raw().toBuffer();
    expect(new Set(segmentation)).toEqual(new Set([1, 2]));
    const probs = await sharp(join(out, 'cells_Probabilities.tif'), { pages: -1 }).metadata();
    expect(probs.pages).toBe(2);
    expect(existsSync(join(out, 'cells_Uncertainty.tif'))).toBe(true);
  });

  it('refuses labels of another size with one line naming the file', async () => {
    await writeGrey(join(dir, 'small.png'), new Uint8Array(10 * 10).fill(1), 10, 10);
    await writeGrey(join(dir, 'wide.png'), new Uint8Array(20 * 10), 20, 10);
    const { code, stderr } = await segment([
      '--image',
      join(dir, 'wide.png'),
      '--labels',
      join(dir, 'small.png'),
      '--out',
      dir,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/small\.png: labels are 10 × 10 but the image is 20 × 10/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses label values beyond the classes present', async () => {
    const labels = new Uint8Array(20 * 10);
    labels[0] = 1;
    labels[1] = 3;
    await writeGrey(join(dir, 'gap.png'), labels, 20, 10);
    const { code, stderr } = await segment([
      '--image',
      join(dir, 'wide.png'),
      '--labels',
      join(dir, 'gap.png'),
      '--out',
      dir,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/label values 1, 3 go beyond the 2 classes present; number the classes 1\.\.2/);
  });
});

/**
 * The project the export tests share: a 96 × 80 synthetic image saved as an ImageJ TIFF at 0.645 µm per
 * pixel (like HeLa's), its scribbles, and a project trained on them (its image and labels are the
 * project's), plus runners for `mixel segment` and `mixel predict` on it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { writeTaggedTiff } from '../io/writeTaggedTiff.js';
import { runMixel, trainSampleProject, type CliResult } from './cliHarness.js';

export const W = 96;
export const H = 80;

/** ImageJ's resolution tags for 0.645 µm per pixel (with `unit=micron` in the description). */
export const IMAGEJ_MICRONS = { xResolution: 1 / 0.645, yResolution: 1 / 0.645, resolutionUnit: 1 };

export interface ExportFixture {
  readonly sample: ReturnType<typeof makeSyntheticSample>;
  dir: string;
  image: string;
  scribbles: string;
  project: string;
  segment(args: string[]): Promise<CliResult>;
  predict(args: string[], input?: string): Promise<CliResult>;
}

/** Registers beforeAll/afterAll that build (and remove) the fixture in a fresh folder. */
export function exportFixture(prefix: string): ExportFixture {
  const f: ExportFixture = {
    sample: makeSyntheticSample({ width: W, height: H, seed: 5 }),
    dir: '',
    image: '',
    scribbles: '',
    project: '',
    segment: (args) =>
      runMixel(['segment', '--image', f.image, '--labels', f.scribbles, '--threads', '1', ...args]),
    predict: (args, input = f.image) =>
      runMixel(['predict', '--project', f.project, '--threads', '1', ...args, input]),
  };
  beforeAll(async () => {
    f.dir = await mkdtemp(join(tmpdir(), prefix));
    f.image = join(f.dir, 'cells.tif');
    await writeTaggedTiff(f.image, {
      width: W,
      height: H,
      pages: [Uint16Array.from(f.sample.image)],
      description: 'ImageJ=1.54f\nimages=1\nunit=micron\n',
      ...IMAGEJ_MICRONS,
    });
    f.scribbles = join(f.dir, 'scribbles.png');
    await writeIntegerImage(f.scribbles, f.sample.scribbles, W, H);
    f.project = join(f.dir, 'cells.mixel');
    const trained = await trainSampleProject({ image: f.image, scribbles: f.scribbles }, f.project, {
      threads: 1,
    });
    expect(trained.code, trained.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await rm(f.dir, { recursive: true, force: true });
  });
  return f;
}

/** The bytes of a PNG's IHDR: bit depth and colour type (0 grey, 3 palette). */
export async function pngHeader(path: string): Promise<{ bitDepth: number; colourType: number }> {
  const bytes = await readFile(path);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { bitDepth: bytes[24], colourType: bytes[25] };
}

/** `--json` lines as objects. */
export function jsonEvents(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

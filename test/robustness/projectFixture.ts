/**
 * A small trained project made by the real `mixel train`, for the hostile-project and fuzz tests: a
 * 48 × 40 uint16 image (a bright disc on a dark ground), its scribbles, and the saved `.mixel` file.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { MIXEL_BIN } from '../cli/cliHarness.js';
import { temporaryFolderForFile } from './temporaryFolder.js';

export const FIXTURE_WIDTH = 48;
export const FIXTURE_HEIGHT = 40;

export interface TrainedFixture {
  readonly imagePath: string;
  readonly projectPath: string;
  /** The saved project file as parsed JSON: mutate copies of it. */
  readonly json: Record<string, unknown>;
}

/** The fixture image's pixels: a disc of ~3000 on ~500, with a little texture. */
export function fixturePixels(): Uint16Array {
  const w = FIXTURE_WIDTH;
  const pixels = new Uint16Array(w * FIXTURE_HEIGHT);
  for (let i = 0; i < pixels.length; i++) {
    const x = i % w;
    const y = Math.floor(i / w);
    const inside = (x - 24) ** 2 + (y - 20) ** 2 < 100;
    pixels[i] = (inside ? 3000 : 500) + ((i * 7919) % 97);
  }
  return pixels;
}

/** Trains a project in `dir` with the real CLI (one thread, one component: about a second). */
export async function trainFixture(dir: string): Promise<TrainedFixture> {
  const w = FIXTURE_WIDTH;
  const imagePath = join(dir, 'disc.tif');
  const labelsPath = join(dir, 'disc_labels.png');
  const projectPath = join(dir, 'disc.mixel');
  const labels = new Uint8Array(w * FIXTURE_HEIGHT);
  for (let i = 0; i < labels.length; i++) {
    const x = i % w;
    const y = Math.floor(i / w);
    if (y < 3) labels[i] = 1;
    if ((x - 24) ** 2 + (y - 20) ** 2 < 16) labels[i] = 2;
  }
  await writeIntegerImage(imagePath, fixturePixels(), w, FIXTURE_HEIGHT);
  await writeIntegerImage(labelsPath, labels, w, FIXTURE_HEIGHT);
  const args = ['--image', imagePath, '--labels', labelsPath, '--out', projectPath, '--threads', '1'];
  const run = spawnSync(
    process.execPath,
    [MIXEL_BIN, 'train', ...args, '--components', '1', '--semi-supervised', 'off', '--normalize', 'none'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.status !== 0) throw new Error(`mixel train failed: ${run.stderr}`);
  const json = JSON.parse(await readFile(projectPath, 'utf8')) as Record<string, unknown>;
  return { imagePath, projectPath, json };
}

export interface FixtureInFolder extends TrainedFixture {
  /** The temporary folder holding the fixture: tests write their outputs here. */
  readonly dir: string;
}

/**
 * For a whole test file: a temporary folder (named from `prefix`) with a fixture trained in it before
 * the file's tests, removed after them. Its fields can be read once the tests run.
 */
export function trainedFixtureForFile(prefix: string): FixtureInFolder {
  const folder = temporaryFolderForFile(prefix);
  let fixture: TrainedFixture | undefined;
  beforeAll(async () => {
    fixture = await trainFixture(folder.path);
  }, 60_000);
  const trained = (): TrainedFixture & { dir: string } => {
    if (!fixture) throw new Error('the trained fixture is read before its beforeAll ran');
    return { ...fixture, dir: folder.path };
  };
  return {
    get dir() {
      return trained().dir;
    },
    get imagePath() {
      return trained().imagePath;
    },
    get projectPath() {
      return trained().projectPath;
    },
    get json() {
      return trained().json;
    },
  };
}

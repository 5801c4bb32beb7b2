/**
 * Hostile project files (issue 10, defect 9): every number a `.mixel` file holds is bounded to what
 * Mixel can honour. Each mutated file below was accepted before (and made `predict` run forever, predict
 * NaN, or fail with a stack trace); now it is refused on load with one line naming the file and field,
 * by the loader, by `mixel predict` and by the window's open.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeLabelRuns } from '../../src/core/project/labelCodec.js';
import { loadProject, ProjectFileError } from '../../src/main/project/projectFile.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { createBackend } from '../../src/main/service/createBackend.js';
import { runMixel } from '../cli/cliHarness.js';
import { predictArgs, soleStderrLine } from './cliRobustnessHarness.js';
import {
  FIXTURE_HEIGHT,
  FIXTURE_WIDTH,
  trainedFixtureForFile,
  trainFixture,
  type TrainedFixture,
} from './projectFixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = trainedFixtureForFile('mixel-hostile-project-');

/** Writes a mutated copy of the trained project beside it (same folder, so image paths still resolve). */
async function hostileProject(name: string, mutate: (p: Json) => void): Promise<string> {
  const copy = structuredClone(fixture.json) as Json;
  mutate(copy);
  const path = join(fixture.dir, `${name}.mixel`);
  await writeFile(path, JSON.stringify(copy));
  return path;
}

const imageId = () => (fixture.json as Json).images[0].id as string;

/** The window's open of `path` (with a fresh backend over `dataDir`) fails with `code`, naming `named`. */
async function expectWindowRefuses(
  dataDir: string,
  path: string,
  code: string,
  named: string,
): Promise<void> {
  const backend = createBackend({ dataDir: join(fixture.dir, dataDir), threads: 1 });
  try {
    await expect(backend.service.openProject(path)).rejects.toMatchObject({
      code,
      message: expect.stringContaining(named),
    });
  } finally {
    await backend.close();
  }
}

const HOSTILE: [string, RegExp, (p: Json) => void][] = [
  ['scale 1e6', /scales/, (p) => (p.features.selection.scales[0] = 1e6)],
  ['scale 0', /scales/, (p) => (p.features.selection.scales[0] = 0)],
  ['version 0', /version/, (p) => (p.version = 0)],
  ['version 1.5', /version/, (p) => (p.version = 1.5)],
  ['version "1"', /version/, (p) => (p.version = '1')],
  ['300 classes', /classes/, (p) => (p.classes = Array.from({ length: 300 }, () => p.classes[0]))],
  ['width 1e9', /width/, (p) => (p.images[0].width = 1e9)],
  ['7 feature rows', /enabled/, (p) => p.features.selection.enabled.push(p.features.selection.enabled[0])],
  [
    'label value above the class count',
    /label value 9 .* above the 2 classes/,
    (p) => {
      const labels = new Uint8Array(FIXTURE_WIDTH * FIXTURE_HEIGHT);
      labels[5] = 9;
      p.labels[imageId()].data = encodeLabelRuns(labels);
    },
  ],
  [
    'label runs cut short',
    /label runs/,
    (p) => (p.labels[imageId()].data = p.labels[imageId()].data.slice(0, 8)),
  ],
  ['label runs not base64', /base64/, (p) => (p.labels[imageId()].data = '!!!!')],
  ['all weights 0', /weights/, (p) => p.model.mixture.weights.fill(0)],
  ['weights not summing to 1', /weights sum/, (p) => (p.model.mixture.weights[0] *= 0.5)],
  ['transform.scale 0', /transform\.scale/, (p) => p.model.transform.scale.fill(0)],
  ['transform.scale -1', /transform\.scale/, (p) => (p.model.transform.scale[0] = -1)],
  ['covariances 0', /covariances/, (p) => p.model.mixture.covariances.fill(0)],
  ['covariance negative', /covariances/, (p) => (p.model.mixture.covariances[0] = -2)],
  ['mean 1e308', /mixture\.means/, (p) => (p.model.mixture.means[0] = 1e308)],
  ['model class 7 of 2', /class 7/, (p) => (p.model.classes = [1, 7])],
  ['featureCount 1e6', /featureCount/, (p) => (p.model.featureCount = 1e6)],
  ['componentClass 5', /componentClass/, (p) => (p.model.componentClass[0] = 5)],
  ['covariances one short', /covariances/, (p) => p.model.mixture.covariances.pop()],
  ['means one too many', /mixture\.means/, (p) => p.model.mixture.means.push(0)],
  ['5000 components', /weights/, (p) => (p.model.mixture.weights = new Array(5000).fill(1 / 5000))],
  ['percentiles crossed', /lowPercentile/, (p) => (p.normalization.lowPercentile = 99.95)],
  ['1e6 planes', /planes/, (p) => (p.images[0].planes = 1e6)],
];

describe('a hostile project file is refused on load with one line naming the file and the field', () => {
  for (const [name, reason, mutate] of HOSTILE) {
    it(name, async () => {
      const path = await hostileProject(name.replace(/\W+/g, '_'), mutate);
      const error = await loadProject(path).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ProjectFileError);
      const message = (error as Error).message;
      expect(message.startsWith(`${path}: `)).toBe(true);
      expect(message).toMatch(reason);
      expect(message).not.toContain('\n');
    });
  }

  it('the unmodified trained project loads', async () => {
    await expect(loadProject(fixture.projectPath)).resolves.toMatchObject({ version: 1 });
  });
});

describe('mixel predict on a hostile project', () => {
  it('refuses scale 1e6 at once (it ran forever) and writes nothing', async () => {
    const path = await hostileProject('huge_scale_cli', (p) => (p.features.selection.scales[0] = 1e6));
    const out = join(fixture.dir, 'out-huge');
    const started = performance.now();
    const run = await runMixel(predictArgs(path, [fixture.imagePath], out));
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(run.code).not.toBe(0);
    const line = soleStderrLine(run);
    expect(line).toContain(path);
    expect(line).toMatch(/scales/);
    await expect(readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  }, 30_000);

  it('refuses a model whose weights are all 0 (it predicted 100 % NaN with exit 0)', async () => {
    const path = await hostileProject('zero_weights_cli', (p) => p.model.mixture.weights.fill(0));
    const run = await runMixel(['predict', '--project', path, '--threads', '1', fixture.imagePath]);
    expect(run.code).not.toBe(0);
    const line = soleStderrLine(run);
    expect(line).toContain(path);
    expect(line).toMatch(/weights/);
  }, 30_000);
});

describe('mixel train with a hostile --features file', () => {
  it('refuses scale 1e6 naming the file, before reading any image, and writes no project', async () => {
    const features = join(fixture.dir, 'huge-scale.json');
    const selection = { scales: [1e6], enabled: [[true], [false], [false], [false], [false], [false]] };
    await writeFile(features, JSON.stringify(selection));
    const out = join(fixture.dir, 'huge-scale.mixel');
    const started = performance.now();
    const run = await runMixel([
      'train',
      ...['--image', fixture.imagePath, '--labels', join(fixture.dir, 'disc_labels.png')],
      ...['--features', features, '--out', out, '--threads', '1'],
    ]);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(run.code).not.toBe(0);
    const line = soleStderrLine(run);
    expect(line).toContain(features);
    expect(line).toMatch(/scales/);
    await expect(readdir(fixture.dir)).resolves.not.toContain('huge-scale.mixel');
  }, 30_000);
});

describe('the window opening a hostile project', () => {
  it('gets project-unreadable naming the file for broken label runs (was `internal`, no file name)', async () => {
    const path = await hostileProject('broken_runs_window', (p) => {
      p.labels[imageId()].data = p.labels[imageId()].data.slice(0, 8);
    });
    await expectWindowRefuses('data', path, 'project-unreadable', path);
  });
});

describe('a project image whose content changed since training', () => {
  let changed: TrainedFixture;
  beforeAll(async () => {
    const folder = join(fixture.dir, 'changed');
    await mkdir(folder);
    changed = await trainFixture(folder);
    // Same size, other content: only the checksum tells.
    const other = new Uint16Array(FIXTURE_WIDTH * FIXTURE_HEIGHT).fill(1234);
    await writeIntegerImage(changed.imagePath, other, FIXTURE_WIDTH, FIXTURE_HEIGHT);
  }, 60_000);

  it('mixel predict of the project images refuses it, naming it (it was used without a word)', async () => {
    const run = await runMixel(['predict', '--project', changed.projectPath, '--threads', '1']);
    expect(run.code).not.toBe(0);
    const line = soleStderrLine(run);
    expect(line).toContain(changed.imagePath);
    expect(line).toMatch(/changed since the project was trained.*--accept-changed/);
  }, 30_000);

  it('--accept-changed predicts it with a one-line note', async () => {
    const run = await runMixel([
      'predict',
      '--project',
      changed.projectPath,
      '--threads',
      '1',
      '--accept-changed',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`${changed.imagePath}: changed since the project was trained`);
  }, 30_000);

  it('the window refuses to open it with image-changed, naming it', async () => {
    await expectWindowRefuses('data-changed', changed.projectPath, 'image-changed', changed.imagePath);
  });
});

/**
 * kill -9 (issue 10, defect 11): a `mixel train` killed mid-save and a `mixel predict` killed mid-batch
 * left their temporary files for ever, and later runs never removed them. Now the next run writing into
 * the folder removes the temporaries of dead Mixel processes, and a killed save never harms the project
 * that was there before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { loadProject } from '../../src/main/project/projectFile.js';
import { MIXEL_BIN, runMixel } from '../cli/cliHarness.js';

/** Mixel's temporary names: `.<target>.mixel-<pid>-<16 hex>.tmp`. */
const TEMPORARY = /\.mixel-\d+-[0-9a-f]{16}\.tmp$/;

let dir: string;
const image = () => join(dir, 'noisy.tif');
const labels = () => join(dir, 'noisy_labels.png');
const project = () => join(dir, 'noisy.mixel');

/**
 * A 768² image with 90 % of its pixels labeled at random: the project file holds ~1 MB of label runs, so
 * its save takes long enough to be caught. One smoothing feature keeps training to a few seconds.
 */
async function makeInputs(): Promise<void> {
  const side = 768;
  const pixels = new Uint8Array(side * side);
  const classes = new Uint8Array(side * side);
  let seed = 1;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < pixels.length; i++) {
    const c = random() < 0.5 ? 1 : 2;
    classes[i] = random() < 0.9 ? c : 0;
    pixels[i] = (c === 1 ? 60 : 180) + Math.floor(random() * 40);
  }
  await writeIntegerImage(image(), pixels, side, side);
  await writeIntegerImage(labels(), classes, side, side);
  const selection = { scales: [1], enabled: [[true], [false], [false], [false], [false], [false]] };
  await writeFile(join(dir, 'features.json'), JSON.stringify(selection));
}

const trainArgs = () => [
  'train',
  ...['--image', image(), '--labels', labels(), '--out', project()],
  ...['--features', join(dir, 'features.json'), '--threads', '1', '--components', '1'],
  ...['--semi-supervised', 'off'],
];

/** Spawns mixel and SIGKILLs it the moment one of its temporary files appears in `folder`. */
function killWhenTemporaryAppears(args: string[], folder: string): Promise<{ wasKilled: boolean }> {
  const child: ChildProcess = spawn(process.execPath, [MIXEL_BIN, ...args], { stdio: 'ignore' });
  const watcher = watch(folder, (_event, name) => {
    if (name && TEMPORARY.test(name) && name.includes(`-${child.pid}-`)) child.kill('SIGKILL');
  });
  return new Promise((resolve) => {
    child.on('exit', (_code, signal) => {
      watcher.close();
      resolve({ wasKilled: signal === 'SIGKILL' });
    });
  });
}

const temporaries = async (folder: string) => (await readdir(folder)).filter((f) => TEMPORARY.test(f));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-kill-'));
  await makeInputs();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kill -9', () => {
  it('mid-save of train: the old project stays intact and the next run leaves no temporaries', async () => {
    const first = await runMixel(trainArgs());
    expect(first.code).toBe(0);
    const before = await loadProject(project());
    let killedMidSave = false;
    let attempts = 0;
    while (attempts < 5 && !killedMidSave) {
      attempts++;
      await killWhenTemporaryAppears(trainArgs(), dir);
      killedMidSave = (await temporaries(dir)).length > 0;
    }
    console.log(`train killed mid-save on attempt ${attempts}`);
    expect(killedMidSave).toBe(true); // proof the kill hit during the save
    expect(await loadProject(project())).toEqual(before);
    const again = await runMixel(trainArgs());
    expect(again.code).toBe(0);
    expect(await temporaries(dir)).toEqual([]);
    await expect(loadProject(project())).resolves.toMatchObject({ version: 3 });
  }, 120_000);

  it('mid-batch of predict: the rerun completes and removes the temporaries of the killed run', async () => {
    expect((await runMixel(trainArgs())).code).toBe(0);
    const predictArgs = [
      'predict',
      ...['--project', project(), '--threads', '1'],
      ...['--export', 'Probabilities,Simple Segmentation,Uncertainty'],
      image(),
    ];
    const { wasKilled } = await killWhenTemporaryAppears(predictArgs, dir);
    expect(wasKilled).toBe(true);
    // Before: these (one per export) stayed for ever.
    expect((await temporaries(dir)).length).toBeGreaterThan(0);
    const rerun = await runMixel(predictArgs);
    expect(rerun.code).toBe(0);
    expect(await temporaries(dir)).toEqual([]);
    const names = await readdir(dir);
    for (const result of ['Probabilities.tif', 'Simple Segmentation.tif', 'Uncertainty.tif'])
      expect(names).toContain(`noisy_${result}`);
  }, 120_000);
});

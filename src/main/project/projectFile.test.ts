import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetSelection } from '../../core/features/selection.js';
import { addImage, createProject, getLabels, setLabels, type Project } from '../../core/project/Project.js';
import { writeIntegerImage } from '../io/writeIntegerImage.js';
import { readImage } from '../io/openImage.js';
import { loadProject, resolveImagePath, saveProject } from './projectFile.js';
import { checkProjectImages, makeImageRecord, repairProject } from './projectImages.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-project-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function makeImage(path: string, seed: number): Promise<void> {
  const pixels = Uint16Array.from({ length: 64 * 48 }, (_, i) => (i * 7 + seed * 1000) % 65536);
  await mkdir(dirname(path), { recursive: true });
  await writeIntegerImage(path, pixels, 64, 48);
}

async function makeProjectWithOneImage(projectPath: string, imagePath: string): Promise<Project> {
  await makeImage(imagePath, 1);
  const { info } = await readImage(imagePath);
  let project = createProject({
    classNames: ['background', 'nucleus'],
    features: { convention: 'ilastik', selection: presetSelection('default') },
  });
  project = addImage(project, await makeImageRecord(projectPath, imagePath, info, 'cells'));
  const labels = new Uint8Array(64 * 48);
  labels.fill(1, 0, 100);
  labels.fill(2, 2000, 2100);
  return setLabels(project, 'cells', labels);
}

describe('project file', () => {
  it('saves and loads the same project, with image paths relative to the file', async () => {
    const projectPath = join(dir, 'a', 'p.mixel');
    await mkdir(dirname(projectPath), { recursive: true });
    const project = await makeProjectWithOneImage(projectPath, join(dir, 'a', 'images', 'cells.tif'));
    expect(project.images[0].path).toBe('images/cells.tif');
    await saveProject(projectPath, project);
    const loaded = await loadProject(projectPath);
    expect(loaded).toEqual(project);
    expect(getLabels(loaded, 'cells')[2050]).toBe(2);
    expect(resolveImagePath(projectPath, loaded.images[0])).toBe(resolve(dir, 'a', 'images', 'cells.tif'));
  });

  it('says what is wrong with a file that is not a project', async () => {
    const bad = join(dir, 'bad.mixel');
    await writeFile(bad, '{"format": "mixel-project", "version": 1');
    await expect(loadProject(bad)).rejects.toThrow(/bad\.mixel: not valid JSON/);
    await writeFile(bad, '{"format": "something-else"}');
    await expect(loadProject(bad)).rejects.toThrow(/bad\.mixel: not a valid Mixel project/);
    await expect(loadProject(join(dir, 'none.mixel'))).rejects.toThrow(/none\.mixel: no such project file/);
  });

  it('notices a moved image and repairs it by explicit path or by checksum search', async () => {
    const projectPath = join(dir, 'b', 'p.mixel');
    await mkdir(dirname(projectPath), { recursive: true });
    const project = await makeProjectWithOneImage(projectPath, join(dir, 'b', 'cells.tif'));
    await saveProject(projectPath, project);
    await mkdir(join(dir, 'b', 'moved'), { recursive: true });
    await rename(join(dir, 'b', 'cells.tif'), join(dir, 'b', 'moved', 'renamed.tif'));
    expect((await checkProjectImages(projectPath, project))[0].status).toBe('missing');

    const found = await repairProject(projectPath, project);
    expect(found.unresolved).toEqual([]);
    expect(found.project.images[0].path).toBe('moved/renamed.tif');

    const outside = join(dir, 'elsewhere', 'c.tif');
    await mkdir(dirname(outside), { recursive: true });
    await copyFile(join(dir, 'b', 'moved', 'renamed.tif'), outside);
    const explicit = await repairProject(projectPath, project, new Map([['cells.tif', outside]]), {
      search: false,
    });
    expect(explicit.relinked.get('cells')).toBe(outside);
    expect(explicit.project.images[0].path).toBe('../elsewhere/c.tif');
  });

  it('refuses a replacement image with other content unless accepted', async () => {
    const projectPath = join(dir, 'c', 'p.mixel');
    await mkdir(dirname(projectPath), { recursive: true });
    const project = await makeProjectWithOneImage(projectPath, join(dir, 'c', 'cells.tif'));
    await makeImage(join(dir, 'c', 'cells.tif'), 2); // same name, other pixels
    expect((await checkProjectImages(projectPath, project))[0].status).toBe('changed');
    const other = join(dir, 'c', 'other.tif');
    await makeImage(other, 3);
    await expect(repairProject(projectPath, project, new Map([['cells.tif', other]]))).rejects.toThrow(
      /other\.tif: its content differs from cells\.tif .*--accept-changed/,
    );
    const accepted = await repairProject(projectPath, project, new Map([['cells.tif', other]]), {
      acceptChanged: true,
    });
    expect(accepted.unresolved).toEqual([]);
  });
});

describe('a killed save', () => {
  it('always leaves the old or the new project, never a broken one', async () => {
    const projectPath = join(dir, 'kill', 'big.mixel');
    await mkdir(dirname(projectPath), { recursive: true });
    const here = dirname(fileURLToPath(import.meta.url));
    const dist = resolve(here, '../../../dist/src');
    const script = join(dir, 'kill', 'saver.mjs');
    // A child that saves a ~5 MB project over and over, each generation with a different model.
    await writeFile(
      script,
      `
      import { saveProject } from ${JSON.stringify(pathToFileURL(join(dist, 'main/project/projectFile.js')).href)};
      import { addImage, createProject, setLabels } from ${JSON.stringify(pathToFileURL(join(dist, 'core/project/Project.js')).href)};
      import { presetSelection } from ${JSON.stringify(pathToFileURL(join(dist, 'core/features/selection.js')).href)};
      const w = 1448, h = 1448;
      let p = createProject({ classNames: ['a', 'b'], features: { convention: 'ilastik', selection: presetSelection('default') } });
      p = addImage(p, { id: 'big', path: 'big.tif', nickname: 'big', width: w, height: h, channels: 1, planes: 1,
        sampleType: 'uint16', axes: 'yx', fileSize: 1, sha256: '0'.repeat(64) });
      const labels = new Uint8Array(w * h);
      for (let i = 0; i < labels.length; i++) labels[i] = (i * 2654435761 >>> 29) % 3;
      p = setLabels(p, 'big', labels);
      for (let g = 0; ; g++) {
        await saveProject(process.argv[2], { ...p, classes: [{ name: 'generation ' + g, color: '#ff0000' }, p.classes[1]] });
        process.stdout.write('saved ' + g + '\\n');
      }
      `,
    );
    // Each new saver removes the temporary its killed predecessor left, so count them round by round.
    let killsMidWrite = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, [script, projectPath], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolveSaved) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('saved')) resolveSaved();
        });
      });
      // Even rounds: at a different moment of the saving loop. Odd rounds: the moment a save's temporary
      // file appears (plus 0–2 ms), so some kills surely land mid-write however busy the machine is.
      const exited = new Promise((r) => child.on('exit', r));
      if (round % 2 === 0) {
        await new Promise((r) => setTimeout(r, 20 + round * 37));
        child.kill('SIGKILL');
      } else {
        const watcher = watch(dirname(projectPath), (_event, name) => {
          if (name?.includes(`mixel-${child.pid}-`)) setTimeout(() => child.kill('SIGKILL'), (round - 1) / 2);
        });
        await exited;
        watcher.close();
      }
      await exited;
      const left = await readdir(dirname(projectPath));
      if (left.some((f) => f.endsWith('.tmp'))) killsMidWrite++;
      const loaded = await loadProject(projectPath);
      expect(loaded.classes[0].name).toMatch(/^generation \d+$/);
      expect(getLabels(loaded, 'big').length).toBe(1448 * 1448);
    }
    // Killed saves leave hidden temporary files (proof that kills hit mid-write), never a visible project.
    const files = await readdir(dirname(projectPath));
    expect(files.filter((f) => !f.startsWith('.')).sort()).toEqual(['big.mixel', 'saver.mjs']);
    expect(killsMidWrite).toBeGreaterThan(0);
    expect(files.filter((f) => f.endsWith('.tmp')).length).toBeLessThanOrEqual(1);
    // The next save into the folder removes the dead savers' temporaries.
    await saveProject(projectPath, await loadProject(projectPath));
    expect((await readdir(dirname(projectPath))).sort()).toEqual(['big.mixel', 'saver.mjs']);
  }, 120_000);
});

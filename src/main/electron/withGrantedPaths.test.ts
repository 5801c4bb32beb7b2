import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { ExportRequest, ProjectImage, ProjectState } from '../../core/protocol/types.js';
import { PATH_NOT_GRANTED, withGrantedPaths } from './withGrantedPaths.js';
import { PathGrants } from './pathGrants.js';

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'mixel-granted-')));
  for (const dir of ['picked', 'project', 'elsewhere', 'out']) await mkdir(join(root, dir));
  for (const file of ['picked/a.tif', 'project/p.mixel', 'project/in-project.tif', 'elsewhere/b.tif'])
    await writeFile(join(root, file), 'x');
});
afterEach(() => rm(root, { recursive: true, force: true }));

function image(path: string): ProjectImage {
  return {
    id: path,
    name: path,
    path,
    width: 1,
    height: 1,
    channelCount: 1,
    sampleType: 'uint8',
    channelRanges: [{ min: 0, max: 1 }],
  };
}

/** A backend that records which paths reached it and keeps a project of the images added. */
function fakeBackend() {
  const reached: string[] = [];
  let state: ProjectState = {
    path: null,
    classes: [
      { id: 1, name: 'back ground', color: '#000000' },
      { id: 2, name: 'cell', color: '#ffffff' },
    ],
    images: [],
    strokes: [],
    features: { scales: [], enabled: [] },
    featureNames: [],
    classifier: { components: 1, semiSupervised: false },
    hasModel: false,
  };
  const inner = {
    getProject: async () => state,
    newProject: async () => (state = { ...state, path: null, images: [] }),
    openProject: async (path: string) => {
      reached.push(path);
      return (state = { ...state, path, images: [image(join(root, 'elsewhere', 'b.tif'))] });
    },
    saveProject: async (path?: string) => {
      reached.push(path ?? '(current)');
      state = { ...state, path: path ?? state.path };
      return { path: state.path! };
    },
    addImage: async (path: string) => {
      reached.push(path);
      state = { ...state, images: [...state.images, image(path)] };
      return image(path);
    },
    exportImages: async (request: ExportRequest) => {
      reached.push(request.outputPattern);
      return { requestId: request.requestId, images: [], isCancelled: false };
    },
    onDidProgress: () => ({ dispose() {} }),
    onDidUpdateTile: () => ({ dispose() {} }),
  } as unknown as MixelService;
  return { inner, reached };
}

async function refusal(call: Promise<unknown>): Promise<ServiceError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return err as ServiceError;
}

describe('withGrantedPaths (the Electron window’s file access)', () => {
  it('passes paths the user picked and refuses any other with path-not-granted naming it', async () => {
    const grants = new PathGrants();
    await grants.grantFile(join(root, 'picked', 'a.tif'));
    const { inner, reached } = fakeBackend();
    const service = withGrantedPaths(inner, grants);

    await service.addImage(join(root, 'picked', 'a.tif'));
    const err = await refusal(service.addImage('/etc/passwd'));
    expect(err.code).toBe(PATH_NOT_GRANTED);
    expect(err.message).toMatch(/^\/etc\/passwd: /);
    expect(err.message).not.toContain('\n');
    const twoLines = await refusal(service.addImage('/tmp/x\n/etc/passwd\0'));
    expect(twoLines.message).toMatch(/^\/tmp\/x\\x0a\/etc\/passwd\\x00: /);
    expect(twoLines.message).not.toMatch(/[\n\0]/);
    expect((await refusal(service.openProject(join(root, 'elsewhere', 'b.tif')))).code).toBe(
      PATH_NOT_GRANTED,
    );
    expect((await refusal(service.saveProject(join(root, 'elsewhere', 'new.mixel')))).code).toBe(
      PATH_NOT_GRANTED,
    );
    expect(reached).toEqual([join(root, 'picked', 'a.tif')]);
  });

  it('refuses traversal and symlink escapes from a granted folder before the backend sees them', async () => {
    const grants = new PathGrants();
    await grants.grantFolder(join(root, 'picked'));
    await symlink(join(root, 'elsewhere'), join(root, 'picked', 'link'));
    const { inner, reached } = fakeBackend();
    const service = withGrantedPaths(inner, grants);
    for (const path of [
      `${root}/picked/../elsewhere/b.tif`,
      `${root}/picked/link/b.tif`,
      `${root}/picked/link/../elsewhere/b.tif`,
    ]) {
      expect((await refusal(service.addImage(path))).code).toBe(PATH_NOT_GRANTED);
    }
    expect(reached).toEqual([]);
  });

  it('grants the open project’s folder and images, and withdraws them when the project closes', async () => {
    const grants = new PathGrants();
    await grants.grantFile(join(root, 'project', 'p.mixel'));
    const { inner, reached } = fakeBackend();
    const service = withGrantedPaths(inner, grants);
    await service.openProject(join(root, 'project', 'p.mixel'));
    // Its image (outside the project folder) and files in its folder may now be named.
    await service.addImage(join(root, 'elsewhere', 'b.tif'));
    await service.addImage(join(root, 'project', 'in-project.tif'));
    await service.saveProject(join(root, 'project', 'copy.mixel'));
    expect(reached).toHaveLength(4);
    await service.newProject();
    expect((await refusal(service.addImage(join(root, 'elsewhere', 'b.tif')))).code).toBe(PATH_NOT_GRANTED);
    expect((await refusal(service.addImage(join(root, 'project', 'in-project.tif')))).code).toBe(
      PATH_NOT_GRANTED,
    );
  });

  it('exports beside the images or into a chosen folder, never elsewhere', async () => {
    const grants = new PathGrants();
    await grants.grantFile(join(root, 'picked', 'a.tif'));
    const { inner, reached } = fakeBackend();
    const service = withGrantedPaths(inner, grants);
    await service.addImage(join(root, 'picked', 'a.tif'));
    const request = (outputPattern: string, format: 'png' | 'tiff' = 'png'): ExportRequest => ({
      requestId: 1,
      imageIds: [join(root, 'picked', 'a.tif')],
      sources: ['simple-segmentation', 'probabilities'],
      format,
      outputPattern,
    });
    await service.exportImages(request('{dir}/{name}_{source}.{ext}'));
    await service.exportImages(request('{dir}/results/{source}/{name}.{ext}'));
    for (const pattern of [
      `${root}/out/{name}_{source}.{ext}`,
      '{dir}/../elsewhere/{name}.{ext}',
      '/tmp/../etc/{name}_{source}.{ext}',
    ]) {
      const err = await refusal(service.exportImages(request(pattern)));
      expect(err.code).toBe(PATH_NOT_GRANTED);
      expect(err.message.split(':')[0]).not.toContain('{');
    }
    await grants.grantFolder(join(root, 'out'));
    await service.exportImages(request(`${root}/out/{name}_{source}.{ext}`));
    expect(reached.filter((r) => r.includes('{'))).toEqual([
      '{dir}/{name}_{source}.{ext}',
      '{dir}/results/{source}/{name}.{ext}',
      `${root}/out/{name}_{source}.{ext}`,
    ]);
  });

  it('checks each class’s probabilities file, whose name may carry the class into a folder name', async () => {
    const grants = new PathGrants();
    await grants.grantFile(join(root, 'picked', 'a.tif'));
    await grants.grantFolder(join(root, 'out', 'probabilities'));
    const { inner } = fakeBackend();
    const service = withGrantedPaths(inner, grants);
    await service.addImage(join(root, 'picked', 'a.tif'));
    const err = await refusal(
      service.exportImages({
        requestId: 2,
        imageIds: [join(root, 'picked', 'a.tif')],
        sources: ['probabilities'],
        format: 'png',
        outputPattern: `${root}/out/{source}/{name}.{ext}`,
      }),
    );
    expect(err.message).toContain(`${root}/out/Probabilities-back_ground/a.png`);
  });
});

/**
 * The desktop window's file access through the real stack: the real backend (worker pool, sharp) served
 * over the Electron IPC transport behind withGrantedPaths, called by a client as the renderer calls it.
 * Only Electron itself is faked (ipcMain and the window's webContents), since its runtime is not installed.
 * A path the user did not pick fails with path-not-granted naming it, and nothing is read or written.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emitter } from '../../src/core/protocol/Event.js';
import type { MixelService } from '../../src/core/protocol/MixelService.js';
import type { Protocol } from '../../src/core/protocol/Protocol.js';
import { connectService, serveService } from '../../src/core/protocol/rpc.js';
import { ServiceError } from '../../src/core/protocol/ServiceError.js';
import { PathGrants } from '../../src/main/electron/pathGrants.js';
import { PATH_NOT_GRANTED, withGrantedPaths } from '../../src/main/electron/withGrantedPaths.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';
import {
  ElectronIpcProtocol,
  type IpcMainLike,
  type WebContentsLike,
} from '../../src/main/transports/ElectronIpcProtocol.js';

const WINDOW_ID = 1;

/** The renderer's end of a faked Electron IPC pipe to `ElectronIpcProtocol`. */
function electronPipe(): { main: ElectronIpcProtocol; renderer: Protocol } {
  const toMain: ((event: { sender: { id: number } }, frame: unknown) => void)[] = [];
  const toRenderer = new Emitter<ArrayBuffer>();
  const ipc: IpcMainLike = { on: (_c, l) => toMain.push(l), removeListener: () => undefined };
  const contents: WebContentsLike = {
    id: WINDOW_ID,
    send: (_c, frame) => queueMicrotask(() => toRenderer.fire(frame as ArrayBuffer)),
    isDestroyed: () => false,
    once: () => undefined,
  };
  const main = new ElectronIpcProtocol(ipc, contents);
  const renderer: Protocol = {
    send: (frame) => queueMicrotask(() => toMain.forEach((l) => l({ sender: { id: WINDOW_ID } }, frame))),
    onMessage: (l) => toRenderer.event(l),
    onClose: () => ({ dispose() {} }),
  };
  return { main, renderer };
}

let root: string;
let backend: Backend;
let grants: PathGrants;
let window: MixelService;
let sampleImage: string;
let secretImage: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mixel-electron-paths-'));
  backend = createBackend({ dataDir: join(root, 'data'), threads: 1 });
  grants = new PathGrants();
  const { main, renderer } = electronPipe();
  serveService(withGrantedPaths(backend.service, grants), main);
  window = connectService(renderer);
  sampleImage = (await window.openSampleProject()).images[0].path;
  await mkdir(join(root, 'private'));
  secretImage = join(root, 'private', 'secret.tif');
  await copyFile(sampleImage, secretImage);
}, 60_000);

afterAll(async () => {
  await backend.close();
  await rm(root, { recursive: true, force: true });
});

async function refused(call: Promise<unknown>, path: string): Promise<void> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  expect((err as ServiceError).code).toBe(PATH_NOT_GRANTED);
  expect((err as ServiceError).message.startsWith(`${path}: `)).toBe(true);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('the desktop window’s file access (real backend over the Electron transport)', () => {
  it('cannot open an image it was not given, until the user picks it in a dialog', async () => {
    await refused(window.addImage(secretImage), secretImage);
    await refused(
      window.addImage(`${dirname(sampleImage)}/../../private/secret.tif`),
      `${dirname(sampleImage)}/../../private/secret.tif`,
    );
    expect((await window.getProject()).images).toHaveLength(1);
    await grants.grantFile(secretImage); // what the native open dialog does with its result
    expect((await window.addImage(secretImage)).path).toBe(secretImage);
  });

  it('cannot save a project or export where the user did not choose, nor through a link out', async () => {
    const target = join(root, 'private', 'stolen.mixel');
    await refused(window.saveProject(target), target);
    expect(await exists(target)).toBe(false);

    // A folder no project image lives in (the secret image's folder now takes exports: the user added it).
    await mkdir(join(root, 'elsewhere'));
    await symlink(join(root, 'elsewhere'), join(dirname(sampleImage), 'escape'));
    const request = {
      requestId: 7,
      imageIds: [(await window.getProject()).images[0].id],
      sources: ['labels' as const],
      format: 'png' as const,
    };
    const escapePattern = '{dir}/escape/{name}_{source}.{ext}';
    await refused(
      window.exportImages({ ...request, outputPattern: escapePattern }),
      join(dirname(sampleImage), 'escape', 'sample_Labels.png'),
    );
    expect(await readdir(join(root, 'elsewhere'))).toEqual([]);
    expect((await readdir(join(root, 'private'))).sort()).toEqual(['secret.tif']);

    // Beside the image (the default pattern) is allowed and written.
    const result = await window.exportImages({ ...request, outputPattern: '{dir}/{name}_{source}.{ext}' });
    expect(result.images[0].error).toBeUndefined();
    expect(await exists(join(dirname(sampleImage), 'sample_Labels.png'))).toBe(true);

    const chosen = join(root, 'chosen.mixel');
    await grants.grantFile(chosen); // what the native save dialog does with its result
    expect((await window.saveProject(chosen)).path).toBe(chosen);
    expect(await exists(chosen)).toBe(true);
  });
});

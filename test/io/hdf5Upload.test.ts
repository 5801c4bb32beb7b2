/**
 * The window takes an HDF5 file as it takes a TIFF: dropped on the real browser-mode server, streamed in
 * pieces, its one dataset opened with its size and channels; the upload check used to refuse its first piece.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadInChunks } from '../../src/core/protocol/uploadInChunks.js';
import { serveBackend, type ServedBackend } from '../robustness/serviceHarness.js';
import { connectClient } from '../robustness/serverHarness.js';
import { ramp, writeHdf5 } from './hdf5Build.js';

let served: ServedBackend;
let client: Awaited<ReturnType<typeof connectClient>>;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-hdf5-upload-'));
  served = await serveBackend();
  client = await connectClient(served.server);
});

afterAll(async () => {
  client.close();
  await served.close();
  await rm(dir, { recursive: true, force: true });
});

describe('uploading an HDF5 file to the window', () => {
  it('adds its one dataset as an image', async () => {
    const path = join(dir, 'stained.h5');
    await writeHdf5(path, [
      {
        name: 'exported_data',
        data: Uint16Array.from(ramp(40 * 50, 9)),
        shape: [40, 50],
        axistags: { keys: 'yx', resolution: [0.4, 0.4] },
      },
    ]);
    const bytes = new Uint8Array(await readFile(path));
    const image = await uploadInChunks(client.service, 'stained.h5', bytes.length, async (start, end) =>
      bytes.subarray(start, end),
    );
    expect(image).toMatchObject({ name: 'stained.h5', width: 50, height: 40, channelCount: 1 });
  });

  it('opens a dataset by its ilastik path and saves it in the project', async () => {
    const path = join(dir, 'volume.h5');
    await writeHdf5(path, [
      { name: 'raw', data: new Uint8Array(40 * 50), shape: [40, 50] },
      { name: 'exported/data', data: Uint16Array.from(ramp(40 * 50, 3)), shape: [40, 50] },
    ]);
    const image = await client.service.addImage(`${path}/exported/data`);
    expect(image).toMatchObject({ width: 50, height: 40, channelCount: 1 });
    const saved = await client.service.saveProject(join(dir, 'window.mixel'));
    expect(await readFile(saved.path, 'utf8')).toContain('volume.h5/exported/data');
  });
});

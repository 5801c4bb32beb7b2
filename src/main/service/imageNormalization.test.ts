/**
 * Normalization in the window's backend, over the in-memory protocol: an image on a camera offset is
 * measured under percentile mode, the mode travels through the wire check, and it is saved in and
 * reopened from the project file with the image's range, as `mixel train --normalize percentile` writes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryProtocolPair } from '../../core/protocol/InMemoryProtocol.js';
import { connectService, serveService } from '../../core/protocol/rpc.js';
import { loadProject } from '../project/projectFile.js';
import { writeFloat32Tiff } from '../io/writeFloat32Tiff.js';
import { createBackend, type Backend } from './createBackend.js';

let dir: string;
let backend: Backend;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-normalization-'));
  backend = createBackend({ dataDir: dir, threads: 1 });
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

describe('normalization set from the window', () => {
  it('measures each image, is saved with the project and comes back when it is reopened', async () => {
    const [a, b] = createInMemoryProtocolPair();
    const served = serveService(backend.service, a);
    const client = connectService(b);
    try {
      const file = join(dir, 'offset.tif');
      await writeFloat32Tiff(file, [new Float32Array(64 * 64).map((_, i) => 33000 + (i % 4000))], 64, 64);
      await client.newProject();
      // A new project normalizes per image by default (DEFAULT_NORMALIZATION_MODE); start from raw values.
      expect((await client.getProject()).normalization).toBe('percentile-sqrt');
      expect((await client.setNormalization('none')).normalization).toBe('none');
      await client.addImage(file);
      expect((await client.setNormalization('percentile')).normalization).toBe('percentile');
      await expect(client.setNormalization('zscore' as 'none')).rejects.toThrow(/setNormalization/);

      const projectPath = join(dir, 'normalized.mixel');
      await client.saveProject(projectPath);
      const doc = await loadProject(projectPath);
      expect(doc.normalization.mode).toBe('percentile');
      const range = doc.images[0].normalization!;
      expect(range.low[0]).toBeGreaterThan(33000);
      expect(range.low[0]).toBeLessThan(33010);
      expect(range.high[0]).toBeGreaterThan(36990);

      await client.newProject();
      await client.setNormalization('none');
      // A project saved under the plain percentile mapping keeps it (its model was trained on it).
      expect((await client.openProject(projectPath)).normalization).toBe('percentile');
      expect((await client.setNormalization('percentile-sqrt')).normalization).toBe('percentile-sqrt');
      await client.saveProject(projectPath);
      expect((await loadProject(projectPath)).normalization.mode).toBe('percentile-sqrt');
    } finally {
      served.dispose();
    }
  });
});

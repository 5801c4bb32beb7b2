/**
 * Crash recovery in the backend: a session autosaved by one backend is offered by the next one started
 * on the same data folder and comes back with its labels; the autosave of a saved project lies beside
 * it; a real save makes the autosave obsolete.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from './createBackend.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-autosave-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stroke = (imageId: string, classId: number, x: number) => ({
  id: `s${classId}`,
  kind: 'stroke' as const,
  imageId,
  classId,
  radiusPx: 3,
  mode: 'paint' as const,
  points: new Float32Array([x, 50, x + 20, 50]),
});

describe('autosave', () => {
  it('restores an unsaved session after the backend is gone, and a save retires the autosave', async () => {
    const dataDir = join(dir, 'data');
    const first = createBackend({ dataDir, threads: 1 });
    try {
      const project = await first.service.openSampleProject();
      const imageId = project.images[0].id;
      await first.service.applyLabelChange({ added: [stroke(imageId, 2, 100)], removed: [] });
      const info = await first.service.autosaveProject();
      expect(info.projectPath).toBeNull();
      expect(info.path.startsWith(join(dataDir, 'autosave'))).toBe(true);
      expect(existsSync(info.path)).toBe(true);
    } finally {
      await first.close(); // as a crash leaves it: nothing saved
    }

    const second = createBackend({ dataDir, threads: 1 });
    try {
      expect(await second.service.getAutosave()).toMatchObject({ projectPath: null });
      const restored = await second.service.restoreAutosave();
      expect(restored.path).toBeNull();
      expect(restored.images.map((im) => im.name)).toEqual(['sample.tif']);
      const labels = await second.service.getBaseLabels(restored.images[0].id);
      expect(labels?.[50 * restored.images[0].width + 110]).toBe(2);

      const projectPath = join(dir, 'cells.mixel');
      await second.service.saveProject(projectPath);
      expect(await second.service.getAutosave()).toBeNull();
      const beside = await second.service.autosaveProject();
      expect(beside).toMatchObject({ path: join(dir, 'cells.autosave.mixel'), projectPath });
      const reopened = await second.service.restoreAutosave();
      expect(reopened.path).toBe(projectPath); // Save goes to the project, not to the autosave
      await second.service.discardAutosave();
      expect(existsSync(beside.path)).toBe(false);
      await expect(second.service.restoreAutosave()).rejects.toThrow(/no autosaved session/);
    } finally {
      await second.close();
    }
  });
});

/**
 * Issue 13's house rule for the two folders split out of one large module each (the service and the
 * window's controller): imports point one way, no circle inside the folder (type-only imports count).
 */
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { circles, relativeImports, ROOT, sourceFiles } from './helpers/importCircles.js';

const FOLDERS = ['src/main/service', 'src/renderer/state', 'src/renderer'];

describe('no import circles in the service and the window', () => {
  it('walks the real modules (the controller gathers parts that never import it back)', () => {
    const state = join(ROOT, 'src/renderer/state');
    expect(sourceFiles(state).map((f) => relative(state, f))).toContain('liveUpdate.ts');
    expect(relativeImports(join(state, 'controller.ts'))).toContain(join(state, 'liveUpdate.ts'));
    const viewer = join(ROOT, 'src/renderer/viewer/Viewer.tsx');
    expect(relativeImports(join(ROOT, 'src/renderer/App.tsx'))).toContain(viewer);
  });

  for (const folder of FOLDERS) {
    it(`${folder} has no import circle`, () => {
      expect(circles(sourceFiles(join(ROOT, folder)))).toEqual([]);
    });
  }
});

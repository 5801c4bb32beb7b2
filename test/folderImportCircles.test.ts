/**
 * The house rule that imports point one way: no circle inside a folder (type-only imports count). Issue 13
 * split the service and the window's controller out of one large module each; the feature bank's passes
 * once shared their types in a circle (the fused stages ↔ scaleFilters, the long-kernel passes ↔
 * separableConvolution).
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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

  it('no folder under src has a circle among its own modules', () => {
    const folders = (dir: string): string[] => [
      dir,
      ...readdirSync(dir)
        .map((name) => join(dir, name))
        .filter((path) => statSync(path).isDirectory())
        .flatMap(folders),
    ];
    const all = folders(join(ROOT, 'src'));
    expect(all).toContain(join(ROOT, 'src/core/features'));
    const found = all.flatMap((folder) =>
      circles(sourceFiles(folder).filter((file) => dirname(file) === folder)),
    );
    expect(found).toEqual([]);
  });

  for (const folder of FOLDERS) {
    it(`${folder} has no import circle`, () => {
      expect(circles(sourceFiles(join(ROOT, folder)))).toEqual([]);
    });
  }
});

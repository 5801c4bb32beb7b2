/**
 * The house rule of src/core/gmm and src/core/classifier (their header comments in GaussianMixture.ts and
 * PixelClassifier.ts): the mixture mathematics never imports the pixel classifier, and neither folder has
 * an import circle (type-only imports count: a circle of types is still a room nobody can take apart).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { circles, relativeImports, ROOT, sourceFiles } from '../helpers/importCircles.js';

const GMM = join(ROOT, 'src/core/gmm');
const CLASSIFIER = join(ROOT, 'src/core/classifier');

describe('src/core/gmm and src/core/classifier import rules', () => {
  const gmmFiles = sourceFiles(GMM);
  const classifierFiles = sourceFiles(CLASSIFIER);

  it('finds the modules of both folders (the walk is not looking at an empty room)', () => {
    expect(gmmFiles.map((f) => relative(GMM, f))).toContain('GaussianMixture.ts');
    expect(classifierFiles.map((f) => relative(CLASSIFIER, f))).toContain('PixelClassifier.ts');
    expect(relativeImports(join(CLASSIFIER, 'PixelClassifier.ts'))).toContain(
      join(CLASSIFIER, 'trainingSteps.ts'),
    );
  });

  it('the mixture mathematics (src/core/gmm) imports nothing from the pixel classifier', () => {
    const backwards = gmmFiles.flatMap((f) =>
      relativeImports(f)
        .filter((t) => t.startsWith(CLASSIFIER + '/'))
        .map((t) => `${relative(ROOT, f)} → ${relative(ROOT, t)}`),
    );
    expect(backwards).toEqual([]);
  });

  it('neither folder has an import circle', () => {
    expect(circles(gmmFiles)).toEqual([]);
    expect(circles(classifierFiles)).toEqual([]);
  });

  it('the circle finder sees a circle where there is one', () => {
    // A check that cannot fail proves nothing: the pre-split modules had this one (kernel ↔ parameters).
    const dir = mkdtempSync(join(tmpdir(), 'mixel-import-circle-'));
    try {
      writeFileSync(join(dir, 'kernel.ts'), "import type { Params } from './params.js';\n");
      writeFileSync(join(dir, 'params.ts'), "import { kernel } from './kernel.js';\n");
      writeFileSync(join(dir, 'leaf.ts'), 'export const leaf = 1;\n');
      expect(circles(sourceFiles(dir)).map((c) => c.length)).toEqual([2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

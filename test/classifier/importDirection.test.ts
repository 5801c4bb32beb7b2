/**
 * The house rule of src/core/gmm and src/core/classifier (their header comments in GaussianMixture.ts and
 * PixelClassifier.ts): the mixture mathematics never imports the pixel classifier, and neither folder has
 * an import circle (type-only imports count: a circle of types is still a room nobody can take apart).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const GMM = join(ROOT, 'src/core/gmm');
const CLASSIFIER = join(ROOT, 'src/core/classifier');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The relative modules a file imports or re-exports (static `from '…'` and dynamic `import('…')`). */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.[^']+)'/gm)].map(
    (m) => m[1],
  );
  return specifiers.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** Every import circle among `files` (each as the list of its modules), by depth-first search. */
function circles(files: string[]): string[][] {
  const inSet = new Set(files);
  const edges = new Map(files.map((f) => [f, relativeImports(f).filter((t) => inSet.has(t))]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open') found.push(stack.slice(stack.indexOf(t)).map((p) => relative(ROOT, p)));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

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

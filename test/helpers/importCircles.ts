/**
 * Import circles among a folder's modules, for the tests that keep a folder's imports pointing one way
 * (type-only imports count: a circle of types is still a room nobody can take apart).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

/** The .ts/.tsx modules under `dir`, tests excluded (they sit beside the modules but import one way). */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = resolve(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The relative modules a file imports or re-exports (static `from '…'` and dynamic `import('…')`). */
export function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.[^']+)'/gm)].map(
    (m) => m[1],
  );
  return specifiers.map((s) => {
    const ts = resolve(dirname(file), s.replace(/\.js$/, '.ts'));
    return existsSync(ts) || !existsSync(ts + 'x') ? ts : ts + 'x';
  });
}

/** Every import circle among `files` (each as the list of its modules), by depth-first search. */
export function circles(files: string[]): string[][] {
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

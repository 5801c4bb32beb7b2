import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/**
 * Where the built window lives: dist-renderer/ at the package root. This module runs from
 * dist/src/main/server/ when built and from src/main/server/ under vitest; both are three levels below
 * the root's src/ or dist/src/.
 */
export function rendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${join('dist', 'src')}`)
    ? resolve(here, '../../../..')
    : resolve(here, '../../..');
  return join(root, 'dist-renderer');
}

/** A temporary folder shared by a whole test file, so each file does not make and remove its own. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Made (named from `prefix`) before the file's tests, removed with its contents after them. */
export function temporaryFolderForFile(prefix: string): { readonly path: string } {
  let path: string | undefined;
  beforeAll(async () => {
    path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (path) await rm(path, { recursive: true, force: true });
  });
  return {
    get path() {
      if (!path) throw new Error('the temporary folder is read before its beforeAll ran');
      return path;
    },
  };
}

/**
 * The real backend behind the real browser-mode server, with the sample open, for the service's
 * robustness tests (uploads, strokes, fairness between windows); limits can be lowered per test file.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { serveBrowserMode, type BrowserModeServer } from '../../src/main/server/serveBrowserMode.js';
import type { UploadLimits } from '../../src/main/service/UploadFolder.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';

export interface ServedBackend {
  readonly backend: Backend;
  readonly server: BrowserModeServer;
  readonly dataDir: string;
  /** Every file and folder under the upload folder, relative to it, sorted. */
  uploadFolderContents(): Promise<string[]>;
  close(): Promise<void>;
}

export async function serveBackend(
  options: { uploadLimits?: Partial<UploadLimits>; threads?: number } = {},
): Promise<ServedBackend> {
  const dir = await mkdtemp(join(tmpdir(), 'mixel-service-robustness-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Mixel</title>');
  const dataDir = join(dir, 'data');
  const backend = createBackend({
    dataDir,
    threads: options.threads ?? 1,
    uploadLimits: options.uploadLimits,
  });
  await backend.service.openSampleProject();
  const server = await serveBrowserMode({ service: backend.service, rendererDir });
  const uploads = join(dataDir, 'uploads');
  return {
    backend,
    server,
    dataDir,
    async uploadFolderContents() {
      const found: string[] = [];
      const walk = async (folder: string): Promise<void> => {
        const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
        for (const entry of entries) {
          const path = join(folder, entry.name);
          found.push(relative(uploads, path) + (entry.isDirectory() ? '/' : ''));
          if (entry.isDirectory()) await walk(path);
        }
      };
      await walk(uploads);
      return found.sort();
    },
    async close() {
      await server.close();
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

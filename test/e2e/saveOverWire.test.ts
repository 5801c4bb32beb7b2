/**
 * Save, Save as and Save again, as the window calls them: the real service behind the RPC transport
 * (the same one the browser-mode WebSocket and Electron's IPC carry), over an in-memory wire that
 * encodes every frame. Plain Save after a first Save as used to be refused ("invalid arguments to
 * saveProject") because the omitted path travelled as null.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInMemoryProtocolPair } from '../../src/core/protocol/InMemoryProtocol.js';
import type { MixelService } from '../../src/core/protocol/MixelService.js';
import { connectService, serveService } from '../../src/core/protocol/rpc.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';

let dir: string;
let backend: Backend;
let client: MixelService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-save-wire-'));
  backend = createBackend({ dataDir: dir, threads: 1 });
  const [serverEnd, clientEnd] = createInMemoryProtocolPair();
  serveService(backend.service, serverEnd);
  client = connectService(clientEnd);
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

describe('saving over the wire', () => {
  it('Save as writes the chosen file, then Save (no path, as Ctrl+S sends it) writes it again', async () => {
    await client.openSampleProject();
    const first = join(dir, 'cells.mixel');
    expect(await client.saveProject(first)).toEqual({ path: first });
    const written = (await stat(first)).mtimeMs;

    // The renderer's Save passes its optional path through: `saveProject(undefined)`.
    await new Promise((r) => setTimeout(r, 20));
    expect(await client.saveProject(undefined)).toEqual({ path: first });
    expect((await stat(first)).mtimeMs).toBeGreaterThan(written);
    expect(await client.saveProject()).toEqual({ path: first });
  });

  it('Save as to a second file moves plain Save to it', async () => {
    const second = join(dir, 'copy', 'cells-2.mixel');
    expect(await client.saveProject(second)).toEqual({ path: second });
    expect(await client.saveProject(undefined)).toEqual({ path: second });
    expect((await client.getProject()).path).toBe(second);
  });

  it('a never-saved project asks for a path instead of failing on the arguments', async () => {
    await client.newProject();
    await expect(client.saveProject(undefined)).rejects.toMatchObject({ code: 'no-path' });
  });

  it('the protocol stays strict: a null path sent by hand is still refused', async () => {
    // A client that bypasses connectService's omission still cannot pass null as a path.
    await expect((client.saveProject as (p: unknown) => Promise<unknown>)(null)).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  });
});

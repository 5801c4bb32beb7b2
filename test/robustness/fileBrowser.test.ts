/**
 * The file browser of browser mode over the real server (WebSocket, as the window uses it): it lists only
 * inside the user's folders — a path outside, a `..` escape and a symbolic link leading outside are each
 * refused with one line naming the path — and a huge folder comes back cut to MAX_LISTED_ENTRIES with a note.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MixelService } from '../../src/core/protocol/MixelService.js';
import { MAX_LISTED_ENTRIES } from '../../src/main/service/fileBrowser.js';
import { connectClient, processKillers, serveSample, type ServedSample } from './serverHarness.js';

/** A folder that is neither home nor Mixel's data folder, nor inside them. */
const OUTSIDE = '/etc';

describe.skipIf(homedir() === '/' || homedir().startsWith(OUTSIDE))(
  'the file browser over the server',
  () => {
    let served: ServedSample;
    let client: { service: MixelService; close(): void };
    let data = '';

    beforeAll(async () => {
      served = await serveSample();
      client = await connectClient(served.server);
      data = join(served.dir, 'data');
      await mkdir(join(data, 'experiment', 'day 1'), { recursive: true });
      await writeFile(join(data, 'experiment', 'cells.mixel'), '{}');
      await writeFile(join(data, 'experiment', 'cells_01.tif'), 'x');
      await writeFile(join(data, 'experiment', 'notes.txt'), 'not listed');
      await writeFile(join(data, 'experiment', '.hidden.tif'), 'not listed');
      await symlink(OUTSIDE, join(data, 'experiment', 'escape'));
      await symlink(join(data, 'experiment', 'day 1'), join(data, 'experiment', 'inside-link'));
      const huge = join(data, 'huge');
      await mkdir(huge);
      for (let i = 0; i < MAX_LISTED_ENTRIES + 250; i += 50)
        await Promise.all(
          Array.from({ length: 50 }, (_, k) =>
            writeFile(join(huge, `img_${String(i + k).padStart(5, '0')}.tif`), ''),
          ),
        );
    }, 60_000);

    afterAll(async () => {
      client.close();
      await served.close();
    });

    it('lists folders, projects and images of a folder inside the data folder, folders first', async () => {
      const listing = await client.service.listFolder(join(data, 'experiment'));
      expect(listing.entries).toEqual([
        { name: 'day 1', kind: 'folder' },
        { name: 'inside-link', kind: 'folder' },
        { name: 'cells.mixel', kind: 'project' },
        { name: 'cells_01.tif', kind: 'image' },
      ]);
      expect(listing.parent).toBe(await realData());
      expect(listing.note).toBeNull();
      expect(listing.roots.map((r) => r.label)).toContain('home');
    });

    it('starts in an allowed folder when no path is given', async () => {
      const listing = await client.service.listFolder(null);
      expect(listing.parent).toBeNull();
    });

    it.each([
      ['a folder outside', OUTSIDE],
      ['a ".." escape', `<data>/../../..${OUTSIDE}`],
      ['a link leading outside', '<data>/experiment/escape'],
      ['a relative path', 'experiment'],
    ])('refuses %s with one line naming the path', async (_what, path) => {
      const asked = path.replace('<data>', data);
      const refusal = client.service.listFolder(asked);
      await expect(refusal).rejects.toMatchObject({ code: 'path-refused' });
      const message = await refusal.catch((err: Error) => err.message);
      expect(message).toContain(asked);
      expect(message).not.toContain('\n');
      expect(processKillers).toEqual([]);
    });

    it('cuts a huge folder to the listing limit and says so', async () => {
      const listing = await client.service.listFolder(join(data, 'huge'));
      expect(listing.entries).toHaveLength(MAX_LISTED_ENTRIES);
      expect(listing.notListed).toBe(250);
      expect(listing.note).toMatch(/first 1000 are listed/);
    });

    async function realData(): Promise<string> {
      const { realpath } = await import('node:fs/promises');
      return realpath(data);
    }
  },
);

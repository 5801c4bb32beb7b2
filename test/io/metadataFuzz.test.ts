/**
 * Damaged metadata: bytes of the tifffile fixtures (ImageJ and OME descriptions, their directory entries)
 * are overwritten at random. Each file must still open with consistent axes, or fail with one line that
 * names it — never a crash, a hang or a thrown TypeError.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { ImageReadError } from '../../src/main/io/ImageReadError.js';
import { openImage } from '../../src/main/io/openImage.js';
import { REPO_ROOT } from '../cli/cliHarness.js';

/** Damaged copies per fixture: enough to hit every tag and description field many times, about 2 s in all. */
const MUTANTS_PER_FIXTURE = 150;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-meta-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('randomly damaged metadata', () => {
  for (const name of ['imagej_zcyx.tif', 'ome_zcyx.ome.tif', 'ome_zcyx_bigendian.ome.tif']) {
    it(`${name}: opens consistently or fails with one line naming the file`, async () => {
      const original = new Uint8Array(await readFile(join(REPO_ROOT, 'test/fixtures/metadata', name)));
      const random = new SeededRandom(name.length);
      let opened = 0;
      for (let k = 0; k < MUTANTS_PER_FIXTURE; k++) {
        const bytes = original.slice();
        for (let flips = 1 + random.nextInt(4); flips > 0; flips--) {
          bytes[random.nextInt(bytes.length)] = random.nextInt(256);
        }
        const path = join(dir, `m${k}-${name}`);
        await writeFile(path, bytes);
        try {
          const source = await openImage(path);
          const { info, metadata } = source;
          expect(info.planes * (metadata.pageAxes.includes('c') ? info.channels : 1)).toBe(info.pages);
          opened++;
        } catch (err) {
          if (!(err instanceof ImageReadError)) throw err;
          expect(err.message).toContain(path);
          expect(err.message).not.toContain('\n');
        }
      }
      // Most flips land in pixels or unused bytes: the file still opens.
      expect(opened).toBeGreaterThan(MUTANTS_PER_FIXTURE / 3);
    });
  }
});

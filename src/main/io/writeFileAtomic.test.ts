import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createTemporaryFile,
  forgetClearedFolders,
  removeStaleTemporaries,
  temporaryPathFor,
  writeFileAtomic,
} from './writeFileAtomic.js';

/** When set, the "random" part is this: lets a test plant a file where the next temporary will go. */
const fixedRandom = vi.hoisted(() => ({ bytes: null as Buffer | null }));
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  return { ...crypto, randomBytes: (n: number) => fixedRandom.bytes ?? crypto.randomBytes(n) };
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('temporary files', () => {
  it('are named with the owner pid and 64 random bits, never the same twice', () => {
    const names = Array.from({ length: 100 }, () => temporaryPathFor(join(dir, 'p.mixel')));
    expect(new Set(names).size).toBe(100);
    expect(names[0]).toMatch(new RegExp(`/\\.p\\.mixel\\.mixel-${process.pid}-[0-9a-f]{16}\\.tmp$`));
  });

  it('are created exclusively: a symlink planted at the name is not written through', async () => {
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'keep');
    fixedRandom.bytes = Buffer.from('0011223344556677', 'hex');
    try {
      const target = join(dir, 'out.tif');
      await symlink(victim, temporaryPathFor(target));
      await expect(createTemporaryFile(target)).rejects.toMatchObject({ code: 'EEXIST' });
      await expect(writeFileAtomic(target, 'attacker-controlled')).rejects.toMatchObject({ code: 'EEXIST' });
      expect(await readFile(victim, 'utf8')).toBe('keep');
      await rm(temporaryPathFor(target));
    } finally {
      fixedRandom.bytes = null;
    }
  });

  it('leave nothing behind after a save, and the file has the new content', async () => {
    const path = join(dir, 'saved.mixel');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('removeStaleTemporaries', () => {
  it("removes only Mixel's temporaries of dead processes", async () => {
    const folder = await mkdtemp(join(dir, 'stale-'));
    const dead = deadPid();
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const files = {
        deadNew: `.p.mixel.mixel-${dead}-0123456789abcdef.tmp`,
        deadLegacy: `.p.mixel.${dead}.1764262000000.1.tmp`,
        aliveNew: `.x.tif.mixel-${alive.pid}-0123456789abcdef.tmp`,
        ours: `.y.tif.mixel-${process.pid}-fedcba9876543210.tmp`,
        notOurs: `.p.mixel.${dead}.tmp`,
        userFile: 'notes.tmp',
        image: 'cells.tif',
      };
      for (const name of Object.values(files)) await writeFile(join(folder, name), 'x');
      const deadLink = `.z.tif.mixel-${dead}-aaaaaaaaaaaaaaaa.tmp`;
      await symlink(join(folder, 'cells.tif'), join(folder, deadLink));
      forgetClearedFolders();
      const removed = await removeStaleTemporaries(folder);
      expect(removed.sort()).toEqual([files.deadLegacy, files.deadNew].sort());
      const left = await readdir(folder);
      for (const name of [files.aliveNew, files.ours, files.notOurs, files.userFile, files.image, deadLink])
        expect(left).toContain(name);
      expect((await stat(join(folder, 'cells.tif'))).size).toBe(1);
    } finally {
      alive.kill();
    }
  });
});

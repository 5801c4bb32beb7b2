import { mkdir, mkdtemp, realpath, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalPath, memoizedCanonicalPath, PathGrants } from './pathGrants.js';

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'mixel-grants-')));
  await mkdir(join(root, 'granted', 'sub'), { recursive: true });
  await mkdir(join(root, 'secret'));
  await writeFile(join(root, 'granted', 'cells.tif'), 'x');
  await writeFile(join(root, 'secret', 'key'), 'x');
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function allowed(grants: PathGrants, path: string): Promise<boolean> {
  const c = await canonicalPath(path);
  return c !== null && grants.allows(c);
}

describe('PathGrants', () => {
  it('allows a granted file and everything inside a granted folder, nothing else', async () => {
    const files = new PathGrants();
    await files.grantFile(join(root, 'granted', 'cells.tif'));
    expect(await allowed(files, join(root, 'granted', 'cells.tif'))).toBe(true);
    expect(await allowed(files, join(root, 'granted', 'other.tif'))).toBe(false);
    expect(await allowed(files, join(root, 'secret', 'key'))).toBe(false);

    const folder = new PathGrants();
    await folder.grantFolder(join(root, 'granted'));
    expect(await allowed(folder, join(root, 'granted', 'sub', 'new', 'out.png'))).toBe(true);
    expect(await allowed(folder, join(root, 'secret', 'key'))).toBe(false);
    // A sibling whose name starts like the granted folder is not inside it.
    expect(await allowed(folder, join(root, 'granted-not', 'x'))).toBe(false);
  });

  it('refuses `..` out of a granted folder, existing or not', async () => {
    const grants = new PathGrants();
    await grants.grantFolder(join(root, 'granted'));
    expect(await allowed(grants, `${root}/granted/../secret/key`)).toBe(false);
    expect(await allowed(grants, `${root}/granted/../../../../../etc/passwd`)).toBe(false);
    expect(await allowed(grants, `${root}/granted/missing/../../secret/new.mixel`)).toBe(false);
    expect(await allowed(grants, `${root}/granted/sub/../cells.tif`)).toBe(true);
  });

  it('refuses symbolic links that lead out of a granted folder, even dangling ones or `..` after a link', async () => {
    await symlink(join(root, 'secret'), join(root, 'granted', 'link'));
    await symlink(join(root, 'secret', 'not-yet'), join(root, 'granted', 'dangling'));
    await symlink(join(root, 'secret', 'deeper-missing', 'x'), join(root, 'granted', 'dangling-dir'));
    await mkdir(join(root, 'secret', 'inner'));
    await symlink(join(root, 'secret', 'inner'), join(root, 'granted', 'inner-link'));
    const grants = new PathGrants();
    await grants.grantFolder(join(root, 'granted'));
    expect(await allowed(grants, join(root, 'granted', 'link', 'key'))).toBe(false);
    expect(await allowed(grants, join(root, 'granted', 'link', 'new-file'))).toBe(false);
    expect(await allowed(grants, join(root, 'granted', 'dangling'))).toBe(false);
    expect(await allowed(grants, join(root, 'granted', 'dangling-dir', 'y'))).toBe(false);
    // The kernel applies `..` after following the link: granted/inner-link/.. is secret/, not granted/.
    expect(await allowed(grants, `${root}/granted/inner-link/../key`)).toBe(false);
  });

  it('follows a link the user picked to the file it names', async () => {
    await symlink(join(root, 'granted', 'cells.tif'), join(root, 'picked.tif'));
    const grants = new PathGrants();
    await grants.grantFile(join(root, 'picked.tif'));
    expect(await allowed(grants, join(root, 'granted', 'cells.tif'))).toBe(true);
    expect(await allowed(grants, join(root, 'picked.tif'))).toBe(true);
  });

  it('has no canonical form for a NUL byte or a link loop', async () => {
    await symlink(join(root, 'loop-b'), join(root, 'loop-a'));
    await symlink(join(root, 'loop-a'), join(root, 'loop-b'));
    expect(await canonicalPath(`${root}/granted/x\0/../../secret`)).toBeNull();
    expect(await canonicalPath(join(root, 'loop-a', 'x'))).toBeNull();
  });

  it('reads relative paths against the working folder', async () => {
    expect(await canonicalPath('sub/../cells.tif', join(root, 'granted'))).toBe(
      join(root, 'granted', 'cells.tif'),
    );
  });

  it('remembers a project path as the file it named then: a link swapped in later grants nothing new', async () => {
    const remembered = memoizedCanonicalPath(10);
    const image = join(root, 'granted', 'cells.tif');
    const grants = new PathGrants();
    await grants.grantFile(image, remembered);
    await unlink(image);
    await symlink(join(root, 'secret', 'key'), image);
    const again = new PathGrants();
    await again.grantFile(image, remembered);
    expect(again.allows((await canonicalPath(join(root, 'secret', 'key')))!)).toBe(false);
    expect(await remembered(image)).toBe(join(root, 'granted', 'cells.tif'));
  });
});

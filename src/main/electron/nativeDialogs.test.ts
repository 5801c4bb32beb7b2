import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseAndGrant,
  isNativeDialogKind,
  type DialogShower,
  type OpenDialogOptions,
} from './nativeDialogs.js';
import { canonicalPath, PathGrants } from './pathGrants.js';

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'mixel-dialogs-')));
  await mkdir(join(root, 'out'));
  await writeFile(join(root, 'a.tif'), 'x');
  await writeFile(join(root, 'b.tif'), 'x');
});
afterEach(() => rm(root, { recursive: true, force: true }));

function picking(paths: string[], canceled = false) {
  const asked: OpenDialogOptions[] = [];
  const dialogs: DialogShower = {
    showOpen: async (options) => {
      asked.push(options);
      return { canceled, filePaths: canceled ? [] : paths };
    },
    showSave: async () => ({ canceled, filePath: canceled ? undefined : paths[0] }),
  };
  return { dialogs, asked };
}

async function allows(grants: PathGrants, path: string) {
  return grants.allows((await canonicalPath(path))!);
}

describe('native dialogs', () => {
  it('grants exactly the files picked, and not their neighbours', async () => {
    const grants = new PathGrants();
    const { dialogs, asked } = picking([join(root, 'a.tif')]);
    expect(await chooseAndGrant('add-images', dialogs, grants)).toEqual([join(root, 'a.tif')]);
    expect(asked[0].properties).toContain('multiSelections');
    expect(await allows(grants, join(root, 'a.tif'))).toBe(true);
    expect(await allows(grants, join(root, 'b.tif'))).toBe(false);
  });

  it('grants a picked export folder with everything under it, and a chosen save path', async () => {
    const grants = new PathGrants();
    await chooseAndGrant('export-folder', picking([join(root, 'out')]).dialogs, grants);
    expect(await allows(grants, join(root, 'out', 'run1', 'a_probabilities.tif'))).toBe(true);
    await chooseAndGrant('save-project', picking([join(root, 'new.mixel')]).dialogs, grants);
    expect(await allows(grants, join(root, 'new.mixel'))).toBe(true);
    expect(await allows(grants, join(root, 'a.tif'))).toBe(false);
  });

  it('grants nothing when cancelled', async () => {
    const grants = new PathGrants();
    expect(
      await chooseAndGrant('open-project', picking([join(root, 'a.tif')], true).dialogs, grants),
    ).toEqual([]);
    expect(
      await chooseAndGrant('save-project', picking([join(root, 'a.tif')], true).dialogs, grants),
    ).toEqual([]);
    expect(await allows(grants, join(root, 'a.tif'))).toBe(false);
  });

  it('knows only its four dialogs', () => {
    expect(isNativeDialogKind('export-folder')).toBe(true);
    expect(isNativeDialogKind('open-any')).toBe(false);
    expect(isNativeDialogKind(['add-images'])).toBe(false);
  });
});

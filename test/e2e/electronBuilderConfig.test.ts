/**
 * electron-builder cannot run here (no Electron runtime to package), so its configuration is checked
 * against electron-builder's own JSON schema (app-builder-lib/scheme.json) with ajv.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseSimpleYaml } from './simpleYaml.js';

async function config() {
  return parseSimpleYaml(await readFile('electron-builder.yml', 'utf8')) as Record<string, unknown>;
}

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s schema', async () => {
    const schema = JSON.parse(await readFile('node_modules/app-builder-lib/scheme.json', 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const ok = validate(await config());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('builds AppImage and deb on Linux, dmg on macOS, NSIS on Windows, from the compiled app', async () => {
    const c = (await config()) as {
      linux: { target: string[] };
      mac: { target: string[] };
      win: { target: string[] };
      extraMetadata: { main: string };
      files: string[];
    };
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.win.target).toEqual(['nsis']);
    const pkg = JSON.parse(await readFile('package.json', 'utf8'));
    expect(c.extraMetadata.main).toBe(pkg.main);
    expect(c.files).toContain('dist-renderer/**');
  });

  it('flips every fuse that would let the shipped app run other code or a debugger', async () => {
    const schema = JSON.parse(await readFile('node_modules/app-builder-lib/scheme.json', 'utf8'));
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties as object);
    const fuses = (await config()).electronFuses as Record<string, boolean>;
    const expected: Record<string, boolean> = {
      runAsNode: false, // ELECTRON_RUN_AS_NODE=1 would turn the app into a plain Node
      enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS=--require evil.js
      enableNodeCliInspectArguments: false, // --inspect / SIGUSR1 attach a debugger
      enableEmbeddedAsarIntegrityValidation: true, // an edited app.asar refuses to load
      onlyLoadAppFromAsar: true, // no app/ folder next to app.asar is tried first
      enableCookieEncryption: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false, // the window is served on mixel://, not file://
    };
    for (const name of Object.keys(expected)) expect(known, `fuse ${name}`).toContain(name);
    expect(fuses).toEqual(expected);
  });

  it('rejects a misspelt option (the check can fail)', async () => {
    const schema = JSON.parse(await readFile('node_modules/app-builder-lib/scheme.json', 'utf8'));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate({ ...(await config()), linx: { target: ['AppImage'] } })).toBe(false);
  });
});

/**
 * The compiled preload (dist/…/preload.cjs, built by `npm test`) run in a sandbox-like context with a fake
 * Electron: it must expose exactly one object, pass only ArrayBuffers, and use the protocol's channels.
 */
import { readFile } from 'node:fs/promises';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  DIALOG_CHANNEL,
  IPC_CHANNEL,
  MENU_CHANNEL,
  NATIVE_DIALOG_KINDS,
  type MixelIpcBridge,
} from '../../core/protocol/ipcChannel.js';

async function loadPreload() {
  const exposed = new Map<string, unknown>();
  const sent: [string, unknown][] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      send: (channel: string, payload: unknown) => sent.push([channel, payload]),
      invoke: async (...args: unknown[]) => {
        invoked.push(args);
        return ['/data/a.tif', 42];
      },
      on: (channel: string, l: (event: unknown, ...args: unknown[]) => void) =>
        listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
      removeListener: (channel: string, l: unknown) =>
        listeners.set(
          channel,
          (listeners.get(channel) ?? []).filter((x) => x !== l),
        ),
    },
  };
  const code = await readFile('dist/src/main/electron/preload.cjs', 'utf8');
  const module = { exports: {} };
  runInNewContext(code, {
    require: (name: string) => {
      if (name !== 'electron') throw new Error(`the preload may only require electron, not ${name}`);
      return electron;
    },
    module,
    exports: module.exports,
    ArrayBuffer,
    Uint8Array,
    TypeError,
    Array,
  });
  const emit = (channel: string, ...args: unknown[]) =>
    (listeners.get(channel) ?? []).forEach((l) => l({}, ...args));
  return { exposed, sent, emit, listeners, invoked, code };
}

describe('the preload', () => {
  it('exposes only window.mixelIpc with send, onFrame, onMenuCommand and chooseFiles', async () => {
    const { exposed } = await loadPreload();
    expect([...exposed.keys()]).toEqual(['mixelIpc']);
    expect(Object.keys(exposed.get('mixelIpc') as object).sort()).toEqual([
      'chooseFiles',
      'onFrame',
      'onMenuCommand',
      'send',
    ]);
  });

  it('sends ArrayBuffer frames on the protocol channel and refuses anything else', async () => {
    const { exposed, sent } = await loadPreload();
    const ipc = exposed.get('mixelIpc') as MixelIpcBridge;
    const frame = new ArrayBuffer(8);
    ipc.send(frame);
    expect(sent).toEqual([[IPC_CHANNEL, frame]]);
    expect(() => ipc.send('{"type":"call"}' as unknown as ArrayBuffer)).toThrow(/ArrayBuffer/);
    expect(sent).toHaveLength(1);
  });

  it('delivers frames and well-formed menu commands, and unsubscribes', async () => {
    const { exposed, emit, listeners } = await loadPreload();
    const ipc = exposed.get('mixelIpc') as MixelIpcBridge;
    const frames: ArrayBuffer[] = [];
    const commands: unknown[] = [];
    const stop = ipc.onFrame((f) => frames.push(f));
    ipc.onMenuCommand((c) => commands.push(c));
    emit(IPC_CHANNEL, new ArrayBuffer(4));
    emit(MENU_CHANNEL, { id: 'undo' });
    emit(MENU_CHANNEL, { id: 42 });
    expect(frames).toHaveLength(1);
    expect(commands).toEqual([{ id: 'undo', path: undefined }]);
    stop();
    expect(listeners.get(IPC_CHANNEL)).toHaveLength(0);
  });

  it('asks the main process for the native dialogs it knows, and returns only paths', async () => {
    const { exposed, invoked, code } = await loadPreload();
    const ipc = exposed.get('mixelIpc') as MixelIpcBridge;
    expect(await ipc.chooseFiles('add-images')).toEqual(['/data/a.tif']);
    expect(invoked).toEqual([[DIALOG_CHANNEL, 'add-images']]);
    await expect(ipc.chooseFiles('read-any-file' as never)).rejects.toThrow(/read-any-file/);
    expect(invoked).toHaveLength(1);
    // The preload cannot import, so it spells the dialog kinds out: they must match the protocol's.
    expect(code).toContain(JSON.stringify(NATIVE_DIALOG_KINDS).replaceAll('"', "'").replaceAll(',', ', '));
  });
});

import { describe, expect, it } from 'vitest';
import { IPC_CHANNEL } from '../../core/protocol/ipcChannel.js';
import { ElectronIpcProtocol, type IpcMainLike, type WebContentsLike } from './ElectronIpcProtocol.js';

function fakes(id = 7) {
  const handlers: ((event: { sender: { id: number } }, frame: unknown) => void)[] = [];
  const ipc: IpcMainLike = {
    on: (_c, l) => handlers.push(l),
    removeListener: (_c, l) => handlers.splice(handlers.indexOf(l as never), 1),
  };
  const sent: [string, unknown][] = [];
  let onDestroyed = () => {};
  const contents: WebContentsLike = {
    id,
    send: (c, p) => sent.push([c, p]),
    isDestroyed: () => false,
    once: (_e, l) => (onDestroyed = l),
  };
  return { ipc, contents, sent, handlers, destroy: () => onDestroyed() };
}

describe('ElectronIpcProtocol', () => {
  it('accepts frames only from its own window and only as binary', () => {
    const f = fakes();
    const protocol = new ElectronIpcProtocol(f.ipc, f.contents);
    const got: ArrayBuffer[] = [];
    protocol.onMessage((frame) => got.push(frame));
    f.handlers[0]({ sender: { id: 7 } }, new ArrayBuffer(3));
    f.handlers[0]({ sender: { id: 8 } }, new ArrayBuffer(5)); // another window
    f.handlers[0]({ sender: { id: 7 } }, 'text'); // not a frame
    expect(got.map((g) => g.byteLength)).toEqual([3]);
  });

  it('sends on the protocol channel and stops listening when the window goes', () => {
    const f = fakes();
    const protocol = new ElectronIpcProtocol(f.ipc, f.contents);
    let closed = false;
    protocol.onClose(() => (closed = true));
    protocol.send(new ArrayBuffer(2));
    expect(f.sent[0][0]).toBe(IPC_CHANNEL);
    f.destroy();
    expect(closed).toBe(true);
    expect(f.handlers).toHaveLength(0);
  });
});

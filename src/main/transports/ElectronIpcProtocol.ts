/**
 * The main-process end of the Protocol for the desktop window: frames travel on one IPC channel as
 * ArrayBuffers (structured clone, no JSON). Only frames from the window's own web contents are accepted.
 */
import { Emitter, type Disposable } from '../../core/protocol/Event.js';
import type { Protocol } from '../../core/protocol/Protocol.js';
import { IPC_CHANNEL } from '../../core/protocol/ipcChannel.js';

/** The parts of Electron's ipcMain and WebContents this protocol uses (kept small so it can be tested). */
export interface IpcMainLike {
  on(channel: string, listener: (event: { sender: { id: number } }, frame: unknown) => void): unknown;
  removeListener(channel: string, listener: (...args: never[]) => void): unknown;
}

export interface WebContentsLike {
  readonly id: number;
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export class ElectronIpcProtocol implements Protocol {
  private readonly messages = new Emitter<ArrayBuffer>();
  private readonly closed = new Emitter<void>();
  private readonly onIpc = (event: { sender: { id: number } }, frame: unknown) => {
    if (event.sender.id !== this.contents.id) return;
    if (frame instanceof ArrayBuffer) this.messages.fire(frame);
    else if (ArrayBuffer.isView(frame)) {
      this.messages.fire(
        frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer,
      );
    }
  };

  constructor(
    private readonly ipc: IpcMainLike,
    private readonly contents: WebContentsLike,
  ) {
    ipc.on(IPC_CHANNEL, this.onIpc);
    contents.once('destroyed', () => {
      ipc.removeListener(IPC_CHANNEL, this.onIpc);
      this.closed.fire();
    });
  }

  send(frame: ArrayBuffer): void {
    if (!this.contents.isDestroyed()) this.contents.send(IPC_CHANNEL, frame);
  }

  onMessage(listener: (frame: ArrayBuffer) => void): Disposable {
    return this.messages.event(listener);
  }

  onClose(listener: () => void): Disposable {
    return this.closed.event(listener);
  }
}

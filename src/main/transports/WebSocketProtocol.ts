/**
 * A Protocol over one `ws` WebSocket (the backend end of browser mode). Frames are binary messages;
 * text messages are ignored, since every frame we send is binary.
 */
import type { WebSocket } from 'ws';
import { Emitter, type Disposable } from '../../core/protocol/Event.js';
import type { Protocol } from '../../core/protocol/Protocol.js';

/**
 * Bytes sent but not yet taken by the other side before the connection is closed: a client that asks for
 * tiles and never reads them would otherwise grow our memory without end. 64 MiB is over a hundred
 * probability tiles, far more than a window has on screen.
 */
export const MAX_UNSENT_BYTES = 64 * 1024 ** 2;

export class WebSocketProtocol implements Protocol {
  private readonly messages = new Emitter<ArrayBuffer>();
  private readonly closed = new Emitter<void>();

  constructor(private readonly socket: WebSocket) {
    socket.binaryType = 'arraybuffer';
    socket.on('message', (data, isBinary) => {
      if (!isBinary) return;
      this.messages.fire(toArrayBuffer(data));
    });
    socket.on('close', () => this.closed.fire());
    // `ws` reports protocol errors (bad opcode, unmasked frame, oversized message, …) as 'error' events
    // and closes the connection itself; without a listener the event would end the process.
    socket.on('error', () => {});
  }

  send(frame: ArrayBuffer): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount + frame.byteLength > MAX_UNSENT_BYTES) {
      // A polite close would queue behind the unread bytes; dropping the connection frees them now.
      this.socket.terminate();
      return;
    }
    this.socket.send(frame, { binary: true });
  }

  onMessage(listener: (frame: ArrayBuffer) => void): Disposable {
    return this.messages.event(listener);
  }

  onClose(listener: () => void): Disposable {
    return this.closed.event(listener);
  }
}

function toArrayBuffer(data: unknown): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  const chunks = Array.isArray(data) ? (data as Buffer[]) : [data as Buffer];
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out.buffer;
}

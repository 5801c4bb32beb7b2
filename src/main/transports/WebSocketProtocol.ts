/**
 * A Protocol over one `ws` WebSocket (the backend end of browser mode). Frames are binary messages;
 * text messages are ignored, since every frame we send is binary.
 */
import type { WebSocket } from 'ws';
import { Emitter, type Disposable } from '../../core/protocol/Event.js';
import type { Protocol } from '../../core/protocol/Protocol.js';

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
  }

  send(frame: ArrayBuffer): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame, { binary: true });
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

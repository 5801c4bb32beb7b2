import { Emitter } from './Event.js';
import type { Protocol } from './Protocol.js';

/**
 * Two connected in-process protocol ends, for tests. Frames are delivered asynchronously (as on a real
 * wire) and copied, so a test catches a sender that reuses a buffer after sending it.
 */
export function createInMemoryProtocolPair(): [Protocol, Protocol] {
  const toA = new Emitter<ArrayBuffer>();
  const toB = new Emitter<ArrayBuffer>();
  const closed = new Emitter<void>();
  const end = (incoming: Emitter<ArrayBuffer>, outgoing: Emitter<ArrayBuffer>): Protocol => ({
    send: (frame) => {
      const copy = frame.slice(0);
      void Promise.resolve().then(() => outgoing.fire(copy));
    },
    onMessage: (listener) => incoming.event(listener),
    onClose: (listener) => closed.event(listener),
  });
  return [end(toA, toB), end(toB, toA)];
}

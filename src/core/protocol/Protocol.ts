import type { Disposable } from './Event.js';

/**
 * A Protocol only moves frames: one binary frame per message, in order, both ways. It knows nothing of
 * calls or events (that is `serveService` / `connectService`). Implementations: InMemoryProtocol (tests),
 * WebSocketProtocol (browser mode), ElectronIpcProtocol (the desktop window).
 */
export interface Protocol {
  send(frame: ArrayBuffer): void;
  onMessage(listener: (frame: ArrayBuffer) => void): Disposable;
  /** Called once when the other side goes away; pending calls then fail. */
  onClose(listener: () => void): Disposable;
}

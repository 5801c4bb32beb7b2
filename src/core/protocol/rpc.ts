/**
 * Calls and events over a Protocol (after VS Code's ipc.ts). The client sends
 * `call | cancel | subscribe | unsubscribe`; the server answers `result | error | event`. Every message
 * carries a numeric id; only names listed in MIXEL_METHODS / MIXEL_EVENTS are dispatched.
 */
import { decodeFrame, encodeFrame } from './binaryCodec.js';
import type { Disposable, Event } from './Event.js';
import {
  MIXEL_EVENTS,
  MIXEL_METHODS,
  type MixelEventName,
  type MixelMethod,
  type MixelService,
} from './MixelService.js';
import type { Protocol } from './Protocol.js';
import { validateArguments } from './schemas.js';
import { ServiceError, toWireError } from './ServiceError.js';
import type { WireError } from './types.js';

export type ClientMessage =
  | { type: 'call'; id: number; method: string; args: unknown[] }
  | { type: 'cancel'; id: number }
  | { type: 'subscribe'; id: number; event: string }
  | { type: 'unsubscribe'; id: number };

export type ServerMessage =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'event'; id: number; value: unknown };

const methodNames = new Set<string>(MIXEL_METHODS);
const eventNames = new Set<string>(MIXEL_EVENTS);

/**
 * Answers calls arriving on `protocol` with `service`. Arguments are validated before dispatch. Returns a
 * disposable that drops this connection's event subscriptions.
 */
export function serveService(service: MixelService, protocol: Protocol): Disposable {
  const subscriptions = new Map<number, Disposable>();
  const cancelled = new Set<number>();
  const send = (message: ServerMessage) => protocol.send(encodeFrame(message));

  const onCall = async (id: number, method: string, args: unknown) => {
    if (!methodNames.has(method)) {
      send({
        type: 'error',
        id,
        error: { name: 'ServiceError', code: 'unknown-method', message: `unknown method "${method}"` },
      });
      return;
    }
    const checked = validateArguments(method as MixelMethod, args);
    if (!checked.ok) {
      send({
        type: 'error',
        id,
        error: { name: 'ServiceError', code: 'invalid-argument', message: checked.message },
      });
      return;
    }
    try {
      const fn = service[method as MixelMethod] as (...a: unknown[]) => Promise<unknown>;
      const value = await fn.apply(service, checked.args);
      if (!cancelled.delete(id)) send({ type: 'result', id, value });
    } catch (err) {
      if (!cancelled.delete(id)) send({ type: 'error', id, error: toWireError(err) });
    }
  };

  const listener = protocol.onMessage((frame) => {
    let message: ClientMessage;
    try {
      message = decodeFrame(frame) as ClientMessage;
    } catch {
      return; // a frame we cannot read has no id to answer to
    }
    if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return;
    switch (message.type) {
      case 'call':
        void onCall(message.id, message.method, message.args);
        break;
      case 'cancel':
        cancelled.add(message.id);
        break;
      case 'subscribe': {
        if (!eventNames.has(message.event) || subscriptions.has(message.id)) return;
        const event = service[message.event as MixelEventName] as Event<unknown>;
        subscriptions.set(
          message.id,
          event((value) => send({ type: 'event', id: message.id, value })),
        );
        break;
      }
      case 'unsubscribe':
        subscriptions.get(message.id)?.dispose();
        subscriptions.delete(message.id);
        break;
    }
  });
  const closed = protocol.onClose(() => dispose());
  const dispose = () => {
    listener.dispose();
    closed.dispose();
    for (const s of subscriptions.values()) s.dispose();
    subscriptions.clear();
  };
  return { dispose };
}

export class CallCancelledError extends Error {
  override name = 'CallCancelledError';
}

/** A MixelService whose members forward over `protocol`. Events subscribe on the wire on first listener. */
export function connectService(protocol: Protocol): MixelService & Disposable {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const eventListeners = new Map<number, (value: unknown) => void>();
  const send = (message: ClientMessage) => protocol.send(encodeFrame(message));

  const listener = protocol.onMessage((frame) => {
    const message = decodeFrame(frame) as ServerMessage;
    if (message.type === 'event') {
      eventListeners.get(message.id)?.(message.value);
      return;
    }
    const call = pending.get(message.id);
    if (!call) return;
    pending.delete(message.id);
    if (message.type === 'result') call.resolve(message.value);
    else call.reject(ServiceError.fromWire(message.error));
  });
  const closed = protocol.onClose(() => {
    for (const call of pending.values()) {
      call.reject(
        new ServiceError('disconnected', 'the backend went away: restart Mixel or reload the page'),
      );
    }
    pending.clear();
  });

  const client: Record<string, unknown> = {};
  for (const method of MIXEL_METHODS) {
    client[method] = (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        send({ type: 'call', id, method, args });
      });
  }
  for (const event of MIXEL_EVENTS) {
    client[event] = ((listenerFn: (value: unknown) => void) => {
      const id = nextId++;
      eventListeners.set(id, listenerFn);
      send({ type: 'subscribe', id, event });
      return {
        dispose: () => {
          if (eventListeners.delete(id)) send({ type: 'unsubscribe', id });
        },
      };
    }) satisfies Event<unknown>;
  }
  client.dispose = () => {
    listener.dispose();
    closed.dispose();
  };
  return client as unknown as MixelService & Disposable;
}

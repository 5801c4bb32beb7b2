/**
 * Calls and events over a Protocol (after VS Code's ipc.ts). The client sends
 * `call | cancel | subscribe | unsubscribe`; the server answers `result | error | event`. Every message
 * carries a numeric id; only names listed in MIXEL_METHODS / MIXEL_EVENTS are dispatched.
 */
import { decodeFrame, encodeFrame } from './binaryCodec.js';
import {
  MAX_CALL_BYTES_IN_FLIGHT_PER_CONNECTION,
  MAX_CALLS_IN_FLIGHT_PER_CONNECTION,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
} from './constants.js';
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

/** How much of an unknown method name an error message repeats. */
const MAX_NAME_IN_MESSAGE = 64;

/**
 * An unknown name as an error message quotes it: a string cut short, anything else by its type only
 * (writing out a 16 MiB typed array sent as a "name" would cost far more than the message).
 */
function nameForMessage(name: unknown): string {
  return typeof name === 'string'
    ? JSON.stringify(name.slice(0, MAX_NAME_IN_MESSAGE))
    : `of type ${typeof name}`;
}

/**
 * Answers calls arriving on `protocol` with `service`. Everything a client sends is untrusted: frames that
 * do not decode or do not have the shape of a message are dropped, arguments are validated before
 * dispatch, and one connection's subscriptions and running calls are bounded (constants.ts), so a client
 * gets an error answer where it would otherwise grow memory without end. Returns a disposable that drops
 * this connection's event subscriptions.
 */
export function serveService(service: MixelService, protocol: Protocol): Disposable {
  const subscriptions = new Map<number, Disposable>();
  /** Running calls by id, with the size of the frame that brought each. */
  const running = new Map<number, number>();
  let runningBytes = 0;
  const views = new ViewsOfConnection();
  const cancelled = new Set<number>();
  /** Uploads this connection began and has not finished: a window that goes away leaves no bytes behind. */
  const uploads = new Set<string>();
  const send = (message: ServerMessage) => protocol.send(encodeFrame(message));
  const refuse = (id: number, code: string, message: string) =>
    send({ type: 'error', id, error: { name: 'ServiceError', code, message } });

  const onCall = async (id: number, method: unknown, args: unknown, frameBytes: number) => {
    if (typeof method !== 'string' || !methodNames.has(method)) {
      refuse(id, 'unknown-method', `unknown method ${nameForMessage(method)}`);
      return;
    }
    if (running.has(id)) {
      refuse(id, 'invalid-argument', `call id ${id} is already running on this connection`);
      return;
    }
    if (
      running.size >= MAX_CALLS_IN_FLIGHT_PER_CONNECTION ||
      runningBytes + frameBytes > MAX_CALL_BYTES_IN_FLIGHT_PER_CONNECTION
    ) {
      refuse(
        id,
        'busy',
        `too many calls at once on this connection (${running.size} running): wait for their answers`,
      );
      return;
    }
    const checked = checkArguments(method as MixelMethod, args);
    if (!checked.ok) {
      refuse(id, 'invalid-argument', checked.message);
      return;
    }
    if (method === 'predictTiles' && Array.isArray(args)) views.add(args[0]);
    running.set(id, frameBytes);
    runningBytes += frameBytes;
    try {
      const fn = service[method as MixelMethod] as (...a: unknown[]) => Promise<unknown>;
      if (method === 'finishUpload' || method === 'abortUpload') uploads.delete(checked.args[0] as string);
      const value = await fn.apply(service, checked.args);
      if (method === 'beginUpload') uploads.add(value as string);
      if (!cancelled.has(id)) send({ type: 'result', id, value });
    } catch (err) {
      if (!cancelled.has(id)) send({ type: 'error', id, error: toWireError(err) });
    } finally {
      running.delete(id);
      runningBytes -= frameBytes;
      cancelled.delete(id);
    }
  };

  const onSubscribe = (id: number, eventName: unknown) => {
    if (typeof eventName !== 'string' || !eventNames.has(eventName)) {
      refuse(id, 'unknown-event', `unknown event ${nameForMessage(eventName)}`);
      return;
    }
    if (subscriptions.has(id)) return; // a repeated id is the same subscription
    if (subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      refuse(
        id,
        'busy',
        `too many event subscriptions on this connection (at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION})`,
      );
      return;
    }
    const event = service[eventName as MixelEventName] as Event<unknown>;
    subscriptions.set(
      id,
      event((value) => {
        if (views.wants(value)) send({ type: 'event', id, value });
      }),
    );
  };

  const listener = protocol.onMessage((frame) => {
    const message = readClientMessage(frame);
    if (!message) return; // a frame we cannot read has no id to answer to
    switch (message.type) {
      case 'call':
        onCall(message.id, message.method, message.args, frame.byteLength).catch((err: unknown) => {
          // Only a failure to send the answer lands here: try once more with the error, then give up
          // on this call (never on the process: a rejection nobody handles would end it).
          try {
            send({ type: 'error', id: message.id, error: toWireError(err) });
          } catch {
            // the connection is gone
          }
        });
        break;
      case 'cancel':
        // Only a running call can be cancelled; remembering other ids would grow without end.
        if (running.has(message.id)) cancelled.add(message.id);
        break;
      case 'subscribe':
        onSubscribe(message.id, message.event);
        break;
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
    for (const uploadId of uploads) service.abortUpload(uploadId).catch(() => undefined);
    uploads.clear();
  };
  return { dispose };
}

/** Views one connection remembers having predicted for (a window uses one; more are stale). */
const MAX_VIEWS_PER_CONNECTION = 16;

/**
 * Predicted tiles go to the connection whose window asked for them (PredictRequest.viewId, carried back
 * by each tile), not to every connection: with N windows open the server would otherwise encode and send
 * every tile N times, and each window would receive tiles it throws away. Events without a view id
 * (progress) go to every subscriber.
 */
class ViewsOfConnection {
  private readonly ids = new Set<string>();

  add(request: unknown): void {
    const viewId = (request as { viewId?: unknown } | null)?.viewId;
    if (typeof viewId !== 'string' || this.ids.has(viewId)) return;
    if (this.ids.size >= MAX_VIEWS_PER_CONNECTION) this.ids.delete(this.ids.values().next().value!);
    this.ids.add(viewId);
  }

  wants(event: unknown): boolean {
    const viewId = (event as { viewId?: unknown } | null)?.viewId;
    return typeof viewId !== 'string' || this.ids.has(viewId);
  }
}

/** validateArguments, which must not throw whatever a client sends (a getter that throws, say). */
function checkArguments(method: MixelMethod, args: unknown): ReturnType<typeof validateArguments> {
  try {
    return validateArguments(method, args);
  } catch (err) {
    return { ok: false, message: `invalid arguments to ${method}: ${(err as Error).message}` };
  }
}

/** A decoded client message with a usable id and a known type, or null. Never throws. */
function readClientMessage(frame: ArrayBuffer): ClientMessage | null {
  let message: unknown;
  try {
    message = decodeFrame(frame);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const { type, id } = message as { type?: unknown; id?: unknown };
  if (!Number.isSafeInteger(id)) return null;
  if (type !== 'call' && type !== 'cancel' && type !== 'subscribe' && type !== 'unsubscribe') return null;
  return message as ClientMessage;
}

/**
 * The arguments without trailing `undefined`s: an optional argument left out (`saveProject(path)` with
 * `path` undefined) is omitted on the wire. JSON would turn it into null, which the argument schemas
 * rightly refuse (null is not a path), so plain Save after a first Save as failed.
 */
function withoutOmittedTail(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return end === args.length ? args : args.slice(0, end);
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
    // The frame is this listener's alone: its pixels are read in place, not copied out (decodeFrame).
    const message = decodeFrame(frame, { views: true }) as ServerMessage;
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
        send({ type: 'call', id, method, args: withoutOmittedTail(args) });
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

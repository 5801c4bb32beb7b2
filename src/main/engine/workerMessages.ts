import type { JobKind } from './jobs/index.js';

export interface JobRequestMessage {
  readonly id: number;
  readonly kind: JobKind;
  readonly input: unknown;
}

/** Posted once by a thread whose modules loaded: a thread that dies before it is a start failure. */
export interface WorkerReadyMessage {
  readonly ready: true;
}

export type JobResponseMessage =
  | { readonly id: number; readonly ok: true; readonly output: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { name: string; message: string; stack?: string };
    };

/** Array buffers reachable from a value (two levels deep), so results move between threads without a copy. */
export function collectTransferables(value: unknown, depth = 0, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (value === null || typeof value !== 'object' || depth > 3) return out;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    // Shared memory is already visible to both threads; detaching a view of a larger buffer would lose data.
    if (buffer instanceof ArrayBuffer && value.byteLength === buffer.byteLength && !out.includes(buffer)) {
      out.push(buffer);
    }
    return out;
  }
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) collectTransferables(item, depth + 1, out);
  return out;
}

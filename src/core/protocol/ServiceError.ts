import type { WireError } from './types.js';

/**
 * An error meant for the user, with a stable `code` the window can act on. Crosses the wire as
 * `{ name, message, code }` and is rebuilt on the other side, so `instanceof ServiceError` works there too.
 */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  static fromWire(error: WireError): ServiceError {
    const e = new ServiceError(error.code, error.message);
    e.name = error.name;
    return e;
  }
}

export function toWireError(err: unknown): WireError {
  if (err instanceof ServiceError) return { name: err.name, message: err.message, code: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message, code: 'internal' };
  return { name: 'Error', message: String(err), code: 'internal' };
}

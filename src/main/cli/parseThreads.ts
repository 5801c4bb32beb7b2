/**
 * `--threads N` of every command. Each worker thread is a V8 isolate with its own feature-bank memory
 * (tens of MB before any tile), so a mistyped `--threads 100000` would exhaust memory before the first
 * pixel: threads beyond MAX_THREADS_PER_CORE per core only wait for a core anyway, and are refused.
 */
import { availableParallelism } from 'node:os';
import { UserError } from './UserError.js';

export const MAX_THREADS_PER_CORE = 4;

/** The thread count asked for, or undefined (one per core) when the option is absent. */
export function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const max = MAX_THREADS_PER_CORE * Math.max(1, availableParallelism());
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 1 && n <= max)) {
    throw new UserError(
      `--threads must be a whole number from 1 to ${max} (${MAX_THREADS_PER_CORE} per core; got "${value}")`,
    );
  }
  return n;
}

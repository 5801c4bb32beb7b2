/**
 * `--threads N` and `--tile-size PX` of every command, bounded before any worker starts.
 *
 * Threads: each worker thread is a V8 isolate with its own feature-bank memory (tens of MB before any tile), so a mistyped `--threads 100000` would exhaust memory before the first
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

/**
 * A tile's features are held whole in its worker (49 float32 planes by default): 2048² tiles are 820 MB per
 * thread, and `predict` reads a band of one tile's height across the image, so a larger tile only moves the
 * memory bound away (`--tile-size 1000000000` read whole images in one band).
 */
export const MAX_TILE_SIZE = 2048;

/** The tile edge asked for (min..MAX_TILE_SIZE), or undefined when the option is absent. */
export function parseTileSize(value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= min && n <= MAX_TILE_SIZE)) {
    throw new UserError(
      `--tile-size must be a whole number from ${min} to ${MAX_TILE_SIZE} (got "${value}")`,
    );
  }
  return n;
}

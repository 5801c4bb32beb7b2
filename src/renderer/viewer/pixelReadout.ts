/**
 * What the status bar says about the pixel under the pointer: its raw value per channel and the class
 * probabilities there, read from tiles the window already holds. Pure, so it is unit-tested.
 */
import type { ImageTile, ProbabilityTile } from '../../core/protocol/types.js';

const contains = (r: { x: number; y: number; width: number; height: number }, x: number, y: number) =>
  x >= r.x && y >= r.y && x < r.x + r.width && y < r.y + r.height;

/** Raw values of every channel at (x, y) from a full-resolution tile that covers it, or null. */
export function rawValuesAt(
  tiles: Iterable<ImageTile>,
  imageId: string,
  x: number,
  y: number,
): number[] | null {
  for (const t of tiles) {
    if (t.imageId !== imageId || t.level !== 0 || !contains(t.rect, x, y)) continue;
    const i = (y - t.rect.y) * t.width + (x - t.rect.x);
    return t.channels.map((c) => c[i]);
  }
  return null;
}

/**
 * Class probabilities (0..1, class order) at (x, y) from the finest tile that covers it (a preview tile
 * holds every stride-th pixel: the nearest one stands for the pixel), or null.
 */
export function probabilitiesAt(
  tiles: Iterable<ProbabilityTile>,
  imageId: string,
  x: number,
  y: number,
): number[] | null {
  let best: ProbabilityTile | null = null;
  for (const t of tiles)
    if (t.imageId === imageId && contains(t.rect, x, y) && (!best || t.stride < best.stride)) best = t;
  if (!best) return null;
  const n = best.width * best.height;
  const col = Math.min(best.width - 1, Math.floor((x - best.rect.x) / best.stride));
  const row = Math.min(best.height - 1, Math.floor((y - best.rect.y) / best.stride));
  const i = row * best.width + col;
  return Array.from({ length: best.classCount }, (_, c) => best.probabilities[c * n + i] / 255);
}

/** A raw value as a user reads it: integers as they are, fractions to four significant digits. */
export function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

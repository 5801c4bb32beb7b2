/**
 * The two layers only a mixture model can show, as pure pixel helpers (unit-tested): "Unexplained" —
 * pixels that no scribbled class's mixture explains (the tile's `unexplained` plane, core/unexplained) —
 * and "Label here next" — the few regions of the view where a new stroke would teach the model most:
 * where the classes disagree (uncertainty) or none of them fits (unexplained).
 */
import type { ProbabilityTile, Rect } from '../../core/protocol/types.js';

/** The Unexplained layer's colour: magenta, which no default class colour uses. */
export const UNEXPLAINED_COLOR: readonly [number, number, number] = [255, 0, 220];

/** One sentence each, shown in the layer panel (tooltip and info line). */
export const UNEXPLAINED_HELP =
  'Unexplained: pixels that none of the scribbled classes explains (each class finds them less typical than nearly all its own strokes) — likely a kind of object that needs a class of its own.';
export const LABEL_HERE_NEXT_HELP =
  'Label here next: the numbered rings mark the regions of the view where a stroke would teach the model most, where the classes disagree or none of them fits.';

/** Side of the square regions "Label here next" ranks, in image pixels. */
export const HINT_BLOCK_PX = 32;
/** Regions marked at once. */
export const HINT_COUNT = 3;
/** Marked regions keep at least this many blocks between their centres, so the marks spread out. */
const HINT_SEPARATION_BLOCKS = 3;
/** A region whose mean priority is below this is not worth a mark (a well-trained view shows none). */
const MIN_HINT_PRIORITY = 0.15;

/** RGBA of the Unexplained layer: the colour with alpha = the score (0 where some class explains the pixel). */
export function colorizeUnexplained(score: Uint8Array, out: Uint8ClampedArray): Uint8ClampedArray {
  const [r, g, b] = UNEXPLAINED_COLOR;
  for (let i = 0; i < score.length; i++) {
    out[4 * i] = r;
    out[4 * i + 1] = g;
    out[4 * i + 2] = b;
    out[4 * i + 3] = score[i];
  }
  return out;
}

const contains = (r: Rect, x: number, y: number) =>
  x >= r.x && y >= r.y && x < r.x + r.width && y < r.y + r.height;

/** The unexplained score (0..1) at (x, y) from the finest tile covering it that has one, or null. */
export function unexplainedAt(
  tiles: Iterable<ProbabilityTile>,
  imageId: string,
  x: number,
  y: number,
): number | null {
  let best: ProbabilityTile | null = null;
  for (const t of tiles)
    if (t.imageId === imageId && t.unexplained && contains(t.rect, x, y) && (!best || t.stride < best.stride))
      best = t;
  if (!best?.unexplained) return null;
  const col = Math.min(best.width - 1, Math.floor((x - best.rect.x) / best.stride));
  const row = Math.min(best.height - 1, Math.floor((y - best.rect.y) / best.stride));
  return best.unexplained[row * best.width + col] / 255;
}

export interface HintSpot {
  /** The region, in full-resolution image pixels. */
  readonly rect: Rect;
  /** Mean priority over the region, 0..1. */
  readonly priority: number;
}

/**
 * The HINT_COUNT regions (HINT_BLOCK_PX squares of the tiles' grid) with the highest mean priority
 * 1 − (1 − u)(1 − e), u = uncertainty 1 − (p1 − p2), e = unexplained score: high where either is high.
 * Only full-resolution tiles inside `view` count; regions closer than HINT_SEPARATION_BLOCKS to a better
 * one are skipped.
 */
export function labelHereNext(tiles: Iterable<ProbabilityTile>, view: Rect): HintSpot[] {
  const spots: HintSpot[] = [];
  for (const t of tiles) {
    if (t.stride !== 1) continue;
    const n = t.width * t.height;
    for (let by = 0; by < t.height; by += HINT_BLOCK_PX) {
      for (let bx = 0; bx < t.width; bx += HINT_BLOCK_PX) {
        const rect = {
          x: t.rect.x + bx,
          y: t.rect.y + by,
          width: Math.min(HINT_BLOCK_PX, t.width - bx),
          height: Math.min(HINT_BLOCK_PX, t.height - by),
        };
        if (!contains(view, rect.x + rect.width / 2, rect.y + rect.height / 2)) continue;
        let sum = 0;
        for (let y = by; y < by + rect.height; y++) {
          for (let x = bx; x < bx + rect.width; x++) {
            const i = y * t.width + x;
            let p1 = 0;
            let p2 = 0;
            for (let c = 0; c < t.classCount; c++) {
              const p = t.probabilities[c * n + i];
              if (p > p1) {
                p2 = p1;
                p1 = p;
              } else if (p > p2) p2 = p;
            }
            const u = 1 - (p1 - p2) / 255;
            const e = t.unexplained ? t.unexplained[i] / 255 : 0;
            sum += 1 - (1 - u) * (1 - e);
          }
        }
        spots.push({ rect, priority: sum / (rect.width * rect.height) });
      }
    }
  }
  spots.sort((a, b) => b.priority - a.priority);
  const chosen: HintSpot[] = [];
  const apart = HINT_SEPARATION_BLOCKS * HINT_BLOCK_PX;
  for (const s of spots) {
    if (chosen.length >= HINT_COUNT || s.priority < MIN_HINT_PRIORITY) break;
    if (chosen.every((c) => Math.hypot(c.rect.x - s.rect.x, c.rect.y - s.rect.y) >= apart)) chosen.push(s);
  }
  return chosen;
}

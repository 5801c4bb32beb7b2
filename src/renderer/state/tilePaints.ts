/**
 * Probability tiles arrive one by one (two at a time on two workers); repainting the overlay for each
 * costs the browser a whole frame (every layer canvas composited again, tens of ms without a GPU), which
 * took CPU from the workers still predicting the rest. A stroke's profile (bench:live) showed these
 * repaints as most of the browser's CPU after a stroke: ~25 frames of 25–30 ms each on a loaded machine.
 * So:
 *  - a tile for a place of the view that shows no probabilities yet is painted at most once per
 *    TILE_PAINT_INTERVAL_MS: the first of a burst at once, later ones together;
 *  - a tile that replaces probabilities already on screen (the full-resolution pass refining a preview,
 *    a new model's tiles over the old one's) is held until its request ends, so the view changes once,
 *    all tiles together, instead of a patchwork of sharp and coarse tiles; a slow request still shows
 *    its progress every HELD_TILE_PAINT_MAX_MS;
 *  - whatever is pending when the request ends is painted right away, with its status line.
 */

/** Minimum time between two repaints for tiles that fill empty places (a first view streams ~16). */
export const TILE_PAINT_INTERVAL_MS = 100;
/** Longest a tile replacing probabilities on screen waits for its request to end before it is painted. */
export const HELD_TILE_PAINT_MAX_MS = 1000;

interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class TilePaints {
  private lastPaint = -Infinity;
  /** When the oldest tile not yet painted arrived (null: every tile is painted). */
  private pendingSince: number | null = null;
  private timer: unknown = null;
  private timerDue = Infinity;

  constructor(
    private readonly paint: () => void,
    private readonly intervalMs = TILE_PAINT_INTERVAL_MS,
    private readonly clock: Clock = realClock,
    private readonly heldMaxMs = HELD_TILE_PAINT_MAX_MS,
  ) {}

  /**
   * A tile was stored. `replacesShown`: its place already shows probabilities (it is held, see above);
   * otherwise it is painted now if the last paint is old enough, else once the interval has passed.
   */
  arrived(replacesShown = false): void {
    const now = this.clock.now();
    this.pendingSince ??= now;
    const due = replacesShown ? this.pendingSince + this.heldMaxMs : this.lastPaint + this.intervalMs;
    if (due <= now) return this.paintNow();
    if (due >= this.timerDue) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = this.clock.setTimeout(() => this.paintNow(), due - now);
  }

  /** The request ended: paint what is pending now (nothing if every tile is painted). */
  flush(): void {
    if (this.pendingSince !== null) this.paintNow();
  }

  private paintNow(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
    this.pendingSince = null;
    this.lastPaint = this.clock.now();
    this.paint();
  }
}

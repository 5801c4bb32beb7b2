/**
 * Probability tiles arrive one by one (two at a time on two workers); repainting the overlay for each
 * costs the browser a whole frame (every layer canvas composited again, tens of ms without a GPU), which
 * took CPU from the workers still predicting the rest. Tiles are therefore painted at most once per
 * TILE_PAINT_INTERVAL_MS: the first tile of a burst at once, later ones together, and whatever is still
 * pending when the request ends right away, with its status line.
 */

/** Minimum time between two repaints for arriving tiles (a preview or a full view streams ~16 tiles). */
export const TILE_PAINT_INTERVAL_MS = 100;

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
  private timer: unknown = null;

  constructor(
    private readonly paint: () => void,
    private readonly intervalMs = TILE_PAINT_INTERVAL_MS,
    private readonly clock: Clock = realClock,
  ) {}

  /** A tile was stored: paint now if the last paint is old enough, else once the interval has passed. */
  arrived(): void {
    if (this.timer !== null) return;
    const wait = this.lastPaint + this.intervalMs - this.clock.now();
    if (wait <= 0) this.paintNow();
    else this.timer = this.clock.setTimeout(() => this.paintNow(), wait);
  }

  /** The request ended: paint what is pending now (nothing if every tile is painted). */
  flush(): void {
    if (this.timer !== null) this.paintNow();
  }

  private paintNow(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.lastPaint = this.clock.now();
    this.paint();
  }
}

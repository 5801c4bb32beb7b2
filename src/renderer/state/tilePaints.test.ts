import { describe, expect, it } from 'vitest';
import { TilePaints } from './tilePaints.js';

/** A clock the test moves by hand. */
function manualClock() {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  return {
    clock: {
      now: () => now,
      setTimeout: (run: () => void, ms: number) => {
        const t = { at: now + ms, run };
        timers.push(t);
        return t;
      },
      clearTimeout: (handle: unknown) => {
        const i = timers.indexOf(handle as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
    },
    advance(ms: number) {
      now += ms;
      for (const t of [...timers].sort((a, b) => a.at - b.at)) {
        if (t.at > now) break;
        timers.splice(timers.indexOf(t), 1);
        t.run();
      }
    },
  };
}

describe('tile paints', () => {
  it('shows the first tile at once, a stream of 16 tiles in a few repaints, and the last one when the request ends', () => {
    const { clock, advance } = manualClock();
    let paints = 0;
    const tiles = new TilePaints(() => paints++, 100, clock);
    tiles.arrived();
    expect(paints).toBe(1); // the first probabilities appear without waiting
    // 15 more tiles, one every 20 ms (two workers, ~40 ms a tile).
    for (let i = 0; i < 15; i++) {
      advance(20);
      tiles.arrived();
    }
    expect(paints).toBe(4); // at 0, 100, 200 and 300 ms: not one repaint per tile
    tiles.flush(); // the request ended: the tile of 300 ms is on screen with the status
    expect(paints).toBe(5);
    tiles.flush();
    advance(500);
    expect(paints).toBe(5); // nothing pending, nothing repainted
  });

  it('paints a lone tile after a quiet spell at once', () => {
    const { clock, advance } = manualClock();
    let paints = 0;
    const tiles = new TilePaints(() => paints++, 100, clock);
    tiles.arrived();
    advance(150);
    tiles.arrived();
    expect(paints).toBe(2);
  });

  it('holds tiles that replace probabilities on screen until their request ends: a refined view changes once', () => {
    const { clock, advance } = manualClock();
    let paints = 0;
    const tiles = new TilePaints(() => paints++, 100, clock, 1000);
    // The full-resolution pass over a preview: 16 tiles in 320 ms, each replacing a coarse one.
    for (let i = 0; i < 16; i++) {
      tiles.arrived(true);
      advance(20);
    }
    expect(paints).toBe(0); // no patchwork of sharp and coarse tiles, no frame per batch
    tiles.flush();
    expect(paints).toBe(1); // all 16 at once with the request's status
    advance(2000);
    expect(paints).toBe(1);
  });

  it('still shows a slow refinement every second, and a tile for an empty place without waiting for it', () => {
    const { clock, advance } = manualClock();
    let paints = 0;
    const tiles = new TilePaints(() => paints++, 100, clock, 1000);
    tiles.arrived(true);
    advance(999);
    expect(paints).toBe(0);
    advance(1);
    expect(paints).toBe(1); // a busy machine still sees its view refine
    tiles.arrived(true);
    advance(50);
    tiles.arrived(false); // a place that showed nothing: due 100 ms after the last paint, not 1 s
    expect(paints).toBe(1);
    advance(50);
    expect(paints).toBe(2); // the held tile goes with it
    tiles.flush();
    expect(paints).toBe(2); // nothing left
  });
});

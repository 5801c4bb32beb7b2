import { describe, expect, it } from 'vitest';
import { findLabelRegions, MAX_LISTED_REGIONS, viewOfRegion } from './labelRegions.js';

/** A raster from rows of digits ('.' = unlabeled). */
function raster(rows: string[]): { labels: Uint8Array; width: number; height: number } {
  const width = rows[0].length;
  const labels = new Uint8Array(rows.length * width);
  rows.forEach((row, y) =>
    [...row].forEach((ch, x) => (labels[y * width + x] = ch === '.' ? 0 : Number(ch))),
  );
  return { labels, width, height: rows.length };
}

describe('findLabelRegions', () => {
  it('lists each connected piece of a class once, biggest first, with its size and bounds', () => {
    const { labels, width, height } = raster([
      '11....2',
      '11....2',
      '..1...2', // touches the first piece diagonally: the same region
      '.......',
      '1...22.',
    ]);
    const { regions, truncated } = findLabelRegions(labels, width, height);
    expect(truncated).toBe(0);
    expect(regions).toEqual([
      { classId: 1, pixels: 5, bounds: { x: 0, y: 0, width: 3, height: 3 } },
      { classId: 2, pixels: 3, bounds: { x: 6, y: 0, width: 1, height: 3 } },
      { classId: 2, pixels: 2, bounds: { x: 4, y: 4, width: 2, height: 1 } },
      { classId: 1, pixels: 1, bounds: { x: 0, y: 4, width: 1, height: 1 } },
    ]);
  });

  it('keeps two classes that touch apart', () => {
    const { labels, width, height } = raster(['1122', '1122']);
    expect(findLabelRegions(labels, width, height).regions.map((r) => [r.classId, r.pixels])).toEqual([
      [1, 4],
      [2, 4],
    ]);
  });

  it('lists at most MAX_LISTED_REGIONS and says how many more there were', () => {
    const width = 2 * (MAX_LISTED_REGIONS + 10);
    const labels = new Uint8Array(width);
    for (let x = 0; x < width; x += 2) labels[x] = 1;
    const { regions, truncated } = findLabelRegions(labels, width, 1);
    expect(regions).toHaveLength(MAX_LISTED_REGIONS);
    expect(truncated).toBe(10);
  });
});

describe('viewOfRegion', () => {
  it('centres the region in the viewer, filling half of it', () => {
    const view = viewOfRegion({ x: 100, y: 200, width: 50, height: 20 }, { width: 800, height: 600 });
    expect(view.scale).toBe(8); // 400 / 50, within the cap
    expect(125 * view.scale + view.x).toBe(400);
    expect(210 * view.scale + view.y).toBe(300);
  });

  it('does not zoom past 8× on a region of one pixel', () => {
    expect(viewOfRegion({ x: 5, y: 5, width: 1, height: 1 }, { width: 800, height: 600 }).scale).toBe(8);
  });
});

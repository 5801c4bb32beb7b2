/**
 * Where bench:live and bench:live-backend paint: points well inside nuclei and well inside background of
 * the synthetic sample, spread over the image, from its ground truth.
 */
import { makeSyntheticSample } from '../src/core/sample/syntheticCells.js';

export type Point = [number, number];

/** Up to `count` nucleus and background points of the `size`² synthetic sample of `seed`, 60 px apart. */
export function strokeSites(
  size: number,
  seed: number,
  count: number,
): { nuclei: Point[]; background: Point[] } {
  const { truth } = makeSyntheticSample({ width: size, height: size, seed });
  const is = (x: number, y: number, r: number, c: number) => {
    for (let dy = -r; dy <= r; dy += 2)
      for (let dx = -r; dx <= r; dx += 2) if (truth[(y + dy) * size + x + dx] !== c) return false;
    return true;
  };
  const nuclei: Point[] = [];
  const background: Point[] = [];
  const far = (list: Point[], x: number, y: number) => list.every(([a, b]) => Math.hypot(a - x, b - y) > 60);
  for (let y = 40; y < size - 40; y += 7) {
    for (let x = 40; x < size - 40; x += 7) {
      if (nuclei.length < count && is(x, y, 8, 2) && far(nuclei, x, y)) nuclei.push([x, y]);
      if (background.length < count && is(x, y, 20, 1) && far(background, x, y)) background.push([x, y]);
    }
  }
  return { nuclei, background };
}

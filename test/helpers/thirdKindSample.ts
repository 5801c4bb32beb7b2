/**
 * The built-in synthetic sample (background and nuclei, with their scribbles) plus a third kind of object
 * no scribble covers: flat, bright squares, like debris or a cell type nobody labelled. Truth: 1 =
 * background, 2 = nucleus, 3 = the third kind. Scribbles stay on classes 1 and 2 only.
 */
import { SeededRandom } from '../../src/core/random.js';
import { makeSyntheticSample, type SyntheticSample } from '../../src/core/sample/syntheticCells.js';

/** Camera offset and photon level of the squares: about three times a bright nucleus. */
const CAMERA_OFFSET = 400;
const SQUARE_PHOTONS = 3000;
const SQUARE_SIDE = 28;
/** Background kept free around each square, so squares never touch nuclei. */
const MARGIN = 8;

export interface ThirdKindSample extends SyntheticSample {
  /** Top-left corners of the squares, in pixels. */
  readonly squares: readonly { x: number; y: number; side: number }[];
}

export function makeThirdKindSample(width: number, height: number, seed = 5, count = 4): ThirdKindSample {
  const base = makeSyntheticSample({ width, height, seed });
  const image = base.image.slice();
  const truth = base.truth.slice();
  const scribbles = base.scribbles.slice();
  const rng = new SeededRandom(seed * 31 + 7);
  const squares: { x: number; y: number; side: number }[] = [];
  const free = (x0: number, y0: number) => {
    for (let y = y0 - MARGIN; y < y0 + SQUARE_SIDE + MARGIN; y++)
      for (let x = x0 - MARGIN; x < x0 + SQUARE_SIDE + MARGIN; x++)
        if (x < 0 || y < 0 || x >= width || y >= height || truth[y * width + x] !== 1) return false;
    return true;
  };
  for (let tries = 0; squares.length < count && tries < 5000; tries++) {
    const x0 = Math.floor(rng.next() * (width - SQUARE_SIDE));
    const y0 = Math.floor(rng.next() * (height - SQUARE_SIDE));
    if (!free(x0, y0)) continue;
    squares.push({ x: x0, y: y0, side: SQUARE_SIDE });
    for (let y = y0 - MARGIN; y < y0 + SQUARE_SIDE + MARGIN; y++) {
      for (let x = x0 - MARGIN; x < x0 + SQUARE_SIDE + MARGIN; x++) {
        const i = y * width + x;
        scribbles[i] = 0; // nobody labelled anything there
        const inside = x >= x0 && y >= y0 && x < x0 + SQUARE_SIDE && y < y0 + SQUARE_SIDE;
        if (!inside) continue;
        truth[i] = 3;
        image[i] = Math.min(65535, CAMERA_OFFSET + rng.nextPoisson(SQUARE_PHOTONS));
      }
    }
  }
  if (squares.length < count)
    throw new Error(`makeThirdKindSample: room for ${squares.length} of ${count} squares`);
  return { ...base, image, truth, scribbles, squares };
}

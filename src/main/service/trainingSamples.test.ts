/**
 * The training rows the live fit collects after each stroke: picked by typed-array scans (the Maps of the
 * first version took 10–17 ms of main thread per fit on a 1024² image), they must be exactly the rows the
 * straightforward per-pixel rule picks, or the overlay would change with the speed-up.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../core/random.js';
import { tileGrid, type Rect } from '../../core/tiling.js';
import { UNLABELED_STRIDE } from './constants.js';
import { collectTrainingSamples, type LabeledImage } from './trainingSamples.js';

/** The rule as first written, pixel by pixel: the reference the fast scan must match. */
async function referenceSamples(
  images: readonly LabeledImage[],
  classIds: readonly number[],
  tileSize: number,
  tileFeatures: (image: LabeledImage, core: Rect) => Promise<Float32Array[]>,
  maxPerClass: number,
) {
  const counts = new Map<number, number>(classIds.map((id) => [id, 0]));
  for (const image of images)
    for (const v of image.labels) if (v !== 0 && counts.has(v)) counts.set(v, counts.get(v)! + 1);
  const present = classIds.filter((id) => counts.get(id)! > 0);
  const stride = new Map(present.map((id) => [id, Math.ceil(counts.get(id)! / maxPerClass)]));
  const seen = new Map(present.map((id) => [id, 0]));
  const samples: number[] = [];
  const labels: number[] = [];
  const unlabeled: number[] = [];
  for (const image of images) {
    for (const { core } of tileGrid(image.width, image.height, tileSize, 0)) {
      const picked: number[] = [];
      const unlabeledPicked: number[] = [];
      for (let y = core.y; y < core.y + core.height; y++) {
        for (let x = core.x; x < core.x + core.width; x++) {
          const v = image.labels[y * image.width + x];
          if (v === 0 && (x * 7 + y * 13) % UNLABELED_STRIDE === 0)
            unlabeledPicked.push((y - core.y) * core.width + (x - core.x));
          if (v === 0 || !stride.has(v)) continue;
          const n = seen.get(v)!;
          seen.set(v, n + 1);
          if (n % stride.get(v)! === 0) picked.push((y - core.y) * core.width + (x - core.x), v);
        }
      }
      if (picked.length === 0) continue;
      const planes = await tileFeatures(image, core);
      for (let k = 0; k < picked.length; k += 2) {
        for (const plane of planes) samples.push(plane[picked[k]]);
        labels.push(picked[k + 1]);
      }
      for (const local of unlabeledPicked) for (const plane of planes) unlabeled.push(plane[local]);
    }
  }
  return { samples, labels, unlabeled, classIds: present };
}

/** Images of odd sizes with random strokes of classes 1–3 (3 not asked for), feature = f(image, pixel). */
function paintedImages(seed: number): LabeledImage[] {
  const rng = new SeededRandom(seed);
  return [
    [301, 177],
    [64, 530],
  ].map(([width, height], m) => {
    const labels = new Uint8Array(width * height);
    for (let s = 0; s < 12; s++) {
      const [cx, cy, r] = [rng.nextInt(width), rng.nextInt(height), 2 + rng.nextInt(9)];
      const c = 1 + rng.nextInt(3);
      for (let y = Math.max(0, cy - r); y < Math.min(height, cy + r); y++)
        for (let x = Math.max(0, cx - 3 * r); x < Math.min(width, cx + 3 * r); x++) labels[y * width + x] = c;
    }
    return { id: `image-${m}`, width, height, labels };
  });
}

const tileFeatures = async (image: LabeledImage, core: Rect) =>
  [0, 1, 2].map((f) =>
    Float32Array.from({ length: core.width * core.height }, (_, i) => {
      const [x, y] = [core.x + (i % core.width), core.y + Math.floor(i / core.width)];
      return (image.id === 'image-0' ? 0 : 1e6) + f * 1e5 + y * image.width + x;
    }),
  );

describe('collectTrainingSamples', () => {
  it.each([
    [1, 1e6],
    [2, 40],
    [3, 7],
  ])('picks the same rows as the pixel-by-pixel rule (seed %i, at most %i per class)', async (seed, max) => {
    const images = paintedImages(seed);
    const fast = await collectTrainingSamples(images, [1, 2], 64, tileFeatures, max);
    const reference = await referenceSamples(images, [1, 2], 64, tileFeatures, max);
    expect(fast).not.toBeNull();
    expect(fast!.classIds).toEqual(reference.classIds);
    expect(Array.from(fast!.labels)).toEqual(reference.labels);
    expect(Array.from(fast!.samples)).toEqual(reference.samples);
    expect(Array.from(fast!.unlabeled)).toEqual(reference.unlabeled);
    // Strided down where a class has more labelled pixels than allowed, and never class 3.
    expect(fast!.labels.length).toBeLessThanOrEqual(2 * Math.min(max, images[0].labels.length));
    expect(fast!.labels.includes(3)).toBe(false);
  });

  it('finds nothing to fit without labels of the classes asked for', async () => {
    const images = paintedImages(1).map((image) => ({
      ...image,
      labels: image.labels.map((v) => (v === 3 ? 3 : 0)),
    }));
    expect(await collectTrainingSamples(images, [1, 2], 64, tileFeatures)).toBeNull();
  });
});

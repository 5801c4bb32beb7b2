/**
 * Numerics on 16-bit data sitting on a large offset (HeLa: values near 33000): every channel of the 2-D and
 * 3-D banks within 1e-4 of its range from a float64 reference, the DoG at σ = 10 included. Without the
 * offset-free filtering (offsets forced to 0) the DoG and the small eigenvalues miss that by far.
 */
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../src/core/features/computeFeatures.js';
import { featureOffsets } from '../src/core/features/featureOffset.js';
import {
  featureChannelNames,
  presetSelection,
  type FeatureSelection,
} from '../src/core/features/selection.js';
import { computeFeatures3d } from '../src/core/features3d/computeFeatures3d.js';
import { featureChannelNames3d } from '../src/core/features3d/featureLayout3d.js';
import { errorsOfRange, referenceFeatures, type Grid } from './features3dReference.js';

const TOLERANCE_OF_RANGE = 1e-4;

/** Integer camera counts near 33000: blobs of a few hundred counts, a slope and pseudo-random noise. */
function offsetData(g: Grid): Float32Array {
  const out = new Float32Array(g.depth * g.height * g.width);
  let seed = 12345;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const blobs = Array.from({ length: 8 }, () => [
    rand() * g.depth,
    rand() * g.height,
    rand() * g.width,
    2 + 5 * rand(),
  ]);
  let i = 0;
  for (let z = 0; z < g.depth; z++)
    for (let y = 0; y < g.height; y++)
      for (let x = 0; x < g.width; x++, i++) {
        let v = 33000 + 2 * x - y + 3 * z;
        for (const [bz, by, bx, r] of blobs) {
          const d2 = ((z - bz) ** 2 + (y - by) ** 2 + (x - bx) ** 2) / (r * r);
          v += 600 * Math.exp(-d2);
        }
        out[i] = Math.round(v + 40 * (rand() - 0.5));
      }
  return out;
}

function worstChannel(errors: number[], names: string[]): string {
  const i = errors.indexOf(Math.max(...errors));
  return `${names[i]}: ${errors[i].toExponential(2)} of range`;
}

function failing(errors: number[], names: string[]): string[] {
  return errors.flatMap((e, c) => (e <= TOLERANCE_OF_RANGE ? [] : [`${names[c]}: ${e.toExponential(2)}`]));
}

describe('features on data with a large offset', () => {
  it('2-D: every channel of the default preset within 1e-4 of its range of float64, DoG σ=10 included', () => {
    const g = { depth: 1, height: 90, width: 100 };
    const data = offsetData(g);
    const sel = presetSelection('default');
    const names = featureChannelNames(sel, 1);
    const image = { width: g.width, height: g.height, channels: [data] };
    const reference = referenceFeatures(Float64Array.from(data), g, sel);
    const errors = errorsOfRange(computeFeatures(image, sel, 'ilastik'), reference);
    expect(failing(errors, names)).toEqual([]);
    // Tiles of this image get the image's offset: the one a caller passes (featureOffsets).
    expect(featureOffsets([data])).toEqual([32768]);

    const before = errorsOfRange(
      computeFeatures(image, sel, 'ilastik', undefined, { offsets: [0] }),
      reference,
    );
    const dog10 = names.indexOf('Difference of Gaussians (σ=10.0)');
    expect(before[dog10], worstChannel(before, names)).toBeGreaterThan(10 * TOLERANCE_OF_RANGE);
  });

  it('3-D: every channel within 1e-4 of its range of float64, DoG σ=10 included', () => {
    const g = { depth: 36, height: 37, width: 38 };
    const data = offsetData(g);
    const sel = presetSelection('default');
    const names = featureChannelNames3d(sel, 1);
    const reference = referenceFeatures(Float64Array.from(data), g, sel);
    const ours = computeFeatures3d({ ...g, channels: [data] }, sel);
    const errors = errorsOfRange(ours, reference);
    expect(failing(errors, names)).toEqual([]);

    const before = errorsOfRange(
      computeFeatures3d({ ...g, channels: [data] }, sel, { offsets: [0] }),
      reference,
    );
    const dog10 = names.indexOf('Difference of Gaussians (σ=10.0)');
    expect(before[dog10], worstChannel(before, names)).toBeGreaterThan(10 * TOLERANCE_OF_RANGE);
  });
});

export type { FeatureSelection };

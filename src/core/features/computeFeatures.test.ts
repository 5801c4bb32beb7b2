import { describe, expect, it } from 'vitest';
import { cropPlane, type PlanarImage } from '../image.js';
import { tileGrid } from '../tiling.js';
import { computeFeatures, featureHaloPx } from './computeFeatures.js';
import {
  featureChannelCount,
  featureChannelNames,
  presetSelection,
  type FeatureSelection,
} from './selection.js';

/** A smooth, textured two-channel test image: blobs and a ramp, so every filter has something to respond to. */
function texturedImage(width: number, height: number): PlanarImage {
  const channels = [0, 1].map((c) => {
    const plane = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const blobs = Math.sin((x + 7 * c) / 5.3) * Math.cos(y / 4.1) + 0.3 * Math.sin((x * y) / 97);
        plane[y * width + x] = 1000 + 400 * blobs + 3 * x - 2 * y + ((x * 7919 + y * 104729 + c) % 13);
      }
    }
    return plane;
  });
  return { width, height, channels };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('computeFeatures', () => {
  it.each(['ilastik', 'direct'] as const)(
    '%s: tiles computed with their halo equal the whole-image result exactly',
    (convention) => {
      const image = texturedImage(173, 131);
      const sel = presetSelection('all');
      const whole = computeFeatures(image, sel, convention);
      const halo = featureHaloPx(sel, convention);
      for (const tile of tileGrid(image.width, image.height, 64, halo)) {
        const { outer, core } = tile;
        const crop: PlanarImage = {
          width: outer.width,
          height: outer.height,
          channels: image.channels.map((p) =>
            cropPlane(p, image.width, outer.x, outer.y, outer.width, outer.height),
          ),
        };
        const region = { x: core.x - outer.x, y: core.y - outer.y, width: core.width, height: core.height };
        const tilePlanes = computeFeatures(crop, sel, convention, region);
        whole.forEach((plane, c) => {
          const expected = cropPlane(plane, image.width, core.x, core.y, core.width, core.height);
          expect(maxAbsDiff(tilePlanes[c], expected)).toBe(0);
        });
      }
    },
  );

  it('a too-small halo changes the result (the test above can fail)', () => {
    const image = texturedImage(120, 90);
    const sel = presetSelection('default');
    const whole = computeFeatures(image, sel, 'ilastik');
    const halo = featureHaloPx(sel, 'ilastik') - 5;
    const crop: PlanarImage = {
      width: 60 + halo,
      height: 90,
      channels: image.channels.map((p) => cropPlane(p, 120, 0, 0, 60 + halo, 90)),
    };
    const part = computeFeatures(crop, sel, 'ilastik', { x: 0, y: 0, width: 60, height: 90 });
    const last = whole.length - 1;
    expect(maxAbsDiff(part[last], cropPlane(whole[last], 120, 0, 0, 60, 90))).toBeGreaterThan(0);
  });

  it('returns one plane per channel name, ilastik counts: default 49 and all 56 per input channel', () => {
    const image = texturedImage(48, 50);
    for (const [preset, perChannel] of [
      ['default', 49],
      ['all', 56],
    ] as const) {
      const sel = presetSelection(preset);
      expect(featureChannelCount(sel, 1)).toBe(perChannel);
      expect(computeFeatures(image, sel, 'ilastik').length).toBe(2 * perChannel);
      expect(featureChannelNames(sel, 2).length).toBe(2 * perChannel);
    }
  });

  it.each(['ilastik', 'direct'] as const)(
    '%s: constant images give smoothing = the constant and zero derivatives, even smaller than a kernel',
    (convention) => {
      const image: PlanarImage = { width: 9, height: 5, channels: [new Float32Array(45).fill(7)] };
      const planes = computeFeatures(image, presetSelection('all'), convention);
      const names = featureChannelNames(presetSelection('all'), 1);
      planes.forEach((plane, c) => {
        const expected = names[c].startsWith('Gaussian Smoothing') ? 7 : 0;
        for (const v of plane) expect(Math.abs(v - expected)).toBeLessThan(1e-4);
      });
    },
  );

  it('uses a custom selection: only the ticked cells, in matrix order', () => {
    const sel: FeatureSelection = {
      scales: [2, 4],
      enabled: [
        [false, true],
        [false, false],
        [true, false],
        [false, false],
        [false, false],
        [false, true],
      ],
    };
    expect(featureChannelNames(sel, 1)).toEqual([
      'Gaussian Smoothing (σ=4.0)',
      'Gaussian Gradient Magnitude (σ=2.0)',
      'Hessian of Gaussian Eigenvalues (σ=4.0) [0]',
      'Hessian of Gaussian Eigenvalues (σ=4.0) [1]',
    ]);
    const planes = computeFeatures(texturedImage(40, 30), sel, 'ilastik');
    expect(planes.length).toBe(4 * 2);
  });

  it('rejects a region outside the image with a message naming both sizes', () => {
    const image = texturedImage(20, 10);
    expect(() =>
      computeFeatures(image, presetSelection('default'), 'ilastik', { x: 15, y: 0, width: 10, height: 5 }),
    ).toThrow(/outside the 20×10 image/);
  });
});

/**
 * Images smaller than a kernel: vigra refuses them ("kernel longer than line"); we keep mirroring. Checked
 * against a naive whole-image implementation (every pass over the full image, reflectIndex per tap), which
 * shares none of the rectangle bookkeeping of computeFeatures.
 */
import { describe, expect, it } from 'vitest';
import { computeFeatures } from './computeFeatures.js';
import { gaussianKernel, kernelTaps } from './gaussianKernels.js';
import type { FeatureSelection } from './selection.js';
import { reflectIndex } from './separableConvolution.js';

function naivePass(src: Float64Array, w: number, h: number, taps: number[], alongX: boolean): Float64Array {
  const r = (taps.length - 1) / 2;
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) {
        const sx = alongX ? reflectIndex(x - k, w) : x;
        const sy = alongX ? y : reflectIndex(y - k, h);
        sum += taps[k + r] * src[sy * w + sx];
      }
      out[y * w + x] = sum;
    }
  }
  return out;
}

function naiveSeparable(src: Float64Array, w: number, h: number, tx: number[], ty: number[]): Float64Array {
  return naivePass(naivePass(src, w, h, tx, true), w, h, ty, false);
}

const only = (row: number, scale: number): FeatureSelection => ({
  scales: [scale],
  enabled: [0, 1, 2, 3, 4, 5].map((r) => [r === row]),
});

describe('features of images smaller than their kernels', () => {
  const w = 23;
  const h = 17;
  const pixels = Float64Array.from({ length: w * h }, (_, i) => ((i * 7919) % 101) + 3 * (i % w));
  const image = { width: w, height: h, channels: [Float32Array.from(pixels)] };

  it('direct Hessian eigenvalues at σ = 5 (radius 25 > 23 px) equal the naive filters', () => {
    const ratio = 0;
    const g0 = kernelTaps(gaussianKernel(5, 0, ratio));
    const g1 = kernelTaps(gaussianKernel(5, 1, ratio));
    const g2 = kernelTaps(gaussianKernel(5, 2, ratio));
    const hxx = naiveSeparable(pixels, w, h, g2, g0);
    const hyy = naiveSeparable(pixels, w, h, g0, g2);
    const hxy = naiveSeparable(pixels, w, h, g1, g1);
    const [ev0, ev1] = computeFeatures(image, only(5, 5), 'direct', { x: 3, y: 2, width: 15, height: 11 });
    for (let y = 0; y < 11; y++) {
      for (let x = 0; x < 15; x++) {
        const i = (y + 2) * w + x + 3;
        const root = Math.sqrt((hxx[i] - hyy[i]) ** 2 + 4 * hxy[i] ** 2);
        expect(ev0[y * 15 + x]).toBeCloseTo((hxx[i] + hyy[i] + root) / 2, 2);
        expect(ev1[y * 15 + x]).toBeCloseTo((hxx[i] + hyy[i] - root) / 2, 2);
      }
    }
  });

  it('ilastik smoothing at σ = 10 (pre-smoothing radius 35) equals the naive filters', () => {
    const p = kernelTaps(gaussianKernel(Math.sqrt(99), 0, 3.5));
    const g = kernelTaps(gaussianKernel(1, 0, 2));
    const expected = naiveSeparable(naiveSeparable(pixels, w, h, p, p), w, h, g, g);
    const [smooth] = computeFeatures(image, only(0, 10), 'ilastik');
    smooth.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 3));
  });

  it('ilastik Hessian eigenvalues at σ = 3.5 (fused stage after a radius-12 pre-smoothing) equal the naive filters', () => {
    const p = kernelTaps(gaussianKernel(Math.sqrt(3.5 * 3.5 - 1), 0, 3.5));
    const smoothed = naiveSeparable(Float64Array.from(pixels), w, h, p, p);
    const g0 = kernelTaps(gaussianKernel(1, 0, 2));
    const g1 = kernelTaps(gaussianKernel(1, 1, 2));
    const g2 = kernelTaps(gaussianKernel(1, 2, 2));
    const hxx = naiveSeparable(smoothed, w, h, g2, g0);
    const hyy = naiveSeparable(smoothed, w, h, g0, g2);
    const hxy = naiveSeparable(smoothed, w, h, g1, g1);
    const [ev0, ev1] = computeFeatures(image, only(5, 3.5), 'ilastik');
    // With every feature of the scale selected, the SIMD stage runs instead: same values.
    const every: FeatureSelection = {
      scales: [3.5],
      enabled: [[true], [true], [true], [true], [true], [true]],
    };
    const all = computeFeatures(image, every, 'ilastik');
    const [simd0, simd1] = all.slice(-2);
    for (let i = 0; i < w * h; i++) {
      const root = Math.sqrt((hxx[i] - hyy[i]) ** 2 + 4 * hxy[i] ** 2);
      expect(ev0[i]).toBeCloseTo((hxx[i] + hyy[i] + root) / 2, 3);
      expect(ev1[i]).toBeCloseTo((hxx[i] + hyy[i] - root) / 2, 3);
      expect(simd0[i]).toBeCloseTo((hxx[i] + hyy[i] + root) / 2, 3);
      expect(simd1[i]).toBeCloseTo((hxx[i] + hyy[i] - root) / 2, 3);
    }
  });
});

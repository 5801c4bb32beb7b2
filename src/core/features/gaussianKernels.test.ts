import { describe, expect, it } from 'vitest';
import kernels from '../../../test/fixtures/features/kernels.json' with { type: 'json' };
import { gaussianKernel, kernelRadius, kernelTaps } from './gaussianKernels.js';

describe('gaussianKernel', () => {
  it.each(kernels.kernels)('equals vigra for σ=$sigma, order $order, window ratio $windowRatio', (k) => {
    const ours = kernelTaps(gaussianKernel(k.sigma, k.order as 0 | 1 | 2, k.windowRatio));
    expect(ours.length).toBe(k.taps.length);
    ours.forEach((w, i) => expect(w).toBeCloseTo(k.taps[i], 12));
  });

  it('smoothing sums to 1, a first derivative maps a unit ramp to 1, a second derivative maps x² to 2', () => {
    const g = kernelTaps(gaussianKernel(2, 0, 0));
    const d1 = kernelTaps(gaussianKernel(2, 1, 0));
    const d2 = kernelTaps(gaussianKernel(2, 2, 0));
    const r = (g.length - 1) / 2;
    // out[0] = Σₖ kernel[k] · f(−k)
    const apply = (taps: number[], f: (x: number) => number): number =>
      taps.reduce((s, w, i) => s + w * f(-(i - r)), 0);
    expect(apply(g, () => 1)).toBeCloseTo(1, 12);
    expect(apply(d1, (x) => x)).toBeCloseTo(1, 12);
    expect(apply(d2, (x) => x * x)).toBeCloseTo(2, 12);
    expect(apply(d2, () => 1)).toBeCloseTo(0, 12);
  });

  it("uses vigra 1.11's radius rule", () => {
    expect(kernelRadius(10, 2, 0)).toBe(40);
    expect(kernelRadius(10, 0, 0)).toBe(30);
    expect(kernelRadius(0.7, 1, 2)).toBe(1);
    expect(kernelRadius(Math.sqrt(99), 0, 3.5)).toBe(35);
    expect(kernelRadius(0.1, 0, 0)).toBe(1);
  });
});

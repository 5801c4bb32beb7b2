import { describe, expect, it } from 'vitest';
import { gaussianKernel, kernelTaps } from './gaussianKernels.js';
import { ConvolutionScratch, convolveColumns, convolveRows, reflectIndex } from './separableConvolution.js';
import { simdConvolver } from './simdConvolution.js';

describe('WebAssembly SIMD convolution', () => {
  it('is available in Node, so the tests exercise the fast path', () => {
    expect(simdConvolver()).not.toBeNull();
  });

  it.each([
    [7, 0, 7 / 3],
    [7, 1, 2],
    [40, 2, 10],
  ] as const)(
    'rows and columns with radius-%i kernels of order %i equal a naive convolution',
    (radius, order, sigma) => {
      const kernel = gaussianKernel(sigma, order, 0);
      expect(kernel.radius).toBe(radius);
      const taps = kernelTaps(kernel);
      const w = 97;
      const h = 61;
      const data = Float32Array.from({ length: w * h }, (_, i) => ((i * 7919) % 251) - 100 + (i % w));
      const full = { x: 0, y: 0, width: w, height: h };
      const scratch = new ConvolutionScratch();
      const rows = convolveRows({ data, rect: full }, kernel, full, w, scratch).data.slice();
      const cols = convolveColumns({ data, rect: full }, kernel, full, h, scratch).data;
      let worstRows = 0;
      let worstCols = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let sr = 0;
          let sc = 0;
          for (let k = -radius; k <= radius; k++) {
            sr += taps[k + radius] * data[y * w + reflectIndex(x - k, w)];
            sc += taps[k + radius] * data[reflectIndex(y - k, h) * w + x];
          }
          worstRows = Math.max(worstRows, Math.abs(rows[y * w + x] - sr));
          worstCols = Math.max(worstCols, Math.abs(cols[y * w + x] - sc));
        }
      }
      // float32 sums of values up to ~350: a few float32 ulps
      expect(worstRows).toBeLessThan(2e-4);
      expect(worstCols).toBeLessThan(2e-4);
    },
  );
});

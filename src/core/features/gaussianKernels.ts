/**
 * 1-D Gaussian and Gaussian-derivative kernels built the way vigra builds them (Kernel1D::initGaussian and
 * initGaussianDerivative in separableconvolution.hxx), so our filters equal ilastik's:
 * - samples of the continuous Gaussian (derivative) at integer offsets −r..r, r = ⌊ratio·σ + 0.5⌋ (at least 1;
 *   ratio 0 means vigra's default ⌊(3 + order/2)·σ + 0.5⌋);
 * - derivatives: the mean of the samples is subtracted (truncation leaves a DC offset that would make a
 *   derivative respond to flat regions);
 * - then scaled so that the kernel maps the polynomial x^order/order! to 1: plain Gaussians sum to 1, a first
 *   derivative maps a unit ramp to 1, a second derivative maps x²/2 to 1.
 * Kernels are symmetric (even orders) or antisymmetric (odd), so only offsets 0..r are stored.
 */

export interface GaussianKernel {
  readonly sigma: number;
  readonly order: 0 | 1 | 2;
  readonly radius: number;
  /** Weights at offsets 0..radius; the weight at −j is weights[j] (even order) or −weights[j] (odd order). */
  readonly weights: Float64Array;
  readonly isOdd: boolean;
}

/** vigra's radius rule (1.11). */
export function kernelRadius(sigma: number, order: 0 | 1 | 2, windowRatio: number): number {
  const r =
    windowRatio === 0 ? Math.trunc((3 + 0.5 * order) * sigma + 0.5) : Math.trunc(windowRatio * sigma + 0.5);
  return Math.max(1, r);
}

/** The continuous Gaussian's derivative of `order` at x, up to a constant factor (normalization removes it). */
function gaussianShape(x: number, sigma: number, order: 0 | 1 | 2): number {
  const g = Math.exp((-0.5 * x * x) / (sigma * sigma));
  if (order === 0) return g;
  if (order === 1) return -x * g;
  return (x * x - sigma * sigma) * g;
}

export function gaussianKernel(sigma: number, order: 0 | 1 | 2, windowRatio: number): GaussianKernel {
  if (!(sigma > 0)) throw new RangeError(`kernel σ must be > 0, got ${sigma}`);
  if (!(windowRatio >= 0)) throw new RangeError(`window ratio must be ≥ 0, got ${windowRatio}`);
  const radius = kernelRadius(sigma, order, windowRatio);
  const full = new Float64Array(2 * radius + 1);
  let dc = 0;
  for (let i = 0; i < full.length; i++) {
    full[i] = gaussianShape(i - radius, sigma, order);
    dc += full[i];
  }
  dc /= full.length;
  if (order > 0) for (let i = 0; i < full.length; i++) full[i] -= dc;
  const factorial = order === 2 ? 2 : 1;
  let moment = 0;
  for (let i = 0; i < full.length; i++) moment += (full[i] * Math.pow(-(i - radius), order)) / factorial;
  const weights = new Float64Array(radius + 1);
  for (let j = 0; j <= radius; j++) weights[j] = full[radius + j] / moment;
  return { sigma, order, radius, weights, isOdd: order === 1 };
}

const cache = new Map<string, GaussianKernel>();

/** gaussianKernel, memoized: the feature bank asks for the same few kernels for every tile. */
export function cachedGaussianKernel(sigma: number, order: 0 | 1 | 2, windowRatio: number): GaussianKernel {
  const key = `${sigma}|${order}|${windowRatio}`;
  let k = cache.get(key);
  if (!k) {
    k = gaussianKernel(sigma, order, windowRatio);
    cache.set(key, k);
  }
  return k;
}

/** The full kernel, offsets −r..r, for tests and documentation. */
export function kernelTaps(k: GaussianKernel): number[] {
  const taps: number[] = [];
  for (let o = -k.radius; o <= k.radius; o++) {
    const w = k.weights[Math.abs(o)];
    taps.push(o < 0 && k.isOdd ? -w : w);
  }
  return taps;
}

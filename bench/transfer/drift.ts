/**
 * The drift variant of a data set for `npm run bench:transfer`: every image (training images too) gets its
 * own seeded change of acquisition — blur, gamma, gain, offset and noise, and for RGB images a stain-like
 * change of colour — so that a method is measured on drift it was not tuned to. The truth and the
 * scribbles stay as they are: drift changes how the image looks, not what it shows.
 */
import type { PlanarImage } from '../../src/core/image.js';
import { percentiles } from '../../src/core/normalization.js';
import { SeededRandom } from '../../src/core/random.js';

/** Ranges of the drift, in units of the image's 1–99 % intensity span where not said otherwise. */
export const DRIFT_RANGES = {
  /** Gain, log-uniform. */
  gain: [0.5, 2],
  /** Offset, uniform, as a share of the span. */
  offset: [-0.3, 0.3],
  /** Gamma on the image mapped to its span, log-uniform. */
  gamma: [0.6, 1.6],
  /** Gaussian blur σ in pixels (optics, focus), uniform. */
  blur: [0, 1.2],
  /** Additive Gaussian noise, standard deviation as a share of the span, uniform. */
  noise: [0, 0.04],
  /** RGB only: per-channel scale of the optical density (stain strength), log-uniform. */
  stain: [0.7, 1.4],
  /** RGB only: how much of each stain leaks into the other channels' density, uniform. */
  stainMix: [0, 0.12],
} as const;

export interface DriftParameters {
  readonly gain: number;
  readonly offset: number;
  readonly gamma: number;
  readonly blur: number;
  readonly noise: number;
  /** RGB only: 3 × 3 matrix applied to the optical densities (row-major); null for other images. */
  readonly stain: number[] | null;
}

function uniform(rng: SeededRandom, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * rng.next();
}

function logUniform(rng: SeededRandom, [lo, hi]: readonly [number, number]): number {
  return Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
}

export function driftParameters(seed: number, channels: number): DriftParameters {
  const rng = new SeededRandom(seed);
  const gain = logUniform(rng, DRIFT_RANGES.gain);
  const offset = uniform(rng, DRIFT_RANGES.offset);
  const gamma = logUniform(rng, DRIFT_RANGES.gamma);
  const blur = uniform(rng, DRIFT_RANGES.blur);
  const noise = uniform(rng, DRIFT_RANGES.noise);
  let stain: number[] | null = null;
  if (channels === 3) {
    stain = [];
    for (let r = 0; r < 3; r++) {
      const scale = logUniform(rng, DRIFT_RANGES.stain);
      for (let c = 0; c < 3; c++) stain.push(r === c ? scale : uniform(rng, DRIFT_RANGES.stainMix));
    }
  }
  return { gain, offset, gamma, blur, noise, stain };
}

export function describeDrift(p: DriftParameters): string {
  const stain = p.stain ? ` stain [${p.stain.map((v) => v.toFixed(2)).join(' ')}]` : '';
  return `gain ${p.gain.toFixed(2)} offset ${p.offset.toFixed(2)} γ ${p.gamma.toFixed(2)} blur ${p.blur.toFixed(2)} px noise ${p.noise.toFixed(3)}${stain}`;
}

/** Separable Gaussian blur with mirrored borders (σ 0 leaves the plane as it is). */
export function gaussianBlur(
  plane: Float32Array,
  width: number,
  height: number,
  sigma: number,
): Float32Array {
  if (sigma < 0.05) return Float32Array.from(plane);
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++)
    sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  const mirror = (i: number, n: number) => {
    let j = i;
    while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
    return j;
  };
  const tmp = new Float32Array(plane.length);
  const out = new Float32Array(plane.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let t = -radius; t <= radius; t++)
        s += kernel[t + radius] * plane[y * width + mirror(x + t, width)];
      tmp[y * width + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let t = -radius; t <= radius; t++)
        s += kernel[t + radius] * tmp[mirror(y + t, height) * width + x];
      out[y * width + x] = s;
    }
  }
  return out;
}

/**
 * RGB stain change: optical densities OD = −log((I + 1)/(max + 1)) per channel, mixed by the matrix, and
 * back to intensities, so a stronger or differently coloured stain darkens the stained structures as
 * transmitted light does.
 */
function stainShift(channels: Float32Array[], matrix: number[]): Float32Array[] {
  const top = channels.map((c) => c.reduce((m, v) => Math.max(m, v), 0));
  const out = channels.map((c) => new Float32Array(c.length));
  const od = [0, 0, 0];
  for (let i = 0; i < channels[0].length; i++) {
    for (let c = 0; c < 3; c++) od[c] = -Math.log((Math.max(0, channels[c][i]) + 1) / (top[c] + 1));
    for (let r = 0; r < 3; r++) {
      const d = matrix[3 * r] * od[0] + matrix[3 * r + 1] * od[1] + matrix[3 * r + 2] * od[2];
      out[r][i] = (top[r] + 1) * Math.exp(-d) - 1;
    }
  }
  return out;
}

/** The image as seen through the drift `p`; `seed` draws the noise. Values stay float (no clipping). */
export function applyDrift(image: PlanarImage, p: DriftParameters, seed: number): PlanarImage {
  const { width, height } = image;
  const rng = new SeededRandom(seed ^ 0x5eed);
  let channels = image.channels.map((c) => gaussianBlur(c, width, height, p.blur));
  if (p.stain && channels.length === 3) channels = stainShift(channels, p.stain);
  channels = channels.map((plane) => {
    const [p1, p99] = percentiles(plane, [1, 99]);
    const span = Math.max(1e-6, p99 - p1);
    const out = new Float32Array(plane.length);
    for (let i = 0; i < plane.length; i++) {
      const u = (plane[i] - p1) / span;
      const curved = u > 0 ? u ** p.gamma : u;
      out[i] = p1 + span * (p.gain * curved + p.offset + p.noise * rng.nextNormal());
    }
    return out;
  });
  return { width, height, channels };
}

/**
 * The feature bank against vigra (the library ilastik computes its features with): goldens made by
 * scripts/goldens/make_feature_goldens.py through the reference recipe, on two small non-square two-channel
 * images (8- and 16-bit), every feature at every scale, both conventions, borders included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../../src/core/features/computeFeatures.js';
import {
  featureChannelNames,
  presetSelection,
  type FeatureConvention,
} from '../../src/core/features/selection.js';
import type { PlanarImage } from '../../src/core/image.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'features');

/** Allowed |ours − vigra| as a fraction of each channel's value range. */
const TOLERANCE_OF_RANGE = 1e-3;

/**
 * The smaller eigenvalue of a float32 tensor is only defined to a few float32 ulps of the tensor's size: at
 * σ = 0.3 the structure tensor's outer smoothing (σ = 0.15) is nearly the identity, the tensor is rank one,
 * and its smaller eigenvalue is rounding noise in vigra (which sums in float32) and here alike. For second
 * eigenvalues the allowance is therefore at least this fraction of the largest |first eigenvalue|.
 */
const EIGENVALUE_ULP_ALLOWANCE = 1e-6;

interface GoldenChannel {
  name: string;
  min: number;
  max: number;
}
interface GoldenHeader {
  width: number;
  height: number;
  inputChannels: number;
  sampleType: 'uint8' | 'uint16';
  input: string;
  conventions: Record<FeatureConvention, { file: string; channels: GoldenChannel[] }>;
}

function readBytes(name: string): ArrayBuffer {
  const buf = readFileSync(join(FIXTURES, name));
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

export function loadGoldenImage(caseName: string): { header: GoldenHeader; image: PlanarImage } {
  const header = JSON.parse(readFileSync(join(FIXTURES, `${caseName}.json`), 'utf8')) as GoldenHeader;
  const raw = readBytes(header.input);
  const samples = header.sampleType === 'uint8' ? new Uint8Array(raw) : new Uint16Array(raw);
  const n = header.width * header.height;
  const channels: Float32Array[] = [];
  for (let c = 0; c < header.inputChannels; c++)
    channels.push(Float32Array.from(samples.subarray(c * n, (c + 1) * n)));
  return { header, image: { width: header.width, height: header.height, channels } };
}

function goldenPlanes(header: GoldenHeader, convention: FeatureConvention): Float32Array[] {
  const { file, channels } = header.conventions[convention];
  const q = new Uint16Array(readBytes(file));
  const n = header.width * header.height;
  return channels.map((ch, c) => {
    const plane = new Float32Array(n);
    const span = ch.max > ch.min ? ch.max - ch.min : 1;
    for (let i = 0; i < n; i++) plane[i] = ch.min + (q[c * n + i] / 65535) * span;
    return plane;
  });
}

describe.each(['cells8', 'cells16'])('features of %s equal vigra', (caseName) => {
  const { header, image } = loadGoldenImage(caseName);
  const sel = presetSelection('all');

  it.each(['ilastik', 'direct'] as const)(
    '%s convention: every channel within 1e-3 of its range',
    (convention) => {
      const ours = computeFeatures(image, sel, convention);
      const golden = goldenPlanes(header, convention);
      const names = featureChannelNames(sel, image.channels.length);
      expect(names).toEqual(header.conventions[convention].channels.map((c) => c.name));
      expect(ours.length).toBe(golden.length);
      const failures: string[] = [];
      const channels = header.conventions[convention].channels;
      golden.forEach((g, c) => {
        const { min, max } = channels[c];
        let allowed = TOLERANCE_OF_RANGE * Math.max(max - min, 1e-6);
        if (names[c].endsWith('[1]')) {
          const first = channels[c - 1];
          allowed = Math.max(
            allowed,
            EIGENVALUE_ULP_ALLOWANCE * Math.max(Math.abs(first.min), Math.abs(first.max)),
          );
        }
        let worst = 0;
        for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(ours[c][i] - g[i]));
        if (!(worst <= allowed))
          failures.push(`${names[c]}: max |Δ| ${worst.toExponential(2)} > ${allowed.toExponential(2)}`);
      });
      expect(failures).toEqual([]);
    },
  );
});

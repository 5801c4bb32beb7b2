/**
 * The 3-D feature bank against vigra's 3-D filters (what ilastik computes volumes with): goldens made by
 * test/fixtures/features3d/make_features3d_goldens.py on a 24 × 40 × 40 volume, every feature of the default
 * preset at every scale that fits it (0.3 … 5.0), checked on six planes that include both z faces.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeFeatures3d } from '../src/core/features3d/computeFeatures3d.js';
import { featureChannelNames3d } from '../src/core/features3d/featureLayout3d.js';
import { presetSelection, type FeatureSelection } from '../src/core/features/selection.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'features3d');

/** Allowed |ours − vigra| as a fraction of each channel's value range (the 2-D goldens' tolerance). */
const TOLERANCE_OF_RANGE = 1e-3;

interface Header {
  depth: number;
  height: number;
  width: number;
  scales: number[];
  input: string;
  features: string;
  planes: number[];
  channels: { name: string; min: number; max: number }[];
}

function bytes(name: string): ArrayBuffer {
  const b = readFileSync(join(FIXTURES, name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

export function loadGoldenVolume(): { header: Header; channel: Float32Array } {
  const header = JSON.parse(readFileSync(join(FIXTURES, 'volume.json'), 'utf8')) as Header;
  return { header, channel: new Float32Array(bytes(header.input)) };
}

/** The default preset over the golden's scales (10.0 does not fit 24 planes). */
export function goldenSelection(scales: number[]): FeatureSelection {
  const full = presetSelection('default');
  const keep = full.scales.map((s) => scales.includes(s));
  return {
    scales: full.scales.filter((_, i) => keep[i]),
    enabled: full.enabled.map((row) => row.filter((_, i) => keep[i])),
  };
}

describe('3-D features equal vigra', () => {
  const { header, channel } = loadGoldenVolume();
  const sel = goldenSelection(header.scales);
  const shape = { depth: header.depth, height: header.height, width: header.width };

  it("has ilastik's channels: 61 per input channel for the default preset, 51 without σ = 10", () => {
    expect(featureChannelNames3d(presetSelection('default'), 1).length).toBe(61);
    expect(featureChannelNames3d(sel, 1)).toEqual(header.channels.map((c) => c.name));
  });

  it('every channel within 1e-3 of its range on every voxel of the golden planes', () => {
    const ours = computeFeatures3d({ ...shape, channels: [channel] }, sel);
    const q = new Uint16Array(bytes(header.features));
    const planeSize = shape.height * shape.width;
    const perChannel = header.planes.length * planeSize;
    const failures: string[] = [];
    const worstOfRange: number[] = [];
    header.channels.forEach(({ name, min, max }, c) => {
      const span = max > min ? max - min : 1;
      let worst = 0;
      header.planes.forEach((z, p) => {
        for (let i = 0; i < planeSize; i++) {
          const golden = min + (q[c * perChannel + p * planeSize + i] / 65535) * span;
          worst = Math.max(worst, Math.abs(ours[c][z * planeSize + i] - golden));
        }
      });
      worstOfRange.push(worst / span);
      if (!(worst <= TOLERANCE_OF_RANGE * span))
        failures.push(`${name}: ${(worst / span).toExponential(2)} of range`);
    });
    expect(failures).toEqual([]);
    expect(Math.max(...worstOfRange)).toBeLessThan(TOLERANCE_OF_RANGE);
  });
});

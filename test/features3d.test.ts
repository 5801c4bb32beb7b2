/**
 * The 3-D feature bank's contracts: blocks computed with featureHalo3d of context equal the whole volume bit
 * for bit; scales that do not fit are refused as ilastik refuses them; "compute in 2D" scales are the 2-D
 * bank's features of each plane; anisotropic σ make a z-subsampled volume's features match those of the
 * volume sampled at cubic voxels.
 */
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../src/core/features/computeFeatures.js';
import { featureOffsets } from '../src/core/features/featureOffset.js';
import {
  featureChannelNames,
  presetSelection,
  type FeatureSelection,
} from '../src/core/features/selection.js';
import { computeFeatures3d, featureHalo3d } from '../src/core/features3d/computeFeatures3d.js';
import { featureChannelCount3d, featureChannelNames3d } from '../src/core/features3d/featureLayout3d.js';
import { cropVolume, growBox, type Box, type Shape3 } from '../src/core/features3d/volume3d.js';

/** The default preset over some of its scales. */
function selectionAt(scales: number[]): FeatureSelection {
  const full = presetSelection('default');
  const keep = full.scales.map((s) => scales.includes(s));
  return {
    scales: full.scales.filter((_, i) => keep[i]),
    enabled: full.enabled.map((row) => row.filter((_, i) => keep[i])),
  };
}

/** A textured volume on a 16-bit offset: blobs, ramps and a deterministic speckle. */
function texturedVolume(shape: Shape3, base = 20000): Float32Array {
  const out = new Float32Array(shape.depth * shape.height * shape.width);
  let i = 0;
  for (let z = 0; z < shape.depth; z++)
    for (let y = 0; y < shape.height; y++)
      for (let x = 0; x < shape.width; x++, i++) {
        const blobs = Math.sin(x / 4.3 + z / 3.1) * Math.cos(y / 3.7) + 0.4 * Math.sin((x * y + 7 * z) / 53);
        out[i] = base + 500 * blobs + 4 * x - 3 * y + 5 * z + ((x * 7919 + y * 104729 + z * 31) % 17);
      }
  return out;
}

describe('3-D feature blocks', () => {
  const shape = { depth: 23, height: 37, width: 41 };
  const data = texturedVolume(shape);
  const volume = { ...shape, channels: [data] };
  const sel = selectionAt([0.3, 0.7, 1, 1.6, 3.5]);
  const offsets = featureOffsets([data]);
  const whole = computeFeatures3d(volume, sel, { offsets });
  const halo = featureHalo3d(sel);
  const blockOf = (core: Box, h: readonly [number, number, number]): Float32Array[] => {
    const outer = growBox(core, h, shape);
    const crop = { ...outer, channels: [cropVolume(data, shape, outer)] };
    const region = { ...core, z: core.z - outer.z, y: core.y - outer.y, x: core.x - outer.x };
    return computeFeatures3d(crop, sel, { offsets, region, volumeShape: shape });
  };
  const cores: Box[] = [
    { z: 0, y: 0, x: 0, depth: 7, height: 12, width: 13 },
    { z: 8, y: 14, x: 15, depth: 6, height: 10, width: 11 },
    { z: 16, y: 25, x: 28, depth: 7, height: 12, width: 13 },
    { z: 5, y: 30, x: 0, depth: 9, height: 7, width: 41 },
  ];

  it('a block computed with featureHalo3d of context equals the whole volume bit for bit', () => {
    expect(offsets[0]).toBeGreaterThan(0); // the volume's offset, shared by its blocks
    expect(whole.length).toBe(featureChannelCount3d(sel, 1));
    for (const core of cores) {
      const block = blockOf(core, halo);
      whole.forEach((plane, c) => {
        const expected = cropVolume(plane, shape, core);
        let differing = 0;
        for (let i = 0; i < expected.length; i++) if (block[c][i] !== expected[i]) differing++;
        expect(differing, `channel ${c}, block at ${core.z},${core.y},${core.x}`).toBe(0);
      });
    }
  });

  it('a halo one voxel short in z changes the result (the test above can fail)', () => {
    const core = cores[2]; // at the far z face: the halo below it is inside the volume
    const block = blockOf(core, [halo[0] - 1, halo[1], halo[2]]);
    // The structure tensor at the largest scale reaches farthest (pre-smoothing, gradient, outer smoothing).
    const c = featureChannelNames3d(sel, 1).indexOf('Structure Tensor Eigenvalues (σ=3.5) [0]');
    const expected = cropVolume(whole[c], shape, core);
    expect(block[c].some((v, i) => v !== expected[i])).toBe(true);
  });
});

describe('3-D feature layout', () => {
  const shape = { depth: 24, height: 40, width: 40 };
  const data = texturedVolume(shape, 900);

  it('refuses σ = 10 on 24 planes as ilastik does (⌈3.5·10⌉ + 1 = 36), unless computed in 2D', () => {
    const sel = presetSelection('default');
    expect(() => computeFeatures3d({ ...shape, channels: [data] }, sel)).toThrow(
      /scale 10 does not fit the volume: it needs 36 voxels along z.*has 24; deselect it or compute it in 2D/,
    );
    const computeIn2d = sel.scales.map((s) => s === 10);
    const out = computeFeatures3d({ ...shape, channels: [data] }, sel, { computeIn2d });
    // 61 channels, less one eigenvalue for each of the two tensors at σ = 10 computed in 2D.
    expect(out.length).toBe(59);
    expect(featureChannelNames3d(sel, 1, { computeIn2d })).toContain(
      'Hessian of Gaussian Eigenvalues (σ=10.0) in 2D [1]',
    );
  });

  it('scales computed in 2D are the 2-D bank on each plane, exactly', () => {
    const sel = selectionAt([1.6]);
    const planeSize = shape.height * shape.width;
    const out = computeFeatures3d({ ...shape, channels: [data] }, sel, { computeIn2d: [true] });
    expect(out.length).toBe(featureChannelNames(sel, 1).length);
    for (const z of [0, 11, 23]) {
      const plane = data.subarray(z * planeSize, (z + 1) * planeSize);
      const flat = computeFeatures(
        { width: shape.width, height: shape.height, channels: [plane] },
        sel,
        'ilastik',
      );
      flat.forEach((p, c) => expect(out[c].subarray(z * planeSize, (z + 1) * planeSize)).toEqual(p));
    }
  });

  it('rejects a region outside the volume and malformed options with one line naming them', () => {
    const volume = { ...shape, channels: [data] };
    const sel = selectionAt([1]);
    expect(() =>
      computeFeatures3d(volume, sel, { region: { z: 20, y: 0, x: 0, depth: 8, height: 4, width: 4 } }),
    ).toThrow(/outside the 24×40×40 volume/);
    expect(() => computeFeatures3d(volume, sel, { anisotropy: [0, 1, 1] })).toThrow(
      /anisotropy needs three σ factors/,
    );
    expect(() => computeFeatures3d(volume, sel, { computeIn2d: [true, false] })).toThrow(
      /computeIn2d needs one/,
    );
    expect(() => computeFeatures3d({ ...shape, channels: [data.subarray(1)] }, sel)).toThrow(
      /expected 24×40×40/,
    );
  });
});

describe('anisotropic σ', () => {
  /** Smooth blobs on a continuous grid, z counted in xy pixels. */
  const blobs = [
    [14, 15, 18, 6],
    [30, 24, 12, 5],
    [22, 8, 30, 7],
    [26, 30, 30, 5.5],
  ];
  const field = (z: number, y: number, x: number): number =>
    blobs.reduce(
      (v, [bz, by, bx, s]) =>
        v + 1000 * Math.exp(-((z - bz) ** 2 + (y - by) ** 2 + (x - bx) ** 2) / (2 * s * s)),
      100,
    );
  const sample = (shape: Shape3, zStep: number): Float32Array => {
    const out = new Float32Array(shape.depth * shape.height * shape.width);
    let i = 0;
    for (let z = 0; z < shape.depth; z++)
      for (let y = 0; y < shape.height; y++)
        for (let x = 0; x < shape.width; x++) out[i++] = field(z * zStep, y, x);
    return out;
  };

  it('a volume with a 4× z step and σ_z × 0.25 (σ = 3) matches the cubic-voxel volume; isotropic σ do not', () => {
    const cubic = { depth: 48, height: 40, width: 40 };
    const coarse = { depth: 12, height: 40, width: 40 };
    const sel: FeatureSelection = {
      scales: [3],
      enabled: [[true], [true], [true], [false], [false], [true]],
    };
    const names = featureChannelNames3d(sel, 1);
    const reference = computeFeatures3d({ ...cubic, channels: [sample(cubic, 1)] }, sel);
    const channels = [sample(coarse, 4)];
    const anisotropic = computeFeatures3d({ ...coarse, channels }, sel, { anisotropy: [0.25, 1, 1] });
    const isotropic = computeFeatures3d({ ...coarse, channels }, sel);
    const planeSize = 40 * 40;
    // Planes 5 and 6 of the coarse volume are planes 20 and 24 of the cubic one, far from both z faces.
    const errorOfRange = (ours: Float32Array[], c: number): number => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of reference[c]) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      let worst = 0;
      for (const k of [5, 6])
        for (let i = 0; i < planeSize; i++)
          worst = Math.max(worst, Math.abs(ours[c][k * planeSize + i] - reference[c][4 * k * planeSize + i]));
      return worst / (hi - lo);
    };
    names.forEach((name, c) => {
      const aniso = errorOfRange(anisotropic, c);
      const iso = errorOfRange(isotropic, c);
      // Central differences over 4-pixel z steps leave ~10 % on the gradient; isotropic σ are 30–90 % off.
      expect(aniso, name).toBeLessThan(0.12);
      expect(iso, name).toBeGreaterThan(3 * aniso);
    });
  });
});

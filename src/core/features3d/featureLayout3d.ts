/**
 * The channels of the 3-D feature bank and the options that shape them. Same order as the 2-D bank
 * (selection.ts: feature, scale, input channel, feature channel); in 3-D the structure tensor and the Hessian
 * give three eigenvalues each (61 channels per input channel for the `default` preset, as ilastik), except at
 * scales computed in 2D, which give the 2-D bank's two and carry ilastik's " in 2D" in their names.
 */
import {
  formatScale,
  FEATURE_IDS,
  FEATURE_NAMES,
  validateSelection,
  type FeatureId,
  type FeatureSelection,
} from '../features/selection.js';
import type { Shape3 } from './volume3d.js';

/** ilastik refuses a scale when an axis is shorter than ⌈SCALE_FIT_WINDOW·σ⌉ + 1 (getInvalidScales). */
export const SCALE_FIT_WINDOW = 3.5;

/** Anisotropy factors (σ multipliers per axis) must lie in this range: beyond, kernels degenerate or explode. */
export const MIN_ANISOTROPY_FACTOR = 0.05;
export const MAX_ANISOTROPY_FACTOR = 20;

export interface Features3dLayout {
  /** Per scale: computed per plane in 2-D (ilastik's "compute in 2D"). Default: all false. */
  readonly computeIn2d?: readonly boolean[];
  /**
   * σ multipliers along z, y, x (default 1, 1, 1: ilastik's isotropic convention). For a z step 4× the
   * xy pixel size, [0.25, 1, 1] makes features approximate those of the volume resampled to cubic voxels:
   * σ along z is counted in z voxels, derivatives per xy pixel.
   */
  readonly anisotropy?: readonly [number, number, number];
}

const TENSORS: ReadonlySet<FeatureId> = new Set([
  'structureTensorEigenvalues',
  'hessianOfGaussianEigenvalues',
]);

export function isScaleIn2d(layout: Features3dLayout, scaleIndex: number): boolean {
  return layout.computeIn2d?.[scaleIndex] === true;
}

/** Output channels of one (feature, scale) cell per input channel. */
export function cellChannelCount3d(feature: FeatureId, in2d: boolean): number {
  return TENSORS.has(feature) ? (in2d ? 2 : 3) : 1;
}

/** Throws one line naming the option unless the selection and the layout fit together. */
export function validateLayout3d(sel: FeatureSelection, layout: Features3dLayout): void {
  validateSelection(sel);
  const in2d = layout.computeIn2d;
  if (in2d && (in2d.length !== sel.scales.length || !in2d.every((b) => typeof b === 'boolean'))) {
    throw new RangeError(
      `computeIn2d needs one true/false per scale (${sel.scales.length}), got ${in2d.length}`,
    );
  }
  const f = layout.anisotropy;
  if (f) {
    if (
      f.length !== 3 ||
      !f.every((v) => Number.isFinite(v) && v >= MIN_ANISOTROPY_FACTOR && v <= MAX_ANISOTROPY_FACTOR)
    ) {
      throw new RangeError(
        `anisotropy needs three σ factors (z, y, x) in [${MIN_ANISOTROPY_FACTOR}, ${MAX_ANISOTROPY_FACTOR}], got [${f.join(', ')}]`,
      );
    }
    if (in2d?.some((b) => b) && (f[1] !== 1 || f[2] !== 1)) {
      throw new RangeError(
        'anisotropy within planes (y or x factor ≠ 1) cannot be combined with compute in 2D',
      );
    }
  }
}

export function featureChannelCount3d(
  sel: FeatureSelection,
  inputChannels: number,
  layout: Features3dLayout = {},
): number {
  let n = 0;
  FEATURE_IDS.forEach((id, row) =>
    sel.scales.forEach((_, si) => {
      if (sel.enabled[row][si]) n += cellChannelCount3d(id, isScaleIn2d(layout, si));
    }),
  );
  return n * inputChannels;
}

/** `Hessian of Gaussian Eigenvalues (σ=1.6) [2]`, `Laplacian of Gaussian (σ=3.5) in 2D`, … in channel order. */
export function featureChannelNames3d(
  sel: FeatureSelection,
  inputChannels: number,
  layout: Features3dLayout = {},
): string[] {
  const names: string[] = [];
  FEATURE_IDS.forEach((id, row) =>
    sel.scales.forEach((scale, si) => {
      if (!sel.enabled[row][si]) return;
      const in2d = isScaleIn2d(layout, si);
      const count = cellChannelCount3d(id, in2d);
      for (let c = 0; c < inputChannels; c++) {
        const input = inputChannels > 1 ? ` channel ${c}` : '';
        for (let k = 0; k < count; k++) {
          names.push(
            `${FEATURE_NAMES[id]} (σ=${formatScale(scale)})${in2d ? ' in 2D' : ''}${input}${count > 1 ? ` [${k}]` : ''}`,
          );
        }
      }
    }),
  );
  return names;
}

/** A selected scale that does not fit an axis of the volume, as ilastik's getInvalidScales finds them. */
export interface UnfitScale {
  readonly scale: number;
  readonly axis: 'z' | 'y' | 'x';
  readonly needed: number;
  readonly length: number;
}

export function unfitScales3d(
  shape: Shape3,
  sel: FeatureSelection,
  layout: Features3dLayout = {},
): UnfitScale[] {
  const out: UnfitScale[] = [];
  const f = layout.anisotropy ?? [1, 1, 1];
  sel.scales.forEach((scale, si) => {
    if (!sel.enabled.some((row) => row[si])) return;
    const axes: ['z' | 'y' | 'x', number, number][] = [
      ['y', shape.height, f[1]],
      ['x', shape.width, f[2]],
    ];
    if (!isScaleIn2d(layout, si)) axes.unshift(['z', shape.depth, f[0]]);
    for (const [axis, length, factor] of axes) {
      const needed = Math.ceil(SCALE_FIT_WINDOW * scale * factor) + 1;
      if (needed > length) out.push({ scale, axis, needed, length });
    }
  });
  return out;
}

/**
 * A project's feature settings beyond the selection matrix: 2-D or 3-D features, anisotropy and per-scale
 * "compute in 2D", read with their defaults (a version-1 project has none of them) and turned into the
 * 3-D feature bank's layout. Pure; the window and the command line share it.
 */
import {
  MAX_ANISOTROPY_FACTOR,
  MIN_ANISOTROPY_FACTOR,
  type Features3dLayout,
} from '../features3d/featureLayout3d.js';
import type { PhysicalSize } from '../imageMetadataParsers.js';
import { validateProject, type FeatureDimensions, type FeatureSettings, type Project } from './Project.js';

export const DEFAULT_FEATURE_DIMENSIONS: FeatureDimensions = '2d';

export function featureDimensions(settings: FeatureSettings): FeatureDimensions {
  return settings.dimensions ?? DEFAULT_FEATURE_DIMENSIONS;
}

/** The 3-D bank's layout (anisotropy, compute-in-2D flags) the settings ask for. */
export function features3dLayoutOf(settings: FeatureSettings): Features3dLayout {
  return {
    ...(settings.anisotropy ? { anisotropy: settings.anisotropy } : {}),
    ...(settings.computeIn2d ? { computeIn2d: settings.computeIn2d } : {}),
  };
}

/** Whether an image gets 3-D features under these settings: it must have a z axis of more than one plane. */
export function usesVolumeFeatures(settings: FeatureSettings, zSize: number): boolean {
  return featureDimensions(settings) === '3d' && zSize > 1;
}

/** Replaces the project's feature settings, checked as a loaded file would be (throws one line). */
export function setFeatureSettings(project: Project, features: FeatureSettings): Project {
  return validateProject({ ...project, features });
}

/** Metres per unit for the units pixel sizes come in; others are compared only with themselves. */
const METRES_PER_UNIT: Readonly<Record<string, number>> = {
  m: 1,
  cm: 1e-2,
  mm: 1e-3,
  '\u00b5m': 1e-6,
  nm: 1e-9,
  '\u00c5': 1e-10,
};

/**
 * σ multipliers (z, y, x) from a file's pixel size, relative to the x pixel: a z step 4× the xy pixel gives
 * [0.25, 1, 1], so a σ counts x pixels' worth of distance along every axis. Throws one line when the file
 * states no z or x size, units that cannot be compared, or a ratio beyond the 3-D bank's range.
 */
export function anisotropyFromPixelSize(pixelSize: {
  readonly x?: PhysicalSize;
  readonly y?: PhysicalSize;
  readonly z?: PhysicalSize;
}): [number, number, number] {
  const { x, z } = pixelSize;
  const y = pixelSize.y ?? x;
  if (!x || !y || !z) {
    const missing = (['z', 'y', 'x'] as const).filter((a) => !(a === 'y' ? y : pixelSize[a]));
    throw new RangeError(`the file states no pixel size along ${missing.join(', ')}`);
  }
  const inMetres = (size: PhysicalSize): number | null => {
    const perUnit = METRES_PER_UNIT[size.unit];
    return perUnit === undefined ? null : size.value * perUnit;
  };
  let values = [z, y, x].map(inMetres);
  if (values.some((v) => v === null)) {
    if (z.unit !== x.unit || y.unit !== x.unit) {
      throw new RangeError(`pixel sizes in ${z.unit}, ${y.unit}, ${x.unit} cannot be compared`);
    }
    values = [z.value, y.value, x.value];
  }
  const [sz, sy, sx] = values as number[];
  // Six digits: the ratio of two calibrations, stored in the project as the user would write it.
  const ratio = (a: number, b: number): number => Number((a / b).toPrecision(6));
  const factors: [number, number, number] = [ratio(sx, sz), ratio(sx, sy), 1];
  const names = ['z', 'y', 'x'];
  factors.forEach((f, a) => {
    if (!(f >= MIN_ANISOTROPY_FACTOR && f <= MAX_ANISOTROPY_FACTOR)) {
      throw new RangeError(
        `the pixel size along ${names[a]} is ${(1 / f).toPrecision(3)} × the x pixel, beyond the ${1 / MAX_ANISOTROPY_FACTOR}..${1 / MIN_ANISOTROPY_FACTOR} anisotropy handles`,
      );
    }
  });
  return factors;
}

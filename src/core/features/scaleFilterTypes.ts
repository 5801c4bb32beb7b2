/**
 * The types a scale's filters are described by — which features are on, the kernels of a scale, where the
 * results go, the image around the core — shared by the general passes (scaleFilters.ts) and the fused
 * stages (fusedFilterStage.ts, fusedFilterStageSimd.ts), which import them from here and not from each other.
 */
import type { Rect } from '../tiling.js';
import type { ConvolutionScratch } from './convolutionScratch.js';
import type { GaussianKernel } from './gaussianKernels.js';
import type { FeatureId } from './selection.js';

export type FeatureFlags = Readonly<Record<FeatureId, boolean>>;

export interface FilterKernels {
  readonly g0: GaussianKernel;
  readonly g1: GaussianKernel;
  readonly g2: GaussianKernel;
  readonly dogInner: GaussianKernel;
  readonly tensorOuter: GaussianKernel;
}

/** Where one scale's results go: the output plane of `feature`'s channel `k`, core-sized. */
export type FeatureSink = (feature: FeatureId, k: number) => Float32Array;

export interface ScaleContext {
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly core: Rect;
  readonly scratch: ConvolutionScratch;
}

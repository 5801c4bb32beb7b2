/** One class's Gaussian mixture on the model-space rows of that class. */
import type { ClassifierOptions } from './classifierOptions.js';
import { fitBestBySize, fitGaussianMixture, type FittedGmm, type GmmInit } from '../gmm/GaussianMixture.js';

/**
 * One class's mixture: size by BIC (components 'auto') or fixed. `init` (fixed size only, with that many
 * components): EM starts there instead of from k-means++ (a warm start, warmStart.ts).
 */
export function fitClassMixture(
  Z: Float64Array,
  classIndex: Int32Array,
  n: number,
  r: number,
  k: number,
  o: ClassifierOptions,
  components: 'auto' | number,
  init?: GmmInit,
): FittedGmm {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (classIndex[i] === k) idx.push(i);
  const X = new Float64Array(idx.length * r);
  idx.forEach((row, i) => X.set(Z.subarray(row * r, (row + 1) * r), i * r));
  const gmm = {
    covariance: o.covariance,
    regCovar: o.regCovar,
    maxIter: o.maxIter,
    tol: o.tol,
    nInit: o.nInit,
    seed: o.seed + k,
  };
  if (components === 'auto') return fitBestBySize(X, idx.length, r, o.maxComponents, gmm).model;
  const nComponents = Math.min(components, idx.length);
  const start = init?.weights.length === nComponents ? { init } : {};
  return fitGaussianMixture(X, idx.length, r, { ...gmm, nComponents, ...start });
}

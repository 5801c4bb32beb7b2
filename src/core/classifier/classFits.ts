/**
 * Class fits: per class, the best of its components' log densities plus a per-component shift (the
 * "unexplained" score's f_k, core/unexplained). Prediction computes them beside the posteriors (in SIMD:
 * gmm/simdPosteriors.ts, classFitsBody), so the score needs no copy of every component's densities.
 */

/** Asks predictProbabilities for class fits: `onFits` sees class c's plane at fits[c · stride], m pixels from `start`. */
export interface ClassFitsListener {
  /** One shift per component, added to its log density. */
  readonly shift: ArrayLike<number>;
  readonly onFits: (fits: Float64Array, start: number, m: number, stride: number) => void;
}

/**
 * The JavaScript loop (the SIMD function does the same sums and comparisons): class fits of m pixels from
 * per-component log-density planes (plane j at logDensity[j · stride]) into out (class c at out[c · stride]).
 */
export function classFitsOf(
  componentClass: ArrayLike<number>,
  nClasses: number,
  shift: ArrayLike<number>,
  logDensity: Float64Array,
  m: number,
  stride: number,
  out: Float64Array,
): void {
  for (let c = 0; c < nClasses; c++) out.fill(-Infinity, c * stride, c * stride + m);
  for (let j = 0; j < shift.length; j++) {
    const base = componentClass[j] * stride;
    const plane = j * stride;
    const s = shift[j];
    for (let i = 0; i < m; i++) {
      const v = logDensity[plane + i] + s;
      if (v > out[base + i]) out[base + i] = v;
    }
  }
}

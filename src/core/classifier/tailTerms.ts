/**
 * The tail bound's arithmetic (ClassifierOptions.tailBound), shared by prediction and by the image-prior
 * estimate of training, so that the class shares a model is trained with are those of the densities it
 * predicts with. Diagonal mixtures only; terms are relevance-weighted as in the model's log density.
 */

/**
 * Per component and model dimension (K × r), the cap on the term (p_q (z_q − μ_q))², relevance included,
 * such that each feature's density never falls below one floor shared by every component: that of the
 * feature's own spread over the image (standardized features: unit variance) at tailBound standard
 * deviations. A term at its cap then says nothing for or against any component, whatever its width; a
 * cap in each component's own standard deviations would leave the narrowest components' larger
 * normalizers to decide every pixel far from all of them.
 */
export function tailTermBounds(
  variances: ArrayLike<number>,
  relevance: readonly number[] | null | undefined,
  tailBound: number,
  k: number,
  r: number,
): Float64Array {
  const bound2 = tailBound * tailBound;
  return Float64Array.from({ length: k * r }, (_, t) => {
    // ρ (c² + 2 log(1/σ)): the squared distance at which this component's density meets the floor.
    const weight = relevance ? relevance[t % r] : 1;
    return Math.max(0, weight * (bound2 - Math.log(variances[t])));
  });
}

/**
 * Turns Gaussian component log densities (n × k, rows Z of n × r) into tail-bounded ones in place: each
 * term beyond its cap gives back ½ (term − cap).
 */
export function boundTails(
  logProb: Float64Array,
  Z: Float64Array,
  n: number,
  means: ArrayLike<number>,
  variances: ArrayLike<number>,
  relevance: readonly number[] | null | undefined,
  bounds: Float64Array,
): void {
  const k = logProb.length / n;
  const r = bounds.length / k;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let excess = 0;
      for (let q = 0; q < r; q++) {
        const dz = Z[i * r + q] - means[j * r + q];
        const term = ((relevance ? relevance[q] : 1) * dz * dz) / variances[j * r + q];
        const cap = bounds[j * r + q];
        if (term > cap) excess += term - cap;
      }
      logProb[i * k + j] += 0.5 * excess;
    }
  }
}

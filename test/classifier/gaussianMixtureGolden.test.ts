/** Our EM against scikit-learn 1.2 from the same initial parameters (goldens: scripts/goldens/make_gmm_goldens.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bic, fitGaussianMixture, scoreSamples } from '../../src/core/gmm/GaussianMixture.js';

interface Golden {
  covariance: 'full' | 'diag';
  n: number;
  d: number;
  k: number;
  max_iter: number;
  reg_covar: number;
  X: number[];
  weights_init: number[];
  means_init: number[];
  covariances_init: number[];
  weights: number[];
  means: number[];
  covariances: number[];
  mean_log_likelihood: number;
  bic: number;
  score_samples_first10: number[];
}

function load(name: string): Golden {
  return JSON.parse(readFileSync(new URL(`../fixtures/gmm/${name}`, import.meta.url), 'utf8')) as Golden;
}

function expectRelative(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(
      rel * Math.max(Math.abs(expected[i]), scale * 1e-3),
    );
  }
}

describe.each(['em_full.json', 'em_diag.json'])('EM matches scikit-learn (%s)', (file) => {
  const g = load(file);
  const X = Float64Array.from(g.X);
  const model = fitGaussianMixture(X, g.n, g.d, {
    nComponents: g.k,
    covariance: g.covariance,
    regCovar: g.reg_covar,
    maxIter: g.max_iter,
    tol: 1e-14,
    init: { weights: g.weights_init, means: g.means_init, covariances: g.covariances_init },
  });

  it('reaches the same mean log-likelihood (1e-6 relative)', () => {
    expect(Math.abs(model.meanLogLikelihood - g.mean_log_likelihood)).toBeLessThan(
      1e-6 * Math.abs(g.mean_log_likelihood),
    );
    expect(model.nIter).toBe(g.max_iter);
  });

  it('reaches the same weights, means and covariances (1e-4 relative)', () => {
    expectRelative(model.weights, g.weights, 1e-4);
    expectRelative(model.means, g.means, 1e-4);
    expectRelative(model.covariances, g.covariances, 1e-4);
  });

  it('scores samples and computes BIC as scikit-learn does', () => {
    expectRelative(scoreSamples(model, X.subarray(0, 10 * g.d), 10), g.score_samples_first10, 1e-6);
    expect(Math.abs(bic(model, X, g.n) - g.bic)).toBeLessThan(1e-6 * Math.abs(g.bic));
  });
});

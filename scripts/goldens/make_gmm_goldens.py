#!/usr/bin/python3
"""Goldens for test/classifier/gaussianMixtureGolden.test.ts: scikit-learn's GaussianMixture run from
given initial parameters (weights_init, means_init, precisions_init), tol tiny, fixed max_iter, n_init 1,
for full and diagonal covariances. Writes test/fixtures/gmm/em_<covariance>.json.

  /usr/bin/python3 scripts/goldens/make_gmm_goldens.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.mixture import GaussianMixture

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "gmm")
MAX_ITER = 25
REG_COVAR = 1e-3


def make_data(rng):
    """Three overlapping, correlated 4-D clusters: EM must move a lot from the start to fit them."""
    d = 4
    centers = np.array([[0, 0, 0, 0], [3, 1, -1, 0.5], [-1, 3, 2, -2]], float)
    xs = []
    for c, n in zip(centers, (180, 120, 100)):
        a = rng.normal(size=(d, d)) * 0.6 + np.eye(d)
        xs.append(rng.normal(size=(n, d)) @ a.T + c)
    x = np.concatenate(xs)
    return x[rng.permutation(len(x))]


def main():
    rng = np.random.default_rng(7)
    x = make_data(rng)
    n, d = x.shape
    k = 3
    idx = rng.choice(n, k, replace=False)
    means_init = x[idx] + rng.normal(scale=0.3, size=(k, d))
    weights_init = np.array([0.5, 0.3, 0.2])
    os.makedirs(OUT, exist_ok=True)
    for cov_type in ("full", "diag"):
        if cov_type == "full":
            covs_init = np.stack([np.cov(x.T) * s for s in (0.5, 1.0, 1.5)])
            precisions_init = np.linalg.inv(covs_init)
        else:
            covs_init = np.stack([np.var(x, 0) * s for s in (0.5, 1.0, 1.5)])
            precisions_init = 1 / covs_init
        gm = GaussianMixture(n_components=k, covariance_type=cov_type, tol=1e-14, max_iter=MAX_ITER, n_init=1,
                             reg_covar=REG_COVAR, weights_init=weights_init, means_init=means_init,
                             precisions_init=precisions_init, random_state=0)
        gm.fit(x)
        golden = {
            "sklearn_version": sklearn.__version__,
            "covariance": cov_type, "n": n, "d": d, "k": k, "max_iter": MAX_ITER, "reg_covar": REG_COVAR,
            "X": x.ravel().tolist(),
            "weights_init": weights_init.tolist(), "means_init": means_init.ravel().tolist(),
            "precisions_init": precisions_init.ravel().tolist(), "covariances_init": covs_init.ravel().tolist(),
            "weights": gm.weights_.tolist(), "means": gm.means_.ravel().tolist(),
            "covariances": gm.covariances_.ravel().tolist(),
            "lower_bound": gm.lower_bound_, "n_iter": gm.n_iter_,
            "mean_log_likelihood": gm.score(x), "bic": gm.bic(x),
            "score_samples_first10": gm.score_samples(x[:10]).tolist(),
        }
        path = os.path.join(OUT, f"em_{cov_type}.json")
        with open(path, "w") as f:
            json.dump(golden, f)
        print(path, "score", gm.score(x), "iters", gm.n_iter_)


if __name__ == "__main__":
    main()

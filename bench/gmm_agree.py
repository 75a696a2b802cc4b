#!/usr/bin/env python3
"""gmm_agree.py -- does necstgen's EM agree with scikit-learn's, iteration for iteration?

Runs bench/gmm_agree (built into $BUILD, default build-release) for full and diagonal
covariance, starts scikit-learn's GaussianMixture from the very same initial weights,
means and precisions, runs the same 20 iterations (tol=0, reg_covar=1e-6), and prints
the largest differences in the final parameters and mean log-likelihood.
    BUILD=build-release bench/gmm_agree.py
"""
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

N, D, K, ITERS = 5000, 3, 5, 20
HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("BUILD", os.path.join(HERE, "..", "build-release"))


def load(d, name, shape):
    return np.fromfile(os.path.join(d, name + ".f64"), dtype=np.float64).reshape(shape)


def check(cov):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([os.path.join(BUILD, "gmm_agree"), d, cov], check=True)
        cshape = (K, D, D) if cov == "full" else (K, D)
        x = load(d, "x", (N, D))
        w0, m0, c0 = load(d, "init.weights", (K,)), load(d, "init.means", (K, D)), load(d, "init.cov", cshape)
        w1, m1, c1 = load(d, "final.weights", (K,)), load(d, "final.means", (K, D)), load(d, "final.cov", cshape)
        ll1 = load(d, "final.ll", (1,))[0]
    prec = np.linalg.inv(c0) if cov == "full" else 1.0 / c0
    gm = GaussianMixture(K, covariance_type=cov, tol=0.0, reg_covar=1e-6, max_iter=ITERS,
                         weights_init=w0, means_init=m0, precisions_init=prec, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(x)
    diffs = {
        "weights": np.abs(gm.weights_ - w1).max(),
        "means": np.abs(gm.means_ - m1).max(),
        "covariances": np.abs(gm.covariances_ - c1).max(),
        "mean log-lik": abs(gm.score(x) - ll1),
    }
    print(f"{cov}: largest |necstgen - scikit-learn| after {ITERS} iterations: " +
          ", ".join(f"{k} {v:.2e}" for k, v in diffs.items()))
    return max(diffs.values())


if __name__ == "__main__":
    worst = max(check("full"), check("diag"))
    sys.exit(0 if worst < 1e-8 else 1)

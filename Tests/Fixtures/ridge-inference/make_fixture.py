"""Writes Tests/Fixtures/ridge-inference/problems.json: standard errors, t and p values and
confidence intervals of ridge fits, the reference for LeastSquares.solve(ridge:) and
RidgePath.statistics(at:) (Tests/MiniBatchGDTests/Inference/RidgeInferenceTests.swift) and for
`mbgd solve --l2` / `--ridge` (Tests/mbgdTests/RidgeInferenceToolTests.swift).

The ridge is scikit-learn's Ridge(alpha): minimizes Σwᵢ(yᵢ − b − xᵢβ)² + alpha·‖β‖², the intercept
never penalized. Everything here is worked by plain numpy on the *uncentred* augmented design
A = √w·[1 X] (A = √w·X without an intercept) with P = alpha·I (0 for the intercept), a route
independent of the library's (which centres the columns, scales them and derives the intercept's
row by the centring algebra):

    B      = (AᵀA + P)⁻¹                 θ̂ = B·Aᵀ·√w·y    (θ = (b, β))
    H      = A·B·Aᵀ                       df = tr H          (the intercept included)
    σ²     = Σwᵢrᵢ² / (m − df)            m the rows of positive weight
    Cov(θ̂) = σ²·B·AᵀA·B                  (nonrobust: given alpha, Var yᵢ = σ²/wᵢ)
    HC0    = B·Aᵀ·diag(eᵢ²)·A·B           eᵢ = √wᵢ·rᵢ
    HC3    = B·Aᵀ·diag(eᵢ²/(1 − hᵢᵢ)²)·A·B

t = θ̂/se with two-sided p-values and 95 % intervals on Student's t with m − df degrees of
freedom (normal for the HC covariances), from scipy. The coefficients are checked against
scikit-learn's Ridge. Every number is written with Python's repr. Run:
/work/venv/bin/python make_fixture.py"""
import json

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn.linear_model import Ridge

rng = np.random.default_rng(2)
problems = []


def add(name, X, Y, alpha, weights=None, intercept=True):
    n, p = X.shape
    Y2 = Y if Y.ndim == 2 else Y[:, None]
    k = Y2.shape[1]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    root = np.sqrt(w)
    A = root[:, None] * (np.hstack([np.ones((n, 1)), X]) if intercept else X)
    P = alpha * np.eye(A.shape[1])
    if intercept:
        P[0, 0] = 0
    B = np.linalg.inv(A.T @ A + P)
    H = A @ B @ A.T
    df = float(np.trace(H))
    m = int(np.count_nonzero(w > 0))
    residual_df = m - df
    targets = []
    for o in range(k):
        y = Y2[:, o]
        theta = B @ A.T @ (root * y)
        e = root * y - A @ theta
        rss = float(e @ e)
        sigma2 = rss / residual_df
        ridge = Ridge(alpha=alpha, fit_intercept=intercept, solver="svd").fit(X, y, sample_weight=weights)
        expected = np.concatenate([[ridge.intercept_], ridge.coef_]) if intercept else ridge.coef_
        assert np.allclose(theta, expected, rtol=1e-10, atol=1e-12), (name, theta, expected)
        h = np.diag(H)
        covariances = {
            "nonrobust": sigma2 * B @ (A.T @ A) @ B,
            "hc0": B @ (A.T * e**2) @ A @ B,
            "hc3": B @ (A.T * (e / (1 - h)) ** 2) @ A @ B,
        }
        figures = {}
        for kind, cov in covariances.items():
            se = np.sqrt(np.diag(cov))
            t = theta / se
            if kind == "nonrobust":
                pv = 2 * stats.t.sf(np.abs(t), residual_df)
                q = stats.t.ppf(0.975, residual_df)
            else:
                pv = 2 * stats.norm.sf(np.abs(t))
                q = stats.norm.ppf(0.975)
            figures[kind] = {
                "standardErrors": [float(v) for v in se],
                "tValues": [float(v) for v in t],
                "pValues": [float(v) for v in pv],
                "lower": [float(v) for v in theta - q * se],
                "upper": [float(v) for v in theta + q * se],
            }
        targets.append({
            "estimates": [float(v) for v in theta], "residualSumOfSquares": rss, "residualVariance": sigma2,
            "figures": figures,
        })
    problems.append({
        "name": name, "fitIntercept": intercept, "alpha": alpha,
        "features": X.tolist(), "targets": Y2.tolist(), "weights": None if weights is None else [float(v) for v in w],
        "effectiveDegreesOfFreedom": df, "residualDegreesOfFreedom": residual_df, "perTarget": targets,
    })


# Tall, three correlated columns of different scales.
n = 30
z = rng.normal(size=(n, 3))
X = np.column_stack([z[:, 0], 10 * (z[:, 0] + 0.5 * z[:, 1]), 0.1 * z[:, 2] + 3])
y = 1 + X @ np.array([0.8, -0.05, 4.0]) + rng.normal(scale=0.7, size=n)
add("tall", X, y, alpha=2.5)
# The same at a strength that shrinks hard.
add("strong", X, y, alpha=400.0)
# Weighted, one row of weight 0.
w = rng.uniform(0.2, 3, size=n)
w[4] = 0
add("weighted", X, y, alpha=1.5, weights=w)
# Without an intercept.
add("no intercept", X, y, alpha=3.0, intercept=False)
# Fewer rows than features.
Xw = rng.normal(size=(8, 12))
add("wide", Xw, Xw @ rng.normal(size=12) + rng.normal(scale=0.5, size=8), alpha=0.8)
# Two targets.
Y = np.column_stack([y, 2 - X @ np.array([0.1, 0.02, -1.0]) + rng.normal(scale=0.3, size=n)])
add("two targets", X, Y, alpha=5.0)

with open("problems.json", "w") as f:
    json.dump({
        "generator": f"make_fixture.py, numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}",
        "problems": problems,
    }, f, indent=1)
    f.write("\n")

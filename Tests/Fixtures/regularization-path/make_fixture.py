"""Writes Tests/Fixtures/regularization-path/paths.json: whole regularization paths by
scikit-learn, the reference for `mbgd path` (Tests/mbgdTests/PathToolTests.swift).

- "l2": Ridge(alpha) at each alpha of a grid (coefficients, intercept, R² by r2_score), the hat
  matrix's trace tr H (the intercept included), RidgeCV(store_cv_results=True)'s per-alpha mean
  leave-one-out error and its alpha_, and GCV = (1/n)·Σrᵢ²/(1 − tr H/n)²; once unweighted, once
  with sample weights ("l2 weighted").
- "l1" and "elasticnet": enet_path on the centred design and target (scikit-learn's path has no
  intercept; the intercept is ȳ − x̄ᵀβ), on its default grid (100 alphas from
  alpha_max = max|X̃ᵀỹ|/(n·l1_ratio) down to 1e-3 times it) for l1, on given alphas for the
  elastic net (l1_ratio 0.5), solved to tol=1e-14; R² of each solution by r2_score.

Every number is written with Python's repr. Run: /work/venv/bin/python make_fixture.py"""
import json

import numpy as np
import sklearn
from sklearn.linear_model import Ridge, RidgeCV, enet_path
from sklearn.metrics import r2_score

rng = np.random.default_rng(7)
n, p = 40, 5
z = rng.normal(size=(n, p))
X = np.column_stack([z[:, 0], z[:, 0] + 0.3 * z[:, 1], 5 * z[:, 2], z[:, 3] - 2, 0.2 * z[:, 4]])
y = 3 + X @ np.array([1.5, -0.7, 0.4, 0.0, 2.0]) + rng.normal(scale=0.8, size=n)
w = rng.uniform(0.5, 2.0, size=n)
paths = {"features": X.tolist(), "target": [float(v) for v in y], "weights": [float(v) for v in w]}


def ridge_path(weights):
    alphas = [0.01, 0.1, 1.0, 3.0, 10.0, 30.0, 100.0, 1000.0]
    sw = np.ones(n) if weights is None else weights
    A = np.sqrt(sw)[:, None] * np.hstack([np.ones((n, 1)), X])
    P = np.eye(p + 1)
    P[0, 0] = 0
    cv = RidgeCV(alphas=alphas, store_cv_results=True).fit(X, y, sample_weight=weights)
    rows = []
    for j, a in enumerate(alphas):
        model = Ridge(alpha=a, solver="svd").fit(X, y, sample_weight=weights)
        H = A @ np.linalg.solve(A.T @ A + a * P, A.T)
        r = np.sqrt(sw) * (y - model.predict(X))
        trace = float(np.trace(H))
        rows.append({
            "coefficients": [float(v) for v in model.coef_], "intercept": float(model.intercept_),
            "r2": float(r2_score(y, model.predict(X), sample_weight=weights)),
            "df": trace, "loo": float(cv.cv_results_[:, j].mean()),
            "gcv": float((r ** 2).mean() / (1 - trace / n) ** 2),
        })
    return {"alphas": alphas, "alphaLoo": float(cv.alpha_), "path": rows}


def enet(l1_ratio, alphas=None):
    xm, ym = X.mean(axis=0), y.mean()
    kwargs = {"alphas": alphas} if alphas is not None else {"alphas": 100, "eps": 1e-3}
    grid, coefs, _ = enet_path(X - xm, y - ym, l1_ratio=l1_ratio, tol=1e-14, max_iter=1_000_000, **kwargs)
    rows = []
    for j, a in enumerate(grid):
        beta = coefs[:, j]
        intercept = ym - xm @ beta
        rows.append({
            "coefficients": [float(v) for v in beta], "intercept": float(intercept),
            "r2": float(r2_score(y, X @ beta + intercept)), "nonzero": int(np.count_nonzero(beta)),
        })
    return {"l1Ratio": l1_ratio, "alphas": [float(a) for a in grid], "path": rows}


paths["l2"] = ridge_path(None)
paths["l2 weighted"] = ridge_path(w)
paths["l1"] = enet(1.0)
paths["elasticnet"] = enet(0.5, alphas=[1.0, 0.3, 0.1, 0.03, 0.01])
paths["generator"] = f"make_fixture.py, numpy {np.__version__}, scikit-learn {sklearn.__version__}"
with open("paths.json", "w") as f:
    json.dump(paths, f, indent=1)
    f.write("\n")

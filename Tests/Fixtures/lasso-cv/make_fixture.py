"""Writes Tests/Fixtures/lasso-cv/problems.json: small cross-validated lasso and elastic-net paths
computed by scikit-learn 1.9's LassoCV and ElasticNetCV, the reference for MiniBatchGD's
ElasticNetCV (Tests/MiniBatchGDTests/ClosedForm/ElasticNetCV/).

Every problem gives its fold of each row ("folds", 0-based) and is cross-validated with
cv=PredefinedSplit(test_fold=folds), so both sides hold out the same rows in the same order; the
grouped problem's folds are GroupKFold(n_splits)'s, from its "groups". Recorded: alphas_ (largest
first), mse_path_ (shape (n_alphas, n_folds): per alpha, each fold's held-out mean squared error,
weighted by sample_weight where given), alpha_, and coef_ and intercept_ of the refit at alpha_.
tol = 1e-12 and max_iter = 10**6 so that every path is solved far below the 1e-6 the tests ask.
Every number is written with Python's repr. Run: /work/venv/bin/python make_fixture.py."""
import json
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNetCV, LassoCV
from sklearn.model_selection import GroupKFold, PredefinedSplit

warnings.simplefilter("error", ConvergenceWarning)
TOL = 1e-12
MAX_ITER = 1_000_000
rng = np.random.default_rng(32)
problems = []


def data(n, p, density=1.0, noise=0.5):
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, size=p) + rng.normal(size=p)
    if density < 1:
        X *= rng.uniform(size=(n, p)) < density
    beta = np.where(rng.uniform(size=p) < 0.5, rng.normal(scale=2, size=p), 0)
    y = X @ beta + 1.5 + noise * rng.normal(size=n)
    return X, y


def add(name, X, y, folds, ratio=1.0, weights=None, intercept=True, alphas=12, eps=1e-3, groups=None, note=""):
    cv = PredefinedSplit(test_fold=folds)
    common = dict(alphas=alphas, fit_intercept=intercept, cv=cv, tol=TOL, max_iter=MAX_ITER)
    if ratio == 1:
        model = LassoCV(eps=eps, **common)
    else:
        model = ElasticNetCV(l1_ratio=ratio, eps=eps, **common)
    model.fit(X, y, sample_weight=weights)
    entry = {
        "name": name, "note": note, "l1Ratio": ratio, "fitIntercept": intercept, "rows": X.shape[0], "featureCount": X.shape[1],
        "target": [float(v) for v in y], "weights": None if weights is None else [float(v) for v in weights],
        "folds": [int(v) for v in folds], "groups": None if groups is None else [float(v) for v in groups],
        "count": alphas if isinstance(alphas, int) else None, "smallestRatio": eps,
        "givenAlphas": None if isinstance(alphas, int) else [float(v) for v in alphas],
        "alphas": [float(v) for v in model.alphas_], "msePath": [[float(v) for v in row] for row in model.mse_path_],
        "alpha": float(model.alpha_), "coefficients": [float(v) for v in model.coef_], "intercept": float(model.intercept_),
    }
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        X.sort_indices()
        entry["sparse"] = {"rowStarts": [int(v) for v in X.indptr], "columns": [int(v) for v in X.indices],
                           "values": [float(v) for v in X.data]}
    else:
        entry["features"] = [[float(v) for v in row] for row in X]
    problems.append(entry)


X, y = data(60, 8)
add("lasso", X, y, rng.permutation(np.arange(60) % 5), note="LassoCV, 5 predefined folds of 12 rows")

X, y = data(53, 7)
add("elastic-net-weighted", X, y, rng.permutation(np.arange(53) % 4), ratio=0.5, weights=rng.uniform(0.2, 3, size=53),
    note="ElasticNetCV(l1_ratio=0.5) with sample_weight: weighted training and weighted held-out errors; folds of 14, 13, 13, 13 rows")

X, y = data(45, 6)
add("lasso-no-intercept-given-alphas", X, y, rng.permutation(np.arange(45) % 3), intercept=False,
    alphas=[2.0, 0.5, 0.1, 0.03, 0.01, 0.001], note="fit_intercept=False over given alphas")

X, y = data(70, 10, density=0.3)
add("lasso-sparse", sp.csr_matrix(X), y, rng.permutation(np.arange(70) % 5), note="CSR rows: scikit-learn's sparse path")

X, y = data(66, 6)
groups = np.repeat(np.arange(11), np.arange(1, 12))  # 11 groups of 1..11 rows: sizes all differ
groups = rng.permutation(groups).astype(float) * 1.5
splitter = GroupKFold(n_splits=4)
folds = np.empty(66, dtype=int)
for f, (_, test) in enumerate(splitter.split(X, y, groups)):
    folds[test] = f
add("lasso-grouped", X, y, folds, ratio=0.8, groups=groups,
    note="ElasticNetCV(l1_ratio=0.8) with GroupKFold(n_splits=4)'s folds of 11 groups of 1..11 rows")

with open(__file__.replace("make_fixture.py", "problems.json"), "w") as out:
    json.dump({"problems": problems}, out, indent=1)
    out.write("\n")

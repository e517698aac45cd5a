"""Writes Tests/Fixtures/elastic-net/problems.json: small elastic-net and lasso problems solved by
scikit-learn's coordinate descent (ElasticNet, Lasso, enet_path) to tol = 1e-12, the reference for
MiniBatchGD's CoordinateDescent (Tests/MiniBatchGDTests/ClosedForm/CoordinateDescent/).

The objective (scikit-learn's, with sample_weight rescaled to sum to n, which leaves it unchanged):
    (1/(2·Σw))·Σwᵢ(yᵢ − b − xᵢβ)² + alpha·(l1_ratio·‖β‖₁ + (1 − l1_ratio)/2·‖β‖²)
"standardized" problems penalize the coefficients of the columns divided by their weighted
standard deviations (divisor Σw, glmnet's convention): solved here by ElasticNet on X/s, the
coefficients divided by s back. Each answer is checked here for the optimality (KKT) conditions
before it is written. Every number is written with Python's repr (the shortest text that reads
back as the same double). Run: /work/venv/bin/python make_fixture.py (scikit-learn 1.9)."""
import json
import warnings

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, enet_path

warnings.simplefilter("error", ConvergenceWarning)
TOL = 1e-12
MAX_ITER = 1_000_000
rng = np.random.default_rng(29)
problems = []


def deviations(X, w):
    mean = np.average(X, axis=0, weights=w)
    sd = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=w))
    return np.where(sd > 1e-12 * np.maximum(np.abs(mean), np.finfo(float).tiny), sd, 1.0)


def check_kkt(X, y, w, beta, b, alpha, ratio, d):
    """|x̃ⱼᵀΩr − alpha(1−ratio)dⱼ²βⱼ| ≤ alpha·ratio·dⱼ at zeros, equal with βⱼ's sign elsewhere."""
    w = np.ones(len(y)) if w is None else np.asarray(w)
    omega = w / w.sum()
    Xd = X.toarray() if sp.issparse(X) else X
    r = y - b - Xd @ beta
    g = Xd.T @ (omega * r) - alpha * (1 - ratio) * d * d * beta
    bound = alpha * ratio * d
    scale = np.sqrt(np.sum(omega * (y - np.average(y, weights=w)) ** 2)) * np.sqrt(np.sum(omega[:, None] * Xd**2, axis=0)) + 1
    zero = beta == 0
    assert np.all(np.abs(g[zero]) <= bound[zero] + 1e-9 * scale[zero]), "KKT fails at a zero"
    assert np.allclose(g[~zero], bound[~zero] * np.sign(beta[~zero]), rtol=0, atol=1e-9), "KKT fails at a nonzero"


def add(name, X, y, alpha, ratio, weights=None, intercept=True, units="original", note=""):
    d = deviations(X.toarray() if sp.issparse(X) else X, weights) if units == "standardized" else np.ones(X.shape[1])
    Xs = X @ sp.diags(1 / d) if sp.issparse(X) else X / d
    Xs = sp.csr_matrix(Xs) if sp.issparse(X) else Xs
    if ratio == 1:
        model = Lasso(alpha=alpha, fit_intercept=intercept, tol=TOL, max_iter=MAX_ITER)
    else:
        model = ElasticNet(alpha=alpha, l1_ratio=ratio, fit_intercept=intercept, tol=TOL, max_iter=MAX_ITER)
    model.fit(Xs, y, sample_weight=weights)
    beta = model.coef_ / d
    b = float(model.intercept_)
    check_kkt(X, y, weights, beta, b, alpha, ratio, d)
    entry = {
        "name": name, "note": note, "alpha": alpha, "l1Ratio": ratio, "fitIntercept": intercept, "penaltyUnits": units,
        "rows": X.shape[0], "featureCount": X.shape[1], "target": [float(v) for v in y],
        "weights": None if weights is None else [float(v) for v in weights],
        "coefficients": [float(v) for v in beta], "intercept": b,
        "zeros": [int(j) for j in np.flatnonzero(beta == 0)], "sklearnGap": float(model.dual_gap_),
        "sklearnIterations": int(model.n_iter_),
    }
    if sp.issparse(X):
        X = sp.csr_matrix(X)
        X.sort_indices()
        entry["sparse"] = {"rowStarts": [int(v) for v in X.indptr], "columns": [int(v) for v in X.indices],
                           "values": [float(v) for v in X.data]}
    else:
        entry["features"] = [[float(v) for v in row] for row in X]
    problems.append(entry)


def alpha_max(X, y, ratio, w=None):
    w = np.ones(len(y)) if w is None else w
    omega = w / w.sum()
    Xc = X - np.average(X, axis=0, weights=w)
    yc = y - np.average(y, weights=w)
    return np.max(np.abs(Xc.T @ (omega * yc))) / ratio


# A tall problem with an intercept: some coefficients truly zero.
X = rng.normal(size=(30, 6)) + [0, 1, -2, 0, 3, 0]
truth = np.array([1.5, 0, -2, 0, 0.7, 0])
y = X @ truth + 4 + 0.3 * rng.normal(size=30)
top = alpha_max(X, y, 1)
add("lasso", X, y, 0.1 * top, 1.0, note="30×6, intercept, alpha = 0.1·alpha_max")
add("elastic net", X, y, 0.1 * top, 0.5, note="the same rows, l1_ratio 0.5")
add("ridge", X, y, 0.05, 0.0, note="the same rows, l1_ratio 0: a ridge by coordinate descent (the dual's formulation B)")
add("no intercept", X, y, 0.2 * top, 0.8, intercept=False, note="the same rows through the origin")

# Weights.
Xw = rng.normal(size=(25, 5)) * [1, 2, 0.5, 1, 3]
yw = Xw @ [0.5, -1, 0, 2, 0] - 1 + 0.5 * rng.normal(size=25)
w = rng.uniform(0.2, 3, size=25)
add("weighted", Xw, yw, 0.05, 0.7, weights=w, note="25×5, weights in (0.2, 3), l1_ratio 0.7")

# p > n.
Xp = rng.normal(size=(12, 30))
yp = Xp[:, :3] @ [2, -1.5, 1] + 0.1 * rng.normal(size=12)
add("wide", Xp, yp, 0.05, 1.0, note="12×30: more columns than rows")
add("wide elastic net", Xp, yp, 0.05, 0.5, note="12×30, l1_ratio 0.5")

# Correlated columns.
z = rng.normal(size=(40, 1))
Xc = z + 0.1 * rng.normal(size=(40, 4))
Xc = np.hstack([Xc, rng.normal(size=(40, 2))])
yc = Xc[:, 0] + Xc[:, 1] - Xc[:, 4] + 0.2 * rng.normal(size=40)
add("correlated lasso", Xc, yc, 0.02, 1.0, note="40×6, four columns with correlations about 0.99")
add("correlated elastic net", Xc, yc, 0.02, 0.5, note="the same, l1_ratio 0.5")

# Columns on very different scales: the two conventions differ.
Xs = rng.normal(size=(30, 4)) * [1000, 1, 0.01, 10] + [5, 0, 0, -3]
ys = Xs @ [0.001, 1, 50, 0.05] + 0.2 * rng.normal(size=30)
add("scales original", Xs, ys, 0.1, 0.7, note="30×4, column scales 1000, 1, 0.01, 10: penalty in the data's units")
add("scales standardized", Xs, ys, 0.1, 0.7, units="standardized", note="the same, penalty on standardized columns (glmnet)")
ws = rng.uniform(0.5, 2, size=30)
add("scales standardized weighted", Xs, ys, 0.1, 0.7, weights=ws, units="standardized",
    note="the same with weights: the deviations are weighted (divisor Σw)")

# Sparse CSR rows, centred implicitly by scikit-learn.
S = sp.random(40, 15, density=0.25, random_state=np.random.RandomState(7), data_rvs=lambda k: rng.normal(size=k) + 1)
S = sp.csr_matrix(S)
ysp = S @ np.r_[[1.0, -2, 0, 0, 1.5], np.zeros(10)] + 0.5 + 0.1 * rng.normal(size=40)
add("sparse", S, ysp, 0.01, 0.9, note="40×15 CSR, density 0.25, intercept")
wsp = rng.uniform(0.5, 2, size=40)
add("sparse weighted", S, ysp, 0.01, 1.0, weights=wsp, note="the same with weights")

# A path: enet_path on the centred rows (it fits no intercept), its own alpha grid.
Xc0 = X - X.mean(axis=0)
yc0 = y - y.mean()
alphas, coefs, gaps = enet_path(Xc0, yc0, l1_ratio=0.8, alphas=8, eps=1e-2, tol=TOL, max_iter=MAX_ITER)
path = {
    "features": [[float(v) for v in row] for row in X], "target": [float(v) for v in y], "l1Ratio": 0.8, "count": 8,
    "smallestRatio": 1e-2, "alphas": [float(a) for a in alphas],
    "coefficients": [[float(v) for v in coefs[:, i]] for i in range(len(alphas))],
    "intercepts": [float(y.mean() - X.mean(axis=0) @ coefs[:, i]) for i in range(len(alphas))],
}

with open("problems.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "tolerance": TOL, "problems": problems, "path": path}, f, indent=1)
    f.write("\n")
print(f"{len(problems)} problems and a path of {len(alphas)} alphas, scikit-learn {sklearn.__version__}")

"""Writes Tests/Fixtures/ridge-path/problems.json: small ridge problems on which scikit-learn's
RidgeCV(alphas=grid, store_cv_results=True) chose its alpha by exact leave-one-out, the reference
for MiniBatchGD's RidgePath (Tests/MiniBatchGDTests/ClosedForm/RidgePath/) and for
`mbgd solve --ridge loo|gcv` (Tests/mbgdTests/RidgePathToolTests.swift).

The objective (scikit-learn's Ridge, alpha in the data's units, the intercept never penalized):
    Σwᵢ(yᵢ − b − xᵢβ)² + alpha·‖β‖²
RidgeCV with cv=None and scoring=None scores each alpha by the mean over the n rows of
wᵢ·(yᵢ − ŷ₋ᵢ)², ŷ₋ᵢ the prediction of the fit without row i (`cv_results_` holds those terms;
`best_score_` is minus the smallest mean). Two targets are chosen for separately
(alpha_per_target=True). For each problem the script also writes, by plain numpy on the dense
hat matrix H = A(AᵀA + αP)⁻¹Aᵀ of A = √w·[1 X] (P the identity with 0 for the intercept):
    df(α)  = tr(H)
    GCV(α) = (1/m)·Σwᵢrᵢ² / (1 − tr(H)/m)²        (m the rows of positive weight, r the residuals)
with the one-standard-error choices (the largest alpha whose score is within one standard error,
sd(terms)/√count, of the smallest score: glmnet's lambda.1se) of both criteria, and the
coefficients of Ridge(alpha) at every alpha. Every number is written with Python's repr (the
shortest text that reads back as the same double). Run: /work/venv/bin/python make_fixture.py
(scikit-learn 1.9)."""
import json

import numpy as np
import sklearn
from sklearn.linear_model import Ridge, RidgeCV

rng = np.random.default_rng(32)
problems = []


def hat(X, w, alpha, intercept):
    n = X.shape[0]
    A = np.hstack([np.ones((n, 1)), X]) if intercept else X
    A = np.sqrt(w)[:, None] * A
    P = np.eye(A.shape[1])
    if intercept:
        P[0, 0] = 0
    return A @ np.linalg.solve(A.T @ A + alpha * P, A.T)


def one_se(alphas, scores, errors):
    best = int(np.argmin(scores))
    bound = scores[best] + errors[best]
    return float(max(a for a, s in zip(alphas, scores) if s <= bound))


def add(name, X, Y, alphas, weights=None, intercept=True, note=""):
    n, p = X.shape
    Y2 = Y if Y.ndim == 2 else Y[:, None]
    k = Y2.shape[1]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    model = RidgeCV(alphas=alphas, fit_intercept=intercept, store_cv_results=True, alpha_per_target=k > 1)
    model.fit(X, Y, sample_weight=weights)
    cv = model.cv_results_.reshape(n, k, len(alphas))
    m = int(np.count_nonzero(w > 0))
    targets = []
    for o in range(k):
        loo = cv[:, o, :].mean(axis=0)
        loo_se = cv[:, o, :].std(axis=0, ddof=1) / np.sqrt(n)
        gcv, gcv_se, coefficients, intercepts = [], [], [], []
        for a in alphas:
            H = hat(X, w, a, intercept)
            y = Y2[:, o]
            fitted = H @ (np.sqrt(w) * y)
            r = np.sqrt(w) * y - fitted  # √wᵢ·rᵢ
            terms = (r[w > 0] ** 2) / (1 - np.trace(H) / m) ** 2
            gcv.append(float(terms.mean()))
            gcv_se.append(float(terms.std(ddof=1) / np.sqrt(m)))
            ridge = Ridge(alpha=a, fit_intercept=intercept, solver="svd").fit(X, y, sample_weight=weights)
            coefficients.append([float(v) for v in ridge.coef_])
            intercepts.append(float(ridge.intercept_))
        alpha = float(model.alpha_[o]) if k > 1 else float(model.alpha_)
        best = float(model.best_score_[o]) if k > 1 else float(model.best_score_)
        assert np.isclose(-best, loo.min(), rtol=1e-12), "best_score_ is minus the smallest mean"
        gcv = np.array(gcv)
        targets.append({
            "alpha": alpha, "bestScore": best,
            "looErrors": [[float(v) for v in cv[:, o, j]] for j in range(len(alphas))],
            "loo": [float(v) for v in loo], "looStandardError": [float(v) for v in loo_se],
            "alpha1seLoo": one_se(alphas, loo, loo_se),
            "gcv": [float(v) for v in gcv], "gcvStandardError": gcv_se,
            "alphaGcv": float(alphas[int(np.argmin(gcv))]), "alpha1seGcv": one_se(alphas, gcv, gcv_se),
            "coefficients": coefficients, "intercepts": intercepts,
        })
    df = [float(np.trace(hat(X, w, a, intercept))) for a in alphas]
    problems.append({
        "name": name, "note": note, "fitIntercept": intercept, "rows": n, "featureCount": p, "targetCount": k,
        "features": [[float(v) for v in row] for row in X],
        "targets": [[float(v) for v in row] for row in Y2],
        "weights": None if weights is None else [float(v) for v in weights],
        "alphas": [float(a) for a in alphas], "effectiveDegreesOfFreedom": df, "perTarget": targets,
    })


grid = np.logspace(-3, 3, 13)

# A tall problem with an intercept.
X = rng.normal(size=(40, 5)) + [0, 1, -2, 0, 3]
y = X @ [1.5, 0, -2, 0.3, 0.7] + 4 + 1.0 * rng.normal(size=40)
add("tall", X, y, grid, note="40×5, intercept, alphas 1e-3…1e3")
add("no intercept", X, y, grid, intercept=False, note="the same rows through the origin")

# More columns than rows: scikit-learn takes the eigendecomposition of XXᵀ.
# (Rows of their own seed, on which the choice falls inside the grid.)
rw = np.random.default_rng(4)
Xw = rw.normal(size=(12, 30))
yw = Xw @ (0.5 * rw.normal(size=30)) + 1 + rw.normal(size=12)
add("wide", Xw, yw, grid, note="12×30: more columns than rows, many small effects")
add("wide no intercept", Xw, yw, grid, intercept=False, note="12×30 through the origin")

# Correlated columns (correlations about 0.99).
z = rng.normal(size=(50, 1))
Xc = np.hstack([z + 0.1 * rng.normal(size=(50, 4)), rng.normal(size=(50, 2))])
yc = Xc[:, 0] + Xc[:, 1] - Xc[:, 4] + 0.5 * rng.normal(size=50)
add("correlated", Xc, yc, np.logspace(-4, 2, 13), note="50×6, four columns with correlations about 0.99")

# Weights, one of them zero.
Xq = rng.normal(size=(30, 4)) * [1, 2, 0.5, 1] + [1, 0, 0, -1]
yq = Xq @ [0.5, -1, 0, 2] - 1 + 0.8 * rng.normal(size=30)
wq = rng.uniform(0.2, 3, size=30)
wq[7] = 0
add("weighted", Xq, yq, grid, weights=wq, note="30×4, weights in (0.2, 3), row 7 of weight 0")

# Two targets, each choosing its own alpha (alpha_per_target=True).
X2 = rng.normal(size=(35, 4))
Y2 = np.column_stack([X2 @ [1, -1, 0.5, 0] + 0.3 * rng.normal(size=35), X2 @ [0.1, 0.2, 0, -0.1] + 2 * rng.normal(size=35)])
add("two targets", X2, Y2, grid, note="35×4, two targets, the first well determined, the second mostly noise")

with open("problems.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "problems": problems}, f, indent=1)
    f.write("\n")
print(f"{len(problems)} problems, scikit-learn {sklearn.__version__}")

"""Epsilon-insensitive and squared epsilon-insensitive regression solved by SciPy: the fixture of
EpsilonInsensitiveRegressionTests and EpsilonInsensitiveToolTests.

    /work/venv/bin/python Tests/Fixtures/epsilon-insensitive/make_fixture.py   # writes problems.json beside it

"linear" problems minimize sum_i w_i max(0, |r_i| - eps), r = y - X theta (X with a column of ones
when there is an intercept), written as the LP

    minimize  w'u + w'v  subject to  -X theta - u <= eps - y,  X theta - v <= eps + y,  u, v >= 0

and solved by scipy.optimize.linprog(method="highs"); "sumLoss" is the objective recomputed from
its theta. The optimum's coefficients need not be unique (the LP may have a face of optima), so the
tests compare objectives.

"squared" problems minimize (1/sum w) sum_i w_i max(0, |r_i| - eps)^2 / 2 (the factor 1/2 as the
package's SquaredEpsilonInsensitiveLoss; scikit-learn's SGDRegressor has none): they are solved
as the nonlinear least squares ||sqrt(w) s(r)||^2 / (2 sum w), s(r) = sign(r) max(|r| - eps, 0),
by scipy.optimize.least_squares (trust region, every tolerance at 1e-15), then by
scipy.optimize.minimize (BFGS, gtol 1e-13) from there as a second opinion: the two objectives
must agree to 1e-12 (relative). "meanLoss" is the smaller. "unique" says whether the rows beyond
eps at the optimum span the columns (a positive-definite Hessian): only then are the coefficients
compared.
"""
import json
import os

import numpy as np
import scipy
from scipy.optimize import least_squares, linprog, minimize


def design(x, fit_intercept):
    return np.column_stack([x, np.ones(len(x))]) if fit_intercept else x


def linear(x, y, eps, w, fit_intercept):
    a = design(x, fit_intercept)
    n, d = a.shape
    c = np.concatenate([np.zeros(d), w, w])
    identity = np.eye(n)
    a_ub = np.vstack([np.hstack([-a, -identity, np.zeros((n, n))]), np.hstack([a, np.zeros((n, n)), -identity])])
    b_ub = np.concatenate([eps - y, eps + y])
    bounds = [(None, None)] * d + [(0, None)] * (2 * n)
    result = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs",
                     options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    assert result.status == 0, result.message
    theta = result.x[:d]
    r = y - a @ theta
    return theta, float(np.sum(w * np.maximum(np.abs(r) - eps, 0)))


def squared(x, y, eps, w, fit_intercept):
    a = design(x, fit_intercept)
    total = w.sum()

    def excess(theta):
        r = y - a @ theta
        return np.sign(r) * np.maximum(np.abs(r) - eps, 0)

    def mean_loss(theta):
        return float(np.sum(w * excess(theta) ** 2) / (2 * total))

    def gradient(theta):
        return -(a.T @ (w * excess(theta))) / total

    start = np.linalg.lstsq(a, y, rcond=None)[0]
    fitted = least_squares(lambda t: np.sqrt(w) * excess(t), start, method="trf", xtol=1e-15, ftol=1e-15, gtol=1e-15).x
    polished = minimize(mean_loss, fitted, jac=gradient, method="BFGS", options={"gtol": 1e-13, "maxiter": 10000}).x
    first, second = mean_loss(fitted), mean_loss(polished)
    assert abs(first - second) <= 1e-12 * max(first, 1e-300) or max(first, second) < 1e-28, (first, second)
    theta = fitted if first <= second else polished
    outside = np.abs(y - a @ theta) > eps
    hessian = (a[outside].T * w[outside]) @ a[outside]
    unique = bool(outside.sum() >= a.shape[1] and np.linalg.eigvalsh(hessian).min() > 1e-8 * np.abs(hessian).max())
    return theta, min(first, second), unique, int((~outside).sum())


def problem(kind, name, n, p, eps, fit_intercept, seed, weighted=False, noise=1.0, heavy=False, scale=1.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) * scale
    beta = rng.normal(size=p) * 2
    errors = rng.standard_t(1.5, size=n) if heavy else rng.normal(size=n) * noise
    y = x @ beta + (1.5 if fit_intercept else 0) + errors
    w = rng.uniform(0.2, 3.0, size=n) if weighted else np.ones(n)
    entry = {"kind": kind, "name": name, "epsilon": eps, "fitIntercept": fit_intercept, "features": x.tolist(),
             "target": y.tolist(), "weights": w.tolist() if weighted else None}
    if kind == "linear":
        theta, objective = linear(x, y, eps, w, fit_intercept)
        entry["sumLoss"] = objective
    else:
        theta, objective, unique, inside = squared(x, y, eps, w, fit_intercept)
        entry.update({"meanLoss": objective, "unique": unique, "insideTube": inside})
    intercept, coefficients = (theta[-1], theta[:-1]) if fit_intercept else (0.0, theta)
    entry.update({"coefficients": coefficients.tolist(), "intercept": float(intercept)})
    return entry


problems = [
    problem("linear", "tube 0.5", 60, 3, 0.5, True, 11),
    problem("linear", "no tube (least absolute deviations)", 60, 3, 0.0, True, 12),
    problem("linear", "weighted", 80, 3, 0.3, True, 13, weighted=True),
    problem("linear", "no intercept", 50, 2, 0.5, False, 14),
    problem("linear", "wide tube", 90, 3, 1.5, True, 15),
    problem("linear", "heavy tails", 120, 4, 0.25, True, 16, heavy=True),
    problem("squared", "tube 0.5", 60, 3, 0.5, True, 21),
    problem("squared", "weighted", 80, 3, 0.3, True, 22, weighted=True),
    problem("squared", "no intercept", 50, 2, 0.5, False, 23),
    problem("squared", "scaled columns", 90, 3, 0.5, True, 24, scale=40.0),
    problem("squared", "tube wider than the noise", 40, 2, 3.0, True, 25, noise=0.5),
]
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "problems.json"), "w") as out:
    json.dump({"scipy": scipy.__version__, "problems": problems}, out, indent=1)
    out.write("\n")
for entry in problems:
    print(entry["kind"], entry["name"], entry.get("sumLoss", entry.get("meanLoss")), entry.get("unique", ""), entry.get("insideTube", ""))

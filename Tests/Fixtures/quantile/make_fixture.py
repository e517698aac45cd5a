"""Quantile (pinball) regression solved as a linear program by HiGHS: the fixture of
QuantileRegressionTests and QuantileToolTests.

    /work/venv/bin/python Tests/Fixtures/quantile/make_fixture.py   # writes problems.json beside it

Each problem minimizes sum_i w_i rho_tau(y_i - b - x_i beta), rho_tau(u) = u (tau - 1[u < 0]),
written as the LP

    minimize  tau w'u + (1 - tau) w'v   subject to  X beta + u - v = y,  u, v >= 0,  beta free

(X with a column of ones when there is an intercept) and solved by
scipy.optimize.linprog(method="highs"): objective, coefficients, intercept. The script also checks
that the optimum is unique (so the coefficients can be compared, not only the objective): at
HiGHS's vertex exactly d residuals are zero and the dual values of those rows, solved from the
optimality condition X_h' a_h = -sum over the other rows of w_i psi_tau(r_i) x_i, lie strictly
inside [w_i (tau - 1), w_i tau]; a dual that is nondegenerate this way makes the primal optimum
unique. statsmodels' QuantReg(y, X).fit(q=tau) (iteratively reweighted least squares, an
approximation) is stored beside it for comparison, for the unweighted problems.
"""
import json
import os

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy.optimize import linprog


def solve(x, y, tau, weights, fit_intercept):
    n = len(y)
    design = np.column_stack([x, np.ones(n)]) if fit_intercept else x
    d = design.shape[1]
    w = np.ones(n) if weights is None else np.asarray(weights)
    c = np.concatenate([np.zeros(d), tau * w, (1 - tau) * w])
    a_eq = np.hstack([design, np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * d + [(0, None)] * (2 * n)
    result = linprog(c, A_eq=a_eq, b_eq=y, bounds=bounds, method="highs",
                     options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    assert result.status == 0, result.message
    theta = result.x[:d]
    residuals = y - design @ theta
    objective = float(np.sum(w * residuals * (tau - (residuals < 0))))
    # Uniqueness: a nondegenerate dual at the vertex.
    basic = np.flatnonzero(np.abs(residuals) <= 1e-9 * max(1.0, np.abs(y).max()))
    unique = False
    if len(basic) == d:
        other = np.setdiff1d(np.arange(n), basic)
        psi = w[other] * (tau - (residuals[other] < 0))
        dual = np.linalg.solve(design[basic].T, -design[other].T @ psi)
        low, high = w[basic] * (tau - 1), w[basic] * tau
        inside = (dual > low + 1e-7) & (dual < high - 1e-7)
        unique = bool(inside.all())
        assert np.all(dual >= low - 1e-9) and np.all(dual <= high + 1e-9), "HiGHS's vertex fails its own optimality check"
    intercept, coefficients = (theta[-1], theta[:-1]) if fit_intercept else (0.0, theta)
    return objective, coefficients, float(intercept), unique, int(len(basic))


def problem(name, n, p, tau, fit_intercept, seed, noise="normal", weighted=False, scale=1.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) * scale
    beta = rng.normal(size=p) * 2
    errors = rng.standard_t(1.5, size=n) if noise == "heavy" else rng.normal(size=n)
    y = x @ beta + (1.5 if fit_intercept else 0) + errors
    weights = rng.uniform(0.2, 3.0, size=n) if weighted else None
    objective, coefficients, intercept, unique, zeros = solve(x, y, tau, weights, fit_intercept)
    entry = {
        "name": name, "quantile": tau, "fitIntercept": fit_intercept, "features": x.tolist(), "target": y.tolist(),
        "weights": None if weights is None else weights.tolist(),
        "objective": objective, "coefficients": coefficients.tolist(), "intercept": intercept,
        "unique": unique, "zeroResiduals": zeros, "statsmodels": None,
    }
    if weights is None:
        design = sm.add_constant(x, has_constant="add") if fit_intercept else x
        params = sm.QuantReg(y, design).fit(q=tau, max_iter=5000, p_tol=1e-10).params
        residuals = y - design @ params
        entry["statsmodels"] = {
            "intercept": float(params[0]) if fit_intercept else 0.0,
            "coefficients": (params[1:] if fit_intercept else params).tolist(),
            "objective": float(np.sum(residuals * (tau - (residuals < 0)))),
        }
    return entry


problems = [
    problem("median", 60, 3, 0.5, True, 1),
    problem("lower decile", 60, 3, 0.1, True, 2),
    problem("upper decile", 60, 3, 0.9, True, 3),
    problem("weighted", 80, 3, 0.3, True, 4, weighted=True),
    problem("no intercept", 50, 2, 0.5, False, 5),
    problem("heavy tails", 120, 4, 0.75, True, 6, noise="heavy"),
    problem("scaled columns", 90, 3, 0.5, True, 7, scale=40.0),
]
for entry in problems:
    assert entry["unique"], entry["name"] + ": the optimum is not unique; pick another seed"
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "problems.json"), "w") as out:
    json.dump({"scipy": scipy.__version__, "statsmodels": statsmodels.__version__, "problems": problems}, out, indent=1)
    out.write("\n")

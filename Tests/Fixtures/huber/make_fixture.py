"""Huber regression with a fixed scale, solved by statsmodels: the fixture of HuberRegressionTests.

    /work/venv/bin/python Tests/Fixtures/huber/make_fixture.py   # writes problems.json beside it

Each problem minimizes sum_i rho_delta(y_i - b - x_i beta) (Huber's rho, squares within delta,
absolute values beyond) with statsmodels' RLM(y, X, M=HuberT(t=delta)) at the scale held at 1
(update_scale=False, start_scale=1), iterated to tol 1e-14 on the coefficients. The script
checks the gradient sum_i psi(r_i) x_i before writing. defaultDelta is what `mbgd --loss huber`
takes without --delta: 1.35 x 1.4826 x the median absolute deviation of the least-squares residuals.
"""
import json
import os

import numpy as np
import statsmodels
import statsmodels.api as sm


def problem(name, n, p, delta, fit_intercept, seed, outlier_share, scale=1.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, p)) * scale
    beta = rng.normal(size=p) * 2
    y = x @ beta + (0.7 if fit_intercept else 0) + rng.normal(size=n) * 0.5
    wild = rng.random(n) < outlier_share
    y[wild] += rng.standard_cauchy(wild.sum()) * 10
    design = sm.add_constant(x, has_constant="add") if fit_intercept else x
    fit = sm.RLM(y, design, M=sm.robust.norms.HuberT(t=delta)).fit(
        update_scale=False, start_scale=1.0, conv="coefs", tol=1e-14, maxiter=100000)
    params = fit.params
    residuals = y - design @ params
    gradient = design.T @ np.clip(residuals, -delta, delta)
    assert np.abs(gradient).max() < 1e-9 * max(1, np.abs(y).sum()), (name, np.abs(gradient).max())
    intercept, coefficients = (params[0], params[1:]) if fit_intercept else (0.0, params)
    # mbgd's default delta: 1.35 x 1.4826 x the median absolute deviation of the OLS residuals.
    ols = np.linalg.lstsq(design, y, rcond=None)[0]
    ols_residuals = y - design @ ols
    mad = np.median(np.abs(ols_residuals - np.median(ols_residuals)))
    return {
        "name": name, "delta": delta, "fitIntercept": fit_intercept, "features": x.tolist(), "target": y.tolist(),
        "coefficients": coefficients.tolist(), "intercept": float(intercept),
        "outliers": int((np.abs(residuals) > delta).sum()), "defaultDelta": float(1.35 * 1.4826 * mad),
    }


problems = [
    problem("heavy tails", 80, 3, 1.35, True, 1, 0.15),
    problem("small delta", 120, 4, 0.3, True, 2, 0.25),
    problem("no intercept", 60, 2, 1.0, False, 3, 0.2),
    problem("scaled columns", 100, 3, 2.0, True, 4, 0.1, scale=30.0),
]
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "problems.json"), "w") as out:
    json.dump({"statsmodels": statsmodels.__version__, "problems": problems}, out, indent=1)
    out.write("\n")

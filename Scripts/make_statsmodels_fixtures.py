#!/usr/bin/env python3
"""statsmodels OLS and WLS results on data generated here, for the inference tests: every
statistic the closed form reports, for each covariance type, written to
Tests/Fixtures/statsmodels/ols.json. Independent of the Swift code under test.

Run: python3 Scripts/make_statsmodels_fixtures.py  (pip install numpy statsmodels)"""
import json
import os

import numpy as np
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.stattools import durbin_watson

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "statsmodels", "ols.json")


def data_sets():
    rng = np.random.default_rng(20261130)
    # Heteroscedastic noise (its spread grows with |x1|), so the HC covariances differ from the
    # classical one; columns with large means and different scales test the centring.
    n = 80
    x = np.column_stack([rng.normal(0, 1, n), rng.normal(1000, 5, n), rng.uniform(-3, 3, n) * 1e-3])
    y = 2 + 1.5 * x[:, 0] - 0.3 * (x[:, 1] - 1000) + 400 * x[:, 2] + rng.normal(0, 1, n) * (0.5 + np.abs(x[:, 0]))
    yield "heteroscedastic", x, y, True, None
    yield "heteroscedastic without intercept", x[:, [0, 2]], y - 2, False, None
    m = 25
    small = np.column_stack([rng.normal(0, 2, m), rng.exponential(1, m)])
    ys = 0.5 - small[:, 0] + 0.25 * small[:, 1] + rng.standard_t(3, m)
    yield "small sample", small, ys, True, None
    weights = rng.uniform(0.2, 5, n)
    yield "weighted", x, y, True, weights


def fit(x, y, intercept, weights, cov_type, alpha):
    design = sm.add_constant(x, prepend=True) if intercept else x
    model = sm.WLS(y, design, weights=weights) if weights is not None else sm.OLS(y, design)
    result = model.fit(cov_type=cov_type)
    interval = result.conf_int(alpha=alpha)
    # Prediction intervals at new rows: the first rows of the data, shifted (a new observation
    # counts with weight 1, statsmodels' default).
    new = x[:5] * 1.1 + 0.05
    frame = result.get_prediction(sm.add_constant(new, prepend=True, has_constant="add") if intercept else new).summary_frame(alpha=alpha)
    return {
        "covarianceType": cov_type,
        "confidenceLevel": 1 - alpha,
        "params": result.params.tolist(),
        "bse": result.bse.tolist(),
        "tvalues": result.tvalues.tolist(),
        "pvalues": result.pvalues.tolist(),
        "confInt": interval.tolist(),
        "covParams": result.cov_params().tolist(),
        "fvalue": float(result.fvalue),
        "fPvalue": float(result.f_pvalue),
        "llf": float(result.llf),
        "aic": float(result.aic),
        "bic": float(result.bic),
        "rsquared": float(result.rsquared),
        "rsquaredAdj": float(result.rsquared_adj),
        "ssr": float(result.ssr),
        "dfResid": float(result.df_resid),
        "durbinWatson": float(durbin_watson(result.wresid)),
        "prediction": {"x": new.tolist(), **{column: frame[column].tolist() for column in
                                               ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper"]}},
    }


def main():
    cases = []
    for name, x, y, intercept, weights in data_sets():
        results = [fit(x, y, intercept, weights, cov, alpha)
                   for cov, alpha in [("nonrobust", 0.05), ("nonrobust", 0.1), ("HC0", 0.05), ("HC1", 0.05), ("HC2", 0.05), ("HC3", 0.01)]]
        cases.append({"name": name, "x": x.tolist(), "y": y.tolist(), "fitIntercept": intercept,
                      "weights": None if weights is None else weights.tolist(), "results": results})
    with open(OUT, "w") as handle:
        json.dump({"statsmodels": statsmodels.__version__, "numpy": np.__version__, "cases": cases}, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()

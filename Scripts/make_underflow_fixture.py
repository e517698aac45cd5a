#!/usr/bin/env python3
"""A regression whose t statistics are huge, for the tests of p-values that underflow: statsmodels'
OLS (nonrobust and HC1) on data made here, and each p-value worked out again from statsmodels' t
(or z) statistic with mpmath at 50 digits, where a Double cannot hold it. Written to
Tests/Fixtures/statsmodels/underflow.json. Independent of the Swift code under test.

The coefficients are chosen after a first fit so that the t statistics land where the p-values are
wanted: the intercept near 1e-300 (deep in the tail, still a normal Double), x1 near 1e-315 (a
subnormal: only a bound is known), x2 near 1e-800 (0 in any Double), x3 near 0.3 and x4 near 1e-200.

Run: python3 Scripts/make_underflow_fixture.py  (pip install numpy statsmodels mpmath)"""
import json
import os

import mpmath as mp
import numpy as np
import statsmodels
import statsmodels.api as sm

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "statsmodels", "underflow.json")
SMALLEST_NORMAL = mp.mpf(2.2250738585072014e-308)


def two_sided_t(t, nu):
    """P(|T| > |t|) = I_{ν/(ν + t²)}(ν/2, 1/2)."""
    t, nu = mp.mpf(t), mp.mpf(nu)
    return mp.betainc(nu / 2, mp.mpf(1) / 2, 0, nu / (nu + t * t), regularized=True)


def two_sided_z(z):
    """P(|Z| > |z|) = erfc(|z|/√2)."""
    return mp.erfc(abs(mp.mpf(z)) / mp.sqrt(2))


def t_for(p, nu):
    """The t whose two-sided p-value is p."""
    return float(mp.findroot(lambda t: mp.log(two_sided_t(t, nu)) - mp.log(p), 10))


def main():
    rng = np.random.default_rng(20261207)
    n, p = 200, 4
    x = rng.normal(0, 1, (n, p)) * [1, 2, 0.5, 3] + [5, -1, 0, 10]
    noise = rng.normal(0, 1, n)
    design = sm.add_constant(x, prepend=True)
    nu = n - p - 1
    wanted = [mp.mpf("1e-300"), mp.mpf("1e-315"), mp.mpf("1e-800"), mp.mpf("0.3"), mp.mpf("1e-200")]
    # With y = Xβ + e, β̂ = β + X⁺e and the standard errors do not depend on β: β = t·se − X⁺e
    # makes β̂/se = t exactly.
    first = sm.OLS(noise, design).fit()
    beta = np.array([t_for(q, nu) for q in wanted]) * first.bse - first.params
    y = design @ beta + noise
    results = []
    for cov_type in ["nonrobust", "HC1"]:
        result = sm.OLS(y, design).fit(cov_type=cov_type)
        exact = [two_sided_t(t, nu) if cov_type == "nonrobust" else two_sided_z(t) for t in result.tvalues]
        results.append({
            "covarianceType": cov_type,
            "params": result.params.tolist(),
            "bse": result.bse.tolist(),
            "tvalues": result.tvalues.tolist(),
            # statsmodels' own: 0.0 (or a subnormal) where the p-value underflows.
            "pvalues": result.pvalues.tolist(),
            # mpmath's p-value of statsmodels' statistic: its base-10 logarithm, the value as a
            # Double where it is a normal one (else null), and whether it is below 2.2250738585072014e-308.
            "log10Pvalues": [float(mp.log10(q)) for q in exact],
            "exactPvalues": [float(q) if q >= SMALLEST_NORMAL else None for q in exact],
            "underflows": [bool(q < SMALLEST_NORMAL) for q in exact],
        })
    with open(OUT, "w") as handle:
        json.dump({"statsmodels": statsmodels.__version__, "numpy": np.__version__, "mpmath": mp.__version__,
                   "x": x.tolist(), "y": y.tolist(), "results": results}, handle, indent=1)
        handle.write("\n")


if __name__ == "__main__":
    main()

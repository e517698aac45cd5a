#!/usr/bin/env python3
"""Three small public data sets the defaults are held to, with numpy's least-squares optimum of
each, for Tests/MiniBatchGDTests/Training/RealDataDefaultsTests.swift:
- longley (statsmodels; US macroeconomic series, 16 rows, 6 features, kappa about 1e4 after
  standardizing): momentum's non-monotone cost;
- engel (statsmodels; household income and food expenditure, 235 rows, one heavy-tailed
  feature): a few rows set the largest row curvature;
- diabetes (scikit-learn; 442 rows, 10 features).
Writes Tests/Fixtures/real/{name}.csv (header row, the target last) and optima.json.
Independent of the Swift code under test.

Run: python3 Scripts/make_real_data_fixtures.py  (pip install numpy statsmodels scikit-learn)"""
import json
import os

import numpy as np
import statsmodels.api as sm
from sklearn.datasets import load_diabetes

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "real")


def data_sets():
    longley = sm.datasets.longley.load_pandas().data
    yield "longley", longley[["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]], longley["TOTEMP"]
    engel = sm.datasets.engel.load_pandas().data
    yield "engel", engel[["income"]], engel["foodexp"]
    diabetes = load_diabetes(as_frame=True).frame
    yield "diabetes", diabetes.drop(columns="target"), diabetes["target"]


def main():
    os.makedirs(OUT, exist_ok=True)
    optima = {}
    for name, x, y in data_sets():
        frame = x.copy()
        frame[y.name] = y
        frame.to_csv(os.path.join(OUT, f"{name}.csv"), index=False, float_format="%.17g")
        # The optimum with an intercept, by numpy's SVD-based solver.
        design = np.column_stack([np.ones(len(x)), x.to_numpy(dtype=float)])
        beta, *_ = np.linalg.lstsq(design, y.to_numpy(dtype=float), rcond=None)
        optima[name] = {
            "target": y.name,
            "features": list(x.columns),
            "intercept": float(beta[0]),
            "coefficients": [float(b) for b in beta[1:]],
        }
    with open(os.path.join(OUT, "optima.json"), "w") as f:
        json.dump({"numpy": np.__version__, "optima": optima}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

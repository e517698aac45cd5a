"""Fixtures for one-hot (categorical) and hashed features read from CSV.

Run with /work/venv/bin/python (statsmodels 0.15, patsy, scikit-learn 1.9, pandas):

    /work/venv/bin/python Tests/Fixtures/categorical/make_categorical_fixtures.py

Numbers are written as Python's repr strings (shortest round trip), read back exactly.

Writes, beside this script:
- cars.csv: two text columns (city, kind) and numeric ones (x1, x2, y); levels with a comma
  (quoted), non-ASCII letters and a lowercase first letter, so that patsy's sort (by code point)
  and naming are both exercised;
- expected.json: statsmodels' OLS of `y ~ C(city) + C(kind) + x1 + x2` (parameters, standard
  errors, names as patsy gives them for text columns: `city[T.Paris]`), FeatureHasher's CSR
  output on the same rows as dicts ({"city": "Paris", "kind": "van", "x1": 0.3, "x2": -1.2})
  at two widths, and murmurhash3_32 known answers for a set of strings.
"""

import json
import os

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from sklearn.feature_extraction import FeatureHasher
from sklearn.utils import murmurhash3_32

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(28)
n = 60
cities = ["Paris", "Berlin", "Zürich", "São Paulo", "Seoul", "Washington, D.C.", "amsterdam"]
kinds = ["van", "car", "bike"]
effect_city = dict(zip(cities, [3.0, -1.0, 2.5, 0.5, -2.0, 1.0, 4.0]))
effect_kind = dict(zip(kinds, [1.5, 0.0, -3.0]))
city = [cities[i % len(cities)] for i in rng.permutation(n)]
kind = [kinds[i % len(kinds)] for i in rng.permutation(n)]
x1 = np.round(rng.normal(size=n), 6)
x2 = np.round(rng.normal(size=n) * 2, 6)
x2[5] = 0.0  # a zero, which FeatureHasher leaves out
y = np.round(
    np.array([effect_city[c] + effect_kind[k] for c, k in zip(city, kind)]) + 0.7 * x1 - 1.3 * x2 + rng.normal(size=n) * 0.5,
    6,
)
frame = pd.DataFrame({"city": city, "x1": x1, "kind": kind, "x2": x2, "y": y})
frame.to_csv(os.path.join(here, "cars.csv"), index=False, float_format="%.6f")
# Read back as the tool reads it, so that the fit is of the file's numbers.
frame = pd.read_csv(os.path.join(here, "cars.csv"), keep_default_na=False)

fit = smf.ols("y ~ C(city) + C(kind) + x1 + x2", data=frame).fit()
plain = smf.ols("y ~ city + kind + x1 + x2", data=frame).fit()
assert np.allclose(fit.params.values, plain.params.values, rtol=0, atol=1e-12)
names = list(plain.params.index)
# Without an intercept patsy codes the first categorical column in full: city[Berlin], ….
origin = smf.ols("y ~ 0 + city + kind + x1 + x2", data=frame).fit()
assert names[0] == "Intercept"


def hashed(bits):
    hasher = FeatureHasher(n_features=2**bits, input_type="dict", alternate_sign=True)
    rows = [{"city": c, "kind": k, "x1": float(a), "x2": float(b)} for c, k, a, b in zip(frame.city, frame.kind, frame.x1, frame.x2)]
    matrix = hasher.transform(rows).tocsr()
    matrix.sort_indices()
    return {
        "bits": bits,
        "rowStarts": matrix.indptr.tolist(),
        "columns": matrix.indices.tolist(),
        "values": [repr(float(v)) for v in matrix.data],
    }


strings = [
    "",
    "a",
    "ab",
    "abc",
    "abcd",
    "abcde",
    "city=Paris",
    "city=São Paulo",
    "city=Washington, D.C.",
    "x1",
    "Zürich",
    "日本語のテキスト",
    "emoji 😀 here",
    "The quick brown fox jumps over the lazy dog",
    "long " * 200,
]
murmur = [{"text": s, "hash": int(murmurhash3_32(s, seed=0)), "unsigned": int(murmurhash3_32(s, seed=0, positive=True))} for s in strings]
murmur += [{"text": "seeded", "seed": 42, "hash": int(murmurhash3_32("seeded", seed=42))}]

expected = {
    "ols": {
        "formula": "y ~ C(city) + C(kind) + x1 + x2",
        "names": names[1:],
        "intercept": repr(float(fit.params.iloc[0])),
        "coefficients": [repr(float(v)) for v in fit.params.values[1:]],
        "interceptStandardError": repr(float(fit.bse.iloc[0])),
        "standardErrors": [repr(float(v)) for v in fit.bse.values[1:]],
        "r2": repr(float(fit.rsquared)),
        "degreesOfFreedom": int(fit.df_resid),
    },
    "olsWithoutIntercept": {
        "formula": "y ~ 0 + city + kind + x1 + x2",
        "names": list(origin.params.index),
        "coefficients": [repr(float(v)) for v in origin.params.values],
        "standardErrors": [repr(float(v)) for v in origin.bse.values],
    },
    "hashed": [hashed(4), hashed(18)],
    "murmurhash3": murmur,
}
with open(os.path.join(here, "expected.json"), "w") as out:
    json.dump(expected, out, indent=1, ensure_ascii=False)
    out.write("\n")
print("names:", names)

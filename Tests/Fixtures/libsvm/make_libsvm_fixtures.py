"""Writes the libsvm fixtures of Tests/Fixtures/libsvm with scikit-learn itself, so that the
libsvm reader is tested against files as dump_svmlight_file writes them and against what
load_svmlight_file reads back from them.

Outputs:
  random.svm          a 200×50 matrix at about 10% density, 1-based indices (libsvm's own)
  random_zero.svm     the same rows with 0-based indices (zero_based=True)
  random.json         what load_svmlight_file reads from each: indptr, indices, data, y and the
                      width; values as 17-digit decimals, which give back the exact doubles

The values carry every digit a double has (dump_svmlight_file writes 16 of them), some are
negative, a few rows are empty (the file holds only their target) and the targets are
non-integers. Run: python3 make_libsvm_fixtures.py (numpy, scipy, scikit-learn)."""
import json

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file, load_svmlight_file

rows, columns = 200, 50
rng = np.random.default_rng(20260511)
x = sp.random(rows, columns, density=0.1, format="csr", random_state=rng, data_rvs=lambda n: rng.normal(0, 3, n))
x.data *= 10.0 ** rng.integers(-6, 7, size=x.data.size)  # magnitudes from 1e-6 to 1e6
x = x.tolil()
for empty in (0, 17, 101, 199):  # the first, two inside, the last
    x[empty, :] = 0
x = x.tocsr()
x.eliminate_zeros()
y = rng.normal(5, 10, rows)

dump_svmlight_file(x, y, "random.svm", zero_based=False)
dump_svmlight_file(x, y, "random_zero.svm", zero_based=True)


def read(path, zero_based):
    matrix, target = load_svmlight_file(path, zero_based=zero_based)
    return {
        "indptr": matrix.indptr.tolist(),
        "indices": matrix.indices.tolist(),
        "data": [repr(float(v)) for v in matrix.data],
        "y": [repr(float(v)) for v in target],
        "features": matrix.shape[1],
    }


one, zero = read("random.svm", False), read("random_zero.svm", True)
assert one == zero, "the 1-based and 0-based files must read the same"
assert all(one["indptr"][i] == one["indptr"][i + 1] for i in (0, 17, 101, 199))
with open("random.json", "w") as f:
    json.dump(one, f, indent=None)
    f.write("\n")

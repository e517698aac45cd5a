"""Cross-validated lasso path beside scikit-learn's LassoCV: issue 32's goal "lasso path with
10-fold CV on 100k×200 ≤ 1× LassoCV(n_jobs=1)" as one ratio.

    python Benchmarks/Paths/compare_lasso_cv.py MBGD [--rows 100000] [--features 200] [--folds 10]
        [--repeats 3] [--markdown FILE]

One dense float64 .npy is written (a sparse true model, 20 of the features nonzero, plus noise;
the target is its last column). Both sides are timed as whole processes from outside, the median
of --repeats runs:
- `MBGD solve data.npy --l1 cv --folds K --json`: 100 alphas from alpha_max down to 1e-3 of it,
  K seeded folds, every solution to a duality gap of 1e-12 of the targets' variance, then the
  refit path on every row;
- a Python process that loads the same .npy with numpy and runs
  LassoCV(cv=K, n_jobs=1).fit(X, y): the same grid (alphas=100, eps=1e-3), unshuffled KFold,
  its default tol=1e-4 (a looser stop: its gaps are compared against tol·‖y‖²).
Their chosen alphas are printed beside the times (the folds differ, so they agree only roughly).
Prints one markdown line (and appends it to --markdown when given).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

SKLEARN = """
import sys, numpy as np
from sklearn.linear_model import LassoCV
data = np.load(sys.argv[1])
X, y = data[:, :-1], data[:, -1]
model = LassoCV(cv=int(sys.argv[2]), n_jobs=1, alphas=100, eps=1e-3).fit(X, y)
print(model.alpha_)
"""


def timed(command):
    start = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mbgd")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=200)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--markdown")
    args = parser.parse_args()

    rng = np.random.default_rng(32)
    n, p = args.rows, args.features
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2, size=p) + rng.normal(size=p)
    beta = np.zeros(p)
    beta[rng.choice(p, size=min(20, p), replace=False)] = rng.normal(scale=2, size=min(20, p))
    y = X @ beta + 3 + rng.normal(scale=2, size=n)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lasso.npy")
        np.save(path, np.column_stack([X, y]))
        ours, theirs = [], []
        for _ in range(args.repeats):
            seconds, output = timed([args.mbgd, "solve", path, "--l1", "cv", "--folds", str(args.folds), "--json"])
            ours.append(seconds)
            alpha = json.loads(output)["regularization"]["alpha"]
            seconds, output = timed([sys.executable, "-c", SKLEARN, path, str(args.folds)])
            theirs.append(seconds)
            sklearn_alpha = float(output.strip())
    mine, reference = statistics.median(ours), statistics.median(theirs)
    from sklearn import __version__ as sklearn_version

    line = (
        f"| lasso path, {args.folds}-fold CV, {n}×{p} dense, 100 alphas | mbgd solve --l1 cv {mine:.2f} s "
        f"(alpha {alpha:.4g}) | LassoCV(n_jobs=1) {reference:.2f} s (alpha {sklearn_alpha:.4g}, scikit-learn {sklearn_version}) "
        f"| {mine / reference:.2f}× | {platform.machine()}, {os.cpu_count()} cores, {datetime.date.today()} |"
    )
    print(line)
    if args.markdown:
        with open(args.markdown, "a") as out:
            out.write(line + "\n")


if __name__ == "__main__":
    main()

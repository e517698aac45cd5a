"""Sparse descent beside the field's tools, on an RCV1-shaped set made here (one run; ratios).

    python Benchmarks/Sparse/compare_sparse.py MBGD [--rows 200000] [--features 47236] [--nnz 53]

Writes the set as libsvm (scikit-learn's dump_svmlight_file) and as raw CSR arrays, then times:
scikit-learn's load_svmlight_file; one epoch of SGDRegressor (batch 1, constant rate, rows in
order, no penalty); the naive C loop (naive_sgd.c, -O3 -march=native); and mbgd's sparse epoch,
from two whole runs (E and E + 10 epochs, the same options) so that parsing and the LSQR
reference cancel out. Every run trains the same problem: batch 1, the same constant rate, rows
in order, no standardizing, no averaging, no penalty.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file, load_svmlight_file
from sklearn.linear_model import SGDRegressor


def make(rows, features, nnz, seed):
    rng = np.random.default_rng(seed)
    counts = np.clip(rng.poisson(nnz, rows), 1, features)
    cdf = np.cumsum(1.0 / (np.arange(features) + 10.0))
    cdf /= cdf[-1]
    draws = np.minimum(np.searchsorted(cdf, rng.random(counts.sum())), features - 1)
    row_of = np.repeat(np.arange(rows), counts)
    # One entry per (row, column): repeated draws within a row merge.
    keys = np.unique(row_of.astype(np.int64) * features + draws)
    r, cidx = keys // features, keys % features
    x = sp.csr_matrix((rng.exponential(1.0, keys.size), (r, cidx)), shape=(rows, features))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    x = sp.diags(1 / norms) @ x
    truth = np.zeros(features)
    active = rng.choice(features, max(1, features // 20), replace=False)
    truth[active] = rng.normal(0, 3, active.size)
    y = x @ truth + 0.5 + 0.1 * rng.standard_normal(rows)
    return x.tocsr(), y


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mbgd")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=47_236)
    parser.add_argument("--nnz", type=float, default=53)
    parser.add_argument("--rate", type=float, default=0.05)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="sparse-compare-")
    x, y = make(args.rows, args.features, args.nnz, 0)
    path = os.path.join(folder, "data.svm")
    dump_svmlight_file(x, y, path, zero_based=False)
    x.indptr.astype(np.int64).tofile(os.path.join(folder, "indptr.i64"))
    x.indices.astype(np.int32).tofile(os.path.join(folder, "indices.i32"))
    x.data.astype(np.float64).tofile(os.path.join(folder, "data.f64"))
    y.astype(np.float64).tofile(os.path.join(folder, "y.f64"))
    print(f"{args.rows} rows × {args.features} features, {x.nnz} nonzeros, {os.path.getsize(path) / 1e6:.0f} MB of libsvm text")

    seconds, _ = timed(lambda: load_svmlight_file(path))
    print(f"load_svmlight_file: {seconds:.2f} s")
    model = SGDRegressor(
        penalty=None, learning_rate="constant", eta0=args.rate, max_iter=1, tol=None, shuffle=False, average=False)
    seconds, _ = timed(lambda: model.fit(x, y))
    sklearn_rows = args.rows / seconds
    print(f"SGDRegressor, one epoch: {seconds:.3f} s, {sklearn_rows:.3g} rows/s")

    here = os.path.dirname(os.path.abspath(__file__))
    binary = os.path.join(folder, "naive_sgd")
    subprocess.run(["cc", "-O3", "-march=native", os.path.join(here, "naive_sgd.c"), "-o", binary], check=True)
    out = subprocess.run([binary, folder, str(args.rate), "10"], check=True, capture_output=True, text=True).stdout
    c_seconds = float(out.split()[0])
    print(f"naive C loop: {out.strip()}")

    def run(epochs):
        command = [args.mbgd, "fit", path, "--batch-size", "1", "--epochs", str(epochs), "--no-shuffle", "--learning-rate",
                   str(args.rate), "--no-standardize", "--no-average", "--no-early-stopping", "--json"]
        return timed(lambda: subprocess.run(command, check=True, capture_output=True))[0]

    short = min(run(1) for _ in range(3))
    long = min(run(11) for _ in range(3))
    mbgd_seconds = (long - short) / 10
    print(f"mbgd sparse epoch (from 1 and 11 epochs, best of 3 each): {mbgd_seconds:.3f} s, {args.rows / mbgd_seconds:.3g} rows/s "
          "(each epoch also evaluates the cost over every row)")
    print(f"ratios: mbgd / naive C {c_seconds / mbgd_seconds:.2f}×, mbgd / SGDRegressor {args.rows / mbgd_seconds / sklearn_rows:.2f}× (throughput)")


if __name__ == "__main__":
    sys.exit(main())

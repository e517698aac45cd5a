"""A text-like sparse regression set in libsvm format, RCV1-shaped by default.

Rows have a Poisson number of nonzeros (mean --nnz), columns drawn from a Zipf-like law (a few
frequent terms, a long tail), values tf-idf-like and each row normalized to unit length, as
RCV1's are; the target is a sparse linear model of the rows plus Gaussian noise. Written with
scikit-learn's dump_svmlight_file (1-based indices).

    python Scripts/make_sparse_text_data.py OUT.svm [--rows 200000] [--features 47236] [--nnz 53] [--seed 0]
"""

import argparse

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=47_236)
    parser.add_argument("--nnz", type=float, default=53.0)
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n, p = args.rows, args.features
    counts = np.clip(rng.poisson(args.nnz, n), 1, p)
    # Column frequencies ∝ 1/(rank + 10): heavy-tailed, as words in text.
    weights = 1.0 / (np.arange(p) + 10.0)
    weights /= weights.sum()
    indptr = np.concatenate([[0], np.cumsum(counts)])
    indices = np.empty(indptr[-1], dtype=np.int64)
    for i in range(n):
        indices[indptr[i] : indptr[i + 1]] = np.sort(rng.choice(p, counts[i], replace=False, p=weights))
    data = rng.exponential(1.0, indptr[-1])
    x = sp.csr_matrix((data, indices, indptr), shape=(n, p))
    norms = np.sqrt(x.multiply(x).sum(axis=1)).A1
    x = sp.diags(1 / norms) @ x
    truth = np.zeros(p)
    active = rng.choice(p, max(1, p // 20), replace=False)
    truth[active] = rng.normal(0, 3, active.size)
    y = x @ truth + 0.5 + args.noise * rng.standard_normal(n)
    dump_svmlight_file(x, y, args.out, zero_based=False)


if __name__ == "__main__":
    main()

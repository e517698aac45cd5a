"""Our own numpy implementation of the seed article's loop, for side-by-side timing with
`mbgd bench`: per batch h = X_b @ θ + c, r = h − y_b, g = X_bᵀ r / b, θ −= η·g, c −= η·mean(r);
rows shuffled every epoch (one permuted copy per epoch, timed with the epoch, then contiguous slices), features
standardized once beforehand, mean reduction, the same synthetic recipe as `mbgd bench`
(X ~ N(0, 1), y = X·w + 1 + N(0, 0.1²)). Throughput is training rows per second through the
batch loop, the median over epochs. Prints one JSON object.

Usage: python3 minibatch_numpy.py --rows 7200 --features 1 --batch-sizes 1,8,32,full [--lstsq]
"""
import argparse
import json
import time

import numpy as np


def blas_info():
    """Which BLAS numpy was built against, and the library it loaded."""
    try:
        config = np.show_config(mode="dicts")
        blas = config.get("Build Dependencies", {}).get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older numpy
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=16)
    parser.add_argument("--batch-sizes", default="1,8,32,128,512,2048,full")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lstsq", action="store_true", help="also time numpy.linalg.lstsq on the same data")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    n, d = args.rows, args.features
    w = rng.standard_normal(d)
    X = rng.standard_normal((n, d))
    y = X @ w + 1 + 0.1 * rng.standard_normal(n)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    rate = args.learning_rate if args.learning_rate is not None else 0.5 / (d + 1)

    results = []
    for item in args.batch_sizes.split(","):
        b = n if item.strip() == "full" else int(item)
        theta, c = np.zeros(d), 0.0
        seconds = []
        for _ in range(args.epochs):
            # The shuffle is part of an epoch's cost, as in mbgd's figures.
            start = time.perf_counter()
            order = rng.permutation(n)
            Xe, ye = Xs[order], y[order]
            for first in range(0, n, b):
                Xb, yb = Xe[first:first + b], ye[first:first + b]
                r = Xb @ theta + c - yb
                theta -= rate * (Xb.T @ r) / len(yb)
                c -= rate * r.mean()
            seconds.append(time.perf_counter() - start)
        median = sorted(seconds)[len(seconds) // 2]
        cost = 0.5 * np.mean((Xs @ theta + c - y) ** 2)
        results.append({"batchSize": b, "samplesPerSecond": n / median, "secondsPerEpoch": median, "finalCost": float(cost)})

    report = {"config": {"rows": n, "features": d, "epochs": args.epochs, "learningRate": rate,
                         "numpy": np.__version__, "blas": blas_info()},
              "results": results}
    if args.lstsq:
        A = np.hstack([np.ones((n, 1)), X])
        times = []
        for _ in range(3):
            start = time.perf_counter()
            np.linalg.lstsq(A, y, rcond=None)
            times.append(time.perf_counter() - start)
        report["lstsqSeconds"] = sorted(times)[1]
    print(json.dumps(report))


if __name__ == "__main__":
    main()

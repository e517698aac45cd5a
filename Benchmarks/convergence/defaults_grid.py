"""Runs `mbgd fit FILE --json` with every option at its default on a grid of generated data
sets and reports how close each fit ends to the closed form, and how long it took.

The grid: 16, 200, 2000 and 20000 rows; 1, 5 and 20 features; the standardized features'
correlation matrix with condition number 1, 30 or 1000 (its eigenvalues spaced evenly on a log
scale under a random rotation); two noise levels; features scaled by 0.1 to 10 and shifted by
up to 50; the target rescaled to spread over 100 units around 50. 56 sets in all.

Usage: python3 defaults_grid.py --mbgd .build/release/mbgd [--keep DIR]"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np


def make(path, n, p, kappa, noise, seed):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    eigenvalues = np.geomspace(1, 1 / kappa, p) if p > 1 else np.array([1.0])
    cov = (q * eigenvalues) @ q.T
    d = np.sqrt(np.diag(cov))
    cov = cov / np.outer(d, d)
    x = rng.standard_normal((n, p)) @ np.linalg.cholesky(cov + 1e-15 * np.eye(p)).T
    x = x * rng.uniform(0.1, 10, p) + rng.uniform(-50, 50, p)
    y = x @ rng.standard_normal(p) + noise * rng.standard_normal(n)
    y = (y - y.mean()) / y.std() * 100 + 50
    header = ",".join([f"x{j}" for j in range(p)] + ["y"])
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header=header, comments="")
    z = (x - x.mean(0)) / x.std(0)
    return np.linalg.cond(np.column_stack([np.ones(n), z])) ** 2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mbgd", required=True)
    parser.add_argument("--keep", help="write the data sets here instead of a temporary folder")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="mbgd-grid-")
    os.makedirs(folder, exist_ok=True)
    print("| rows | features | κ of H | noise | gap | epochs | stop | seconds |")
    print("|---:|---:|---:|---:|---:|---:|---|---:|")
    gaps, index = [], 0
    for n in [16, 200, 2000, 20000]:
        for p in [1, 5, 20]:
            for kappa in [1, 30, 1000]:
                if p == 1 and kappa > 1:
                    continue
                for noise in [0.1, 1.0]:
                    path = os.path.join(folder, f"d{index}.csv")
                    hessian_kappa = make(path, n, p, kappa, noise * p ** 0.5, index)
                    start = time.perf_counter()
                    run = subprocess.run([args.mbgd, "fit", path, "--json"], capture_output=True, text=True)
                    seconds = time.perf_counter() - start
                    if run.returncode != 0:
                        print(f"| {n} | {p} | {hessian_kappa:.3g} | {noise} | exit {run.returncode}: {run.stderr.strip()} | | | |")
                    else:
                        out = json.loads(run.stdout)
                        gap = out["closedForm"]["relativeDifference"]
                        gaps.append(gap)
                        print(f"| {n} | {p} | {hessian_kappa:.3g} | {noise} | {gap:.2e} | {out['history']['epochsRun']} "
                              f"| {out['history']['stopReason']} | {seconds:.2f} |")
                    index += 1
    gaps = np.array(gaps)
    print(f"\n{len(gaps)} of {index} fits exited 0; within 1e-2: {(gaps <= 1e-2).sum()}, within 1e-3: {(gaps <= 1e-3).sum()}")


if __name__ == "__main__":
    main()

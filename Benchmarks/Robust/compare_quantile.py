"""Quantile regression's exact solve beside scipy's HiGHS on the same linear program: issue 29's
goal "the quantile LP on 20k×20 within 1× of scipy.optimize.linprog(method='highs')" as a ratio
of whole processes, medians.

    python Benchmarks/Robust/compare_quantile.py MBGD [--rows 20000] [--features 20]
        [--quantile 0.9] [--repeats 3] [--markdown FILE]

One CSV is written (seeded: standard normal columns, Student-t noise with 3 degrees of freedom,
the target last). Both sides read it:
- `MBGD solve FILE --target y --loss quantile --quantile Q --json`: Frisch–Newton interior point
  on the dual, then a checked vertex, its duality gap the certificate;
- a Python process that loads the CSV with numpy and solves min τ·1ᵀu + (1 − τ)·1ᵀv subject to
  [1 X]·(β⁺ − β⁻) + u − v = y, all variables ≥ 0, by linprog(method="highs") on a sparse
  equality matrix.
The two objectives are printed beside the times (they must agree). Prints one markdown line
(appended to --markdown when given).
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

HIGHS = """
import sys, numpy as np, scipy.sparse as sp
from scipy.optimize import linprog
data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
tau = float(sys.argv[2])
X = np.column_stack([np.ones(len(data)), data[:, :-1]])
y = data[:, -1]
n, p = X.shape
c = np.concatenate([np.zeros(2 * p), tau * np.ones(n), (1 - tau) * np.ones(n)])
A = sp.hstack([sp.csr_matrix(X), sp.csr_matrix(-X), sp.identity(n), -sp.identity(n)]).tocsr()
result = linprog(c, A_eq=A, b_eq=y, bounds=(0, None), method="highs")
print(repr(result.fun))
"""


def timed(command):
    start = time.perf_counter()
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mbgd")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--quantile", type=float, default=0.9)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--markdown")
    args = parser.parse_args()

    rng = np.random.default_rng(30)
    n, p = args.rows, args.features
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + 1 + rng.standard_t(3, size=n)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "quantile.csv")
        with open(path, "w") as out:
            out.write(",".join([f"x{j}" for j in range(p)] + ["y"]) + "\n")
            np.savetxt(out, np.column_stack([X, y]), delimiter=",", fmt="%.17g")
        ours, theirs = [], []
        for _ in range(args.repeats):
            seconds, output = timed(
                [args.mbgd, "solve", path, "--target", "y", "--loss", "quantile", "--quantile", repr(args.quantile), "--json"])
            ours.append(seconds)
            objective = json.loads(output)["objective"]
            seconds, output = timed([sys.executable, "-c", HIGHS, path, repr(args.quantile)])
            theirs.append(seconds)
            reference = float(output.strip())
    mine, highs = statistics.median(ours), statistics.median(theirs)
    from scipy import __version__ as scipy_version

    line = (
        f"| quantile LP, τ = {args.quantile}, {n}×{p} | mbgd solve --loss quantile {mine:.2f} s (objective {objective:.12g}) "
        f"| linprog(highs) {highs:.2f} s (objective {reference:.12g}, scipy {scipy_version}) | {mine / highs:.3f}× "
        f"| {platform.machine()}, {os.cpu_count()} cores, {datetime.date.today()} |"
    )
    print(line)
    if args.markdown:
        with open(args.markdown, "a") as out:
            out.write(line + "\n")


if __name__ == "__main__":
    main()

"""The exact ridge path beside one closed-form solve and beside scikit-learn's RidgeCV: issue 32's
speed goals for the ridge path, as ratios measured in one run (`make compare` runs it).

    python Benchmarks/Paths/compare_ridge.py MBGD [--repeats 5] [--markdown Benchmarks/results/paths.md]

Two problems are made here with numpy (seeded): 1,000,000 × 32 (a target column last, in a .npy
file) and 10,000 × 1,000 (the same layout). Every figure is a whole process timed from outside,
the median of --repeats runs (a run over 30 s is not repeated):
- the path: `mbgd solve FILE --target y --ridge loo` (100 alphas over the spectrum, exact
  leave-one-out, the refit, its report); one solve: `mbgd solve FILE --target y` (the refined
  closed form with every statistic). Goal: path ≤ 1.2 × one solve on 1M × 32.
- RidgeCV: a Python process that loads the same .npy and fits `RidgeCV(alphas=…)` on the 100
  alphas mbgd's path used (read from its --json), leave-one-out as mbgd computes it; its
  `alpha_` is checked against mbgd's. Goal: mbgd ≤ 0.5 × RidgeCV on 10k × 1000.
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
from importlib.metadata import version

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LINES = []


def say(line=""):
    print(line, flush=True)
    LINES.append(line)


def make(path, rows, features, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, features)) * (1 + np.arange(features) % 5) + np.arange(features) % 3
    beta = rng.standard_normal(features) * (rng.random(features) < 0.3)
    y = 2 + x @ beta + 3 * rng.standard_normal(rows)
    np.save(path, np.column_stack([x, y]))


def median_time(command, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if times[-1] > 30:
            break
    return statistics.median(times), times


RIDGECV = """
import sys, json, numpy as np
from sklearn.linear_model import RidgeCV
data = np.load(sys.argv[1]); alphas = json.loads(sys.argv[2])
model = RidgeCV(alphas=alphas).fit(data[:, :-1], data[:, -1])
print(model.alpha_)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mbgd", help="the mbgd binary (a release build)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--markdown", help="write the results here")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    goals = []
    with tempfile.TemporaryDirectory() as folder:
        tall, wide = os.path.join(folder, "tall.npy"), os.path.join(folder, "wide.npy")
        make(tall, 1_000_000, 32, 1)
        make(wide, 10_000, 1_000, 2)

        solve, solve_runs = median_time([args.mbgd, "solve", tall, "--target", "32"], args.repeats)
        path, path_runs = median_time([args.mbgd, "solve", tall, "--target", "32", "--ridge", "loo"], args.repeats)
        say(f"1,000,000 x 32: one solve {solve:.3f} s (runs {', '.join(f'{t:.3f}' for t in solve_runs)})")
        say(f"1,000,000 x 32: ridge path of 100 alphas {path:.3f} s (runs {', '.join(f'{t:.3f}' for t in path_runs)})")
        goals.append(("ridge path of 100 alphas, vs one solve, 1M x 32", path / solve, "≤ 1.2×", path / solve <= 1.2))

        report = json.loads(subprocess.run([args.mbgd, "solve", wide, "--target", "1000", "--ridge", "loo", "--json"],
                                           check=True, capture_output=True, text=True).stdout)
        alphas = report["regularization"]["alphas"]
        ours, our_runs = median_time([args.mbgd, "solve", wide, "--target", "1000", "--ridge", "loo"], args.repeats)
        command = [sys.executable, "-c", RIDGECV, wide, json.dumps(alphas)]
        theirs, their_runs = median_time(command, args.repeats)
        chosen = float(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        agree = abs(chosen - report["regularization"]["alpha"]) <= 1e-12 * chosen
        say(f"10,000 x 1,000: mbgd's ridge path {ours:.3f} s, RidgeCV {theirs:.3f} s "
            f"(runs {', '.join(f'{t:.2f}' for t in their_runs)}); alpha_ {chosen:.6g}, mbgd's {report['regularization']['alpha']:.6g}"
            + ("" if agree else " — THEY DIFFER"))
        goals.append(("ridge path, vs RidgeCV, 10k x 1000", ours / theirs, "≤ 0.5×", ours / theirs <= 0.5))

    say()
    say("| goal | measured | target | |")
    say("|---|---|---|---|")
    for name, ratio, target, met in goals:
        say(f"| {name} | {ratio:.3g}× | {target} | {'met' if met else 'not met'} |")
    if args.markdown:
        write_markdown(args, started)


def write_markdown(args, started):
    def cpu():
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        return platform.processor()
    commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    header = [
        "# The ridge path against one solve and scikit-learn's RidgeCV (issue 32's goals)",
        "",
        f"Made by `{' '.join(os.path.relpath(a) if os.path.exists(a) else a for a in sys.argv)}` on {started:%Y-%m-%d %H:%M} UTC;",
        f"{cpu()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; source tree at {commit};"
        f" Python {platform.python_version()}, numpy {np.__version__}, scikit-learn {version('scikit-learn')}.",
        "How each figure is measured is in the script's docstring (Benchmarks/Paths/compare_ridge.py).",
        "",
    ]
    with open(args.markdown, "w") as f:
        f.write("\n".join(header + ["```"] + [l for l in LINES if not l.startswith("|")] + ["```", ""]
                          + [l for l in LINES if l.startswith("|")]) + "\n")
    print(f"wrote {args.markdown}")


if __name__ == "__main__":
    sys.exit(main())

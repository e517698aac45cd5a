"""`make compare`: runs `mbgd bench` and our numpy loop (numpy/minibatch_numpy.py) on the same
shapes in one go, prints one table per workload (batch size, our samples/s, numpy samples/s,
ratio), times the closed form against numpy.linalg.lstsq, times `mbgd solve` of a 1M x 32 CSV
(load and solve) against pandas.read_csv alone on the same file, and writes results/compare.md
and results/throughput.svg for the README.

numpy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they are set on some machines
for the system OpenBLAS and would slow numpy's own bundled OpenBLAS); the BLAS numpy uses is
printed with the results.
"""
import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = [("seed", 7200, 1), ("wide", 100_000, 64)]
BATCHES = "1,8,32,128,512,2048,full"


def run_json(command, env=None):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout)


def numpy_env():
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    return env


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def svg_plot(series, path):
    """Samples/s against batch size, both axes logarithmic."""
    width, height, left, right, top, bottom = 760, 480, 90, 24, 48, 64
    xs = [x for _, points, _ in series for x, _ in points]
    ys = [y for _, points, _ in series for _, y in points]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    pw, ph = width - left - right, height - top - bottom
    px = lambda x: left + (math.log10(x) - x0) / (x1 - x0) * pw
    py = lambda y: top + (1 - (math.log10(y) - y0) / (y1 - y0)) * ph
    out = [f'<?xml version="1.0" encoding="UTF-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">Training throughput: MiniBatchGD against a numpy loop</text>']
    for e in range(x0, x1 + 1):
        out.append(f'<line x1="{px(10 ** e):.1f}" y1="{top}" x2="{px(10 ** e):.1f}" y2="{top + ph}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{px(10 ** e):.1f}" y="{top + ph + 18}" text-anchor="middle">{10 ** e:g}</text>')
    for e in range(y0, y1 + 1):
        out.append(f'<line x1="{left}" y1="{py(10 ** e):.1f}" x2="{left + pw}" y2="{py(10 ** e):.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{left - 8}" y="{py(10 ** e) + 4:.1f}" text-anchor="end">1e{e}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    out.append(f'<text x="{left + pw / 2}" y="{height - 18}" text-anchor="middle">batch size (log)</text>')
    out.append(f'<text transform="translate(20 {top + ph / 2}) rotate(-90)" text-anchor="middle">training samples per second (log)</text>')
    for index, (name, points, (color, dash)) in enumerate(series):
        line = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}" points="{line}"/>')
        for x, y in points:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"/>')
        ly = top + 18 + 18 * index
        out.append(f'<line x1="{left + 12}" y1="{ly - 4}" x2="{left + 36}" y2="{ly - 4}" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>')
        out.append(f'<text x="{left + 42}" y="{ly}">{name}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def csv_against_pandas(mbgd, repeats=3):
    """Seconds for `mbgd solve` of a 1M x 32 CSV (load and solve, the whole process) and for
    pandas.read_csv alone on the same file; medians of `repeats` alternating runs, page cache warm."""
    import tempfile
    import time
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1_000_000, 32))
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(1, 33)])
    frame["y"] = x @ rng.standard_normal(32) + rng.standard_normal(1_000_000)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "big.csv")
        frame.to_csv(path, index=False)  # 17 significant digits, as pandas writes doubles
        size = os.path.getsize(path)
        del frame, x
        ours, theirs = [], []
        pd.read_csv(path)  # warm the page cache
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([mbgd, "solve", path, "--target", "y", "--json"], check=True, capture_output=True)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            pd.read_csv(path)
            theirs.append(time.perf_counter() - start)
    return sorted(ours)[repeats // 2], sorted(theirs)[repeats // 2], size, pd.__version__


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mbgd", required=True, help="path of the built mbgd")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    results_dir = os.path.join(HERE, "results")
    os.makedirs(results_dir, exist_ok=True)

    lines = []
    series = []
    core = None
    numpy_blas = None
    colors = {"seed": "#1f77b4", "wide": "#d62728"}
    for name, rows, features in WORKLOADS:
        ours = run_json([args.mbgd, "bench", "--json", "--rows", str(rows), "--features", str(features),
                         "--batch-sizes", BATCHES, "--epochs", str(args.epochs)])
        theirs = run_json([sys.executable, os.path.join(HERE, "numpy", "minibatch_numpy.py"), "--rows", str(rows),
                           "--features", str(features), "--batch-sizes", BATCHES, "--epochs", str(args.epochs)], env=numpy_env())
        core = f"{ours['config']['openblasCore']}, {ours['config']['openblasThreads']} threads"
        numpy_blas = f"numpy {theirs['config']['numpy']} with {theirs['config']['blas']}"
        lines.append(f"\n**{name}** ({rows} rows × {features} features, shuffled every epoch, mean gradient, standardized; median of {args.epochs} epochs)\n")
        lines.append("| batch size | MiniBatchGD samples/s | numpy samples/s | ratio |")
        lines.append("|---:|---:|---:|---:|")
        for a, b in zip(ours["results"], theirs["results"]):
            lines.append(f"| {a['batchSize']} | {a['samplesPerSecond']:.3g} | {b['samplesPerSecond']:.3g} | {a['samplesPerSecond'] / b['samplesPerSecond']:.1f}× |")
        series.append((f"MiniBatchGD, {name}", [(r["batchSize"], r["samplesPerSecond"]) for r in ours["results"]], (colors[name], "")))
        series.append((f"numpy, {name}", [(r["batchSize"], r["samplesPerSecond"]) for r in theirs["results"]], (colors[name], "6 4")))

    ours = run_json([args.mbgd, "bench", "--json", "--rows", "1000000", "--features", "32", "--batch-sizes", "full",
                     "--epochs", "1", "--closed-form"])
    theirs = run_json([sys.executable, os.path.join(HERE, "numpy", "minibatch_numpy.py"), "--rows", "1000000", "--features", "32",
                       "--batch-sizes", "full", "--epochs", "1", "--lstsq"], env=numpy_env())
    lines.append("\n**closed form** (1 000 000 rows × 32 features, median of 3)\n")
    lines.append("| solver | seconds | numpy.linalg.lstsq ÷ this | refined (the default of `mbgd solve`), seconds |")
    lines.append("|---|---:|---:|---:|")
    for entry in ours["closedForm"]:
        lines.append(f"| MiniBatchGD {entry['method']} | {entry['seconds']:.3f} | {theirs['lstsqSeconds'] / entry['seconds']:.1f}× "
                     f"| {entry['refinedSeconds']:.3f} |")
    lines.append(f"| numpy.linalg.lstsq | {theirs['lstsqSeconds']:.3f} | 1.0× | |")

    ours_csv, pandas_csv, size, pandas_version = csv_against_pandas(args.mbgd)
    lines.append(f"\n**CSV** (1 000 000 rows × 33 columns as pandas writes them, {size / 1e6:.0f} MB, page cache warm, median of 3)\n")
    lines.append("| | seconds | pandas.read_csv ÷ this |")
    lines.append("|---|---:|---:|")
    lines.append(f"| `mbgd solve` (load, solve and refine: the whole process) | {ours_csv:.2f} | {pandas_csv / ours_csv:.2f}× |")
    lines.append(f"| pandas {pandas_version} `read_csv` alone | {pandas_csv:.2f} | 1.00× |")

    header = (f"Measured {datetime.date.today().isoformat()} on {cpu_name()} ({os.cpu_count()} cores); "
              f"MiniBatchGD on OpenBLAS {core}; {numpy_blas}.")
    text = header + "\n" + "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(results_dir, "compare.md"), "w") as f:
        f.write(text)
    svg_plot(series, os.path.join(results_dir, "throughput.svg"))
    print(f"wrote {os.path.join(results_dir, 'compare.md')} and {os.path.join(results_dir, 'throughput.svg')}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Data-parallel scaling of mbgd-mpi, measured and modelled (`make scaling`).

Measures on this machine, in one run: the closed form (`mbgd-mpi solve`, end to end) and a
full-batch epoch (the difference of two fits of E1 and E2 epochs, so start-up, mapping, checks and
the reference solve cancel) on 1 and 2 ranks of a ROWS x FEATURES float64 .npy, and the time of the
sum over 2 ranks that every update makes, for the gradient sizes of p = 32, 128, 512 and 2048
features. Every rank runs OpenBLAS on one thread (one core per rank). Medians of REPEATS runs,
the rank counts alternating.

Then the model: on a cluster of K ranks linked by Ethernet of bandwidth BETA with a latency ALPHA
per message, an update's sum takes ceil(log2 K) * (ALPHA + 8d/BETA) (recursive doubling, what
Open MPI uses for vectors this small), and a rank's share of a batch of b rows takes
(b/K) * 8(p+1) / S, with S the bytes per second one rank streams (measured here by the 1-rank
full-batch epoch, which reads its rows twice: the gradient pass and the epoch's cost pass). Communication equals computation at
b* = K * S * t_sum / (8(p+1)).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

import numpy as np


def timed(command, environment):
    start = time.perf_counter()
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return elapsed, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", default=".build/release/mbgd-mpi")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, nargs=2, default=[5, 25])
    parser.add_argument("--alpha", type=float, default=30e-6, help="assumed Ethernet latency per message (s)")
    parser.add_argument("--beta", type=float, default=25e9 / 8, help="assumed Ethernet bandwidth (bytes/s)")
    parser.add_argument("--folder", default="Benchmarks/.build/scaling")
    parser.add_argument("--output", default="Benchmarks/results/scaling.md")
    arguments = parser.parse_args()

    os.makedirs(arguments.folder, exist_ok=True)
    path = os.path.join(arguments.folder, f"scaling-{arguments.rows}x{arguments.features}.npy")
    if not os.path.exists(path):
        rng = np.random.default_rng(7)
        x = rng.standard_normal((arguments.rows, arguments.features))
        y = x @ rng.standard_normal(arguments.features) + 3 + 0.1 * rng.standard_normal(arguments.rows)
        np.save(path, np.column_stack([x, y]))
    environment = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")

    def launch(ranks, *command):
        return ["mpirun", "--oversubscribe", "--bind-to", "core", "-np", str(ranks), arguments.tool, *command]

    first, second = arguments.epochs
    fit = ["fit", path, "--batch-size", "full", "--learning-rate", "0.1", "--no-early-stopping", "--no-average", "--json"]
    samples = {(kind, ranks): [] for kind in ["solve", "epoch"] for ranks in [1, 2]}
    timed(launch(1, "solve", path, "--json"), environment)  # page cache warm
    for _ in range(arguments.repeats):
        for ranks in [1, 2]:
            samples[("solve", ranks)].append(timed(launch(ranks, "solve", path, "--json"), environment)[0])
            short = timed(launch(ranks, *fit, "--epochs", str(first)), environment)[0]
            long = timed(launch(ranks, *fit, "--epochs", str(second)), environment)[0]
            samples[("epoch", ranks)].append((long - short) / (second - first))
    median = {key: statistics.median(values) for key, values in samples.items()}

    sizes = {p: (p + 1) + 3 for p in [32, 128, 512, 2048]}
    exchange = json.loads(
        timed(launch(2, "exchange", *sum((["--doubles", str(d)] for d in sizes.values()), []), "--json"), environment)[1])
    local_sum = {entry["doubles"]: entry["medianSeconds"] for entry in exchange["exchanges"]}

    p = arguments.features
    streamed = 2 * arguments.rows * (p + 1) * 8 / median[("epoch", 1)]  # bytes/s: two passes an epoch
    lines = [
        f"# Scaling of mbgd-mpi ({time.strftime('%Y-%m-%d')}, {os.uname().nodename}, {os.cpu_count()} cores)",
        "",
        f"{arguments.rows} x {p} float64 .npy, OpenBLAS on one thread per rank, medians of {arguments.repeats} runs.",
        "",
        "| | 1 rank | 2 ranks | ratio |",
        "|---|---|---|---|",
    ]
    for kind, label in [("solve", "`mbgd-mpi solve` (end to end)"), ("epoch", "full-batch epoch")]:
        one, two = median[(kind, 1)], median[(kind, 2)]
        lines.append(f"| {label} | {one * 1e3:.1f} ms | {two * 1e3:.1f} ms | {one / two:.2f}x |")
    lines += ["", "Sum over 2 ranks on this machine (shared memory), per update:", ""]
    for features, doubles in sizes.items():
        lines.append(f"- p = {features}: {doubles} doubles, median {local_sum[doubles] * 1e6:.1f} µs")
    lines += [
        "",
        f"Model: one rank streams S = {streamed / 1e9:.1f} GB/s (the 1-rank epoch: two passes over its rows); "
        f"Ethernet assumed at {arguments.beta * 8 / 1e9:.0f} Gb/s with {arguments.alpha * 1e6:.0f} µs per message.",
        "Batch size b* (rows over all ranks) at which an update's sum takes as long as its computation:",
        "",
        "| ranks | p = 32 | p = 128 | p = 512 | p = 2048 |",
        "|---|---|---|---|---|",
    ]
    for ranks in [8, 64, 512]:
        cells = []
        for features, doubles in sizes.items():
            exchange_seconds = math.ceil(math.log2(ranks)) * (arguments.alpha + 8 * doubles / arguments.beta)
            cells.append(f"{ranks * streamed * exchange_seconds / (8 * (features + 1)):,.0f}")
        lines.append(f"| {ranks} | " + " | ".join(cells) + " |")
    report = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(arguments.output), exist_ok=True)
    with open(arguments.output, "w") as handle:
        handle.write(report)
    print(report)


if __name__ == "__main__":
    main()

"""Sparse descent beside the field's tools, on an RCV1-shaped set made here: issue 28's goals as
ratios measured in one run (`make compare` runs it after the dense comparison).

    python Benchmarks/Sparse/compare_sparse.py MBGD [--rows 200000] [--features 47236] [--nnz 53]
        [--rate 0.05] [--repeats 3] [--long-epochs 61] [--markdown Benchmarks/results/sparse.md]

The set (53 nonzeros a row on average, heavy-tailed column frequencies, rows normalized, a sparse
true model plus noise) is written as libsvm (scikit-learn's dump_svmlight_file), as Vowpal
Wabbit text (the same lines with `|` after the label: the same values and indices), and as raw
CSR arrays for the C loops (naive_sgd.c, cc -O3 -march=native).

Every figure is whole work timed from outside (a process, or one Python call on data already in
memory), the best of --repeats runs (a run over 30 s is not repeated). What each one is:
- mbgd's parse: a whole `mbgd predict` of a saved model over the libsvm file, output to
  /dev/null: process start, the parse into CSR on every core, one sparse product and 200,000
  lines written. An upper bound on the parse; against load_svmlight_file and against Vowpal
  Wabbit's pass over its text (`--sgd`, which also learns; `--noop` is printed beside it).
- mbgd's epoch: two whole `mbgd fit` runs of 1 and --long-epochs epochs with the same options,
  the difference over the epochs between: parsing and the LSQR reference every fit ends with
  cancel out, to their noise over that many epochs (21 epochs were too few on a loaded
  machine: 2 s of parse and LSQR moving by 0.3 s gave negative epochs) (with
  --l2 that reference is a ridge LSQR and can take far longer than the epochs: the whole runs'
  times are printed, and the difference is only as good as their spread). Every run
  trains the same problem: the given constant rate, rows in order, no standardizing, no
  averaging, no early stop, the mean gradient of each batch. The rows compared with the anchors
  report each epoch's running cost (`--epoch-cost running`: its batches' losses before their
  updates, from the residuals the steps have, as Vowpal Wabbit's progressive loss; no pass over
  the rows), as the anchors evaluate nothing (SGDRegressor with tol=None) or a progressive loss
  (VW). The plain rows are also run with `--epoch-cost full` (the default: a cost pass over
  every row at each epoch's end, on every thread), labelled so. `mbgd bench`'s updates-only
  figure (standardized features, automatic rate) is printed for reference.
- Vowpal Wabbit's native driver (vowpalwabbit.Workspace(...) then run_parser(), no
  per-example Python; -b 18, squared loss, one pass): from its cache (made by a first run, then
  a timed pass reading it) with `--sgd` (constant rate, `--power_t 0`) and with its default
  adaptive, normalized, invariant updates, and from text.
- SGDRegressor: one epoch (max_iter=1, tol=None, shuffle=False, constant rate, no penalty) on the
  CSR matrix in memory. It has no mini-batches: its batch-1 figure is the anchor at every batch
  size.
- naive C: batch-1 SGD over the CSR arrays and, at batch B, the same with every residual of a
  batch from the same weights and one mean-gradient scatter; and a read pass summing every
  value and column index (four sums, so it runs at memory speed). 10 epochs a run, per epoch.
- LSQR: `mbgd solve` (LSQR, atol = btol = 1e-10) whole, minus the parse figure above, against
  scikit-learn's Ridge(solver="lsqr", tol=1e-10, alpha=1e-12) fitted on the CSR matrix in memory
  (its intercept by scipy's lsqr on a centring operator); their coefficients' largest difference
  is printed.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import dump_svmlight_file, load_svmlight_file
from sklearn.linear_model import Ridge, SGDRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
LINES = []


def say(line=""):
    print(line, flush=True)
    LINES.append(line)


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


def best(function, repeats):
    """The shortest of `repeats` timed calls (one call only if it took over 30 s) and the last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
        if times[-1] > 30:
            break
    return min(times), result


def process(command):
    return lambda: subprocess.run(command, check=True, capture_output=True, text=True).stdout


def write_vw_text(svm, vw):
    # The libsvm line `y j:v …` becomes `y | j:v …`: the same characters for every value.
    with open(svm, "rb") as source, open(vw, "wb") as target:
        for line in source:
            label, _, rest = line.partition(b" ")
            target.write(label + b" | " + rest if rest else label + b" |\n")


def vw_pass(options):
    import vowpalwabbit

    def run():
        workspace = vowpalwabbit.Workspace(options + " --quiet")
        workspace.run_parser()
        workspace.finish()
    return run


def rows_per_second(rows, seconds):
    return f"{rows / seconds:.3g} rows/s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mbgd", help="the mbgd binary (a release build)")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=47_236)
    parser.add_argument("--nnz", type=float, default=53, help="mean nonzeros a row")
    parser.add_argument("--rate", type=float, default=0.05, help="the constant learning rate of every descent")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each timing; the best is kept")
    parser.add_argument("--long-epochs", type=int, default=61,
                        help="epochs of the long mbgd fit; an epoch is (long − one-epoch run) over one fewer")
    parser.add_argument("--markdown", help="also write the results here, with the machine and versions")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    folder = tempfile.mkdtemp(prefix="sparse-compare-")
    try:
        goals = run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    load_after = os.getloadavg()
    say(f"load average (1, 5, 15 min): {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} before, "
        f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} after")
    if args.markdown:
        write_markdown(args, started, goals)


def run(args, folder):
    repeats = args.repeats
    n = args.rows
    x, y = make(args.rows, args.features, args.nnz, 0)
    path = os.path.join(folder, "data.svm")
    dump_svmlight_file(x, y, path, zero_based=False)
    vw_text = os.path.join(folder, "data.vw")
    write_vw_text(path, vw_text)
    x.indptr.astype(np.int64).tofile(os.path.join(folder, "indptr.i64"))
    x.indices.astype(np.int32).tofile(os.path.join(folder, "indices.i32"))
    x.data.astype(np.float64).tofile(os.path.join(folder, "data.f64"))
    y.astype(np.float64).tofile(os.path.join(folder, "y.f64"))
    megabytes = os.path.getsize(path) / 1e6
    say(f"{n} rows × {args.features} features, {x.nnz} nonzeros, {megabytes:.0f} MB of libsvm text; "
        f"rate {args.rate}; best of {repeats} runs")
    say()

    # Parsing.
    say("## Parse")
    sk_load, _ = best(lambda: load_svmlight_file(path, n_features=args.features), repeats)
    say(f"load_svmlight_file: {sk_load:.2f} s, {megabytes / sk_load:.3g} MB/s, {rows_per_second(n, sk_load)}")
    model = os.path.join(folder, "model.json")
    common = ["--no-shuffle", "--learning-rate", str(args.rate), "--no-standardize", "--no-average", "--no-early-stopping", "--json"]
    subprocess.run([args.mbgd, "fit", path, "--batch-size", "1", "--epochs", "1", *common, "--save-model", model],
                   check=True, capture_output=True)
    mbgd_load, _ = best(process([args.mbgd, "predict", "--model", model, path, "--output", "/dev/null"]), repeats)
    say(f"mbgd predict (whole process: parse, one product, {n} lines out): {mbgd_load:.3f} s, "
        f"{megabytes / mbgd_load:.3g} MB/s, {rows_per_second(n, mbgd_load)}")
    cache = os.path.join(folder, "data.vwcache")
    sgd = f"--sgd --loss_function squared -b 18 --passes 1 -l {args.rate} --power_t 0"
    vw_text_sgd, _ = best(vw_pass(f"-d {vw_text} {sgd}"), repeats)
    say(f"VW from text (--sgd): {vw_text_sgd:.3f} s, {rows_per_second(n, vw_text_sgd)}")
    vw_noop, _ = best(vw_pass(f"-d {vw_text} --noop -b 18 --passes 1"), repeats)
    say(f"VW from text (--noop, parse only): {vw_noop:.3f} s, {rows_per_second(n, vw_noop)}")
    say()

    # Epochs at batch 1: the anchors.
    say("## Epochs: anchors")
    vw_pass(f"-d {vw_text} --cache_file {cache} {sgd}")()
    vw_cache_sgd, _ = best(vw_pass(f"-d {vw_text} --cache_file {cache} {sgd}"), repeats)
    say(f"VW from its cache (--sgd): {vw_cache_sgd:.3f} s, {rows_per_second(n, vw_cache_sgd)}")
    vw_cache_adaptive, _ = best(vw_pass(f"-d {vw_text} --cache_file {cache} --loss_function squared -b 18 --passes 1"), repeats)
    say(f"VW from its cache (default adaptive updates): {vw_cache_adaptive:.3f} s, {rows_per_second(n, vw_cache_adaptive)}")

    def sgd_regressor():
        return SGDRegressor(penalty=None, learning_rate="constant", eta0=args.rate, max_iter=1, tol=None,
                            shuffle=False, average=False).fit(x, y)
    sk_epoch, _ = best(sgd_regressor, repeats)
    say(f"SGDRegressor, one epoch (batch 1 only): {sk_epoch:.3f} s, {rows_per_second(n, sk_epoch)}")
    binary = os.path.join(folder, "naive_sgd")
    subprocess.run(["cc", "-O3", "-march=native", os.path.join(HERE, "naive_sgd.c"), "-o", binary], check=True)

    def c_seconds(*arguments):
        seconds, out = best(process([binary, folder, *arguments]), repeats)
        return float(out.split()[0])
    naive = {batch: c_seconds(str(args.rate), "10", str(batch)) for batch in (1, 32, 256)}
    for batch, seconds in naive.items():
        say(f"naive C loop, batch {batch}: {seconds:.4f} s an epoch, {rows_per_second(n, seconds)}")
    read_pass = c_seconds("read", "10")
    say(f"C read pass over the CSR arrays: {read_pass:.4f} s, {rows_per_second(n, read_pass)}")
    say()

    # mbgd's epochs, from whole runs of 1 and --long-epochs epochs.
    long_epochs = args.long_epochs
    say(f"## Epochs: mbgd (from whole runs of 1 and {long_epochs} epochs; --epoch-cost running unless the row says full: "
        "full adds a cost pass over every row at each epoch's end)")

    def epoch(batch, *extra, cost="running"):
        def run(epochs):
            command = [args.mbgd, "fit", path, "--batch-size", str(batch), "--epochs", str(epochs), *common, "--epoch-cost", cost,
                       *extra]
            return best(process(command), repeats)[0]
        short, long = run(1), run(long_epochs)
        seconds = (long - short) / (long_epochs - 1)
        label = " ".join(extra) or "plain SGD"
        say(f"mbgd batch {batch}, {label}, {cost} cost: {seconds:.4f} s an epoch, {rows_per_second(n, seconds)} "
            f"(whole runs {short:.2f} s and {long:.2f} s)")
        return seconds
    mbgd = {}
    for batch in (1, 32, 256):
        mbgd[batch, "plain"] = epoch(batch)
        mbgd[batch, "plain", "full"] = epoch(batch, cost="full")
        mbgd[batch, "l2"] = epoch(batch, "--l2", "1e-4")
        mbgd[batch, "adagrad"] = epoch(batch, "--optimizer", "adagrad")
    mbgd[4096, 2] = epoch(4096, "--threads", "2")
    mbgd[4096, 2, "full"] = epoch(4096, "--threads", "2", cost="full")
    mbgd[4096, 1] = epoch(4096, "--threads", "1")
    bench = json.loads(process([args.mbgd, "bench", "--file", path, "--batch-sizes", "1,32,256,4096", "--epochs", "3",
                                "--no-shuffle", "--json"])())
    say("mbgd bench (updates only, median of 3 epochs, standardized, automatic rate): " + ", ".join(
        f"batch {r['batchSize']} {r['samplesPerSecond']:.3g} rows/s" for r in bench["results"]))
    say()

    # LSQR.
    say("## LSQR to 1e-10")
    solve_seconds, out = best(process([args.mbgd, "solve", path, "--json"]), repeats)
    solved = json.loads(out)
    lsqr = solve_seconds - mbgd_load
    say(f"mbgd solve (whole): {solve_seconds:.3f} s; minus the parse figure: {lsqr:.3f} s; "
        f"{solved['lsqr']['iterations']} iterations, stop {solved['lsqr']['stop']}")
    ridge_seconds, ridge = best(lambda: Ridge(solver="lsqr", tol=1e-10, alpha=1e-12).fit(x, y), repeats)
    difference = max(np.abs(np.array(solved["coefficients"]) - ridge.coef_).max(), abs(solved["intercept"] - ridge.intercept_))
    say(f"Ridge(solver='lsqr', tol=1e-10, alpha=1e-12): {ridge_seconds:.3f} s, {int(np.max(ridge.n_iter_))} iterations; "
        f"largest parameter difference {difference:.2g}")
    say()

    # The goals.
    say("## Ratios against the goals (mbgd's speed ÷ the anchor's: the anchor's time ÷ mbgd's)")
    goals = []

    def goal(what, ratio, target):
        status = "—" if target is None else ("met" if ratio >= target else "not met")
        goals.append((what, ratio, target, status))
    goal("parse vs load_svmlight_file", sk_load / mbgd_load, 20)
    goal("parse vs VW's text pass (--sgd)", vw_text_sgd / mbgd_load, 10)
    goal("parse vs VW's text pass (--noop)", vw_noop / mbgd_load, None)
    for batch in (1, 32, 256):
        plain = mbgd[batch, "plain"]
        note = "" if batch == 1 else " (SGDRegressor at batch 1: it has no mini-batches)"
        goal(f"batch {batch} plain vs naive C at batch {batch}", naive[batch] / plain, 1.0)
        goal(f"batch {batch} plain, full cost each epoch, vs naive C at batch {batch}", naive[batch] / mbgd[batch, "plain", "full"], None)
        goal(f"batch {batch} plain vs SGDRegressor{note}", sk_epoch / plain, 1.5)
        goal(f"batch {batch} plain, full cost each epoch, vs SGDRegressor", sk_epoch / mbgd[batch, "plain", "full"], None)
        goal(f"batch {batch} plain vs VW from cache (--sgd, batch 1)", vw_cache_sgd / plain, 5)
        goal(f"batch {batch} plain vs VW from cache (adaptive, batch 1)", vw_cache_adaptive / plain, None)
        goal(f"batch {batch} lazy L2 (--l2 1e-4) vs plain", plain / mbgd[batch, "l2"], 0.8)
        goal(f"batch {batch} lazy AdaGrad vs plain", plain / mbgd[batch, "adagrad"], 0.8)
    goal("batch 4096, 2 threads vs a C read pass", read_pass / mbgd[4096, 2], 0.7)
    goal("batch 4096, 2 threads, full cost each epoch, vs a C read pass", read_pass / mbgd[4096, 2, "full"], None)
    goal("batch 4096, 2 threads vs 1 thread", mbgd[4096, 1] / mbgd[4096, 2], None)
    goal("LSQR (mbgd solve minus parse) vs Ridge(solver='lsqr')", ridge_seconds / lsqr, 1.0)
    say("| comparison | ratio | goal | |")
    say("|---|---:|---:|---|")
    for what, ratio, target, status in goals:
        say(f"| {what} | {ratio:.2f}× | {'' if target is None else f'≥ {target}×'} | {status} |")
    return goals


def write_markdown(args, started, goals):
    def cpu():
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        return platform.processor()
    commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    compiler = subprocess.run(["cc", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    header = [
        "# Sparse descent against scikit-learn, Vowpal Wabbit and C (issue 28's goals)",
        "",
        f"Made by `{' '.join(os.path.relpath(a) if os.path.exists(a) else a for a in sys.argv)}` on {started:%Y-%m-%d %H:%M} UTC;",
        f"{cpu()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; mbgd `{os.path.abspath(args.mbgd)}`,"
        f" source tree at {commit}; Python {platform.python_version()}, numpy {np.__version__}, scipy {version('scipy')},"
        f" scikit-learn {version('scikit-learn')}, vowpalwabbit {version('vowpalwabbit')}; {compiler}.",
        "How each figure is measured is in the script's docstring (Benchmarks/Sparse/compare_sparse.py).",
        "",
    ]
    with open(args.markdown, "w") as f:
        f.write("\n".join(header + ["```"] + [l for l in LINES if not l.startswith("|")] + ["```", ""]
                          + [l for l in LINES if l.startswith("|")]) + "\n")
    print(f"wrote {args.markdown}")


if __name__ == "__main__":
    sys.exit(main())

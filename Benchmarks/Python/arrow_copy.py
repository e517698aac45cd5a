"""What reading a pyarrow table costs against a row-major numpy array borrowed in place: the
README's table in its C section ("Arrow tables come in through...").

Each case runs in a process of its own (so resident memory is the case's alone): 1M×32 float64
features and a float64 target, as a row-major numpy array (borrowed, MBGD_BORROW) or as a pyarrow
Table of 32 columns (mbgd_data_create_arrow: the handle keeps the columns and a solve reads them in
place, while a descent copies them into rows for the fit's length), then one of
  create  the data handle alone,
  solve   OLS(y, X).fit(),
  fit     MiniBatchGDRegressor(batch_size=32, epochs=1).fit(X, y),
each timed whole (the handle's creation included). Memory added is the peak resident memory
(VmHWM, reset after the data are made) minus the resident memory before the call.

    MINIBATCHGD_LIBRARY=.build/release/libminibatchgd.so PYTHONPATH=python \\
        python Benchmarks/Python/arrow_copy.py [--runs 5] [--rows 1000000]

Prints the median seconds and the memory added per case (medians of --runs processes).
"""
import argparse
import statistics
import subprocess
import sys
import time


def status_mib(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":")) / 1024


def one_case(kind, operation, rows, features=32):
    import gc
    import numpy as np
    from minibatchgd import OLS, MiniBatchGDRegressor, _lib
    generator = np.random.default_rng(1)
    X = generator.normal(size=(rows, features))
    y = X @ np.linspace(-1, 1, features) + 0.5 + generator.normal(scale=0.1, size=rows)
    if kind == "arrow":
        import pyarrow as pa
        X = pa.table({f"x{j}": np.ascontiguousarray(X[:, j]) for j in range(features)})
    gc.collect()
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets VmHWM to the current resident memory
    before = status_mib("VmHWM")
    start = time.perf_counter()
    if operation == "create":
        _lib.Data.from_arrow(X, y) if kind == "arrow" else _lib.Data(X, y)
    elif operation == "solve":
        OLS(y, X).fit()
    else:
        MiniBatchGDRegressor(batch_size=32, epochs=1, tolerance=0, learning_rate=0.01).fit(X, y)
    seconds = time.perf_counter() - start
    print(f"{seconds} {status_mib('VmHWM') - before}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--case", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.case:
        return one_case(*arguments.case, rows=arguments.rows)
    print(f"{arguments.rows}×32 float64, medians of {arguments.runs} processes")
    print(f"{'case':<22}{'seconds':>10}{'MiB added':>12}")
    for operation in ("create", "solve", "fit"):
        for kind in ("arrow", "numpy"):
            samples = []
            for _ in range(arguments.runs):
                output = subprocess.run(
                    [sys.executable, __file__, "--rows", str(arguments.rows), "--case", kind, operation],
                    check=True, capture_output=True, text=True).stdout.split()
                samples.append((float(output[0]), float(output[1])))
            seconds = statistics.median(s for s, _ in samples)
            added = statistics.median(m for _, m in samples)
            print(f"{kind + ' ' + operation:<22}{seconds:>10.3f}{added:>12.0f}")


if __name__ == "__main__":
    main()

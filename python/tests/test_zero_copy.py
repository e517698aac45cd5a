"""Zero copy: a fit on a read-only memory-mapped .npy reads the file's pages in place.

What "adds resident memory" means here: the process's anonymous resident memory (RssAnon in
/proc/self/status: heap, Swift and numpy allocations, stacks), sampled every few milliseconds
during the fit, its peak minus its value before. The mapped file's own pages are not counted:
they are the page cache's, shown as RssFile, shared with every reader and dropped under memory
pressure without writing anything, whereas a copy of the rows would be anonymous memory. The
file's pages are checked to have been read (RssFile grows), so the fit did touch the mapping.

`make stress` (MBGD_STRESS=1) fits the 1 GiB file of issue 30 against its 50 MB (measured
2026-12-07: +37 MiB, of which 32 MiB is the shuffle's order, one 8-byte index per row, i.e. 3 % of
a 32-feature float64 file). `make test` fits a 128 MiB file against 10 % of its size (12.8 MiB,
measured +7 to +8 MiB): not 50 MB / 8, since a few MiB of the growth do not shrink with the file
(OpenBLAS's buffers, thread stacks, the first calls' allocations), while any copy of the rows,
even narrowed to float32, would be 50 % of it.
"""
import os
import threading

import numpy as np
import pytest

from minibatchgd import MiniBatchGDRegressor

FEATURES = 32


def status_bytes(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":")) * 1024


class PeakSampler:
    """The peak of a /proc/self/status field on a thread of its own (fits release the GIL)."""

    def __init__(self, field):
        self.field, self.peak, self._stop = field, status_bytes(field), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, status_bytes(self.field))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, status_bytes(self.field))


def write_rows(path, rows, coefficients):
    """A float64 .npy of rows × FEATURES written a block at a time, and its targets (in memory)."""
    generator = np.random.default_rng(30)
    mapped = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(rows, FEATURES))
    y = np.empty(rows)
    block = 1 << 16
    for start in range(0, rows, block):
        x = generator.normal(size=(min(block, rows - start), FEATURES))
        mapped[start:start + len(x)] = x
        y[start:start + len(x)] = x @ coefficients + 1.5 + generator.normal(scale=0.1, size=len(x))
    mapped.flush()
    del mapped
    return y


def fit_in_place(path, size, limit):
    rows = size // (FEATURES * 8)
    coefficients = np.linspace(-2, 2, FEATURES)
    y = write_rows(path, rows, coefficients)
    try:
        X = np.load(path, mmap_mode="r")
        assert not X.flags.writeable and X.shape == (rows, FEATURES)
        model = MiniBatchGDRegressor(batch_size=4096, epochs=2, learning_rate=0.05, tolerance=0, standardize=False)
        anonymous_before, file_before = status_bytes("RssAnon"), status_bytes("RssFile")
        with PeakSampler("RssAnon") as anonymous:
            model.fit(X, y)
        grown = anonymous.peak - anonymous_before
        file_read = status_bytes("RssFile") - file_before
    finally:
        os.unlink(path)
    np.testing.assert_allclose(model.coef_, coefficients, atol=5e-3)
    assert abs(model.intercept_ - 1.5) < 5e-3
    assert file_read > size // 2, f"only {file_read >> 20} MiB of the {size >> 20} MiB mapping became resident"
    assert grown < limit, f"anonymous memory grew by {grown / 2**20:.1f} MiB fitting a {size >> 20} MiB mapped file"
    print(f"{size >> 20} MiB mapped: anonymous memory +{grown / 2**20:.1f} MiB at its peak, file pages +{file_read >> 20} MiB")
    return grown


def test_fit_on_a_read_only_memmap_adds_little_anonymous_memory(tmp_path):
    fit_in_place(tmp_path / "rows.npy", 128 << 20, (128 << 20) / 10)


@pytest.mark.skipif(not os.environ.get("MBGD_STRESS"), reason="1 GiB in /tmp: make stress runs it (MBGD_STRESS=1)")
def test_fit_on_a_read_only_one_gigabyte_memmap_adds_under_50_megabytes():
    fit_in_place(f"/tmp/minibatchgd-zero-copy-{os.getpid()}.npy", 1 << 30, 50e6)

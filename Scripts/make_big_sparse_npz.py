"""Writes a large CSR matrix as scipy.sparse.save_npz(..., compressed=False) writes it, a block
of rows at a time (scipy itself would need the whole matrix in memory), and its targets.

    python3 Scripts/make_big_sparse_npz.py OUT.npz Y.npy [--rows N] [--nnz K] [--features P]

Each row has K entries, column k·(P/K) + u (u uniform below P/K, so sorted and unique) with a
standard normal value; y = 1 + X·β + 0.01·noise with βⱼ = 1 + (j mod 7)/7. The members are those
of save_npz (int32 indices and row offsets while they fit, float64 data, shape, format b'csr'), in
its order, stored with zip64 headers as numpy writes them through Python's zipfile: the same
layout, each array at an odd offset of the file. Memory: one block of rows (about 100 MB).
Checks its first block against scipy (load_npz of a small file written both ways) when --check.
"""

import argparse
import zipfile

import numpy as np
from numpy.lib import format as npformat


def blocks(rows, nnz, features, block_rows, seed):
    """(indices, data, y) of each block of rows, in order."""
    rng = np.random.default_rng(seed)
    stride = features // nnz
    beta = 1 + (np.arange(features) % 7) / 7
    for start in range(0, rows, block_rows):
        b = min(block_rows, rows - start)
        columns = (np.arange(nnz) * stride)[None, :] + rng.integers(0, stride, size=(b, nnz))
        values = rng.standard_normal((b, nnz))
        y = 1 + (values * beta[columns]).sum(axis=1) + 0.01 * rng.standard_normal(b)
        yield columns.astype(np.int32).ravel(), values.ravel(), y


def member(archive, name, dtype, shape, chunks):
    """One .npy member, stored, its header as numpy writes it, its data from `chunks`."""
    with archive.open(name, "w", force_zip64=True) as f:
        npformat.write_array_header_1_0(f, {"descr": npformat.dtype_to_descr(np.dtype(dtype)), "fortran_order": False, "shape": shape})
        for chunk in chunks:
            f.write(np.ascontiguousarray(chunk, dtype=dtype).tobytes())


def write(path, targets, rows, nnz, features, block_rows=200_000, seed=28):
    total = rows * nnz
    index = np.int32 if max(total, features) < 2**31 else np.int64
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        ys = []

        def indices():
            # The targets are kept from this pass (8 bytes a row); the values are made again below.
            for columns, _, y in blocks(rows, nnz, features, block_rows, seed):
                ys.append(y)
                yield columns

        member(archive, "indices.npy", index, (total,), indices())
        member(archive, "indptr.npy", index, (rows + 1,), (np.arange(s, min(s + block_rows, rows + 1)) * nnz for s in range(0, rows + 1, block_rows)))
        member(archive, "format.npy", "S3", (), [np.array(b"csr")])
        member(archive, "shape.npy", np.int64, (2,), [np.array([rows, features])])
        member(archive, "data.npy", np.float64, (total,), (v for _, v, _ in blocks(rows, nnz, features, block_rows, seed)))
    np.save(targets, np.concatenate(ys))


def check():
    """A small matrix written here and by scipy: the same arrays, and scipy reads ours."""
    import os
    import tempfile

    import scipy.sparse as sp

    with tempfile.TemporaryDirectory() as d:
        ours = os.path.join(d, "ours.npz")
        write(ours, os.path.join(d, "y.npy"), rows=1000, nnz=10, features=500, block_rows=300)
        m = sp.load_npz(ours)
        columns, values, _ = zip(*blocks(1000, 10, 500, 300, 28))
        assert (m.indices == np.concatenate(columns)).all() and (m.data == np.concatenate(values)).all() and m.shape == (1000, 500)
        theirs = os.path.join(d, "theirs.npz")
        sp.save_npz(theirs, m, compressed=False)
        a, b = zipfile.ZipFile(ours), zipfile.ZipFile(theirs)
        assert [(i.filename, i.compress_type, i.file_size) for i in a.infolist()] == [(i.filename, i.compress_type, i.file_size) for i in b.infolist()]
        assert all(a.read(n) == b.read(n) for n in a.namelist()), "the members differ from save_npz's"
    print("check: the members are scipy's, byte for byte")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output")
    parser.add_argument("targets")
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--nnz", type=int, default=50)
    parser.add_argument("--features", type=int, default=100_000)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        check()
    write(args.output, args.targets, args.rows, args.nnz, args.features)

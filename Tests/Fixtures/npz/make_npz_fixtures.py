"""Writes the .npz fixtures of Tests/Fixtures/npz with scipy's own writer (scipy.sparse.save_npz),
so that the .npz reader is tested against files as scipy writes them.

The matrix is the one of ../libsvm/random.svm (200×50, about 10% dense, four empty rows, values
from 1e-6 to 1e6), read by scikit-learn's load_svmlight_file: the reader must give the rows the
libsvm reader gives for that file.

Outputs:
  random.npz              compressed (save_npz's default), int32 indices, float64 values
  random_stored.npz       the same, stored uncompressed (compressed=False)
  random_int64.npz        int64 indices and row offsets, stored
  random_int64_compressed.npz   int64 indices and row offsets, compressed
  random_f32.npz          float32 values (the float64 ones rounded by numpy), compressed
  random_y.npy            the 200 targets (float64, shape (200,))
  random_dense.npy        scipy's m.toarray() with the targets as a last column (200×51)
  random_y2.npy           two targets a row (float64, shape (200, 2)): y and 2y - 1
  random_y_short.npy      199 targets: one row short
  random_csc.npz          the matrix in CSC (m.tocsc())
  random_coo.npz          the matrix in COO (m.tocoo())
  random_truncated.npz    the first half of random_stored.npz's bytes
  random_damaged.npz      random_stored.npz with one byte of its values changed (the CRC-32 fails)
  arrays.npz              np.savez of plain arrays, not a sparse matrix
  not_zip.npz             text, no zip archive
  unsorted.npz            a 4×6 matrix whose rows' indices are out of order (stored as written),
                          an empty row, int64 data; unsorted.json: its rows sorted, as numbers
  unsorted_y.npy          its 4 targets
  repeated.npz            a 2×3 matrix with column 1 twice in row 2
  out_of_range.npz        a 2×3 matrix with column index 3 in row 2 (scipy's check disabled)
  nan.npz                 a 2×3 matrix with a NaN value in row 1, entry 2
  small_y.npy             two targets, for those three
  huge_shape.npz          arrays of a 2×3 matrix whose shape.npy says 2**62 rows
  lying_header.npz        a 2×3 matrix whose data.npy header promises 10**12 values (the member holds 3)

Run: /work/venv/bin/python make_npz_fixtures.py (numpy, scipy, scikit-learn)."""
import json
import os

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_svmlight_file

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)

x, y = load_svmlight_file("../libsvm/random.svm", zero_based=False, n_features=50)
# scikit-learn reads int64 indices; scipy's own default, and save_npz's usual input, is int32.
x = sp.csr_matrix((x.data, x.indices.astype(np.int32), x.indptr.astype(np.int32)), shape=x.shape)
assert x.indices.dtype == np.int32 and x.data.dtype == np.float64
sp.save_npz("random.npz", x)
sp.save_npz("random_stored.npz", x, compressed=False)
wide = x.copy()
wide.indices = wide.indices.astype(np.int64)
wide.indptr = wide.indptr.astype(np.int64)
sp.save_npz("random_int64.npz", wide, compressed=False)
sp.save_npz("random_int64_compressed.npz", wide)
assert np.load("random_int64.npz")["indices"].dtype == np.int64
sp.save_npz("random_f32.npz", x.astype(np.float32))
assert np.load("random_f32.npz")["data"].dtype == np.float32
np.save("random_y.npy", y)
np.save("random_dense.npy", np.column_stack([x.toarray(), y]))
np.save("random_y2.npy", np.column_stack([y, 2 * y - 1]))
np.save("random_y_short.npy", y[:-1])
sp.save_npz("random_csc.npz", x.tocsc())
sp.save_npz("random_coo.npz", x.tocoo())
with open("random_stored.npz", "rb") as f:
    stored = f.read()
with open("random_truncated.npz", "wb") as f:
    f.write(stored[: len(stored) // 2])
# One byte inside data.npy's values: the member's local header, then its .npy header.
import zipfile

info = zipfile.ZipFile("random_stored.npz").getinfo("data.npy")
start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
damaged = bytearray(stored)
damaged[start + 128 + 100] ^= 0x01
with open("random_damaged.npz", "wb") as f:
    f.write(damaged)
np.savez("arrays.npz", a=np.arange(3.0), b=np.ones(2))
with open("not_zip.npz", "w") as f:
    f.write("1 1:2 3:4\n")

# Indices out of order in rows 1 and 3, row 2 empty; int64 values.
unsorted = sp.csr_matrix(
    (np.array([5, -2, 7, 1, 3, 4], dtype=np.int64), np.array([4, 1, 0, 5, 2, 3], dtype=np.int32), np.array([0, 3, 3, 5, 6])),
    shape=(4, 6),
)
assert not unsorted.has_sorted_indices
sp.save_npz("unsorted.npz", unsorted, compressed=False)
assert (np.load("unsorted.npz")["indices"] == [4, 1, 0, 5, 2, 3]).all(), "save_npz must keep the order"
np.save("unsorted_y.npy", np.array([1.0, 2.0, 3.0, 4.0]))
fixed = unsorted.copy()
fixed.sort_indices()
with open("unsorted.json", "w") as f:
    json.dump(
        {
            "indptr": fixed.indptr.tolist(),
            "indices": fixed.indices.tolist(),
            "data": [float(v) for v in fixed.data],
            "dense": fixed.toarray().astype(float).tolist(),
        },
        f,
    )
    f.write("\n")


def raw(name, data, indices, indptr, shape):
    """A CSR matrix written as given (scipy's constructor checks are skipped)."""
    m = sp.csr_matrix(shape, dtype=np.float64)
    m.data, m.indices, m.indptr = np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)
    sp.save_npz(name, m, compressed=False)


np.save("small_y.npy", np.array([1.0, 2.0]))
raw("repeated.npz", [1.0, 2.0, 3.0], [0, 1, 1], [0, 1, 3], (2, 3))
raw("out_of_range.npz", [1.0, 2.0, 3.0], [0, 1, 3], [0, 1, 3], (2, 3))
raw("nan.npz", [1.0, float("nan"), 3.0], [0, 2, 1], [0, 2, 3], (2, 3))


def members(name, arrays):
    """A .npz of .npy members given as bytes, written with zipfile itself."""
    import io
    import zipfile

    with zipfile.ZipFile(name, "w") as z:
        for key, value in arrays.items():
            if isinstance(value, bytes):
                z.writestr(key + ".npy", value)
            else:
                buffer = io.BytesIO()
                np.save(buffer, value)
                z.writestr(key + ".npy", buffer.getvalue())


small = dict(indices=np.array([0, 1, 2], dtype=np.int32), indptr=np.array([0, 1, 3], dtype=np.int32), format=np.array(b"csr"))
members("huge_shape.npz", dict(small, shape=np.array([2**62, 3]), data=np.array([1.0, 2.0, 3.0])))
header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }"
header += " " * (117 - len(header)) + "\n"
lying = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + np.array([1.0, 2.0, 3.0]).tobytes()
members("lying_header.npz", dict(small, shape=np.array([2, 3]), data=lying))

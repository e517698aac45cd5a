"""Writes the .npy fixtures of Tests/Fixtures with numpy itself, so that NPYReader is tested
against files as numpy.save produces them. Run: python3 make_npy_fixtures.py (numpy >= 1.17)."""
import numpy as np

a = np.array([[1.5, -2.0, 3.0], [4.0, 5.25, -6.0]])           # 2×3, exact in float32 too
np.save("c_f8.npy", a)                                         # float64, C order
np.save("fortran_f4.npy", np.asfortranarray(a.astype("<f4")))  # float32, Fortran order
np.save("big_endian_f8.npy", a.astype(">f8"))                  # float64, big-endian
np.save("int64.npy", np.array([[1, 2], [3, 4]], dtype=np.int64))  # unsupported dtype
np.save("one_dimensional.npy", np.array([1.0, 2.0, 3.0]))      # not 2-D
with open("c_f8.npy", "rb") as f:
    whole = f.read()
with open("truncated.npy", "wb") as f:                         # header intact, data cut short
    f.write(whole[:-8])

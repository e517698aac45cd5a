"""MiniBatchGD from Python: linear regression by mini-batch gradient descent on BLAS, checked
against the exact least-squares solution, through libminibatchgd's C interface.

- `MiniBatchGDRegressor`: a scikit-learn estimator (fit, predict, score, get_params, clones and
  pipelines), with the verdict of its comparison with the exact solution; `partial_fit` online,
  pickled between calls with the trainer's whole state.
- `OLS`: the exact fit with statsmodels' result names (params, bse, tvalues, pvalues, conf_int,
  rsquared, …, summary, get_prediction(X).summary_frame()).

Arrays are read in place where their layout allows; pandas DataFrames and pyarrow Tables (Parquet
through pyarrow) by their Arrow columns.
"""
from ._lib import MiniBatchGDError, lib
from ._ols import OLS, OLSResults
from ._sklearn import MiniBatchGDRegressor

__version__ = lib.mbgd_version().decode()
__all__ = ["MiniBatchGDRegressor", "OLS", "OLSResults", "MiniBatchGDError", "set_threads"]


def set_threads(threads):
    """The threads of the library's kernels and of OpenBLAS, process-wide (1 to 1024)."""
    from ._lib import check
    check(lib.mbgd_set_threads(int(threads)))

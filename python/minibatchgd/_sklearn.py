"""MiniBatchGDRegressor: the library's descent as a scikit-learn estimator."""
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from . import _lib

VERDICTS = {0: "converged", 1: "close, not certified", 2: "not converged"}


class MiniBatchGDRegressor(RegressorMixin, BaseEstimator):
    """Linear regression by mini-batch gradient descent, checked against the exact solution.

    X is a 2-D array (float64 or float32, read in place when its rows are contiguous), a scipy
    CSR matrix (the sparse descent: plain SGD), or a pandas DataFrame or pyarrow Table (a Parquet
    file through `pyarrow.parquet.read_table`), given to `fit` by its Arrow columns. Parameters are the `mbgd fit` options of the same names (snake case here): `batch_size`
    (an integer or "full"), `optimizer`, `learning_rate` ("auto" or a number), `epochs` (None:
    the library's budget), `schedule`, `l2`, `tolerance`, `seed`, `standardize`,
    `fit_intercept`, `threads`. Every fit also solves the same problem exactly: `verdict_` says
    whether the descent reached it ("converged", "close, not certified", "not converged", as the
    tool's verdict line), `parameter_gap_` how far it is (relative), and a fit not converged
    warns with the library's sentence.

    `partial_fit(X, y)` trains online, as scikit-learn's SGDRegressor.partial_fit does: the rows
    once, in the order given, in batches of `batch_size`, continuing from the previous call
    (`epochs` and `tolerance` do not apply). The first call (or the first after `fit`) starts
    from zero and takes the standardization and an automatic learning rate from its chunk; give
    chunks a multiple of `batch_size` rows to keep the batches equal. The schedule must be
    "constant" or "inverse-scaling" (per update). After each call `coef_` and `intercept_` are
    the parameters so far and `progressive_loss_` the mean squared error of every row so far,
    each predicted before it was trained on (an estimate of the error on unseen rows). Refused
    options and chunks of another shape raise ValueError. `plan_partial_fit(X, y)` takes the
    standardization and the learning rate from a sample instead of the first chunk. An estimator
    between `partial_fit` calls pickles (and deep-copies) with the trainer's whole state: the copy
    continues with the bits the original would have.
    """

    def __init__(self, batch_size=32, optimizer="sgd", learning_rate="auto", epochs=None, schedule="constant", l2=0.0,
                 tolerance=None, seed=0, standardize=True, fit_intercept=True, threads=None):
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.schedule = schedule
        self.l2 = l2
        self.tolerance = tolerance
        self.seed = seed
        self.standardize = standardize
        self.fit_intercept = fit_intercept
        self.threads = threads

    def fit(self, X, y, sample_weight=None):
        for name in ("_online", "progressive_loss_"):
            self.__dict__.pop(name, None)
        if _lib.is_table(X):
            # A DataFrame or a pyarrow Table by its Arrow columns: names and width checked as
            # scikit-learn checks them, the values by the library.
            validate_data(self, X, skip_check_array=True)
            y = check_array(y, ensure_2d=False, dtype=[np.float64, np.float32], input_name="y")
            data = _lib.Data.from_arrow(X, y, sample_weight)
        else:
            X, y = validate_data(self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32], y_numeric=True, multi_output=True)
            data = _lib.Data(X, y, sample_weight)
        configuration = _lib.options(
            batchSize=self.batch_size, optimizer=self.optimizer, learningRate=self.learning_rate, epochs=self.epochs,
            schedule=self.schedule, l2=float(self.l2), tolerance=self.tolerance, seed=self.seed,
            noStandardize=True if not self.standardize else None, threads=self.threads)
        model = _lib.Model(self.fit_intercept)
        comparison, warning = model.fit_and_compare(data, configuration)
        coefficients, intercepts = model.parameters()
        single = y.ndim == 1
        self.coef_ = coefficients[:, 0] if single else coefficients.T
        self.intercept_ = float(intercepts[0]) if single else intercepts
        self.verdict_ = VERDICTS[comparison.verdict]
        self.parameter_gap_ = comparison.parameter_gap
        self.n_iter_ = comparison.epochs
        if warning:
            import warnings

            from sklearn.exceptions import ConvergenceWarning
            warnings.warn(warning, ConvergenceWarning, stacklevel=2)
        return self

    def partial_fit(self, X, y, sample_weight=None):
        """One pass of online descent over the rows of X and y, continuing from the last call."""
        X, y = self._online_rows(X, y)
        self._online.partial_fit(self._online_data(X, y, sample_weight))
        coefficients, intercepts = self._online.parameters()
        self.coef_ = coefficients[:, 0] if self._single_output else coefficients.T
        self.intercept_ = float(intercepts[0]) if self._single_output else intercepts
        self.progressive_loss_ = self._online.progressive_loss()
        return self

    def plan_partial_fit(self, X, y, sample_weight=None):
        """Takes the standardization and the automatic learning rate of the coming `partial_fit`
        calls from X and y (a representative sample, e.g. the first rows of a file) instead of
        from the first chunk; trains on nothing. Call it before the first `partial_fit` (or the
        first after `fit`); later it does nothing. Returns self."""
        X, y = self._online_rows(X, y)
        self._online.plan(self._online_data(X, y, sample_weight))
        return self

    @staticmethod
    def _online_data(X, y, sample_weight):
        """The library's rows of X and y: a table's Arrow columns read in place, an array as it is."""
        return _lib.Data.from_arrow(X, y, sample_weight) if _lib.is_table(X) else _lib.Data(X, y, sample_weight)

    def _online_rows(self, X, y):
        """X and y validated for online descent, the trainer made at the first call."""
        first = getattr(self, "_online", None) is None
        if _lib.is_table(X):
            # A table's columns go to the library as they are (checked there), as in fit.
            validate_data(self, X, skip_check_array=True, reset=first)
            y = check_array(y, ensure_2d=False, dtype=[np.float64, np.float32], input_name="y")
            width = self.n_features_in_
        else:
            X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], y_numeric=True, multi_output=True, reset=first)
            width = X.shape[1]
        if first:
            configuration = _lib.options(
                batchSize=self.batch_size, optimizer=self.optimizer, learningRate=self.learning_rate, schedule=self.schedule,
                l2=float(self.l2), seed=self.seed, noStandardize=True if not self.standardize else None, threads=self.threads)
            self._single_output = y.ndim == 1
            self._online = _lib.Online(configuration, width, 1 if y.ndim == 1 else y.shape[1], self.fit_intercept)
        return X, y

    def predict(self, X):
        check_is_fitted(self)
        if _lib.is_table(X):
            validate_data(self, X, skip_check_array=True, reset=False)
            X = _lib.table_matrix(X)
        else:
            X = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False)
        return np.asarray(X.astype(np.float64, copy=False) @ self.coef_.T) + self.intercept_

"""MiniBatchGDRegressor: the library's descent as a scikit-learn estimator."""
import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _lib

VERDICTS = {0: "converged", 1: "close, not certified", 2: "not converged"}


class MiniBatchGDRegressor(RegressorMixin, BaseEstimator):
    """Linear regression by mini-batch gradient descent, checked against the exact solution.

    X is a 2-D array (float64 or float32, read in place when its rows are contiguous) or a scipy
    CSR matrix (the sparse descent: plain SGD). Parameters are the `mbgd fit` options of the same names (snake case here): `batch_size`
    (an integer or "full"), `optimizer`, `learning_rate` ("auto" or a number), `epochs` (None:
    the library's budget), `schedule`, `l2`, `tolerance`, `seed`, `standardize`,
    `fit_intercept`, `threads`. Every fit also solves the same problem exactly: `verdict_` says
    whether the descent reached it ("converged", "close, not certified", "not converged", as the
    tool's verdict line), `parameter_gap_` how far it is (relative), and a fit not converged
    warns with the library's sentence.
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
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32], y_numeric=True, multi_output=True)
        configuration = _lib.options(
            batchSize=self.batch_size, optimizer=self.optimizer, learningRate=self.learning_rate, epochs=self.epochs,
            schedule=self.schedule, l2=float(self.l2), tolerance=self.tolerance, seed=self.seed,
            noStandardize=True if not self.standardize else None, threads=self.threads)
        model = _lib.Model(self.fit_intercept)
        comparison, warning = model.fit_and_compare(_lib.Data(X, y, sample_weight), configuration)
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

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False)
        return np.asarray(X.astype(np.float64, copy=False) @ self.coef_.T) + self.intercept_

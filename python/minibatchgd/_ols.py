"""OLS: the library's exact fit, with statsmodels' names and order."""
import numpy as np

from . import _lib


class OLS:
    """`OLS(endog, exog, weights=None, fit_intercept=True).fit(cov_type="nonrobust")`: the
    intercept is the model's (named `const`, first, as `sm.add_constant` puts it), not a column of
    `exog`; `weights` make it statsmodels' WLS. `cov_type` is "nonrobust" or "HC0" … "HC3".
    `exog` is an array, a pandas DataFrame or a pyarrow Table (a Parquet file through
    `pyarrow.parquet.read_table`): tables go through the Arrow C data interface by their columns,
    and the results are pandas Series named after them."""

    def __init__(self, endog, exog, weights=None, fit_intercept=True):
        self.endog, self.exog, self.weights, self.fit_intercept = endog, exog, weights, fit_intercept

    def fit(self, cov_type="nonrobust"):
        covariance = cov_type.lower()
        if covariance not in ("nonrobust", "hc0", "hc1", "hc2", "hc3"):
            raise ValueError(f"cov_type must be 'nonrobust', 'HC0', 'HC1', 'HC2' or 'HC3', got {cov_type!r}")
        names = None
        y = np.asarray(self.endog)
        y = y if y.dtype in (np.float64, np.float32) else y.astype(np.float64)
        if _lib.is_table(self.exog):
            # A DataFrame or a pyarrow Table (a Parquet file read by pyarrow): by its Arrow columns.
            names = (["const"] if self.fit_intercept else []) + [str(name) for name in self.exog.columns] \
                if _lib.module_is(self.exog, "pandas") else (["const"] if self.fit_intercept else []) + list(self.exog.column_names)
            data = _lib.Data.from_arrow(self.exog, y, self.weights)
        else:
            # float64 and float32 values are read as they are (in place where the layout allows).
            X = np.asarray(self.exog)
            X = X if X.dtype in (np.float64, np.float32) else X.astype(np.float64)
            if X.ndim == 1:
                X = X.reshape(-1, 1)
            data = _lib.Data(X, y, self.weights)
        model = _lib.Model(self.fit_intercept)
        model.solve(data, _lib.options(covariance=covariance))
        return OLSResults(model, data, covariance, names)


class OLSResults:
    """The fit's estimates and statistics under statsmodels' names."""

    def __init__(self, model, data, covariance, names):
        self._model, self._data, self._covariance, self._names = model, data, covariance, names
        table = model.table()
        statistics = model.statistics()
        self.params = self._wrap(table[:, 0])
        self.bse = self._wrap(table[:, 1])
        self.tvalues = self._wrap(table[:, 2])
        self.pvalues = self._wrap(table[:, 3])
        self._intervals = {0.05: table[:, 4:6]}
        self.nobs = float(statistics.observations)
        self.df_resid = float(statistics.degrees_of_freedom)
        self.rsquared = statistics.r_squared
        self.rsquared_adj = statistics.adjusted_r_squared
        self.fvalue = statistics.f_statistic
        self.f_pvalue = statistics.f_p_value
        self.llf = statistics.log_likelihood
        self.aic = statistics.aic
        self.bic = statistics.bic
        self.ssr = statistics.residual_sum_of_squares
        self.cov_type = "nonrobust" if covariance == "nonrobust" else covariance.upper()

    def _wrap(self, values):
        if self._names is None:
            return values
        import pandas as pd
        return pd.Series(values, index=self._names)

    def conf_int(self, alpha=0.05):
        """The (1 − alpha) confidence intervals of the estimates: lower and upper columns."""
        if alpha not in self._intervals:
            model = _lib.Model(self._model.fit_intercept)
            model.solve(self._data, _lib.options(covariance=self._covariance, confidence=1 - alpha))
            self._intervals[alpha] = model.table()[:, 4:6]
        intervals = self._intervals[alpha]
        if self._names is None:
            return intervals
        import pandas as pd
        return pd.DataFrame(intervals, index=self._names, columns=[0, 1])

    def summary(self):
        """The coefficient table as statsmodels' summary() lays it out."""
        return self._model.summary()

    def get_prediction(self, exog):
        return PredictionResults(self._model, _lib.table_matrix(exog) if _lib.is_table(exog) else np.asarray(exog, dtype=np.float64))


class PredictionResults:
    def __init__(self, model, exog):
        self._model, self._exog = model, exog.reshape(-1, 1) if exog.ndim == 1 else exog
        self.predicted_mean = model.intervals(self._exog, 0.95)[:, 0]

    def summary_frame(self, alpha=0.05):
        """statsmodels' columns: mean, mean_se, mean_ci_lower, mean_ci_upper, obs_ci_lower, obs_ci_upper."""
        import pandas as pd
        values = self._model.intervals(self._exog, 1 - alpha)
        return pd.DataFrame(values, columns=["mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper"])

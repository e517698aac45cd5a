"""The README's Python session: Examples/data/houses.csv fitted exactly (statsmodels' names)
and by mini-batch descent (scikit-learn's estimator), from the repository's root."""
import warnings

import pandas as pd

import minibatchgd

houses = pd.read_csv("Examples/data/houses.csv")
X, y = houses[["size", "rooms", "age"]], houses["price"]

results = minibatchgd.OLS(y, X).fit(cov_type="HC1")
print(results.params.round(4).to_string())
print(f"R² {results.rsquared:.5f}, AIC {results.aic:.2f}, cov_type {results.cov_type}")
print(results.get_prediction(X.iloc[:2]).summary_frame().round(3).to_string())

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model = minibatchgd.MiniBatchGDRegressor(optimizer="adam", schedule="cosine").fit(X, y)
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print(f"descent: {model.verdict_} ({model.parameter_gap_:.1e} from the exact solution after {model.n_iter_} epochs)")
print(f"coef_ {model.coef_.round(4)}, intercept_ {model.intercept_:.4f}, R² {model.score(X, y):.5f}")

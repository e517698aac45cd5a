"""OLS against statsmodels, the independent reference, on the same data."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import minibatchgd


@pytest.fixture
def frame():
    generator = np.random.default_rng(3)
    X = pd.DataFrame(generator.normal(size=(120, 3)) * [1, 2, 0.5] + [0, 1, 3], columns=["size", "rooms", "age"])
    y = 1.5 + X @ [2.0, -1.0, 0.5] + generator.normal(scale=0.7, size=120)
    return X, y


@pytest.mark.parametrize("cov_type", ["nonrobust", "HC0", "HC1", "HC2", "HC3"])
def test_results_are_statsmodels(frame, cov_type):
    X, y = frame
    ours = minibatchgd.OLS(y, X).fit(cov_type=cov_type)
    theirs = sm.OLS(y, sm.add_constant(X)).fit(cov_type=cov_type)
    assert list(ours.params.index) == ["const", "size", "rooms", "age"]
    for name in ["params", "bse", "tvalues", "pvalues"]:
        # p-values below 1e-300 are both "zero" (the normal tail underflows in one and not the other).
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-10, atol=1e-300, err_msg=name)
    np.testing.assert_allclose(ours.conf_int(), theirs.conf_int(), rtol=1e-10)
    np.testing.assert_allclose(ours.conf_int(alpha=0.1), theirs.conf_int(alpha=0.1), rtol=1e-10)
    for name in ["rsquared", "rsquared_adj", "llf", "aic", "bic", "nobs", "df_resid", "ssr"]:
        assert getattr(ours, name) == pytest.approx(getattr(theirs, name), rel=1e-10), name
    if cov_type == "nonrobust":
        assert ours.fvalue == pytest.approx(theirs.fvalue, rel=1e-10)
        assert ours.f_pvalue == pytest.approx(theirs.f_pvalue, rel=1e-8)


def test_weights_are_wls_and_predictions_statsmodels_frames(frame):
    X, y = frame
    weights = np.linspace(0.5, 2, len(y))
    ours = minibatchgd.OLS(y, X, weights=weights).fit()
    theirs = sm.WLS(y, sm.add_constant(X), weights=weights).fit()
    np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-10)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-10)
    new = X.iloc[:5]
    frame_ours = minibatchgd.OLS(y, X).fit().get_prediction(new).summary_frame(alpha=0.1)
    frame_theirs = sm.OLS(y, sm.add_constant(X)).fit().get_prediction(sm.add_constant(new, has_constant="add")).summary_frame(alpha=0.1)
    assert list(frame_ours.columns) == list(frame_theirs.columns)
    np.testing.assert_allclose(frame_ours.to_numpy(), frame_theirs.to_numpy(), rtol=1e-10)


def test_arrays_give_arrays_and_the_summary_names_const(frame):
    X, y = frame
    results = minibatchgd.OLS(np.asarray(y), np.asarray(X)).fit()
    assert isinstance(results.params, np.ndarray) and results.params.shape == (4,)
    assert "const" in results.summary() and "P>|t|" in results.summary()


def test_the_tool_solves_the_same_file_to_the_last_digits(tmp_path, frame):
    import json
    import os
    import subprocess
    tool = os.environ.get("MBGD_TOOL", os.path.join(os.path.dirname(__file__), "../../.build/debug/mbgd"))
    if not os.path.exists(tool):
        pytest.skip(f"no mbgd at {tool} (swift build --product mbgd)")
    X, y = frame
    path = tmp_path / "data.csv"
    X.assign(price=y).to_csv(path, index=False, float_format="%.17g")
    solved = json.loads(subprocess.run([tool, "solve", str(path), "--target", "price", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    read = pd.read_csv(path)
    ours = minibatchgd.OLS(read["price"], read[["size", "rooms", "age"]]).fit()
    np.testing.assert_allclose(ours.params.to_numpy(), [solved["intercept"]] + solved["coefficients"], rtol=1e-12)


def test_bad_input_raises_the_librarys_message():
    with pytest.raises(minibatchgd.MiniBatchGDError, match="x holds nan at row 1, column 0"):
        minibatchgd.OLS([1.0, 2.0, 3.0], [[1.0], [np.nan], [3.0]]).fit()
    with pytest.raises(ValueError, match="cov_type must be"):
        minibatchgd.OLS([1.0, 2.0, 3.0], [[1.0], [2.0], [4.0]]).fit(cov_type="HC9")

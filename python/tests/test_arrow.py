"""Tables by their Arrow columns: pyarrow Tables and RecordBatches, pandas DataFrames and Parquet
files (read by pyarrow) fitted through the Arrow C data interface, against statsmodels and
scikit-learn on the same numbers as numpy arrays."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import statsmodels.api as sm
from sklearn.linear_model import LinearRegression

import minibatchgd
from minibatchgd import MiniBatchGDRegressor


@pytest.fixture
def frame():
    generator = np.random.default_rng(36)
    X = generator.normal(size=(300, 3)) * [1.0, 3.0, 0.5] + [0.0, 2.0, -1.0]
    y = 4.0 + X @ [2.0, -0.5, 1.5] + generator.normal(scale=0.3, size=300)
    return pd.DataFrame(X, columns=["size", "rooms", "age"]), pd.Series(y, name="price")


def reference(frame):
    X, y = frame
    return sm.OLS(y.to_numpy(), sm.add_constant(X.to_numpy())).fit(cov_type="HC1")


def check_ols(results, expected, names):
    assert list(results.params.index) == ["const"] + names
    np.testing.assert_allclose(results.params.to_numpy(), expected.params, rtol=1e-10)
    np.testing.assert_allclose(results.bse.to_numpy(), expected.bse, rtol=1e-10)
    np.testing.assert_allclose(results.rsquared, expected.rsquared, rtol=1e-12)


def test_a_sliced_table_reads_its_own_rows(frame):
    """pyarrow exports a slice with each column's own offset: its rows are the slice's."""
    X, y = frame
    table = pa.Table.from_pandas(X, preserve_index=False)
    part = (X.iloc[100:250], y.iloc[100:250])
    expected = sm.OLS(part[1].to_numpy(), sm.add_constant(part[0].to_numpy())).fit(cov_type="HC1")
    for exog in (table.slice(100, 150), table.to_batches()[0].slice(100, 150)):
        check_ols(minibatchgd.OLS(part[1].to_numpy(), exog).fit(cov_type="HC1"), expected, ["size", "rooms", "age"])


def test_ols_on_a_dataframe_a_table_and_a_record_batch(frame):
    X, y = frame
    expected = reference(frame)
    table = pa.Table.from_pandas(X, preserve_index=False)
    for exog in (X, table, table.to_batches()[0]):
        check_ols(minibatchgd.OLS(y, exog).fit(cov_type="HC1"), expected, ["size", "rooms", "age"])


def test_ols_on_a_parquet_file_of_float32_and_integer_columns(frame, tmp_path):
    X, y = frame
    # float32 and int64 columns as a Parquet file writes them; the reference sees the same values.
    stored = pd.DataFrame({"size": X["size"].astype(np.float32), "rooms": X["rooms"].round().astype(np.int64),
                           "age": X["age"], "price": y})
    path = tmp_path / "houses.parquet"
    pq.write_table(pa.Table.from_pandas(stored, preserve_index=False), path, row_group_size=100)  # three row groups
    table = pq.read_table(path)
    assert table["size"].num_chunks == 3 and table.schema.field("size").type == pa.float32()
    expected = sm.OLS(stored["price"].to_numpy(), sm.add_constant(stored[["size", "rooms", "age"]].to_numpy(np.float64))).fit()
    results = minibatchgd.OLS(table["price"], table.select(["size", "rooms", "age"])).fit()
    check_ols(results, expected, ["size", "rooms", "age"])
    frame_out = results.get_prediction(table.select(["size", "rooms", "age"]).slice(0, 4)).summary_frame()
    np.testing.assert_allclose(frame_out["mean"], expected.get_prediction(expected.model.exog[:4]).summary_frame()["mean"],
                               rtol=1e-10)


def test_regressor_on_tables_keeps_feature_names_and_predicts_as_on_arrays(frame):
    X, y = frame
    exact = LinearRegression().fit(X.to_numpy(), y.to_numpy())
    parameters = dict(batch_size=32, epochs=200, seed=3)
    on_array = MiniBatchGDRegressor(**parameters).fit(X.to_numpy(), y.to_numpy())
    table = pa.Table.from_pandas(X, preserve_index=False)
    for given in (X, table):
        model = MiniBatchGDRegressor(**parameters).fit(given, y)
        assert list(model.feature_names_in_) == ["size", "rooms", "age"] and model.n_features_in_ == 3
        # The same rows in the same order: the same bits as the array's fit.
        np.testing.assert_array_equal(model.coef_, on_array.coef_)
        np.testing.assert_allclose(model.coef_, exact.coef_, rtol=1e-2)
        np.testing.assert_allclose(model.predict(given), on_array.predict(X.to_numpy()), rtol=1e-13, atol=1e-13)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X[["age", "rooms", "size"]])


def test_bad_tables_are_refused_with_the_librarys_or_scikit_learns_message(frame):
    X, y = frame
    with_null = pa.table({"size": pa.array([1.0, None, 3.0]), "rooms": pa.array([1.0, 2.0, 3.0])})
    with pytest.raises(ValueError, match="null"):
        minibatchgd.OLS([1.0, 2.0, 3.0], with_null).fit()
    with pytest.raises(ValueError, match="only numbers can be features"):
        MiniBatchGDRegressor().fit(pa.table({"name": ["a", "b", "c"]}), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="y has 2 rows where X has 300"):
        MiniBatchGDRegressor().fit(X, y[:2])


def test_a_table_handle_reads_the_columns_in_place_and_keeps_them_alive():
    """A 64 MiB table made into a handle and solved adds a few MiB of anonymous memory (a copy of
    the rows would add the table's 64 MiB), and the handle keeps pyarrow's buffers alive after
    the table and its numpy arrays are gone: the solve after that gives the numpy solve's numbers."""
    import gc

    from minibatchgd import _lib
    from test_zero_copy import PeakSampler, status_bytes

    rows, features = 1 << 18, 31
    generator = np.random.default_rng(30)
    X = generator.normal(size=(rows, features))
    y = X @ np.linspace(-1, 1, features) + 0.5 + generator.normal(scale=0.1, size=rows)
    expected = _lib.Model()
    expected.solve(_lib.Data(X, y), _lib.options())
    table = pa.table({f"x{j}": np.ascontiguousarray(X[:, j]) for j in range(features)})
    gc.collect()
    before = status_bytes("RssAnon")
    with PeakSampler("RssAnon") as anonymous:
        data = _lib.Data.from_arrow(table, y)
        model = _lib.Model()
        model.solve(data, _lib.options())
    grown = anonymous.peak - before
    # 64 MiB of features: a copy would add all of it; 16 MiB leaves room for the solve's blocks.
    assert grown < 16 << 20, f"anonymous memory grew by {grown / 2**20:.1f} MiB for a 64 MiB table"
    print(f"64 MiB table: anonymous memory +{grown / 2**20:.1f} MiB at its peak, handle and solve")
    for got, wanted in zip(model.parameters(), expected.parameters()):
        np.testing.assert_array_equal(got, wanted)
    del table, X
    gc.collect()
    again = _lib.Model()
    again.solve(data, _lib.options())
    for got, wanted in zip(again.parameters(), expected.parameters()):
        np.testing.assert_array_equal(got, wanted)


def test_a_descent_and_a_partial_fit_read_a_table_in_place():
    """A descent on a 64 MiB table (the regressor's fit, with its exact comparison) and a partial
    fit on it add a few MiB of anonymous memory, where a row-major copy of the table for the call
    would add its 64 MiB; they give the bits of the same calls on the numpy array."""
    import gc

    from test_zero_copy import PeakSampler, status_bytes

    rows, features = 1 << 18, 31
    generator = np.random.default_rng(31)
    X = generator.normal(size=(rows, features))
    y = X @ np.linspace(-1, 1, features) + 0.5 + generator.normal(scale=0.1, size=rows)
    settings = dict(batch_size=32, epochs=1, tolerance=0, learning_rate=0.01, threads=1)
    expected = MiniBatchGDRegressor(**settings).fit(X, y)
    expected_online = MiniBatchGDRegressor(batch_size=32, learning_rate=0.01).partial_fit(X, y)
    table = pa.table({f"x{j}": np.ascontiguousarray(X[:, j]) for j in range(features)})
    gc.collect()
    for name, call in [
        ("fit", lambda: MiniBatchGDRegressor(**settings).fit(table, y)),
        ("partial_fit", lambda: MiniBatchGDRegressor(batch_size=32, learning_rate=0.01).partial_fit(table, y)),
    ]:
        before = status_bytes("RssAnon")
        with PeakSampler("RssAnon") as anonymous:
            fitted = call()
        grown = anonymous.peak - before
        # 64 MiB of features: a copy would add all of it; 16 MiB leaves room for the batches, the
        # permutation (2 MiB) and the exact solve's blocks.
        assert grown < 16 << 20, f"{name}: anonymous memory grew by {grown / 2**20:.1f} MiB for a 64 MiB table"
        print(f"64 MiB table: anonymous memory +{grown / 2**20:.1f} MiB at its peak, {name}")
        wanted = expected if name == "fit" else expected_online
        np.testing.assert_array_equal(fitted.coef_, wanted.coef_)
        assert fitted.intercept_ == wanted.intercept_

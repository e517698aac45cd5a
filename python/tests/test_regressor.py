"""MiniBatchGDRegressor under scikit-learn's conventions, against sklearn's exact fit."""
import os
import signal
import threading

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import minibatchgd
from minibatchgd import MiniBatchGDRegressor


@pytest.fixture
def data():
    generator = np.random.default_rng(5)
    X = generator.normal(size=(400, 3))
    y = 0.5 + X @ [1.0, -2.0, 3.0] + generator.normal(scale=0.1, size=400)
    return X, y


def test_fit_reaches_the_exact_solution_and_says_so(data):
    X, y = data
    model = MiniBatchGDRegressor(batch_size="full", optimizer="nesterov")
    assert model.fit(X, y) is model
    exact = LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, exact.coef_, rtol=1e-2)
    assert model.intercept_ == pytest.approx(exact.intercept_, rel=1e-2)
    assert model.verdict_ == "converged" and model.parameter_gap_ < 1e-2 and model.n_features_in_ == 3
    assert model.score(X, y) == pytest.approx(r2_score(y, model.predict(X)))


def test_estimator_conventions(data):
    X, y = data
    model = MiniBatchGDRegressor(optimizer="adam", seed=3)
    assert model.get_params()["optimizer"] == "adam" and not hasattr(model, "coef_")
    copy = clone(model.set_params(batch_size=16))
    assert copy.get_params()["batch_size"] == 16
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    assert list(clone(copy).fit(frame, y).feature_names_in_) == ["a", "b", "c"]
    fitted = make_pipeline(StandardScaler(), copy).fit(frame, y)
    assert fitted.score(frame, y) > 0.99
    # The same seed, the same bits.
    again = make_pipeline(StandardScaler(), clone(copy)).fit(frame, y)
    np.testing.assert_array_equal(fitted[-1].coef_, again[-1].coef_)


def test_bad_input_and_bad_options():
    X = np.array([[1.0], [np.nan], [3.0]])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        MiniBatchGDRegressor().fit(X, [1.0, 2.0, 3.0])
    with pytest.raises(minibatchgd.MiniBatchGDError, match="batchSize must be a positive integer or 'full', got '0'"):
        MiniBatchGDRegressor(batch_size=0).fit([[1.0], [2.0], [3.0]], [1.0, 2.0, 3.0])
    with pytest.raises(minibatchgd.MiniBatchGDError, match="optimizer must be sgd, momentum"):
        MiniBatchGDRegressor(optimizer="lbfgs").fit([[1.0], [2.0], [3.0]], [1.0, 2.0, 3.0])


def test_a_fit_not_converged_warns_with_the_verdict(data):
    from sklearn.exceptions import ConvergenceWarning
    X, y = data
    with pytest.warns(ConvergenceWarning, match="not converged"):
        model = MiniBatchGDRegressor(epochs=1, learning_rate=0.001, tolerance=0).fit(X, y)
    assert model.verdict_ == "not converged"


def test_threads_fit_independent_handles_to_the_same_bits(data):
    X, y = data
    alone = MiniBatchGDRegressor(seed=1).fit(X, y).coef_
    results = [None] * 4

    def fit(index):
        results[index] = MiniBatchGDRegressor(seed=1).fit(X, y).coef_

    threads = [threading.Thread(target=fit, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        np.testing.assert_array_equal(result, alone)


def test_ctrl_c_cancels_the_fit():
    generator = np.random.default_rng(1)
    X = generator.normal(size=(20_000, 4))
    y = X.sum(axis=1)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        MiniBatchGDRegressor(batch_size=1, epochs=100_000, tolerance=0).fit(X, y)
    timer.cancel()


def test_float32_memmap_is_read_in_place(tmp_path):
    # 64 MiB of float32 rows read only, mapped: fitting them must not copy them (anonymous memory
    # grows by far less than the file).
    rows, width = 1 << 20, 16
    path = tmp_path / "rows.f32"
    generator = np.random.default_rng(2)
    block = generator.normal(size=(1 << 16, width)).astype(np.float32)
    with open(path, "wb") as file:
        for _ in range(rows >> 16):
            file.write(block.tobytes())
    mapped = np.memmap(path, dtype=np.float32, mode="r", shape=(rows, width))

    def anonymous():
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("RssAnon:")) * 1024

    before = anonymous()
    results = minibatchgd.OLS(mapped[:, -1], mapped[:, :-1]).fit()
    grown = anonymous() - before
    assert results.nobs == rows
    assert grown < 16 << 20, f"anonymous memory grew by {grown >> 20} MiB for a {(rows * width * 4) >> 20} MiB file"


def test_csr_rows_fit_the_sparse_descent_to_the_dense_answer():
    import scipy.sparse
    generator = np.random.default_rng(7)
    dense = generator.normal(size=(600, 20)) * (generator.random(size=(600, 20)) < 0.2)
    y = dense @ np.linspace(-1, 1, 20) + 0.25
    sparse = scipy.sparse.csr_matrix(dense)
    model = MiniBatchGDRegressor(batch_size=8).fit(sparse, y)
    exact = LinearRegression().fit(dense, y)
    assert model.verdict_ in ("converged", "close, not certified")
    np.testing.assert_allclose(model.coef_, exact.coef_, atol=2e-2)
    np.testing.assert_allclose(model.predict(sparse), model.predict(dense), rtol=1e-12)

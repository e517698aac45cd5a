"""MiniBatchGDRegressor.partial_fit: online descent through mbgd_online, against one call and the one-epoch fit."""
import numpy as np
import pytest

from minibatchgd import MiniBatchGDRegressor, _lib


@pytest.fixture
def data():
    generator = np.random.default_rng(8)
    X = generator.normal(size=(400, 3)) * [1.0, 10.0, 0.1]
    y = 0.5 + X @ [1.0, -0.2, 30.0] + generator.normal(scale=0.1, size=400)
    return X, y


def test_chunks_of_whole_batches_are_one_call(data):
    X, y = data
    whole = MiniBatchGDRegressor(batch_size=16, learning_rate=0.01, standardize=False).partial_fit(X, y)
    chunked = MiniBatchGDRegressor(batch_size=16, learning_rate=0.01, standardize=False)
    previous = None
    for start in range(0, 400, 64):  # 6 chunks of 64 rows and one of 16: whole batches
        chunked.partial_fit(X[start:start + 64], y[start:start + 64])
        assert previous is None or not np.array_equal(chunked.coef_, previous)  # updated after each call
        previous = chunked.coef_.copy()
    np.testing.assert_array_equal(chunked.coef_, whole.coef_)
    assert chunked.intercept_ == whole.intercept_
    assert chunked.progressive_loss_ == whole.progressive_loss_
    assert chunked._online.counts() == (400, 25)
    # A chunk that cuts a batch short makes a smaller batch: other updates, other bits.
    uneven = MiniBatchGDRegressor(batch_size=16, learning_rate=0.01, standardize=False)
    for start in range(0, 400, 50):
        uneven.partial_fit(X[start:start + 50], y[start:start + 50])
    assert not np.array_equal(uneven.coef_, whole.coef_)


def test_one_call_is_the_one_epoch_fit_in_order(data):
    X, y = data
    online = MiniBatchGDRegressor(batch_size=16).partial_fit(X, y)  # standardized, automatic rate
    model = _lib.Model(True)
    model.fit_and_compare(_lib.Data(X, y), _lib.options(batchSize=16, epochs=1, noShuffle=True, noAverage=True,
                                                        noEarlyStopping=True))
    coefficients, intercepts = model.parameters()
    np.testing.assert_array_equal(online.coef_, coefficients[:, 0])
    assert online.intercept_ == intercepts[0]
    # The progressive loss: every row predicted before its update, so above the final fit's error.
    final = np.mean((online.predict(X) - y) ** 2)
    assert online.progressive_loss_ > final > 0


def test_weights_and_several_targets(data):
    X, y = data
    plain = MiniBatchGDRegressor(batch_size=16, learning_rate=0.01, standardize=False).partial_fit(X, y)
    doubled = MiniBatchGDRegressor(batch_size=16, learning_rate=0.01, standardize=False).partial_fit(X, y, np.full(400, 2.0))
    np.testing.assert_array_equal(doubled.coef_, plain.coef_)  # mean reduction: equal weights change nothing
    weights = np.random.default_rng(1).uniform(0.1, 2.0, size=400)
    weighted = MiniBatchGDRegressor(batch_size=16, learning_rate=0.01, standardize=False).partial_fit(X, y, weights)
    assert not np.array_equal(weighted.coef_, plain.coef_)
    Y = np.column_stack([y, -y])
    both = MiniBatchGDRegressor(batch_size=16, learning_rate=0.01, standardize=False).partial_fit(X, Y)
    assert both.coef_.shape == (2, 3) and both.intercept_.shape == (2,)
    np.testing.assert_allclose(both.coef_[0], plain.coef_, rtol=1e-12)
    np.testing.assert_allclose(both.coef_[1], -plain.coef_, rtol=1e-12)


def test_fit_is_unaffected_and_partial_fit_after_fit_starts_over(data):
    X, y = data
    fresh = MiniBatchGDRegressor(batch_size=16, seed=2).fit(X, y)
    model = MiniBatchGDRegressor(batch_size=16, seed=2).partial_fit(X[:64], y[:64])
    model.fit(X, y)
    np.testing.assert_array_equal(model.coef_, fresh.coef_)
    assert not hasattr(model, "progressive_loss_")
    model.partial_fit(X, y)
    np.testing.assert_array_equal(model.coef_, MiniBatchGDRegressor(batch_size=16, seed=2).partial_fit(X, y).coef_)


def test_refusals_raise_value_error_with_the_librarys_message(data):
    X, y = data
    with pytest.raises(ValueError, match="schedule = cosine is invalid: must be constant or inverse-scaling online"):
        MiniBatchGDRegressor(schedule="cosine").partial_fit(X, y)
    with pytest.raises(ValueError, match="batchSize must be a positive integer or 'full', got '0'"):
        MiniBatchGDRegressor(batch_size=0).partial_fit(X, y)
    model = MiniBatchGDRegressor(batch_size=16).partial_fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but MiniBatchGDRegressor is expecting 3 features"):
        model.partial_fit(X[:, :2], y)
    with pytest.raises(ValueError, match="must have the trainer's 3 features and 1 targets"):
        model.partial_fit(X, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="consistent numbers of samples"):
        model.partial_fit(X[:10], y[:9])
    with pytest.raises(ValueError, match="weights"):
        model.partial_fit(X[:4], y[:4], [1.0, -1.0, 1.0, 1.0])
    # Nothing refused changed the trainer.
    np.testing.assert_array_equal(model.coef_, MiniBatchGDRegressor(batch_size=16).partial_fit(X, y).coef_)

"""Online descent saved and planned: pickles between partial_fit calls continue with the bits of the
uninterrupted run (the rule's moments, the running average, the counts all carried); a plan from
a sample replaces the first chunk's."""
import copy
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from minibatchgd import MiniBatchGDRegressor, _lib


@pytest.fixture
def data():
    generator = np.random.default_rng(31)
    X = generator.normal(size=(640, 4)) * [1.0, 5.0, 0.2, 2.0] + [0.0, 3.0, -1.0, 0.5]
    y = 0.75 + X @ [1.0, -0.4, 12.0, 0.3] + generator.normal(scale=0.2, size=640)
    return X, y


def chunks(X, y, start, stop, size=64):
    return [(X[i:i + size], y[i:i + size]) for i in range(start, stop, size)]


def same_bits(a, b):
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_ == b.intercept_ and a.progressive_loss_ == b.progressive_loss_
    assert a._online.counts() == b._online.counts()


@pytest.mark.parametrize("parameters", [
    dict(),                                                            # SGD, standardized, automatic rate
    dict(optimizer="adam"),                                            # Adam's moments and step count
    dict(optimizer="momentum", schedule="inverse-scaling", l2=1e-3),   # velocity, per-update decay
])
def test_pickled_between_partial_fits_continues_with_the_same_bits(data, parameters):
    X, y = data
    uninterrupted = MiniBatchGDRegressor(batch_size=16, **parameters)
    for chunk in chunks(X, y, 0, 640):
        uninterrupted.partial_fit(*chunk)
    interrupted = MiniBatchGDRegressor(batch_size=16, **parameters)
    for chunk in chunks(X, y, 0, 320):
        interrupted.partial_fit(*chunk)
    unpickled = pickle.loads(pickle.dumps(interrupted))
    copied = copy.deepcopy(interrupted)
    same_bits(unpickled, interrupted)
    for chunk in chunks(X, y, 320, 640):
        for model in (unpickled, copied, interrupted):
            model.partial_fit(*chunk)
    for model in (unpickled, copied, interrupted):
        same_bits(model, uninterrupted)
    # The carried state matters: the parameters alone, restarted, train to other bits.
    restarted = MiniBatchGDRegressor(batch_size=16, **parameters)
    restarted.partial_fit(X[:320], y[:320])
    restarted.partial_fit(X[320:], y[320:])
    assert not np.array_equal(restarted.coef_, MiniBatchGDRegressor(batch_size=16, **parameters).partial_fit(X[320:], y[320:]).coef_)


def test_the_running_average_is_carried(data):
    X, y = data
    configuration = _lib.options(batchSize=16, learningRate=0.01, average=True, noStandardize=True)
    whole, first = _lib.Online(configuration, 4, 1), _lib.Online(configuration, 4, 1)
    whole.partial_fit(_lib.Data(X, y))
    first.partial_fit(_lib.Data(X[:320], y[:320]))
    second = pickle.loads(pickle.dumps(first))
    del first
    second.partial_fit(_lib.Data(X[320:], y[320:]))
    for a, b in zip(second.parameters(), whole.parameters()):
        np.testing.assert_array_equal(a, b)
    assert second.progressive_loss() == whole.progressive_loss()


def test_an_unstarted_trainer_round_trips(data):
    X, y = data
    configuration = _lib.options(batchSize=32)
    fresh = _lib.Online(configuration, 4, 1)
    restored = pickle.loads(pickle.dumps(fresh))
    assert np.isnan(restored.progressive_loss()) and restored.counts() == (0, 0)
    fresh.partial_fit(_lib.Data(X, y))
    restored.partial_fit(_lib.Data(X, y))
    np.testing.assert_array_equal(fresh.parameters()[0], restored.parameters()[0])


def test_a_state_of_other_options_or_damaged_is_refused(data):
    X, y = data
    trainer = _lib.Online(_lib.options(batchSize=16, optimizer="adam"), 4, 1)
    trainer.partial_fit(_lib.Data(X[:64], y[:64]))
    state = trainer.state()
    other = _lib.Online(_lib.options(batchSize=16, optimizer="adam", learningRate=0.1), 4, 1)
    with pytest.raises(ValueError, match=r"other options or shape.*the learning rate \(--learning-rate\): the state has auto, this trainer 0.1"):
        other.restore(state)
    with pytest.raises(ValueError, match="the features and targets"):
        _lib.Online(_lib.options(batchSize=16, optimizer="adam"), 5, 1).restore(state)
    damaged = bytearray(state)
    damaged[len(damaged) // 2] ^= 0x10
    with pytest.raises(_lib.MiniBatchGDError, match="checksum") as raised:
        trainer.restore(bytes(damaged))
    assert raised.value.status == 4  # MBGD_FILE
    with pytest.raises(_lib.MiniBatchGDError, match="does not start as an mbgd checkpoint"):
        trainer.restore(b"not a state")
    # Unchanged by the refusals: it continues as a copy made before them.
    copied = pickle.loads(pickle.dumps(trainer))
    for model in (trainer, copied):
        model.partial_fit(_lib.Data(X[64:128], y[64:128]))
    np.testing.assert_array_equal(trainer.parameters()[0], copied.parameters()[0])


def test_clone_of_a_partially_fitted_estimator_is_unfitted(data):
    X, y = data
    model = MiniBatchGDRegressor(batch_size=16, optimizer="adam").partial_fit(X[:64], y[:64])
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        twin.predict(X)
    twin.partial_fit(X[:64], y[:64])
    np.testing.assert_array_equal(twin.coef_, model.coef_)


def test_a_plan_from_all_rows_makes_whole_batch_chunks_one_call(data):
    X, y = data
    # The plan (standardization, automatic rate) of one call over all rows is taken from them all.
    whole = MiniBatchGDRegressor(batch_size=16).partial_fit(X, y)
    planned = MiniBatchGDRegressor(batch_size=16).plan_partial_fit(X, y)
    assert planned._online.counts() == (0, 0)  # planning trains on nothing
    unplanned = MiniBatchGDRegressor(batch_size=16)
    for chunk in chunks(X, y, 0, 640):
        planned.partial_fit(*chunk)
        unplanned.partial_fit(*chunk)
    np.testing.assert_array_equal(planned.coef_, whole.coef_)
    assert planned.intercept_ == whole.intercept_ and planned._online.counts() == whole._online.counts()
    # The progressive loss is summed a chunk at a time: the same to rounding, not to the bit.
    assert planned.progressive_loss_ == pytest.approx(whole.progressive_loss_, rel=1e-14)
    # Without it, the first 64 rows' means and deviations standardize: other bits.
    assert not np.array_equal(unplanned.coef_, whole.coef_)
    # Once planned (or trained), a later plan changes nothing.
    before = planned.coef_.copy()
    planned.plan_partial_fit(X[:10] * 100, y[:10])
    planned.partial_fit(X[:64], y[:64])
    again = pickle.loads(pickle.dumps(whole)).partial_fit(X[:64], y[:64])
    np.testing.assert_array_equal(planned.coef_, again.coef_)
    assert not np.array_equal(before, planned.coef_)

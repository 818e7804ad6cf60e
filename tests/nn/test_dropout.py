"""Inverted dropout: mask statistics, scaling, identity in eval, gradients."""

import numpy as np
import pytest

import tinygraph as tg


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_drops_a_fraction_p_and_scales_the_rest(p):
    x = tg.ones(200, 500)
    out = tg.nn.Dropout(p, rng=0)(x).data
    kept = out != 0
    # 100,000 Bernoulli(1 - p) draws: the kept fraction is within 5 sd of 1 - p
    sd = np.sqrt(p * (1 - p) / out.size)
    assert abs(kept.mean() - (1 - p)) < 5 * sd
    np.testing.assert_allclose(out[kept], 1 / (1 - p), rtol=1e-15)
    # inverted dropout keeps the expected value of every unit
    assert abs(out.mean() - 1.0) < 5 * sd / (1 - p)


def test_dropout_is_identity_in_eval_mode_and_for_p_zero():
    x = tg.tensor(np.random.default_rng(0).normal(size=(3, 4)), requires_grad=True)
    drop = tg.nn.Dropout(0.5, rng=0)
    assert drop.eval()(x) is x
    assert tg.nn.Dropout(0.0)(x) is x
    assert tg.nn.dropout(x, 0.9, training=False) is x


def test_dropout_gradient_is_the_scaled_mask():
    x = tg.tensor(np.random.default_rng(1).normal(size=(4, 6)), requires_grad=True)
    out = tg.nn.Dropout(0.25, rng=3)(x)
    upstream = np.arange(24.0).reshape(4, 6)
    out.backward(upstream)
    mask = out.data / x.data  # 0 or 1/0.75 per entry
    assert set(np.round(np.unique(mask), 12)) <= {0.0, round(1 / 0.75, 12)}
    np.testing.assert_allclose(x.grad, upstream * mask, rtol=1e-12)


def test_dropout_masks_differ_between_calls_but_repeat_with_the_seed():
    x = tg.ones(10, 10)
    first = tg.nn.Dropout(0.5, rng=4)
    a, b = first(x).data, first(x).data
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, tg.nn.Dropout(0.5, rng=4)(x).data)


def test_dropout_keeps_float32():
    x = tg.ones(3, 3, dtype=np.float32)
    assert tg.nn.Dropout(0.5, rng=0)(x).dtype == np.float32


def test_dropout_in_a_network_follows_train_and_eval():
    net = tg.nn.Sequential(tg.nn.Linear(5, 5, rng=0), tg.nn.Dropout(0.5, rng=1))
    X = np.ones((5, 20))
    assert np.count_nonzero(net(X).data) < 5 * 20
    net.eval()
    np.testing.assert_allclose(net(X).data, net[0](X).data)


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5, "half", True])
def test_dropout_rejects_bad_p(p):
    with pytest.raises(ValueError, match=r"Dropout: p .* must be in \[0, 1\)"):
        tg.nn.Dropout(p)

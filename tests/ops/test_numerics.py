"""The stable numerics where the plain formulas fail: large inputs stay
finite (and raise no overflow), small ones keep their digits; values and
gradients worked out by hand."""

import math

import numpy as np
import pytest

import tinygraph as tg


def _value_and_grad(function, x0, dtype=np.float64):
    x = tg.tensor(np.array(x0, dtype=dtype), requires_grad=True)
    # an overflow, a log(0) or a NaN would raise here (underflow to 0 is fine)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out = function(x)
        out.backward(np.ones(out.shape, dtype=dtype))
    return out.data, x.grad


def _tolerance(dtype):
    """float32 keeps 7 digits: near 1000 its spacing is 6e-5, so exp(x - out)
    is off by that much, relatively (PyTorch's float32 is too)."""
    return 1e-12 if dtype == np.float64 else 1e-4


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_logsumexp_of_thousands_is_finite(dtype):
    out, grad = _value_and_grad(tg.logsumexp, [1000.0, 1000.0, 999.0], dtype)
    # 1000 + log(2 + e^-1); the gradient is the softmax (1, 1, e^-1) / (2 + e^-1)
    tol = _tolerance(dtype)
    assert out == pytest.approx(1000 + math.log(2 + math.exp(-1)), rel=tol)
    expected = np.array([1.0, 1.0, math.exp(-1)]) / (2 + math.exp(-1))
    np.testing.assert_allclose(grad, expected, rtol=tol)
    assert out.dtype == grad.dtype == dtype


def test_logsumexp_along_an_axis_with_large_and_infinite_entries():
    x0 = [[-1000.0, -np.inf], [-1000.0, 0.0]]
    out, grad = _value_and_grad(lambda x: x.logsumexp(axis=0), x0)
    # log(2 e^-1000) = -1000 + log 2, and log(e^-inf + e^0) = 0
    np.testing.assert_allclose(out, [-1000 + math.log(2), 0.0])
    np.testing.assert_allclose(grad, [[0.5, 0.0], [0.5, 1.0]])
    # a slice of -inf only: log(0) = -inf, without a warning
    with np.errstate(all="raise"):
        assert tg.logsumexp(tg.tensor([-np.inf, -np.inf])).item() == -np.inf


@pytest.mark.parametrize(
    "function, x0, value, derivative",
    [
        (tg.softplus, 1000.0, 1000.0, 1.0),
        (tg.softplus, -1000.0, 0.0, 0.0),
        (tg.log_sigmoid, -1000.0, -1000.0, 1.0),
        (tg.log_sigmoid, 1000.0, 0.0, 0.0),
        (lambda x: tg.logaddexp(x, x), 1000.0, 1000 + math.log(2), 1.0),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_inputs_stay_finite(function, x0, value, derivative, dtype):
    out, grad = _value_and_grad(function, x0, dtype)
    assert np.isfinite(out) and np.isfinite(grad)
    tol = _tolerance(dtype)
    assert out == pytest.approx(value, rel=tol, abs=1e-30)
    assert grad == pytest.approx(derivative, rel=tol, abs=1e-30)


def test_logaddexp_splits_the_gradient_by_softmax_weights():
    a = tg.tensor(1000.0, requires_grad=True)
    b = tg.tensor(1000.0 - math.log(3), requires_grad=True)  # e^b = e^a / 3
    tg.logaddexp(a, b).backward()
    assert a.grad == pytest.approx(0.75) and b.grad == pytest.approx(0.25)


def test_log1p_and_expm1_keep_the_digits_of_tiny_inputs():
    # log(1 + 1e-20) and exp(1e-20) - 1 round to 0; the true values are 1e-20
    for function in (tg.log1p, tg.expm1):
        out, grad = _value_and_grad(function, [1e-20])
        assert out[0] == pytest.approx(1e-20, rel=1e-12)
        assert grad[0] == pytest.approx(1.0, rel=1e-12)

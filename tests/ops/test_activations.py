"""The activations beyond the notes at their kinks and far out, against
values worked out by hand (PyTorch's rules at the kinks)."""

import math

import numpy as np
import pytest

import tinygraph as tg


def _value_and_grad(function, x0):
    x = tg.tensor(np.array(x0, dtype=float), requires_grad=True)
    with np.errstate(over="raise", invalid="raise"):  # no overflow, no NaN
        out = function(x)
        out.backward(np.ones(out.shape))
    return out.data, x.grad


@pytest.mark.parametrize(
    "function, x0, value, grad",
    [
        # at 0 the negative piece's derivative, as PyTorch: the slope, alpha
        (lambda x: tg.leaky_relu(x, 0.2), [-1.0, 0.0, 1.0], [-0.2, 0.0, 1.0],
         [0.2, 0.2, 1.0]),
        (lambda x: tg.elu(x, 0.5), [0.0, 1000.0, -1000.0], [0.0, 1000.0, -0.5],
         [0.5, 1.0, 0.0]),
        # hardtanh passes nothing at its bounds (clamp would pass it there)
        (tg.hardtanh, [-2.0, -1.0, 0.5, 1.0, 2.0], [-1.0, -1.0, 0.5, 1.0, 1.0],
         [0.0, 0.0, 1.0, 0.0, 0.0]),
        # gelu(z) = z Φ(z): Φ(0) = 1/2, Φ(1) = 0.8413447460685429, φ(1) = e^-½/√(2π)
        (tg.gelu, [0.0, 1.0, 10.0, -10.0],
         [0.0, 0.8413447460685429, 10.0, 0.0],
         [0.5, 0.8413447460685429 + math.exp(-0.5) / math.sqrt(2 * math.pi),
          1.0, 0.0]),
        # silu(0) = 0 with slope σ(0) = 1/2; softsign has slope 1 at 0
        (tg.silu, [0.0, 1000.0, -1000.0], [0.0, 1000.0, 0.0], [0.5, 1.0, 0.0]),
        (tg.softsign, [0.0, 1.0, -3.0], [0.0, 0.5, -0.75], [1.0, 0.25, 1 / 16]),
    ],
    ids=["leaky_relu", "elu", "hardtanh", "gelu", "silu", "softsign"],
)
def test_activation_values_and_gradients_at_kinks_and_far_out(
    function, x0, value, grad
):
    out, dx = _value_and_grad(function, x0)
    np.testing.assert_allclose(out, value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dx, grad, rtol=1e-12, atol=1e-15)


def test_gelu_keeps_float32():
    x = tg.tensor(np.array([-1.0, 0.5], dtype=np.float32), requires_grad=True)
    out = tg.gelu(x)
    out.backward(np.ones(2, dtype=np.float32))
    assert out.dtype == x.grad.dtype == np.float32


@pytest.mark.parametrize(
    "module, function",
    [
        (tg.nn.LeakyReLU(0.1), lambda z: tg.leaky_relu(z, 0.1)),
        (tg.nn.ELU(0.5), lambda z: tg.elu(z, 0.5)),
        (tg.nn.GELU(), tg.gelu),
        (tg.nn.SiLU(), tg.silu),
        (tg.nn.Softsign(), tg.softsign),
        (tg.nn.Hardtanh(-0.5, 0.5), lambda z: tg.hardtanh(z, -0.5, 0.5)),
    ],
    ids=lambda x: type(x).__name__,
)
def test_activation_modules_apply_their_settings(module, function):
    z = np.array([[-2.0, -0.3, 0.4, 1.5]])
    np.testing.assert_array_equal(module(tg.tensor(z)).data, function(z).data)


def test_activation_modules_show_their_settings():
    assert repr(tg.nn.LeakyReLU(0.1)) == "LeakyReLU(negative_slope=0.1)"
    assert repr(tg.nn.ELU()) == "ELU(alpha=1.0)"
    assert repr(tg.nn.Hardtanh()) == "Hardtanh(min_val=-1.0, max_val=1.0)"
    assert repr(tg.nn.GELU()) == "GELU()"

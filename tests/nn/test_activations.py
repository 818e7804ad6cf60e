"""Activation functions and modules: values against NumPy, gradients against
finite differences."""

import math

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import np_relu, np_sigmoid, np_softmax

_erf = np.vectorize(math.erf)
Z = np.array([[-2.0, -0.5, 0.3, 1.7], [0.9, -1.2, 2.5, -0.1], [0.4, 0.2, -3.0, 0.6]])

CASES = [
    ("identity", tg.nn.Identity, lambda z: z),
    ("step", tg.nn.Step, lambda z: (z >= 0).astype(float)),
    ("sigmoid", tg.nn.Sigmoid, np_sigmoid),
    ("tanh", tg.nn.Tanh, np.tanh),
    ("relu", tg.nn.ReLU, np_relu),
    ("softmax", tg.nn.Softmax, np_softmax),
    ("leaky_relu", tg.nn.LeakyReLU, lambda z: np.where(z > 0, z, 0.01 * z)),
    ("elu", tg.nn.ELU, lambda z: np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1)),
    ("gelu", tg.nn.GELU, lambda z: z * (1 + _erf(z / math.sqrt(2))) / 2),
    ("silu", tg.nn.SiLU, lambda z: z * np_sigmoid(z)),
    ("softsign", tg.nn.Softsign, lambda z: z / (1 + np.abs(z))),
    ("hardtanh", tg.nn.Hardtanh, lambda z: np.clip(z, -1, 1)),
]


@pytest.mark.parametrize("name, module, reference", CASES, ids=[c[0] for c in CASES])
def test_activation_function_and_module_values(name, module, reference):
    z = tg.tensor(Z, requires_grad=True)
    function = getattr(tg.nn, name)
    np.testing.assert_allclose(function(z).data, reference(Z), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(module()(z).data, reference(Z), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    "name",
    ["sigmoid", "tanh", "relu", "softmax", "leaky_relu", "elu", "gelu", "silu",
     "softsign", "hardtanh"],
)
def test_activation_gradients_match_finite_differences(name):
    z = tg.tensor(Z, requires_grad=True)
    result = tg.gradcheck(getattr(tg.nn, name), [z])
    assert result, str(result)


def test_step_passes_no_gradient():
    z = tg.tensor(Z, requires_grad=True)
    (tg.nn.step(z) * 3).sum().backward()
    np.testing.assert_array_equal(z.grad, np.zeros_like(Z))


def test_identity_adds_no_node():
    z = tg.tensor(Z, requires_grad=True)
    assert tg.nn.identity(z) is z


def test_softmax_columns_sum_to_one_along_the_chosen_axis():
    z = tg.tensor(Z)
    np.testing.assert_allclose(tg.nn.Softmax()(z).data.sum(axis=0), 1.0, rtol=1e-15)
    np.testing.assert_allclose(
        tg.nn.Softmax(axis=1)(z).data.sum(axis=1), 1.0, rtol=1e-15
    )

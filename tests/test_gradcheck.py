"""tg.gradcheck: agrees on correct gradients, pinpoints wrong ones."""

import numpy as np
import pytest

import tinygraph as tg
from tinygraph.op import Op


class WrongSquare(Op):
    """x^2 with a deliberately wrong derivative (3x instead of 2x)."""

    name, formula = "wrong_square", "{0}^2"

    def forward(self, x):
        return x * x, x

    def backward(self, grad, x, needs):
        return (grad * 3 * x,)


def test_gradcheck_passes_on_correct_gradients():
    x = tg.tensor(np.random.default_rng(0).uniform(0.5, 2, size=(3, 2)), requires_grad=True)
    w = tg.tensor(np.random.default_rng(1).normal(size=(2, 2)), requires_grad=True)
    result = tg.gradcheck(lambda x, w: (x @ w).tanh() * x.sum(), [x, w])
    assert result and "passed" in str(result)


def test_gradcheck_reports_input_entry_and_size_of_disagreement():
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    x = tg.tensor([0.5, 1.5, -1.0], requires_grad=True, name="x")
    result = tg.gradcheck(lambda a, x: a.sum() + WrongSquare().apply(x), [a, x])
    assert not result
    assert result.input_index == 1 and result.input_name == "x"
    assert result.entry == (1,)  # the largest entry has the largest error
    assert abs(result.error - abs(result.analytic - result.numeric)) < 1e-12
    text = str(result)
    assert "input 1" in text and "'x'" in text and "(1,)" in text


def test_gradcheck_works_on_float32_inputs_in_float64():
    x = tg.tensor(np.array([0.3, 0.7], dtype=np.float32), requires_grad=True)
    assert tg.gradcheck(lambda x: x.sigmoid().log(), [x])
    assert x.dtype == np.float32  # the caller's tensor is untouched


class ForgetsTheSavedValue(Op):
    """forward returns only the output, not (output, saved)."""

    name = "forgetful"

    def forward(self, x):
        return x * 2


def test_an_op_whose_forward_breaks_the_contract_is_named():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    expected = r"forgetful: ForgetsTheSavedValue.forward must return a pair \(output, saved\)"
    with pytest.raises(TypeError, match=expected):
        ForgetsTheSavedValue().apply(x)


class ForgetsTheTuple(Op):
    """backward returns a bare array, not a tuple of one per input."""

    name = "bare"

    def forward(self, x):
        return x * 2, None

    def backward(self, grad, saved, needs):
        return grad * 2


def test_an_op_whose_backward_breaks_the_contract_is_named():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = ForgetsTheTuple().apply(x).sum()
    expected = r"bare: ForgetsTheTuple.backward must return a tuple .* 1 here, .* a ndarray"
    with pytest.raises(TypeError, match=expected):
        y.backward()
    with pytest.raises(TypeError, match=expected):
        tg.graph.backward_steps(y)

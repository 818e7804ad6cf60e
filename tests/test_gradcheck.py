"""tg.gradcheck: agrees on correct gradients, pinpoints wrong ones."""

import numpy as np

import tinygraph as tg
from tinygraph.op import Op


class WrongSquare(Op):
    """x^2 with a deliberately wrong derivative (3x instead of 2x)."""

    name, formula = "wrong_square", "{0}^2"
    __slots__ = ("x",)

    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, grad):
        return (grad * 3 * self.x,)


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

"""tg.gradcheck: agrees on correct gradients, pinpoints wrong ones."""

import numpy as np
import pytest

import tinygraph as tg
from tinygraph.op import Op


class WrongSquare(Op):
    """x^2 with a deliberately wrong derivative (3x instead of 2x)."""

    name, formula = "wrong_square", "{0}^2"

    def maths(self, m, x):
        return x * x

    def backward(self, m, g, needs, out, x):
        return (g * 3 * x,)


def test_gradcheck_passes_on_correct_gradients():
    x = tg.tensor(
        np.random.default_rng(0).uniform(0.5, 2, size=(3, 2)), requires_grad=True
    )
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
    # the Jacobian entry d f[1] / d x[1]: 3 x by autodiff, 2 x by differences
    assert result.output_entry == (1,)
    assert result.analytic == pytest.approx(3 * 1.5, rel=1e-12)
    assert result.numeric == pytest.approx(2 * 1.5, rel=1e-8)
    assert abs(result.error - abs(result.analytic - result.numeric)) < 1e-12
    text = str(result)
    assert "input 1" in text and "'x'" in text and "(1,)" in text
    assert "d f[1] / d x[1] is 4.5 by autodiff but 3" in text


def test_gradcheck_works_on_float32_inputs_in_float64():
    x = tg.tensor(np.array([0.3, 0.7], dtype=np.float32), requires_grad=True)
    assert tg.gradcheck(lambda x: x.sigmoid().log(), [x])
    assert x.dtype == np.float32  # the caller's tensor is untouched


class ReturnsAPair(Op):
    """forward returns (output, saved), as ops once did, not the output."""

    name = "pair"

    def forward(self, x):
        return x * 2, x


def test_an_op_whose_forward_breaks_the_contract_is_named():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    expected = (
        r"pair: ReturnsAPair.forward must return the output array, "
        r"but it returned 2 values"
    )
    with pytest.raises(TypeError, match=expected):
        ReturnsAPair().apply(x)


class ForgetsTheTuple(Op):
    """backward returns a bare array, not a tuple of one per input."""

    name = "bare"

    def maths(self, m, x):
        return x * 2

    def backward(self, m, g, needs, out, x):
        return g * 2


def test_an_op_whose_backward_breaks_the_contract_is_named():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = ForgetsTheTuple().apply(x).sum()
    expected = (
        r"bare: ForgetsTheTuple.backward must return a tuple .* 1 here, .* a ndarray"
    )
    with pytest.raises(TypeError, match=expected):
        y.backward()
    with pytest.raises(TypeError, match=expected):
        tg.graph.backward_steps(y)


def test_gradcheck_reports_the_derivative_of_a_scalar_output_unweighted():
    # f = sum x^2 + sum x^3, where the cube is computed from x.data and so is
    # invisible to autodiff: it sees 2x, the derivative is 2x + 3x^2
    x = tg.tensor([0.5, 1.0, -0.7], requires_grad=True, name="x")
    result = tg.gradcheck(
        lambda x: (x * x).sum() + tg.tensor(x.data**3).sum(), [x]
    )
    assert not result
    assert result.entry == (1,) and result.output_entry == ()
    assert result.analytic == pytest.approx(2.0, rel=1e-12)
    assert result.numeric == pytest.approx(5.0, rel=1e-8)
    assert "d f / d x[1] is 2 by autodiff but 5 by finite differences" in str(result)


def test_gradcheck_reports_the_jacobian_entry_of_a_matrix_output():
    # f = M @ x^2 with x^2 differentiated wrongly: d f[k] / d x[j] is
    # M[k, j] 3 x_j by autodiff against M[k, j] 2 x_j. x[1] dominates, and
    # of its column the output entry 1, where |M| is largest.
    M = np.array([[1.0, 0.5, 1.0], [1.0, -2.0, 1.0]])
    x = tg.tensor([0.1, 3.0, 0.2], requires_grad=True)
    result = tg.gradcheck(lambda x: tg.tensor(M) @ WrongSquare().apply(x), [x])
    assert not result
    assert result.entry == (1,) and result.output_entry == (1,)
    assert result.analytic == pytest.approx(-2.0 * 3 * 3.0, rel=1e-12)
    assert result.numeric == pytest.approx(-2.0 * 2 * 3.0, rel=1e-8)
    assert "d f[1] / d inputs[0][1] is -18 by autodiff but -12" in str(result)


class ForgetsTheUpstreamGradient(Op):
    """x^2 whose backward returns 2x, not grad * 2x."""

    name, formula = "forgetful_square", "{0}^2"

    def maths(self, m, x):
        return x * x

    def backward(self, m, g, needs, out, x):
        return (2 * x,)


def test_gradcheck_still_catches_a_backward_that_ignores_its_upstream_gradient():
    # With an upstream gradient of exactly 1 this bug is invisible: the check
    # must keep its random weight even for a scalar output.
    x = tg.tensor([0.5, 1.0, -0.7], requires_grad=True)
    result = tg.gradcheck(lambda x: ForgetsTheUpstreamGradient().apply(x).sum(), [x])
    assert not result
    assert result.analytic == pytest.approx(result.numeric, rel=1e-8)
    assert "backward is not linear in its upstream gradient" in str(result)


class Leaky(Op):
    """0 * x broadcast to 1000 entries, whose backward leaks 9e-6 per entry."""

    name = "leaky"

    def maths(self, m, x):
        return np.zeros(1000) * x

    def backward(self, m, g, needs, out, x):
        return (9e-6 * g.sum(),)


def test_gradcheck_says_when_small_errors_add_up():
    # each derivative is 9e-6 against 0, within atol=1e-5; 1000 of them are not
    x = tg.tensor(1.0, requires_grad=True)
    result = tg.gradcheck(lambda x: Leaky().apply(x), [x])
    assert not result
    assert result.analytic == pytest.approx(9e-6) and result.numeric == 0
    assert "each derivative is within tolerance, but their weighted sum" in str(result)


def test_gradcheck_wants_tensors_and_says_how_to_make_them():
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(
        TypeError,
        match=r"gradcheck: inputs\[0\] is a NumPy array of shape \(3,\), not a "
        r"tensor; wrap it: tg.tensor\(x, requires_grad=True\)",
    ):
        tg.gradcheck(lambda x: x.sum(), [x])
    with pytest.raises(TypeError, match=r"inputs must be a list of tensors, got a Num"):
        tg.gradcheck(lambda x: x.sum(), x)
    with pytest.raises(TypeError, match=r"got one tensor of shape \(3,\); write \[x\]"):
        tg.gradcheck(lambda x: x.sum(), tg.tensor(x, requires_grad=True))


def test_gradcheck_wants_f_to_return_a_tensor():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        TypeError,
        match=r"f \('<lambda>'\) returned a float, not a tensor; .*x.sum\(\)",
    ):
        tg.gradcheck(lambda x: float((x * x).sum().item()), [x])


def test_gradcheck_refuses_to_pass_when_there_is_nothing_to_check():
    # W requires gradients, so f's output does, but no input is checked
    W = tg.tensor([1.0, 2.0], requires_grad=True)
    x = tg.tensor([3.0, 4.0])
    with pytest.raises(ValueError, match="no input requires gradients"):
        tg.gradcheck(lambda x: (W * x).sum(), [x])

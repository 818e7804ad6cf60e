"""Explicit checks beside the op table: prod where entries are 0, var and
std against values worked out by hand, and the errors of the new ops."""

import numpy as np
import pytest

import tinygraph as tg


@pytest.mark.parametrize(
    "x0, expected",
    [
        # one zero: only its entry gets a gradient, the product of the others
        ([2.0, 0.0, 3.0, 4.0], [0.0, 24.0, 0.0, 0.0]),
        # two zeros: every product of "the others" holds a zero
        ([2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]),
        ([2.0, 5.0, 3.0, 4.0], [60.0, 24.0, 40.0, 30.0]),
    ],
)
def test_prod_gradient_with_zeros_is_the_product_of_the_others(x0, expected):
    x = tg.tensor(x0, requires_grad=True)
    x.prod().backward()
    np.testing.assert_array_equal(x.grad, expected)
    assert np.isfinite(x.grad).all()


def test_prod_gradient_with_zeros_along_an_axis_and_its_second_derivative():
    x0 = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]])
    x = tg.tensor(x0, requires_grad=True)
    (d1,) = tg.grad(x.prod(axis=1).sum(), [x], create_graph=True)
    np.testing.assert_array_equal(d1.data, [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]])
    # d/dx_j of (the product of the others of x_k), summed over k: in row 0
    # x_0 appears in the others of x_1 and x_2: 3 + 0; row 1 has two zeros.
    (d2,) = tg.grad(d1.sum(), [x])
    np.testing.assert_array_equal(d2, [[3.0, 5.0, 2.0], [5.0, 5.0, 0.0]])


@pytest.mark.parametrize("ddof", [0, 1, 2])
def test_var_and_std_ddof_match_numpy(ddof):
    x0 = np.random.default_rng(0).normal(size=(4, 5))
    for axis in (None, 0, 1):
        np.testing.assert_allclose(
            tg.var(x0, axis=axis, ddof=ddof).data, np.var(x0, axis=axis, ddof=ddof)
        )
        np.testing.assert_allclose(
            tg.std(x0, axis=axis, ddof=ddof).data, np.std(x0, axis=axis, ddof=ddof)
        )


def test_var_and_std_against_values_worked_out_by_hand():
    # x = 1, 2, 3, 4: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5
    x = tg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    assert tg.var(x).item() == pytest.approx(5 / 4)
    assert tg.var(x, ddof=1).item() == pytest.approx(5 / 3)
    assert x.var(correction=1).item() == pytest.approx(5 / 3)
    assert tg.std(x, ddof=1).item() == pytest.approx(np.sqrt(5 / 3))
    # d var / dx = 2 (x - mean) / (n - ddof) = (-1.5, -0.5, 0.5, 1.5) * 2 / 3
    tg.var(x, ddof=1).backward()
    np.testing.assert_allclose(x.grad, [-1.0, -1 / 3, 1 / 3, 1.0])
    # d std / dx = (x - mean) / ((n - ddof) std), std = sqrt(5/4) for ddof 0
    x.grad = None
    tg.std(x).backward()
    expected = np.array([-1.5, -0.5, 0.5, 1.5]) / (4 * np.sqrt(1.25))
    np.testing.assert_allclose(x.grad, expected)


def test_var_refuses_too_large_a_ddof_and_two_corrections():
    x = tg.tensor(np.ones((2, 3)), name="x")
    with pytest.raises(ValueError, match=r"var: .*'x' of shape \(2, 3\).*ddof=2"):
        tg.var(x, axis=0, ddof=2)
    with pytest.raises(ValueError, match="std: give ddof or correction, not both"):
        tg.std(x, ddof=1, correction=2)


def test_cumsum_gradient_is_the_sum_of_the_upstream_gradients_from_the_end():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.cumsum().backward(np.array([1.0, 10.0, 100.0]))
    np.testing.assert_array_equal(x.grad, [111.0, 110.0, 100.0])


def test_outer_flattens_its_operands_as_numpy_does():
    a0, b0 = np.arange(4.0).reshape(2, 2), np.array([1.0, -2.0, 3.0])
    a = tg.tensor(a0, requires_grad=True)
    out = tg.outer(a, b0)
    np.testing.assert_array_equal(out.data, np.outer(a0, b0))
    out.backward(np.ones((4, 3)))
    np.testing.assert_array_equal(a.grad, np.full((2, 2), b0.sum()))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda x: tg.squeeze(x, 1), r"squeeze: cannot squeeze axis 1 of 'x' of"),
        (lambda x: tg.swapaxes(x, 0, 3), r"swapaxes: 'x' of shape \(2, 3\) has no"),
        (lambda x: tg.pad(x, -1), r"pad: cannot pad 'x' of shape \(2, 3\) by negative"),
        (lambda x: tg.einsum("ii->i", x), r"einsum: cannot use subscripts 'ii->i'"),
        (lambda x: tg.einsum("ij", x), r"einsum: .*give the output's subscripts"),
        (lambda x: tg.einsum("ij,jk->ik", x), r"einsum: .*name 2 operands, but 1"),
        (lambda x: tg.einsum("ij,jk->ik", x, x), r"einsum: cannot apply to 'x' of"),
        (lambda x: tg.tensordot(x, x, 1), r"tensordot: cannot contract 'x' of shape"),
        (lambda x: x.repeat(2), r"repeat: 'x' of shape \(2, 3\) needs a number"),
        (lambda x: tg.prod(x, axis=(0, 1)), r"prod: axis must be an int or None"),
    ],
)
def test_new_ops_name_the_op_and_the_operand_shapes_in_errors(call, message):
    x = tg.tensor(np.ones((2, 3)), requires_grad=True, name="x")
    with pytest.raises(ValueError, match=message):
        call(x)

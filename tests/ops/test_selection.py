"""maximum, minimum, clip and min at their kinks, against values worked out
by hand (PyTorch's rules: a tie shares the gradient equally, clip passes it
at its bounds), and argmax/argmin, which record nothing."""

import numpy as np
import pytest

import tinygraph as tg


def test_maximum_of_x_and_itself_gives_each_side_half():
    x = tg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    tg.maximum(x, x).backward(np.array([2.0, 4.0, 6.0]))
    # max(x, x) = x, so the two halves add up to the whole gradient
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])


@pytest.mark.parametrize(
    "function, grad_a, grad_b",
    [
        # a = [1, 2, 3] against b = [2, 2, 2]: below, tied, above
        (tg.maximum, [0.0, 0.5, 1.0], [1.0, 0.5, 0.0]),
        (tg.minimum, [1.0, 0.5, 0.0], [0.0, 0.5, 1.0]),
    ],
)
def test_maximum_and_minimum_share_a_tie_equally(function, grad_a, grad_b):
    a = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = tg.tensor([2.0, 2.0, 2.0], requires_grad=True)
    function(a, b).backward(np.ones(3))
    np.testing.assert_array_equal(a.grad, grad_a)
    np.testing.assert_array_equal(b.grad, grad_b)


def test_maximum_tie_with_a_broadcast_operand_sums_the_halves():
    a = tg.tensor([[2.0, 1.0], [2.0, 3.0]], requires_grad=True)
    b = tg.tensor(2.0, requires_grad=True)
    tg.maximum(a, b).backward(np.ones((2, 2)))
    np.testing.assert_array_equal(a.grad, [[0.5, 0.0], [0.5, 1.0]])
    assert b.grad == 0.5 + 1.0 + 0.5  # two ties and one win


def test_clip_passes_the_gradient_at_its_bounds():
    x = tg.tensor([-2.0, -1.0, 0.0, 1.0, 2.0], requires_grad=True)
    y = x.clamp(-1.0, 1.0)
    y.backward(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    np.testing.assert_array_equal(y.data, [-1.0, -1.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(x.grad, [0.0, 2.0, 3.0, 4.0, 0.0])


def test_clip_with_one_bound_and_without_any():
    x = tg.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    tg.clip(x, max=0.0).backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="clip: give a lower bound"):
        tg.clip(x)


def test_clip_recorded_gradient_passes_at_the_bound_and_is_constant():
    x = tg.tensor([-2.0, 0.5, 1.0], requires_grad=True)
    (d1,) = tg.grad(tg.clip(x, -1, 1).sum(), [x], create_graph=True)
    np.testing.assert_array_equal(np.asarray(d1), [0.0, 1.0, 1.0])
    assert not d1.requires_grad  # piecewise constant: its own derivative is 0


def test_min_shares_the_gradient_between_tied_smallest_entries():
    x = tg.tensor([[3.0, 1.0, 1.0], [0.0, 2.0, 5.0]], requires_grad=True)
    x.min(axis=1).backward(np.array([4.0, 6.0]))
    np.testing.assert_array_equal(x.grad, [[0.0, 2.0, 2.0], [6.0, 0.0, 0.0]])


def test_argmax_and_argmin_are_integer_tensors_that_record_nothing():
    x0 = np.array([[3.0, -1.0, 2.0], [0.5, 4.0, -2.0]])
    x = tg.tensor(x0, requires_grad=True)
    for found, expected in [
        (x.argmax(), np.argmax(x0)),
        (tg.argmax(x, axis=0), [0, 1, 0]),
        (x.argmin(axis=1, keepdims=True), [[1], [2]]),
        (tg.argmin(x0), 5),
    ]:
        assert isinstance(found, tg.Tensor) and found.dtype.kind == "i"
        assert found.op is None and not found.requires_grad
        np.testing.assert_array_equal(found.data, expected)


def test_argmax_names_the_operand_for_a_bad_axis():
    x = tg.tensor(np.ones((2, 3)), name="W")
    with pytest.raises(ValueError, match=r"argmax: .*'W' of shape \(2, 3\).*axis=2"):
        tg.argmax(x, axis=2)

"""SGD: plain gradient descent and momentum against the update computed by
hand, and argument checks."""

import re

import numpy as np
import pytest

import tinygraph as tg


def quadratic_grad(w, A):
    """Gradient of J = 1/2 w^T A w, written by hand: A w (A symmetric)."""
    return A @ w


A = np.array([[3.0, 0.5], [0.5, 1.0]])
W0 = np.array([[1.0], [-2.0]])


def run(lr, momentum, steps):
    w = tg.tensor(W0.copy(), requires_grad=True)
    opt = tg.optim.SGD([w], lr=lr, momentum=momentum)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        J = (w.T @ (A @ w)).sum() / 2
        J.backward()
        opt.step()
        history.append(w.data.copy())
    return history


def test_sgd_without_momentum_is_plain_gradient_descent():
    lr = 0.1
    w = W0.copy()
    for got in run(lr, 0.0, 5):
        w = w - lr * quadratic_grad(w, A)
        np.testing.assert_allclose(got, w, rtol=1e-14)


def test_sgd_momentum_follows_the_velocity_formula():
    lr, mu = 0.1, 0.9
    w, v = W0.copy(), np.zeros_like(W0)
    for got in run(lr, mu, 6):
        v = mu * v - lr * quadratic_grad(w, A)  # V := mu V - alpha dJ/dW
        w = w + v  # W := W + V
        np.testing.assert_allclose(got, w, rtol=1e-14)


def test_sgd_momentum_matches_torch():
    torch = pytest.importorskip("torch")
    wt = torch.tensor(W0.copy(), requires_grad=True)
    opt = torch.optim.SGD([wt], lr=0.1, momentum=0.9)
    At = torch.tensor(A)
    for ours in run(0.1, 0.9, 6):
        opt.zero_grad()
        ((wt.T @ (At @ wt)).sum() / 2).backward()
        opt.step()
        np.testing.assert_allclose(ours, wt.detach().numpy(), rtol=1e-12)


def test_sgd_skips_parameters_without_gradient_and_zero_grad_clears():
    used = tg.tensor([1.0], requires_grad=True)
    unused = tg.tensor([5.0], requires_grad=True)
    opt = tg.optim.SGD([used, unused], lr=0.5)
    (used * 2).sum().backward()
    opt.step()
    assert used.data[0] == 0.0 and unused.data[0] == 5.0
    opt.zero_grad()
    assert used.grad is None


def test_sgd_keeps_float32():
    w = tg.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    opt = tg.optim.SGD([w], lr=0.25, momentum=0.5)
    (w * w).sum().backward()
    opt.step()
    assert w.dtype == np.float32 and opt.velocities[0].dtype == np.float32
    np.testing.assert_allclose(w.data, 0.5)


def test_sgd_accepts_a_models_parameters():
    net = tg.nn.Sequential(tg.nn.Linear(2, 2, rng=0))
    assert len(tg.optim.SGD(net.parameters(), lr=0.1).params) == 2


@pytest.mark.parametrize("lr", [0, -0.1, "0.1", None, True, float("nan"), float("inf")])
def test_sgd_rejects_a_learning_rate_that_is_not_positive(lr):
    with pytest.raises(ValueError, match="SGD: lr .* must be a positive number"):
        tg.optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=lr)


@pytest.mark.parametrize("momentum", [-0.1, 1.0, "0.9"])
def test_sgd_rejects_bad_momentum(momentum):
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\)"):
        tg.optim.SGD([tg.tensor([1.0], requires_grad=True)], lr=0.1, momentum=momentum)


def test_sgd_rejects_parameters_that_cannot_learn():
    with pytest.raises(ValueError, match="params is empty"):
        tg.optim.SGD([], lr=0.1)
    with pytest.raises(
        ValueError, match=r"params\[0\] \(W, shape \(2,\)\) does not require"
    ):
        tg.optim.SGD([tg.tensor([1.0, 2.0], name="W")], lr=0.1)
    with pytest.raises(TypeError, match=r"params\[0\] is a ndarray"):
        tg.optim.SGD([np.ones(2)], lr=0.1)


def test_sgd_without_momentum_updates_in_place_step_after_step():
    w = tg.tensor([1.0, -2.0], requires_grad=True)
    optimizer = tg.optim.SGD([w], lr=0.25)
    for _ in range(3):
        optimizer.zero_grad()
        (w * w).sum().backward()
        expected = w.data - 0.25 * 2 * w.data  # W := W - alpha dJ/dW, dJ/dW = 2W
        optimizer.step()
        np.testing.assert_allclose(w.data, expected)


def test_sgd_refuses_a_parameter_passed_twice():
    W = tg.tensor(np.ones((2, 2)), requires_grad=True, name="W")
    b = tg.tensor(np.ones((2, 1)), requires_grad=True, name="b")
    with pytest.raises(
        ValueError,
        match=r"SGD: params\[0\] and params\[2\] are the same tensor "
        r"\(W, shape \(2, 2\)\), so every step would move it twice",
    ):
        tg.optim.SGD([W, b, W], lr=0.1)
    # the same tensor, not merely equal values
    twin = tg.tensor(np.ones((2, 2)), requires_grad=True, name="W")
    assert len(tg.optim.SGD([W, twin], lr=0.1).params) == 2


def bad_gradient_case(grad, momentum):
    """W of shape (2, 3) given ``grad``; b (first in params) a proper one."""
    b = tg.tensor([[1.0], [2.0]], requires_grad=True, name="b")
    W = tg.tensor(np.ones((2, 3)), requires_grad=True, name="W")
    opt = tg.optim.SGD([b, W], lr=0.1, momentum=momentum)
    b.grad = np.ones((2, 1))
    W.grad = grad
    return opt, b, W


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize(
    "shape",
    [(1, 3), (3,), (3, 2), (2, 3, 1)],  # the first two broadcast silently
)
def test_sgd_step_refuses_a_gradient_of_another_shape(shape, momentum):
    opt, b, W = bad_gradient_case(np.ones(shape), momentum)
    expected = (
        r"SGD.step: params\[1\] \(W\) has shape \(2, 3\) but its gradient has "
        + re.escape(f"shape {shape}")
    )
    with pytest.raises(ValueError, match=expected):
        opt.step()
    # checked before anything moved: b, whose gradient is fine, is untouched
    np.testing.assert_array_equal(b.data, [[1.0], [2.0]])
    np.testing.assert_array_equal(W.data, np.ones((2, 3)))


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_step_refuses_a_gradient_of_another_dtype(momentum):
    W = tg.tensor(np.ones(3, dtype=np.float32), requires_grad=True, name="W")
    opt = tg.optim.SGD([W], lr=0.1, momentum=momentum)
    W.grad = np.full(3, 0.1)  # float64: the step would be rounded silently
    with pytest.raises(
        TypeError,
        match=r"params\[0\] \(W, shape \(3,\)\) is float32 but its gradient is "
        r"float64; .*astype\(np.float32\)",
    ):
        opt.step()


def test_sgd_step_refuses_a_gradient_that_is_not_an_array():
    opt, b, W = bad_gradient_case([[0.1, 0.1, 0.1]] * 2, 0.0)
    with pytest.raises(
        TypeError,
        match=r"params\[1\] \(W, shape \(2, 3\)\) has a gradient of type list",
    ):
        opt.step()
    # but a NumPy scalar, as backward leaves on a 0-d tensor, is an array
    w = tg.tensor(2.0, requires_grad=True)
    (w * w).backward()  # dJ/dw = 4
    tg.optim.SGD([w], lr=0.25).step()
    assert w.item() == 1.0


def test_an_update_that_changes_the_shape_or_dtype_is_refused():
    """An optimiser's update must give values of the parameter's shape and
    dtype; one that does not is named, and the parameter keeps its values."""

    class Broken(tg.optim.SGD):
        def update(self, i, W, dW):
            return (W - self.lr * dW).astype(np.float32)

    w = tg.tensor([1.0, 2.0], requires_grad=True, name="w")
    (w * w).sum().backward()
    with pytest.raises(TypeError, match=r"Broken.update gave params\[0\] \(w"):
        Broken([w], lr=0.1).step()
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    assert w.dtype == np.float64


def test_a_step_on_a_zero_dimensional_parameter_keeps_an_array():
    """NumPy returns a scalar for 0-d arrays; the parameter stays an array."""
    w = tg.tensor(3.0, requires_grad=True)
    (w * w).backward()
    tg.optim.SGD([w], lr=0.25).step()
    assert type(w.numpy()) is np.ndarray
    assert w.item() == 3.0 - 0.25 * 6.0


def test_values_after_a_step_are_safe_to_change_through_data():
    """The new values an optimiser gives a parameter start locked (a graph
    will hold them), yet ``W.data`` is still a writable array, and writing
    into it changes no graph built before the write."""
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    opt = tg.optim.SGD([w], lr=0.5)
    (w * w).sum().backward()
    opt.step()  # w = [0, 0]
    with pytest.raises(ValueError, match="read-only"):
        w.numpy()[0] = 7.0  # shared, and locked: the next graph may hold it
    opt.zero_grad()
    J = (w * 3.0).sum()
    w.data[0] = 7.0  # a copy of its own: J's graph keeps the values it used
    J.backward()
    np.testing.assert_array_equal(w.grad, [3.0, 3.0])
    np.testing.assert_array_equal(w.numpy(), [7.0, 0.0])
    assert J.item() == 0.0

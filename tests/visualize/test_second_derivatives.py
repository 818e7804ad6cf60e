"""A gradient recorded with create_graph=True is an ordinary graph: it draws
with its backward operations as nodes, and expect= checks second
derivatives (issue 15)."""

import numpy as np

import tinygraph as tg
import visualize


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_sigmoids_second_derivative_drawn_and_checked_green():
    z0 = np.array([0.5, -1.0, 2.0])
    z = tg.tensor(z0, requires_grad=True, name="z")
    (first,) = tg.grad(z.sigmoid().sum(), [z], create_graph=True)
    total = first.sum().named("dsum")
    total.backward()
    s = sigmoid(z0)
    source = visualize.draw(total, expect={z: s * (1 - s) * (1 - 2 * s)}).source
    # the backward pass's own operations are nodes of the drawing
    assert "sigmoid(z)" in source and "1 - u" in source and " * " in source
    assert "✓ matches your ∂dsum/∂z" in source and "✗" not in source


def test_a_wrong_second_derivative_is_marked():
    z = tg.tensor(np.array([0.5, -1.0]), requires_grad=True, name="z")
    (first,) = tg.grad(z.tanh().sum(), [z], create_graph=True)
    total = first.sum()
    total.backward()
    t = np.tanh(z.data)
    wrong = 1 - t**2  # the first derivative, not the second
    source = visualize.draw(total, expect={z: wrong}).source
    assert "✗ differs from your" in source and "✓" not in source

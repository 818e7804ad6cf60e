"""The cost graphs of notes/000 built from engine ops, node by node.

The note ("Feedforward Neural Networks in Depth, Part 3: Cost Functions")
writes each cost as u-variables (u0 = a, u1 = 1 - u0, u2 = log(u0), ...)
and gives dJ/du_k for every one of them. Here each graph is built in the
note's order, ``backward()`` runs, and every node's ``.grad`` is compared
with the note's formula for it. The output activation is included too
(``u0 = sigmoid(Z)`` or ``softmax(Z)``), so the seeds dJ/dZ = (A - Y)/m of
eqs. 3, 6 and 9 are checked as well.

One formula in the note is wrong (the multi-label dJ/du_{2,j,i}); the test
uses the right one and says so where it does.

The engine splits the note's u4 = y * u2 + (1 - y) * u3 into two products
and a sum, and the note's -1/m sum_i into a sum and a scaling, so from u4
on the engine's numbers run ahead of the note's; the tests map them.
"""

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import random_one_hot

TOL = {"rtol": 1e-12, "atol": 1e-12}


def labels_and_logits(rng, shape, one_hot=False):
    Z = rng.normal(scale=1.5, size=shape)
    if one_hot:
        Y = random_one_hot(shape[0], shape[1], rng)
    else:
        Y = rng.integers(0, 2, size=shape).astype(float)
    return Z, Y


def binary_graph(Z_values, Y_values):
    """J = -1/m sum_i (y_i log(a_i) + (1 - y_i) log(1 - a_i)), eq. 1."""
    m = Z_values.shape[1]
    Z = tg.tensor(Z_values, requires_grad=True, name="Z")
    y = tg.tensor(Y_values, name="y")
    one_minus_y = (1 - y).named("(1 - y)")
    u = [Z.sigmoid()]  # u0 = a^[L]
    u.append(1 - u[0])  # u1 = 1 - u0
    u.append(u[0].log())  # u2 = log(u0)
    u.append(u[1].log())  # u3 = log(u1)
    u.append(y * u[2])  # the note's u4 = y u2 + (1 - y) u3 ...
    u.append(one_minus_y * u[3])
    u.append(u[4] + u[5])  # ... is the engine's u6
    u.append(u[6].sum())  # the note's u5 = -1/m sum_i u4 ...
    u.append((-1 / m) * u[7])  # ... is the engine's u8 = J
    return Z, u


def multiclass_graph(Z_values, Y_values):
    """J = -1/m sum_i sum_j y_{j,i} log(a_{j,i}), eq. 4, a = softmax(z)."""
    m = Z_values.shape[1]
    Z = tg.tensor(Z_values, requires_grad=True, name="Z")
    y = tg.tensor(Y_values, name="y")
    u = [Z.softmax(axis=0)]  # u0 = a^[L]
    u.append(u[0].log())  # u1 = log(u0)
    u.append(y * u[1])  # u2 = y u1
    u.append(u[2].sum(axis=0))  # u3_i = sum_j u2_{j,i}
    u.append(u[3].sum())  # the note's u4 = -1/m sum_i u3_i ...
    u.append((-1 / m) * u[4])  # ... is the engine's u5 = J
    return Z, u


def multilabel_graph(Z_values, Y_values):
    """J = sum_j (-1/m sum_i (y log a + (1 - y) log(1 - a))), eq. 7."""
    m = Z_values.shape[1]
    Z = tg.tensor(Z_values, requires_grad=True, name="Z")
    y = tg.tensor(Y_values, name="y")
    one_minus_y = (1 - y).named("(1 - y)")
    u = [Z.sigmoid()]  # u0 = a^[L]
    u.append(1 - u[0])  # u1 = 1 - u0
    u.append(u[0].log())  # u2 = log(u0)
    u.append(u[1].log())  # u3 = log(u1)
    u.append(y * u[2])  # the note's u4 = y u2 + (1 - y) u3 ...
    u.append(one_minus_y * u[3])
    u.append(u[4] + u[5])  # ... is the engine's u6
    u.append(u[6].sum(axis=1))  # the note's u5_j = -1/m sum_i u4_{j,i} ...
    u.append((-1 / m) * u[7])  # ... is the engine's u8
    u.append(u[8].sum())  # the note's u6 = sum_j u5_j is the engine's u9 = J
    return Z, u


# ----- the forward pass reads like the note's list ------------------------


def test_binary_graph_equations_read_like_the_note():
    _, u = binary_graph(*labels_and_logits(np.random.default_rng(0), (1, 5)))
    assert tg.graph.equations(u[-1]) == [
        "u0 = sigmoid(Z)",
        "u1 = 1 - u0",  # the note's u1 = 1 - u0
        "u2 = log(u0)",  # u2 = log(u0)
        "u3 = log(u1)",  # u3 = log(u1)
        "u4 = y * u2",  # u4 = y u2 + (1 - y) u3, as three nodes
        "u5 = (1 - y) * u3",
        "u6 = u4 + u5",
        "u7 = sum(u6)",  # u5 = -1/m sum_i u4, as two nodes
        "u8 = (-0.2) * u7",
    ]


def test_multiclass_graph_equations_read_like_the_note():
    _, u = multiclass_graph(*labels_and_logits(np.random.default_rng(1), (3, 4), True))
    assert tg.graph.equations(u[-1]) == [
        "u0 = softmax(Z, axis=0)",
        "u1 = log(u0)",
        "u2 = y * u1",
        "u3 = sum(u2, axis=0)",
        "u4 = sum(u3)",
        "u5 = (-0.25) * u4",
    ]


def test_multilabel_graph_equations_read_like_the_note():
    _, u = multilabel_graph(*labels_and_logits(np.random.default_rng(2), (3, 4)))
    assert tg.graph.equations(u[-1])[6:] == [
        "u6 = u4 + u5",
        "u7 = sum(u6, axis=1)",
        "u8 = (-0.25) * u7",
        "u9 = sum(u8)",
    ]


# ----- every node's gradient against the note's dJ/du_k -------------------

BATCHES = [1, 4, 9]


@pytest.mark.parametrize("m", BATCHES)
def test_binary_graph_gradients_match_the_note(m):
    Z_values, y = labels_and_logits(np.random.default_rng(m), (1, m))
    Z, u = binary_graph(Z_values, y)
    u[-1].backward()
    a = u[0].data
    full = np.ones((1, m))
    assert u[8].grad == 1  # dJ/du5 = 1
    assert u[7].grad == pytest.approx(-1 / m)
    np.testing.assert_allclose(u[6].grad, -full / m, **TOL)  # dJ/du4 = -1/m
    np.testing.assert_allclose(u[5].grad, -full / m, **TOL)
    np.testing.assert_allclose(u[4].grad, -full / m, **TOL)
    np.testing.assert_allclose(u[3].grad, -(1 - y) / m, **TOL)  # dJ/du3
    np.testing.assert_allclose(u[2].grad, -y / m, **TOL)  # dJ/du2
    np.testing.assert_allclose(u[1].grad, -(1 - y) / (1 - a) / m, **TOL)  # dJ/du1
    # dJ/du0 = 1/m ((1 - y)/(1 - a) - y/a), eq. 2
    np.testing.assert_allclose(u[0].grad, ((1 - y) / (1 - a) - y / a) / m, **TOL)
    np.testing.assert_allclose(Z.grad, (a - y) / m, **TOL)  # eq. 3


@pytest.mark.parametrize("m", BATCHES)
def test_multiclass_graph_gradients_match_the_note(m):
    Z_values, y = labels_and_logits(np.random.default_rng(10 + m), (4, m), True)
    Z, u = multiclass_graph(Z_values, y)
    u[-1].backward()
    a = u[0].data
    assert u[5].grad == 1  # dJ/du4 = 1
    assert u[4].grad == pytest.approx(-1 / m)
    np.testing.assert_allclose(u[3].grad, -np.ones(m) / m, **TOL)  # dJ/du3_i
    np.testing.assert_allclose(u[2].grad, -np.ones((4, m)) / m, **TOL)  # dJ/du2
    np.testing.assert_allclose(u[1].grad, -y / m, **TOL)  # dJ/du1 = -y/m
    np.testing.assert_allclose(u[0].grad, -y / a / m, **TOL)  # eq. 5
    # The note's first line for dJ/dz: a (dJ/da - sum_p dJ/da_p a_p) ...
    dJ_da = u[0].grad
    first_line = a * (dJ_da - (dJ_da * a).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(Z.grad, first_line, **TOL)
    # ... which is (a - y)/m once sum_p y_p = 1, eq. 6.
    np.testing.assert_allclose(Z.grad, (a - y) / m, **TOL)


@pytest.mark.parametrize("m", BATCHES)
def test_multilabel_graph_gradients_match_the_note(m):
    Z_values, y = labels_and_logits(np.random.default_rng(20 + m), (3, m))
    Z, u = multilabel_graph(Z_values, y)
    u[-1].backward()
    a = u[0].data
    full = np.ones((3, m))
    assert u[9].grad == 1  # dJ/du6 = 1
    np.testing.assert_allclose(u[8].grad, np.ones(3), **TOL)  # dJ/du5_j = 1
    np.testing.assert_allclose(u[7].grad, -np.ones(3) / m, **TOL)
    np.testing.assert_allclose(u[6].grad, -full / m, **TOL)  # dJ/du4 = -1/m
    np.testing.assert_allclose(u[5].grad, -full / m, **TOL)
    np.testing.assert_allclose(u[4].grad, -full / m, **TOL)
    np.testing.assert_allclose(u[3].grad, -(1 - y) / m, **TOL)  # dJ/du3
    # The note says dJ/du_{2,j,i} = -1/m (1 - y_{j,i}), a slip copied from the
    # line above: u4 = y u2 + (1 - y) u3 gives du4/du2 = y, so the right
    # gradient is -1/m y (as in the binary case, and as the note itself then
    # uses for dJ/du0).
    np.testing.assert_allclose(u[2].grad, -y / m, **TOL)
    assert not np.allclose(u[2].grad, -(1 - y) / m)
    np.testing.assert_allclose(u[1].grad, -(1 - y) / (1 - a) / m, **TOL)  # dJ/du1
    # dJ/du0 = 1/m ((1 - y)/(1 - a) - y/a), eq. 8
    np.testing.assert_allclose(u[0].grad, ((1 - y) / (1 - a) - y / a) / m, **TOL)
    np.testing.assert_allclose(Z.grad, (a - y) / m, **TOL)  # eq. 9


def test_multiclass_shortcut_needs_targets_that_sum_to_one():
    # The note's (a - y)/m uses sum_p y_p = 1. With targets that do not sum
    # to 1 the first line still holds and gives (a sum_p y_p - y)/m instead.
    rng = np.random.default_rng(5)
    Z_values = rng.normal(size=(3, 4))
    y = rng.uniform(0, 1, size=(3, 4))
    Z, u = multiclass_graph(Z_values, y)
    u[-1].backward()
    a = u[0].data
    np.testing.assert_allclose(Z.grad, (a * y.sum(axis=0) - y) / 4, **TOL)
    assert not np.allclose(Z.grad, (a - y) / 4)

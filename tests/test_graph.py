"""The graph: order, labels, equations, the backward pass and its semantics."""

import sys

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import np_sigmoid, numeric_grad


def bce_graph(a_values, y):
    """The notes' binary cross-entropy graph, written in the notes' order."""
    m = len(y)
    u0 = tg.tensor(a_values, requires_grad=True)
    u1 = 1 - u0
    u2 = tg.log(u0)
    u3 = tg.log(u1)
    u4 = y * u2 + (1 - y) * u3
    J = -(1 / m) * u4.sum()
    return u0, J


# ----- order, parents, labels, equations -------------------------------------


def test_nodes_are_in_topological_order_inputs_first():
    x = tg.tensor([1.0], requires_grad=True)
    y = x * 2
    z = y + x
    order = tg.graph.nodes(z)
    assert order == [x, y, z]


def test_nodes_order_is_deterministic_across_builds():
    def build():
        a = tg.tensor([0.3, 0.6], requires_grad=True)
        return (a * a + a.exp()).sum()

    first = [eq for eq in tg.graph.equations(build())]
    assert all(tg.graph.equations(build()) == first for _ in range(5))


def test_square_has_two_parents():
    x = tg.tensor([3.0], requires_grad=True)
    y = x * x
    assert y.parents == (x, x)
    y.backward()
    np.testing.assert_allclose(x.grad, [6.0])


def test_parents_are_in_argument_order():
    a, b = tg.tensor([1.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    assert (b - a).parents == (b, a)
    assert (1 - a).parents == (a,)


def test_inputs_keep_constants_in_argument_order():
    a, b = tg.tensor([1.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    assert (1 - a).inputs == (1, a)
    assert (a * b).inputs == (a, b)
    y = tg.ops.mix(a, b, 0.5)  # three operands
    assert y.inputs == (a, b, 0.5) and y.parents == (a, b)
    assert a.inputs == () and a.parents == ()


def test_one_op_object_serves_every_node_and_each_node_keeps_its_own_inputs():
    a, b = tg.tensor([1.0], requires_grad=True), tg.tensor([2.0], requires_grad=True)
    first, second = a.exp(), b.exp()
    assert first.op is second.op
    assert first.parents == (a,) and second.parents == (b,)
    (first + second).backward()
    np.testing.assert_allclose([a.grad[0], b.grad[0]], np.exp([1.0, 2.0]))


def test_labels_number_unnamed_nodes_and_keep_names():
    W = tg.tensor(np.ones((2, 2)), requires_grad=True, name="W")
    x = tg.tensor(np.ones((2, 1)))
    Z = (W @ x).named("Z")
    J = Z.sigmoid().sum()
    labels = tg.graph.labels(J)
    assert labels[W] == "W" and labels[Z] == "Z"
    assert labels[x] == "u0"
    assert sorted(v for k, v in labels.items() if k.name is None) == ["u0", "u1", "u2"]


def test_equations_read_like_the_notes_binary_cross_entropy_list():
    y = np.array([1.0, 0.0, 1.0])
    _, J = bce_graph([0.9, 0.2, 0.6], y)
    lines = tg.graph.equations(J)
    assert lines[:3] == ["u1 = 1 - u0", "u2 = log(u0)", "u3 = log(u1)"]
    assert lines[-2] == "u7 = sum(u6)"
    assert lines[-1].startswith("u8 = (-0.333333) * u7")


def test_equations_show_constants_inline_and_parameters():
    x = tg.tensor(np.ones((2, 3)), requires_grad=True, name="x")
    lines = tg.graph.equations(x.sum(axis=0).softmax(axis=0) * 0.5)
    assert lines == [
        "u0 = sum(x, axis=0)",
        "u1 = softmax(u0, axis=0)",
        "u2 = u1 * 0.5",
    ]


# ----- backward semantics -------------------------------------------------


def test_bce_gradient_matches_the_notes_closed_form():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    a = np.array([0.9, 0.2, 0.6, 0.55])
    u0, J = bce_graph(a, y)
    J.backward()
    expected = (1 / 4) * ((1 - y) / (1 - a) - y / a)  # notes, eq. (2)
    np.testing.assert_allclose(u0.grad, expected, rtol=1e-12)


def test_backward_twice_doubles_leaf_gradients_exactly():
    x = tg.tensor([0.5, -1.0], requires_grad=True)
    h = (x * x).tanh()
    J = (h * 3).sum()
    J.backward()
    once = x.grad.copy()
    h_grad = h.grad.copy()
    J.backward()
    np.testing.assert_array_equal(x.grad, 2 * once)
    np.testing.assert_array_equal(h.grad, h_grad)  # intermediates: latest pass only


def test_intermediate_nodes_hold_their_gradient():
    x = tg.tensor([0.5, 2.0], requires_grad=True)
    u = x.log()
    J = (u * u).sum()
    J.backward()
    np.testing.assert_allclose(u.grad, 2 * np.log([0.5, 2.0]))
    np.testing.assert_allclose(J.grad, 1.0)


def test_zero_grad_clears_and_accumulation_restarts():
    x = tg.tensor([1.0], requires_grad=True)
    (x * 2).sum().backward()
    x.zero_grad()
    assert x.grad is None
    (x * 5).sum().backward()
    np.testing.assert_allclose(x.grad, [5.0])


def test_leaf_gradient_is_not_shared_with_other_nodes():
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    s = a + b
    s.backward(np.ones(2))
    a.grad[0] = 100.0
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])
    np.testing.assert_array_equal(s.grad, [1.0, 1.0])


def test_fan_out_and_diamond_sum_every_path():
    x = tg.tensor([0.7, -0.3], requires_grad=True)
    a = x.sigmoid()
    b = a * 2
    c = a.exp()
    d = b * c + a  # a feeds three consumers
    d.backward(np.array([1.0, -2.0]))

    def f(xv):
        av = np_sigmoid(xv)
        return 2 * av * np.exp(av) + av

    expected = numeric_grad(f, [x.data], 0, np.array([1.0, -2.0]))
    np.testing.assert_allclose(x.grad, expected, rtol=1e-7)


def test_node_used_many_times():
    x = tg.tensor([1.1], requires_grad=True)
    total = x
    for _ in range(50):
        total = total + x
    total.backward()
    np.testing.assert_allclose(x.grad, [51.0])


def test_broadcast_operand_gets_gradient_of_its_own_shape():
    W = tg.tensor(np.ones((3, 2)), requires_grad=True)
    b = tg.tensor(np.zeros((3, 1)), requires_grad=True)
    X = np.arange(8.0).reshape(2, 4)
    upstream = np.arange(12.0).reshape(3, 4)
    (W @ X + b).backward(upstream)
    assert b.grad.shape == (3, 1)
    np.testing.assert_allclose(b.grad, upstream.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(W.grad, upstream @ X.T)


def test_repeated_index_accumulates_gradient():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


def test_deep_chain_of_100000_nodes_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = tg.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    np.testing.assert_array_equal(x.grad, [1.0])
    assert len(tg.graph.nodes(y)) == 100_001
    del y  # freeing a deep chain must not overflow the C stack either


def test_inputs_that_need_no_gradient_get_none():
    w = tg.tensor([2.0], requires_grad=True)
    c = tg.tensor([3.0])
    (w * c).backward()
    assert c.grad is None and w.grad is not None


# ----- no_grad ---------------------------------------------------------------


def test_no_grad_records_nothing():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.no_grad():
        y = (w * 3).sum()
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    assert y.op is None and not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require gradients"):
        y.backward()


def test_no_grad_restores_state_after_an_exception():
    with pytest.raises(KeyError):
        with tg.no_grad():
            raise KeyError
    assert tg.is_grad_enabled()


# ----- bad backward calls ---------------------------------------------------


def test_backward_on_non_scalar_needs_explicit_gradient():
    y = tg.tensor([1.0, 2.0], requires_grad=True, name="y") * 2
    with pytest.raises(
        ValueError, match=r"explicit upstream gradient.*\(2,\)|\(2,\).*explicit"
    ):
        y.backward()


def test_backward_with_gradient_of_wrong_shape():
    y = tg.tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        y.backward(np.ones(3))


# ----- the backward pass as data --------------------------------------------


def test_backward_steps_match_backward_and_leave_grads_alone():
    rng = np.random.default_rng(0)
    W = tg.tensor(rng.normal(size=(3, 2)), requires_grad=True, name="W")
    b = tg.tensor(rng.normal(size=(3, 1)), requires_grad=True, name="b")
    X = rng.normal(size=(2, 4))
    A = (W @ X + b).tanh()
    J = (A * A).mean()
    steps = tg.graph.backward_steps(J)
    assert W.grad is None
    assert [s.node for s in steps] == list(reversed(tg.graph.nodes(J)))
    J.backward()
    for step in steps:
        np.testing.assert_allclose(step.grad, step.node.grad, rtol=1e-12)
        if step.contributions:
            total = sum(c.value for c in step.contributions)
            np.testing.assert_allclose(total, step.grad, rtol=1e-12)


def test_backward_steps_show_fan_out_local_derivatives_and_broadcast_axes():
    a = tg.tensor([0.5, 2.0], requires_grad=True)
    b = tg.tensor([[1.0], [3.0]], requires_grad=True)
    u = a.log()
    v = u * u + b
    steps = {s.node: s for s in tg.graph.backward_steps(v.sum())}
    # u feeds the product twice: two contributions, each with local = u.
    assert len(steps[u].contributions) == 2
    for c in steps[u].contributions:
        np.testing.assert_allclose(c.local, np.log([0.5, 2.0]))
    log_step = steps[a].contributions[0]
    np.testing.assert_allclose(log_step.local, 1 / np.array([0.5, 2.0]))
    (b_step,) = steps[b].contributions
    assert b_step.summed_axes == (1,)
    np.testing.assert_allclose(b_step.value, [[2.0], [2.0]])


def test_scope_tags_new_nodes():
    w = tg.tensor([1.0], requires_grad=True)
    with tg.graph.scope("Linear 1"):
        with tg.graph.scope("inner"):
            y = w * 2
        z = y + 1
    assert y.scope == ("Linear 1", "inner") and z.scope == ("Linear 1",)
    assert (z * 3).scope == () and w.scope == ()


def test_labels_skip_numbers_that_a_name_already_uses():
    a = tg.tensor([0.5], requires_grad=True, name="u0")
    J = a.log().sum()
    assert tg.graph.equations(J) == ["u1 = log(u0)", "u2 = sum(u1)"]


def test_equations_write_indices_as_they_were_written():
    x = tg.tensor(np.ones((4, 5)), requires_grad=True, name="x")
    rows = np.array([0, 2])
    assert tg.graph.equations(x[1:, :3]) == ["u0 = x[1:, :3]"]
    assert tg.graph.equations(x[::2, 1]) == ["u0 = x[::2, 1]"]
    assert tg.graph.equations(x[rows]) == ["u0 = x[idx[2]]"]

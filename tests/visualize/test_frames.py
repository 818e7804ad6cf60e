"""frames: the backward pass one node at a time, checked against closed
forms and finite differences, with fan-out sums and broadcast notes."""

import numpy as np

import tinygraph as tg
import visualize
from tests.helpers import numeric_grad
from tinygraph.op import Op
from visualize.values import array_inline

from .conftest import scoped_network


def test_frames_one_per_node_in_reverse_topological_order(bce):
    frames = visualize.frames(bce.J)
    nodes = tg.graph.nodes(bce.J)
    # The notes' graph has one leaf, used by the last two operations.
    assert [f.node for f in frames] == nodes[::-1]
    assert [f.index for f in frames] == list(range(len(nodes)))
    assert frames[0].text == "∂J/∂J = 1  (the seed: backward starts here)"


def consumers(J):
    """{node: the nodes that use it}, from the graph's parents alone."""
    users = {node: [] for node in tg.graph.nodes(J)}
    for node in users:
        for parent in node.parents:
            users[parent].append(node)
    return users


def test_frames_each_leaf_comes_when_its_gradient_is_complete():
    net = scoped_network(layers=3, m=4)
    frames = visualize.frames(net.J)
    at = {f.node: f.index for f in frames}
    users = consumers(net.J)
    assert sorted(at.values()) == list(range(len(tg.graph.nodes(net.J))))
    for node, index in at.items():
        # Every node after all its consumers: its gradient is final.
        assert all(at[c] < index for c in users[node]), node.name
        if node.is_leaf and node is not net.J:
            # A leaf right after its last consumer (and the other leaves it
            # completes: W1 and X after W1 @ X), not all at the end.
            last = max(at[c] for c in users[node])
            assert all(frames[k].node.is_leaf for k in range(last + 1, index + 1))
    W1, b1, W2, b2, W3, b3 = net.params
    assert at[b3] < at[W3] < at[b2] < at[W2] < at[b1] < at[W1]
    assert at[W3] == 12 and len(frames) == 24  # in the middle, not at the end


def test_frames_first_step_from_an_unnamed_root_reads_as_its_local_derivative():
    A = tg.tensor([[0.8, 0.3, 0.6, 0.4]], requires_grad=True)
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    J = tg.nn.binary_cross_entropy(A, Y)  # unnamed: labelled J, not u5
    second = visualize.frames(J)[1]
    assert second.lines[0] == (
        f"∂J/∂{second.label} = J's local derivative (J = -sum({second.label}) / 4 "
        f"uses {second.label} directly; ∂J/∂J = 1)"
    )
    assert "∂J/∂J ·" not in second.text
    # The notes: ∂J/∂u4 = -1/m for every entry.
    np.testing.assert_allclose(second.grad, np.full((1, 4), -1 / 4), rtol=1e-12)
    assert second.lines[-1].endswith(array_inline(np.full((1, 4), -0.25)))


def test_frames_gradients_match_closed_forms(bce):
    by_node = {f.node: f for f in visualize.frames(bce.J)}
    np.testing.assert_allclose(by_node[bce.a].grad, bce.dJ_da, rtol=1e-12)
    np.testing.assert_allclose(by_node[bce.u1].grad, bce.dJ_du1, rtol=1e-12)
    np.testing.assert_allclose(by_node[bce.u2].grad, bce.dJ_du2, rtol=1e-12)


def test_frames_fan_out_shows_each_contribution_then_the_sum(bce):
    frame = visualize.frames(bce.J)[-1]  # u0 = a feeds u1 = 1 - u0 and log(u0)
    assert frame.node is bce.a
    assert [t.consumer for t in frame.terms] == [bce.u1, bce.u2]
    a = bce.a.data
    # From u1 = 1 - a: dJ/du1 * (-1); from u2 = log(a): dJ/du2 / a.
    np.testing.assert_allclose(frame.terms[0].value, -bce.dJ_du1, rtol=1e-12)
    np.testing.assert_allclose(frame.terms[1].value, bce.dJ_du2 / a, rtol=1e-12)
    np.testing.assert_allclose(frame.terms[1].local, 1 / a, rtol=1e-12)
    lines = frame.lines
    assert lines[0] == "∂J/∂u0 = ∂J/∂u1 · ∂u1/∂u0 + ∂J/∂u2 · ∂u2/∂u0"
    assert "  from u1 = 1 - u0:" in lines and "  from u2 = log(u0):" in lines
    assert "sum of the 2 contributions" in frame.text
    assert lines[-1].endswith(array_inline(bce.dJ_da))


def test_frames_broadcast_step_names_the_summed_axes():
    net = scoped_network(layers=1, m=4)
    J, b, dZ = net.J, net.params[1], net.dZ
    frame = next(f for f in visualize.frames(J) if f.node is b)
    assert frame.terms[0].summed_axes == (1,)
    assert "summed over axis 1: broadcasting stretched (1, 1) to (1, 4)" in frame.text
    # BP3: dJ/db = sum of dJ/dZ over the m examples.
    np.testing.assert_allclose(frame.grad, dZ.sum(axis=1, keepdims=True), rtol=1e-10)


def test_frames_matmul_step_names_the_rule_and_matches_bp4():
    net = scoped_network(layers=1, m=4)
    J, W, dZ = net.J, net.params[0], net.dZ
    X = net.X
    frame = next(f for f in visualize.frames(J) if f.node is W)
    assert frame.lines[0] == "∂J/∂W1 = ∂J/∂u0 · ∂u0/∂W1 = ∂J/∂u0 @ Xᵀ"
    np.testing.assert_allclose(frame.grad, dZ @ X.T, rtol=1e-10)  # BP4


def test_frames_agree_with_finite_differences():
    net = scoped_network(layers=2, seed=3)
    frames = {f.node: f for f in visualize.frames(net.J)}
    arrays = [p.data for p in net.params]
    for k, param in enumerate(net.params):
        numeric = numeric_grad(net.cost, arrays, k, 1.0)
        np.testing.assert_allclose(frames[param].grad, numeric, rtol=1e-5, atol=1e-9)


def test_frames_skip_nodes_that_need_no_gradient():
    J = scoped_network(layers=1).J
    frame = next(f for f in visualize.frames(J) if f.label == "X")
    assert frame.grad is None and "needs no gradient" in frame.text


class Dot(Op):
    """a · b = sum(a * b) over vectors: dJ/da = g b and dJ/db = g a. An op
    that tinygraph does not have, so its rule can come from nowhere else."""

    name, formula = "dot", "dot({0}, {1})"
    rules = ("{g} times {1}, entry by entry", "{g} times {0}, entry by entry")

    def maths(self, m, a, b):
        return m.sum(a * b)

    def backward(self, m, g, needs, out, a, b):
        return (g * b if needs[0] else None, g * a if needs[1] else None)


class DotWithOneRule(Dot):
    """Dot with a rule for its first input only."""

    rules = Dot.rules[:1]


def _dot_frames(op):
    a = tg.tensor([1.0, 2.0], requires_grad=True, name="a")
    b = tg.tensor([3.0, -4.0], requires_grad=True, name="b")
    J = op.apply(a, b).named("J")
    return a, b, {f.node: f for f in visualize.frames(J)}


def test_frames_show_the_rule_a_new_op_carries():
    a, b, frames = _dot_frames(Dot())
    # J uses a directly: its gradient is the rule with the seed ∂J/∂J = 1.
    assert frames[a].lines[:2] == [
        "∂J/∂a = J's local derivative (J = dot(a, b) uses a directly; ∂J/∂J = 1)",
        "      = 1 times b, entry by entry",
    ]
    assert frames[b].lines[1].endswith("= 1 times a, entry by entry")
    np.testing.assert_allclose(frames[a].grad, b.data, rtol=1e-12)  # d(a · b)/da = b
    np.testing.assert_allclose(frames[b].grad, a.data, rtol=1e-12)


def test_frames_fall_back_when_an_op_has_no_rule_for_an_input():
    a, b, frames = _dot_frames(DotWithOneRule())
    assert frames[a].lines[1].endswith("= 1 times b, entry by entry")
    assert frames[b].lines[1].endswith("= 1 pushed back through J = dot(a, b)")


def test_frames_a_leaf_the_root_also_uses_directly_adds_its_local_derivative():
    y = tg.tensor(2.0, requires_grad=True, name="y")
    frame = visualize.frames(y * y.log())[-1]  # J = y * u0, u0 = log(y)
    assert frame.lines[0] == "∂J/∂y = ∂J/∂u0 · ∂u0/∂y + J's local derivative"
    assert [t.from_root for t in frame.terms] == [False, True]
    assert np.isclose(frame.grad, np.log(2.0) + 1)  # d(y log y)/dy = log y + 1

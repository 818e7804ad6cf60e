"""tg.graph.derivation and tg.graph.derive on the notes' cost graphs.

Every closed form is checked two ways: symbolically against the notes' (or
tg.closed_form's) formula, where SymPy can decide it, and numerically: the
closed form evaluated at the graph's values against autodiff (tg.grad), and
against tg.closed_form's NumPy functions.
"""

import contextlib
import io
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygraph as tg
from tinygraph import closed_form

sympy = pytest.importorskip("sympy")

from tinygraph.derivation.terms import SumOver  # noqa: E402 (needs SymPy)

RNG = np.random.default_rng(14)
M = 5  # examples: m must be at least 3 to be recognised


def symbols(*names):
    """Plain SymPy symbols, as a student would make them."""
    return [sympy.Symbol(n) for n in names]


def same(a, b):
    return sympy.simplify(a - b) == 0


def closed_form_at_values(derivation, node):
    """The closed form, lambdified at the graph's values by the test itself."""
    expr = derivation[node].closed_form
    values = {str(s): s for s in expr.free_symbols}
    data = {n.name: n.data for n in tg.graph.nodes(derivation.root) if n.name}
    args = sorted(values)
    f = sympy.lambdify([values[a] for a in args], expr, "numpy")
    inputs = [M if a == "m" else data[a] for a in args]
    return np.broadcast_to(f(*inputs), node.shape)


def check_every_step_against_autodiff(J):
    d = tg.graph.derivation(J)
    order = [s.node for s in d]
    grads = tg.grad(J, order)
    for step, grad in zip(d, grads):
        np.testing.assert_allclose(step.value, grad, rtol=1e-10, atol=1e-12,
                                   err_msg=step.label)
        np.testing.assert_allclose(d.evaluate(step.chain, step.node), grad,
                                   rtol=1e-10, atol=1e-12, err_msg=step.label)
        np.testing.assert_allclose(d.evaluate(step.expression, step.node), grad,
                                   rtol=1e-10, atol=1e-12, err_msg=step.label)
    return d


# ----- the notes' binary cross-entropy graph (tutorial 01) -----------------


def bce_graph():
    A = tg.tensor(RNG.uniform(0.1, 0.9, size=(1, M)), requires_grad=True, name="A")
    Y = (RNG.uniform(size=(1, M)) > 0.5).astype(float)
    return tg.nn.binary_cross_entropy(A, Y), A, Y


def test_derive_bce_wrt_a_is_the_notes_closed_form():
    J, A, _ = bce_graph()
    a, y, m = symbols("A", "Y", "m")
    derived = tg.graph.derive(J, A)
    assert same(derived, ((1 - y) / (1 - a) - y / a) / m)
    assert derived.free_symbols == {a, y, m}


def test_derivation_bce_follows_the_notes_step_by_step():
    J, A, Y = bce_graph()
    d = check_every_step_against_autodiff(J)
    a, y, m, u0 = symbols("A", "Y", "m", "u0")
    # the notes' u4 = -1/m sum u3 (here u4 is the root J), u3 = y u1 + (1-y) u2
    assert [s.label for s in d] == ["J", "u3", "u2", "u1", "u0", "A"]
    assert d["u3"].closed_form == -1 / m
    assert same(d["u2"].closed_form, -(1 - y) / m)
    assert same(d["u1"].closed_form, -y / m)
    # dJ/du0 in its own label, then in the leaves
    assert same(d["u0"].expression, -(1 - y) / (m * u0))
    assert same(d["u0"].closed_form, -(1 - y) / (m * (1 - a)))
    # the chain rule at A sums over its two consumers, u0 = 1 - A and u1 = log A
    assert set(d["A"].consumers) == {d["u0"].node, d["u1"].node}
    np.testing.assert_allclose(
        closed_form_at_values(d, A), closed_form.binary_cross_entropy_dA(A.data, Y)
    )


def test_root_is_named_j_unless_the_user_named_it():
    J, A, _ = bce_graph()
    assert tg.graph.derivation(J)[0].label == "J"
    J.name = "cost"
    d = tg.graph.derivation(J)
    assert d[0].label == "cost"
    assert str(d.gradient(A)) == "∂cost/∂A"


# ----- the four output pairs -------------------------------------------------


def output_layer(n, activation):
    Z = tg.tensor(RNG.normal(size=(n, M)), requires_grad=True, name="Z")
    return Z, activation(Z).named("A")


def test_identity_with_quadratic_cost():
    Z = tg.tensor(RNG.normal(size=(2, M)), requires_grad=True, name="Z")
    A = (Z * 1).named("A")  # the identity as a node of its own
    Y = RNG.normal(size=(2, M))
    J = tg.nn.mse(A, Y)
    d = check_every_step_against_autodiff(J)
    a, y, z, m, u0 = symbols("A", "Y", "Z", "m", "u0")
    assert same(d[A].closed_form, (z - y) / m)
    # in the label of A's consumer u0 = A - Y: the notes' (A - Y)/m
    assert same(d[A].expression, u0 / m)
    assert same(d[Z].closed_form, (z - y) / m)
    np.testing.assert_allclose(closed_form_at_values(d, A),
                               closed_form.mse_dA(A.data, Y))


def test_sigmoid_with_binary_cross_entropy():
    Z, A = output_layer(1, tg.sigmoid)
    Y = (RNG.uniform(size=(1, M)) > 0.5).astype(float)
    J = tg.nn.binary_cross_entropy(A, Y)
    d = check_every_step_against_autodiff(J)
    a, y, z, m = symbols("A", "Y", "Z", "m")
    sigma = 1 / (1 + sympy.exp(-z))
    notes_dA = ((1 - y) / (1 - a) - y / a) / m
    assert same(d[A].closed_form, notes_dA.subs(a, sigma))
    assert same(d[Z].expression, (a - y) / m)  # in the labels next to Z
    assert same(d[Z].closed_form, (sigma - y) / m)
    np.testing.assert_allclose(closed_form_at_values(d, Z),
                               closed_form.output_error(A.data, Y))


def test_softmax_with_log_loss_and_one_hot_labels():
    Z, A = output_layer(3, lambda z: z.softmax(axis=0))
    Y = np.eye(3)[:, RNG.integers(0, 3, size=M)]
    J = tg.nn.cross_entropy(A, Y)
    d = check_every_step_against_autodiff(J)
    a, y, m = symbols("A", "Y", "m")
    sum_over_classes = SumOver(y, -2)
    assert same(d[A].expression, -y / (m * a))  # the notes' eq. (5)
    # (A Σ_p y_p - Y)/m: the derivation is not told the labels are one-hot
    assert d[Z].expression.has(sum_over_classes)
    one_hot = d[Z].expression.xreplace({sum_over_classes: 1})  # Σ_p y_p = 1
    assert same(one_hot, (a - y) / m)  # the notes' eq. (6)
    np.testing.assert_allclose(closed_form_at_values_with_sums(d, Z),
                               closed_form.output_error(A.data, Y))


def test_softmax_with_targets_that_are_not_one_hot_keeps_the_sum():
    Z, A = output_layer(3, lambda z: z.softmax(axis=0))
    Y = np.eye(3)[:, RNG.integers(0, 3, size=M)]
    Y[:, 0] = 1.0  # the first example has all three labels
    J = -(tg.tensor(Y, name="Y") * A.log()).sum() / M
    d = check_every_step_against_autodiff(J)
    a, y, m = symbols("A", "Y", "m")
    # tutorial 02's general form (A sum_classes(Y) - Y)/m; (A - Y)/m is wrong here
    assert same(d[Z].expression, (a * SumOver(y, -2) - y) / m)
    general = (A.data * Y.sum(axis=0) - Y) / M
    np.testing.assert_allclose(closed_form_at_values_with_sums(d, Z), general)


def closed_form_at_values_with_sums(derivation, node):
    return derivation.evaluate(derivation[node].closed_form, node)


def test_sigmoid_with_multilabel_cross_entropy():
    Z, A = output_layer(3, tg.sigmoid)
    Y = (RNG.uniform(size=(3, M)) > 0.5).astype(float)
    J = tg.nn.multilabel_bce(A, Y)
    d = check_every_step_against_autodiff(J)
    a, y, z, m = symbols("A", "Y", "Z", "m")
    sigma = 1 / (1 + sympy.exp(-z))
    assert same(d[A].closed_form, (((1 - y) / (1 - a) - y / a) / m).subs(a, sigma))
    assert same(d[Z].expression, (a - y) / m)
    np.testing.assert_allclose(closed_form_at_values(d, A),
                               closed_form.multilabel_bce_dA(A.data, Y))


# ----- errors ------------------------------------------------------------------


def test_derive_wrt_a_tensor_outside_the_graph_names_it():
    J, _, _ = bce_graph()
    stranger = tg.tensor([[1.0]], requires_grad=True, name="W")
    with pytest.raises(ValueError, match=r"derive: 'W' of shape \(1, 1\) is not in"):
        tg.graph.derive(J, stranger)


def test_derive_wrt_data_says_it_has_no_gradient():
    J, _, _ = bce_graph()
    Y = next(n for n in tg.graph.nodes(J) if n.name == "Y")
    with pytest.raises(ValueError, match="Y does not require gradients"):
        tg.graph.derive(J, Y)


def test_derivation_of_a_non_scalar_says_so():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"J has shape \(2,\)"):
        tg.graph.derivation(x.exp())


def test_derivation_without_sympy_gives_the_install_command(monkeypatch):

    symbolic = ("tinygraph.derivation.", "tinygraph.maths.symbols")
    for name in [n for n in sys.modules if n.startswith(symbolic)]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sympy", None)  # import sympy now fails
    J, _, _ = bce_graph()
    with pytest.raises(ImportError, match=r'pip install -e "\.\[symbolic\]"'):
        tg.graph.derivation(J)


# ----- docs/derivations.md runs as written -----------------------------------


def test_the_derivations_doc_runs_and_prints_what_it_shows():
    doc = (Path(__file__).parent.parent / "docs" / "derivations.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", doc, re.DOTALL)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile("\n".join(blocks), "docs/derivations.md", "exec"), {})
    shown = re.search(r"```text\n(.*?)```", doc, re.DOTALL).group(1)
    assert printed.getvalue() == shown


def test_examples_must_be_a_whole_number():
    J, _, _ = bce_graph()
    for bad in (0, 2.5, "4", True):
        with pytest.raises(ValueError, match="derivation: examples must be"):
            tg.graph.derivation(J, examples=bad)

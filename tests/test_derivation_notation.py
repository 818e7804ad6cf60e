"""Derivations in the notes' notation: matrix rules (BP2-BP4), entries and
indices, m, the printed forms, second derivatives, and the limits."""

import numpy as np
import pytest

import tinygraph as tg
from tinygraph import closed_form

sympy = pytest.importorskip("sympy")

from tinygraph.derivation.terms import MatProd, SumOver, Transposed  # noqa: E402

RNG = np.random.default_rng(15)


def two_layer_network(m=4):
    """The notes' dense network, features x examples: Z = W A + b."""
    X = RNG.normal(size=(2, m))
    Y = (RNG.uniform(size=(1, m)) > 0.5).astype(float)
    W = [RNG.normal(size=(3, 2)), RNG.normal(size=(1, 3))]
    b = [RNG.normal(size=(3, 1)), RNG.normal(size=(1, 1))]
    p = {
        name: tg.tensor(value, requires_grad=True, name=name)
        for name, value in zip(["W1", "W2", "b1", "b2"], W + b)
    }
    Z1 = (p["W1"] @ tg.tensor(X, name="X") + p["b1"]).named("Z1")
    A1 = Z1.sigmoid().named("A1")
    Z2 = (p["W2"] @ A1 + p["b2"]).named("Z2")
    A2 = Z2.sigmoid().named("A2")
    J = tg.nn.binary_cross_entropy(A2, Y)
    oracle = closed_form.backprop(X, Y, W, b)  # BP1-BP4 by hand, in NumPy
    return J, p, (Z1, A1, Z2, A2), oracle


def test_matrix_steps_follow_bp2_bp3_bp4():
    J, p, (Z1, A1, Z2, A2), oracle = two_layer_network()
    d = tg.graph.derivation(J)
    product = Z2.parents[0]  # W2 @ A1, before + b2
    G = d.gradient(product)
    # BP3: dJ/dW2 = dJ/d(W2 A1) A1ᵀ; BP2: dJ/dA1 = W2ᵀ dJ/d(W2 A1)
    assert d[p["W2"]].chain == MatProd(G, Transposed(d.symbol(A1)))
    assert d[A1].chain == MatProd(Transposed(d.symbol(p["W2"])), G)
    assert not d[p["W2"]].per_entry and d[Z2].per_entry
    # BP4: dJ/db2 sums dJ/dZ2 over the examples (the last axis)
    assert d[p["b2"]].chain == SumOver(d.gradient(Z2), -1)
    # BP1: dJ/dZ2 = (A2 - Y)/m, in the labels next to Z2
    a2, y, m = (sympy.Symbol(n) for n in ("A2", "Y", "m"))
    assert sympy.simplify(d[Z2].expression - (a2 - y) / m) == 0
    for layer in (0, 1):
        W, b = p[f"W{layer + 1}"], p[f"b{layer + 1}"]
        np.testing.assert_allclose(d[W].value, oracle.dW[layer], rtol=1e-10)
        np.testing.assert_allclose(d[b].value, oracle.db[layer], rtol=1e-10)
        np.testing.assert_allclose(
            d.evaluate(d[W].closed_form, W), oracle.dW[layer], rtol=1e-10
        )


def test_matrix_steps_print_with_matrices_and_elementwise_steps_per_entry():
    J, p, (Z1, A1, Z2, A2), _ = two_layer_network()
    d = tg.graph.derivation(J)
    assert d[p["W2"]].latex.startswith(r"\frac{\partial J}{\partial W^{[2]}} = ")
    assert r"{A^{[1]}}^{T}" in d[p["W2"]].latex  # no double superscript
    assert d[Z2].latex.startswith(r"\frac{\partial J}{\partial z^{[2]}_{i}} = ")
    assert d[Z1].latex.startswith(r"\frac{\partial J}{\partial z^{[1]}_{j,i}} = ")
    assert r"\sum_{i=1}^{m}" in d[p["b1"]].latex
    assert d[p["b1"]].text.startswith("∂J/∂b1[j] = Sum(∂J/∂Z1[j,i], (i, 1, m))")
    assert d[p["W2"]].text.startswith("∂J/∂W2 = ∂J/∂u")


def test_bce_step_prints_as_the_notes_write_it():
    A = tg.tensor([[0.9, 0.2, 0.6, 0.3]], requires_grad=True, name="A")
    J = tg.nn.binary_cross_entropy(A, [[1, 0, 1, 1]])
    d = tg.graph.derivation(J)
    assert d["u3"].latex == r"\frac{\partial J}{\partial u_{3,i}} = - \frac{1}{m}"
    assert d["u2"].text == "∂J/∂u2[i] = (1 - Y[i])*∂J/∂u3[i] = -(1 - Y[i])/m"
    assert d[A].latex.startswith(
        r"\frac{\partial J}{\partial a_{i}} = - \frac{\partial J}{\partial u_{0,i}}"
    )
    mathml = d[A].mathml
    assert mathml.startswith('<math display="block">') and mathml.endswith("</math>")
    assert "<mfrac><mrow><mo>&#8706;</mo><mi>J</mi></mrow>" in mathml  # ∂J
    assert "<msub><mi>a</mi><mi>i</mi></msub>" in mathml
    # the whole derivation: text, LaTeX block, Markdown for slides, Jupyter
    assert str(d).splitlines()[0] == "∂J/∂J = 1"
    assert d.latex.startswith("\\begin{aligned}") and d.latex.count("&=") == len(d)
    markdown = d.to_markdown()
    assert markdown.count("$$") == 2 * len(d) and d[A].latex in markdown
    assert d._repr_latex_() == f"$$\n{d.latex}\n$$"
    assert d._repr_markdown_() == markdown


def test_m_is_a_symbol_only_where_a_cost_divides_by_the_examples():
    A = tg.tensor(RNG.uniform(0.1, 0.9, size=(1, 4)), requires_grad=True, name="A")
    Y = tg.tensor(np.ones((1, 4)), name="Y")
    J = (0.25 * (A - Y) ** 2).sum() / 8  # 1/(2m) with m = 4, and a 1/4 that is m's
    m, a, y = (sympy.Symbol(n) for n in ("m", "A", "Y"))
    # (1/m) 2 (A - Y) / (2m)
    assert sympy.simplify(tg.graph.derive(J, A) - (a - y) / m**2) == 0
    # with two examples, 2 and 1/2 are not taken for m
    B = tg.tensor([[0.3, 0.6]], requires_grad=True, name="B")
    K = ((B * 2) ** 2).sum() / 2
    assert "m" not in {str(s) for s in tg.graph.derive(K, B).free_symbols}
    # unless told: examples= sets m
    x = tg.tensor(RNG.normal(size=(1, 6)), requires_grad=True, name="x")
    assert str(tg.graph.derive(x.sum() / 6, x, examples=6)) == "1/m"


def test_sums_over_classes_and_broadcast_rows():
    # softmax sums over the classes (axis 0), index j
    Z = tg.tensor(RNG.normal(size=(3, 4)), requires_grad=True, name="Z")
    A = Z.softmax(axis=0).named("A")
    Y = np.eye(3)[:, [0, 2, 1, 1]]
    d = tg.graph.derivation(tg.nn.cross_entropy(A, Y))
    assert r"\sum_{p=1}^{3}" in d[Z].latex  # p: j is the free index
    np.testing.assert_allclose(d[Z].value, (A.data - Y) / 4, rtol=1e-10)


@pytest.mark.parametrize(
    "function, reference",
    [
        (tg.sigmoid, lambda z: 1 / (1 + sympy.exp(-z))),
        (tg.tanh, sympy.tanh),
    ],
)
def test_second_derivative_from_create_graph_matches_sympys_diff(function, reference):
    """Issue 15: sigma'' and tanh'' derived from the recorded gradient graph."""
    z = tg.tensor([-1.5, 0.2, 0.9], requires_grad=True, name="z")
    (first,) = tg.grad(function(z).sum(), [z], create_graph=True)
    J = first.sum()  # sum of sigma'(z_i): its gradient is sigma''(z_i)
    derived = tg.graph.derive(J, z)
    symbol = sympy.Symbol("z")
    assert sympy.simplify(derived - sympy.diff(reference(symbol), symbol, 2)) == 0
    d = tg.graph.derivation(J)
    (second,) = tg.grad(J, [z])
    np.testing.assert_allclose(d[z].value, second, rtol=1e-10)


def test_a_graph_too_large_is_refused_with_a_clear_error():
    x = tg.tensor(RNG.normal(size=(3, 4)), requires_grad=True, name="X")
    h = x
    for _ in range(200):
        h = h.tanh()
    with pytest.raises(ValueError, match="201 operations; symbolic derivations"):
        tg.graph.derivation(h.sum())


def test_a_large_formula_is_left_unsimplified_not_hung():
    x = tg.tensor(RNG.normal(size=(2, 3)), requires_grad=True, name="X")
    h = x
    for _ in range(30):  # a closed form of 30 nested sigmoids: 2^30 terms
        h = (h * 0.5).sigmoid()
    d = tg.graph.derivation(h.sum())
    (expected,) = tg.grad(h.sum(), [x])
    np.testing.assert_allclose(d[x].value, expected, rtol=1e-9)


def test_ops_with_no_entrywise_formula_are_vector_jacobian_products():
    x = tg.tensor(RNG.uniform(0.5, 1.5, size=(2, 3)), requires_grad=True, name="X")
    J = (x[:, 1:].log().sum() + x.reshape(3, 2).exp().max(axis=0).sum()).named("J")
    d = tg.graph.derivation(J)
    (expected,) = tg.grad(J, [x])
    np.testing.assert_allclose(d[x].value, expected, rtol=1e-12)
    assert not d[x].per_entry
    assert "(∂u0/∂X).T @ ∂J/∂u0" in d[x].text  # u0 = X[:, 1:]
    assert r"\left(\frac{\partial u_{0}}{\partial X}\right)^{T}" in d[x].latex


def test_jupyter_shows_typeset_maths_and_a_terminal_the_text():
    formatters = pytest.importorskip("IPython.core.formatters")
    A = tg.tensor([[0.9, 0.2, 0.6]], requires_grad=True, name="A")
    d = tg.graph.derivation(tg.nn.binary_cross_entropy(A, [[1, 0, 1]]))
    bundle, _ = formatters.DisplayFormatter().format(d)
    assert bundle["text/latex"] == f"$$\n{d.latex}\n$$"
    assert bundle["text/markdown"] == d.to_markdown()
    assert bundle["text/plain"] == str(d) == d.text
    assert d.mathml.count("<math") == len(d)


def test_deeply_nested_functions_keep_a_label_instead_of_hanging():
    """Tutorial 05's vanishing gradient: 15 tanh layers on one number. SymPy's
    checks on tanh(tanh(...)) grow exponentially with the nesting."""
    x = tg.tensor([0.5], requires_grad=True, name="x")
    h = x
    for _ in range(15):
        h = (h * 1.5).tanh()
    d = tg.graph.derivation(h.sum())
    (expected,) = tg.grad(h.sum(), [x])
    np.testing.assert_allclose(d[x].value, expected, rtol=1e-12)
    labels = {str(s) for s in d[x].closed_form.free_symbols}
    assert "x" in labels and labels - {"x"}  # cut at a node past 6 nestings

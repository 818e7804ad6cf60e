"""Derivations of graphs beyond the notes' costs: broadcast parameters,
where, the costs on logits, the transpose of a product, ops with no
formula per entry. Each step's numbers are checked against autodiff
(tg.grad), the oracle the derivation does not use.
"""

import io

import numpy as np
import pytest

import tinygraph as tg

sympy = pytest.importorskip("sympy")

RNG = np.random.default_rng(1414)
M = 4


def parameter(shape, name):
    return tg.tensor(RNG.normal(size=shape), requires_grad=True, name=name)


def check_every_step_against_autodiff(J):
    d = tg.graph.derivation(J)
    grads = tg.grad(J, [step.node for step in d])
    for step, grad in zip(d, grads):
        np.testing.assert_allclose(step.value, grad, rtol=1e-10, atol=1e-12,
                                   err_msg=step.label)
    return d


@pytest.mark.parametrize("shape", [(1,), ()], ids=["shape (1,)", "0-d"])
def test_a_parameter_broadcast_along_axes_it_lacks_sums_over_them(shape):
    A, b = parameter((2, 3), "A"), parameter(shape, "b")
    J = ((A * b).tanh() + b).sum()
    d = check_every_step_against_autodiff(J)
    assert d[b].value.shape == shape


def test_where_with_a_condition_from_the_data():
    A = parameter((2, 3), "A")
    J = (tg.where(A.data > 0, A, A * 2) ** 2).sum()
    d = check_every_step_against_autodiff(J)
    assert "Piecewise" in str(d[A].closed_form)


@pytest.mark.parametrize("cost, Z_shape, Y", [
    (tg.nn.binary_cross_entropy_with_logits, (1, M), [[1.0, 0.0, 1.0, 1.0]]),
    (tg.nn.multilabel_bce_with_logits, (2, M), [[1.0, 0, 1, 1], [0, 0, 1, 0]]),
    (tg.nn.cross_entropy_with_logits, (3, M), [0, 2, 1, 2]),
], ids=["bce", "multilabel", "cross-entropy"])
def test_the_costs_on_logits_divide_by_m(cost, Z_shape, Y):
    Z = parameter(Z_shape, "Z")
    d = check_every_step_against_autodiff(cost(Z, Y))
    m = sympy.Symbol("m")
    closed = tg.graph.derive(cost(Z, Y), Z)
    assert m in closed.free_symbols and sympy.Integer(M) not in closed.atoms()
    assert d[Z].text.endswith("/m")


def test_the_transpose_of_a_product_is_bracketed():
    X = tg.tensor(RNG.normal(size=(2, M)), name="X")
    W, V = parameter((2, 2), "W"), parameter((2, 2), "V")
    d = check_every_step_against_autodiff(((W @ (V @ X)) ** 2).mean())
    # ∂J/∂W = ∂J/∂u1 (V X)ᵀ, which is not ∂J/∂u1 V Xᵀ
    assert d[W].text.endswith("@ (V @ X).T")
    assert r"\left(V X\right)}^{T}" in d[W].latex


@pytest.mark.parametrize("make", [
    lambda A: (A.reshape((3, 2)).T * A).sum(),
    lambda A: (A[0] ** 2).sum(),
    lambda A: A[:, 1:].exp().mean(),
    lambda A: A.max(axis=0).sum(),
], ids=["reshape", "index", "slice", "max"])
def test_a_vector_jacobian_product_acts_on_the_whole_gradient(make):
    A = parameter((2, 3), "A")
    d = check_every_step_against_autodiff(make(A))
    # (∂u/∂A)ᵀ takes the whole ∂J/∂u, not one entry of it
    assert "(∂u0/∂A).T @ ∂J/∂u0" in d[A].text
    assert "∂J/∂u0[" not in d[A].text


def test_sigmoid_derivative_keeps_its_square_in_the_denominator():
    z = parameter((3,), "z")
    closed = tg.graph.derive(z.sigmoid().sum(), z)
    z_ = sympy.Symbol("z")
    sigma = 1 / (1 + sympy.exp(-z_))
    assert sympy.simplify(closed - sympy.diff(sigma, z_)) == 0
    # not exp(z)/(exp(2z) + 2 exp(z) + 1), multiplied out
    assert closed == sympy.exp(z_) / (sympy.exp(z_) + 1) ** 2


def test_where_and_constant_arrays_print_as_maths_not_as_sympy_reprs():
    mathtext = pytest.importorskip("matplotlib.mathtext")
    A = parameter((2, 3), "A")
    mask = (RNG.uniform(size=(2, 3)) > 0.5) * 2.0  # an unnamed array: C1
    J = (tg.where(A.data > 0, A, A * 2) * mask).sum()
    d = check_every_step_against_autodiff(J)
    everything = d.text + d.latex + d.mathml
    assert "Piecewise" not in everything and "cases" not in everything
    assert "where(C1[j,i], 1, 0)" in d[A].text
    # C1 is a constant, not layer 1 of C (c^{[1]})
    assert "C_{1,j,i}" in d[A].latex and "[1]" not in d.latex
    for step in d:
        mathtext.math_to_image(f"${step.latex}$", io.BytesIO(), dpi=72, format="png")


def test_an_expression_too_long_to_read_is_not_printed():
    w = tg.tensor([0.1, 0.2], requires_grad=True, name="w")  # finite throughout
    h = w
    for _ in range(12):
        h = h.sigmoid() * h + h.exp() * 0.01
    d = check_every_step_against_autodiff(h.sum())
    longest = max(d, key=lambda step: len(str(step.expression)))
    assert len(str(longest.expression)) > 2000  # kept in .expression
    assert max(len(step.text) for step in d) < 1500  # but not printed


def test_a_node_named_m_is_not_taken_for_the_number_of_examples():
    m = tg.tensor([[0.2, 0.7, 0.4, 0.9]], requires_grad=True, name="m")
    J = tg.nn.binary_cross_entropy(m, [[1.0, 0.0, 1.0, 1.0]])
    check_every_step_against_autodiff(J)
    m_, Y = sympy.symbols("m Y")
    expected = ((1 - Y) / (1 - m_) - Y / m_) / M
    assert sympy.simplify(tg.graph.derive(J, m) - expected) == 0
    with pytest.raises(ValueError, match="a node of the graph is named m"):
        tg.graph.derivation(J, examples=4)


def test_a_second_tensor_of_the_same_layer_name_prints_as_a_layer_too():
    X = tg.tensor(RNG.normal(size=(2, M)), name="X")
    W, V = parameter((2, 2), "W1"), parameter((2, 2), "W1")  # labels W1, W1#2
    d = check_every_step_against_autodiff(((W @ (V @ X)) ** 2).mean())
    assert d[V].label == "W1#2"
    assert d[V].latex.startswith(r"\frac{\partial J}{\partial W'^{[1]}}")


def test_gelu_evaluates_and_keeps_its_square_roots_exact():
    A = parameter((2, 3), "A")
    d = check_every_step_against_autodiff(tg.nn.gelu(A).sum())
    a = sympy.Symbol("A")
    cdf = (1 + sympy.erf(a / sympy.sqrt(2))) / 2
    assert sympy.simplify(tg.graph.derive(tg.nn.gelu(A).sum(), A)
                          - sympy.diff(a * cdf, a)) == 0
    assert "sqrt(2)" in d[A].text and "sqrt(pi)" in d[A].text


def test_a_step_shows_as_its_equation_not_as_its_fields():
    A = parameter((1, M), "A")
    step = tg.graph.derivation(A.sigmoid().sum())[A]
    assert repr(step) == step.text and "tensor(" not in repr(step)
    assert step._repr_latex_() == f"$$\n{step.latex}\n$$"


def test_a_float32_graph_gets_float32_numbers_as_autodiff_does():
    x = tg.tensor(np.array([0.3, -0.2, 1.0], dtype=np.float32), requires_grad=True,
                  name="x")
    J = (x.sigmoid() * x).sum()
    step = tg.graph.derivation(J)[x]
    (grad,) = tg.grad(J, [x])
    assert step.value.dtype == grad.dtype == np.float32
    np.testing.assert_allclose(step.value, grad, rtol=1e-6)


def test_examples_sets_m_for_two_examples_too():
    A = tg.tensor([[0.9, 0.2]], requires_grad=True, name="A")
    J = tg.nn.binary_cross_entropy(A, [[1.0, 0.0]])
    m, A_, Y = sympy.symbols("m A Y")
    notes = ((1 - Y) / (1 - A_) - Y / A_) / m
    assert m not in tg.graph.derive(J, A).free_symbols  # 2 examples: a number
    assert sympy.simplify(tg.graph.derive(J, A, examples=2) - notes) == 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "exp", "log"])
def test_third_derivatives_from_create_graph_match_sympys_diff(name):
    z = tg.tensor([0.5, 0.2, 0.9], requires_grad=True, name="z")
    (first,) = tg.grad(getattr(z, name)().sum(), [z], create_graph=True)
    (second,) = tg.grad(first.sum(), [z], create_graph=True)
    check_every_step_against_autodiff(second.sum())
    z_ = sympy.Symbol("z")
    forward = {"sigmoid": 1 / (1 + sympy.exp(-z_)), "tanh": sympy.tanh(z_),
               "exp": sympy.exp(z_), "log": sympy.log(z_)}[name]
    closed = tg.graph.derive(second.sum(), z)
    assert sympy.simplify(closed - sympy.diff(forward, z_, 3)) == 0


def test_a_tensor_or_label_without_a_step_is_a_clear_key_error():
    A, Y = parameter((2, 3), "A"), tg.tensor(np.ones((2, 3)), name="Y")
    d = tg.graph.derivation((A * Y).sum())
    with pytest.raises(KeyError, match="is Y, which needs no gradient"):
        d[Y]
    with pytest.raises(KeyError, match="is not in the graph"):
        d[tg.tensor(np.ones(3))]
    with pytest.raises(KeyError, match="the steps are J, u0, A"):
        d["B"]


def test_constants_are_exact_fractions_or_roots_and_equal_the_floats():
    from tinygraph.derivation.terms import number

    for value, exact in [(0.1, "1/10"), (2.5, "5/2"), (1 / 3, "1/3"),
                         (-(0.5 ** 0.5), "-sqrt(2)/2"),
                         (1 / (2 * np.pi) ** 0.5, "sqrt(2)/(2*sqrt(pi))"),
                         (np.pi, "pi"), (0.044715, "8943/200000")]:
        assert str(number(value)) == exact
        assert float(number(value)) == pytest.approx(value, rel=1e-15)
    ordinary = number(0.4577123456789)  # no simple form: the float's fraction
    assert ordinary.is_Rational and float(ordinary) == 0.4577123456789

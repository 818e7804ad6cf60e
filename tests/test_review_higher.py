"""Review of gradients as values, second derivatives and derivations: the
graphs a student writes that gave a wrong formula or an unexplained error.

Every derivation step is checked against autodiff (tg.grad), and every
closed form is evaluated on its own (SymPy's lambdify of the formula) and
checked against the same numbers.
"""

import numpy as np
import pytest

import tinygraph as tg

sympy = pytest.importorskip("sympy")

RNG = np.random.default_rng(2026)
M = 4


def parameter(shape, name, low=-1.0, high=1.0):
    return tg.tensor(RNG.uniform(low, high, size=shape), requires_grad=True,
                     name=name)


def check_steps_and_closed_forms(J):
    """Every step's numbers, and every closed form's, equal autodiff's."""
    d = tg.graph.derivation(J)
    grads = tg.grad(J, [step.node for step in d])
    for step, grad in zip(d, grads):
        np.testing.assert_allclose(step.value, grad, rtol=1e-10, atol=1e-12,
                                   err_msg=f"value of {step.label}")
        if step.closed_form is not None:
            closed = d.evaluate(step.closed_form, like=step.node)
            np.testing.assert_allclose(closed, grad, rtol=1e-10, atol=1e-12,
                                       err_msg=f"closed form of {step.label}")
        assert step.text  # prints
    return d


# ----- derivations ----------------------------------------------------------


def test_clip_of_a_where_on_a_data_mask_keeps_both_branches():
    """u = where(mask, a, a/10) inside clip: the closed form of clip's
    derivative dropped the second branch (SymPy misread the mask symbol as a
    condition), so it said 1 wherever a, not u, was in range."""
    A = parameter((3, M), "A")
    mask = np.array([[True, False, True, False]] * 3)
    u = tg.where(mask, A * 4, A * 0.1)
    J = (tg.clip(u, -0.5, 0.5) * np.arange(1.0, 13.0).reshape(3, M)).sum()
    d = check_steps_and_closed_forms(J)
    assert "where(C1[j,i]" in d[A].text or "where(C2[j,i]" in d[A].text


def test_a_sum_of_a_matrix_product_derives_with_a_gradient_of_ones():
    """J = sum(A X): ∂J/∂u = 1, so ∂J/∂A = 1 Xᵀ; its numbers raised a bare
    NumPy error (matmul of the number 1)."""
    A = parameter((M, 3), "A")
    X = tg.tensor(RNG.normal(size=(3, M)), name="X")
    d = check_steps_and_closed_forms((A @ X).sum())
    np.testing.assert_allclose(d[A].value, np.ones((M, M)) @ X.data.T)


def test_a_broadcast_parameter_before_a_matrix_product_sums_its_gradient():
    """b (1, 1) + A, then a product: ∂J/∂b sums the rows of 1 Xᵀ."""
    A, b = parameter((3, 3), "A"), parameter((1, 1), "b")
    X = tg.tensor(RNG.normal(size=(3, M)), name="X")
    check_steps_and_closed_forms(((b + A) @ X).sum())


def test_the_transpose_of_a_one_by_one_parameter():
    """s of shape (1, 1), transposed: ∂J/∂s printed as "-0.93.T" (a number
    transposed) and its numbers raised NumPy's AxisError."""
    s = parameter((1, 1), "s")
    check_steps_and_closed_forms((s.T * 2.5).sum())


def test_a_power_with_a_broadcast_exponent():
    """A ** B with B (3, 1): the condition where(A = 0 and B >= 0) holds
    arrays of two shapes, which raised "inhomogeneous shape" from NumPy."""
    A, B = parameter((3, M), "A", 0.5, 1.5), parameter((3, 1), "B")
    check_steps_and_closed_forms((A ** B).sum())


def test_the_second_derivative_of_a_max():
    """A max's step (∂u/∂Z)ᵀ ∂J/∂u where ∂J/∂u is a sum that keeps a
    length-1 axis, (1, 4) for u of shape (4,): NumPy's "input operand has
    more dimensions than allowed" came out of the step's numbers."""
    Z = parameter((2, M), "Z")
    (first,) = tg.grad((Z.max(axis=0) ** 2).sum(), [Z], create_graph=True)
    check_steps_and_closed_forms((first * first).sum())


def test_the_max_of_a_vector_broadcast_against_a_matrix():
    """u = max(v) of shape (1,) divides a (3, 4) matrix: ∂J/∂u sums over
    both axes, (1, 1), and the max's step failed as above."""
    v, A = parameter((M,), "v"), parameter((3, M), "A")
    check_steps_and_closed_forms((v.max(axis=0, keepdims=True) / (A * A + 1)).sum())



@pytest.mark.parametrize("make", [
    lambda A, v, b: (A.sum(axis=1) * v).sum(),
    lambda A, v, b: ((A.mean(axis=-1) + v).exp()).sum(),
    lambda A, v, b: (b.reshape(-1) * v).sum(),
    lambda A, v, b: (tg.squeeze(b) * v).sum(),
    lambda A, v, b: (v.reshape(3, 1) * A).sum(),
    lambda A, v, b: (tg.expand_dims(v, 1) * A).tanh().sum(),
], ids=["A.sum(axis=1) * v", "A.mean(axis=-1) + v", "flatten(b) * v",
        "squeeze(b) * v", "v.reshape(3, 1) * A", "expand_dims(v, 1) * A"])
def test_a_vector_from_a_sum_or_a_reshape_lines_up_with_its_neighbours(make):
    """A.sum(axis=1) (shape (3,)) times v (3,): the derivation read the sum
    as a column and v as a row, so ∂J/∂v was Σ A in every entry and ∂J/∂A
    was Σ v, silently; a (3, 1) b flattened likewise. v.reshape(3, 1) * A,
    a bias made a column, raised a bare NumPy broadcasting error."""
    A, v, b = parameter((3, M), "A"), parameter((3,), "v"), parameter((3, 1), "b")
    check_steps_and_closed_forms(make(A, v, b))


def test_a_sum_of_a_formula_that_no_longer_varies_along_the_axis():
    """(A + t) - A is t in every entry: its sum over 4 columns is 4t, and the
    closed forms below said t (and printing raised IndexError)."""
    A, t = parameter((3, M), "A"), parameter((), "t")
    d = check_steps_and_closed_forms((((A + t) - A).sum(axis=1) ** 2).sum())
    t_ = sympy.Symbol("t")
    assert sympy.simplify(d[t].closed_form - 96 * t_) == 0  # J = 3 (4t)²


@pytest.mark.parametrize("rounding", [tg.floor, tg.ceil, tg.round])
def test_closed_forms_with_rounding_evaluate(rounding):
    """floor(3A) + B: the closed form held maths.symbols' _Floor, which
    lambdify did not know (NameError)."""
    A, B = parameter((3, M), "A"), parameter((3, M), "B")
    check_steps_and_closed_forms(((rounding(A * 3) * B + B) ** 2).sum())



def test_the_derivation_of_a_recorded_relu_gradient():
    """The recorded gradient of relu multiplies by x > 0, a boolean leaf;
    a formula that negates it (NumPy refuses -mask) raised TypeError from a
    step's numbers. J = |∂/∂v mean((vX - relu(v))²)|²."""
    v = tg.tensor([-1.0, 0.5, 2.0, -0.3], requires_grad=True, name="v")
    X = tg.tensor(np.arange(12.0).reshape(3, M) / 10, name="X")
    u = v * X - v.relu()
    (first,) = tg.grad((u * u).mean(), [v], create_graph=True)
    check_steps_and_closed_forms((first * first).sum())



def test_an_exponent_equal_to_the_number_of_examples_is_not_m():
    """(A - Y) ** 4 with 4 examples derived to m (A - Y)^(m - 1), a formula
    whose derivative would change with the number of examples, and
    where(Eq(m, 0), ...); the cost's 1/(2m) is still m's."""
    A = tg.tensor([[0.5, 0.2, 0.3, 0.9]], requires_grad=True, name="A")
    Y = tg.tensor([[1.0, 0.0, 1.0, 1.0]], name="Y")
    a, y, m = sympy.symbols("A Y m")
    d = check_steps_and_closed_forms(((A - Y) ** 4).sum())
    assert m not in d[A].closed_form.free_symbols
    assert sympy.simplify(d[A].closed_form - sympy.diff((a - y) ** 4, a)) == 0
    d = check_steps_and_closed_forms(((A - Y) ** 2).sum() / 8)
    assert sympy.simplify(d[A].closed_form - (a - y) / m) == 0



def test_a_power_of_an_entry_of_a_matrix_product_typesets():
    """J = sum((W X)^3): the closed form 3 (W X)_{j,i}^2 raised TypeError
    "EntryOf._latex() got an unexpected keyword argument 'exp'" from .latex
    (and so from the step-through page and Jupyter's display)."""
    W = parameter((2, 3), "W")
    X = tg.tensor(RNG.normal(size=(3, M)), name="X")
    d = check_steps_and_closed_forms(((W @ X) ** 3).sum())
    assert r"\left(\left(W X\right)_{j,i}\right)^{2}" in d.latex
    assert "<math" in d.mathml and "$$" in d.to_markdown()



def test_a_matrix_product_with_a_gradient_the_same_in_every_column():
    """Examples as rows, then transposed back: ∂J/∂Z is the same in each
    column (J sums Z over its rows), kept as one column, and its product
    with Wᵀ raised NumPy's "mismatch in its core dimension" from the step's
    numbers."""
    X = tg.tensor(RNG.normal(size=(2, 5)), name="X")
    W, V = parameter((3, 2), "W"), parameter((2, 2), "V")
    A = (X.T @ V.T).tanh()
    Z = (A @ W.T).T
    check_steps_and_closed_forms((Z.sum(axis=0) ** 2).mean())



@pytest.mark.parametrize("spread", [
    lambda x, shape: tg.broadcast_to(x, shape),
    lambda x, shape: x + tg.tensor(np.zeros(shape)),
], ids=["broadcast_to", "+ zeros"])
def test_a_product_of_two_broadcast_factors_keeps_its_inner_length(spread):
    """(w spread to (2, 3)) @ (v spread to (3, 4)): in the closed forms
    neither factor varies along the inner axis, so their numbers are a (2, 1)
    column times a (1, 4) row and the sum over the 3 inner entries was lost:
    every gradient came out a third of autodiff's, without a word."""
    w, v = parameter((2, 1), "w"), parameter((1, M), "v")
    Z = spread(w, (2, 3)) @ spread(v, (3, M))
    check_steps_and_closed_forms((Z ** 2).sum())



@pytest.mark.parametrize("outer", [
    lambda Z: tg.clip(Z, -0.3, 0.3) ** 2,
    lambda Z: Z.relu() ** 2,
], ids=["clip", "relu"])
@pytest.mark.parametrize("inner", [
    lambda H, X: tg.leaky_relu(H),
    lambda H, X: tg.where(X.data > 0, H, 0.1 * H),
], ids=["leaky_relu", "where"])
def test_a_kink_inside_a_matrix_product_stays_inside(outer, inner):
    """clip or relu of W2 leaky_relu(W1 X): SymPy folded leaky_relu's
    Piecewise out of the matrix product W2 (...) entry by entry once it sat
    in clip's condition (or relu's Heaviside, read by NumPy), a wrong closed
    form; with square weights its numbers were wrong without a word."""
    X = tg.tensor(RNG.normal(size=(3, M)), name="X")
    W1, W2 = parameter((3, 3), "W1"), parameter((3, 3), "W2")
    check_steps_and_closed_forms(outer(W2 @ inner(W1 @ X, X)).sum())



def test_a_kink_after_a_softplus_of_a_matrix_product():
    """leaky_relu(W2 softplus(W1 X + b1) + b2): SymPy decided that the
    softplus of a matrix product was not a real number and refused the
    comparison in leaky_relu's condition ("Invalid comparison of non-real")."""
    X = tg.tensor(RNG.normal(size=(3, M)), name="X")
    W1, W2 = parameter((2, 3), "W1"), parameter((2, 2), "W2")
    b1, b2 = parameter((2, 1), "b1"), parameter((2, 1), "b2")
    Z = W2 @ tg.softplus(tg.leaky_relu(W1 @ X + b1)) + b2
    check_steps_and_closed_forms((tg.leaky_relu(Z) ** 2).mean())



def test_a_kink_after_a_softplus_of_a_matrix_product_prints():
    """The same network printed per entry: the display of an entry of a
    matrix product, (W3 @ [...])[j,i], was not known to be real either, and
    printing the step raised "Invalid comparison of non-real"."""
    X = tg.tensor(RNG.normal(size=(3, M)), name="X")
    W1, W2, W3 = (parameter(s, n) for s, n in [((2, 3), "W1"), ((2, 2), "W2"),
                                              ((2, 2), "W3")])
    b1, b3 = parameter((2, 1), "b1"), parameter((2, 1), "b3")
    b2 = parameter((2,), "b2")
    A = tg.softplus(W2 @ tg.leaky_relu(W1 @ X + b1) + b2.reshape(2, 1))
    U = tg.leaky_relu(W3 @ A + b3)
    d = check_steps_and_closed_forms((U.mean(axis=1) * np.array([1.0, -2.0])).sum())
    assert d.latex and d.mathml



def test_relu_of_a_relu_layer_in_the_row_layout():
    """relu((relu(W1 X)ᵀ W2ᵀ)ᵀ): NumPy's reading of Heaviside rewrote it as
    a condition, SymPy folded the inner relu's Max out of the matrix
    products, and the closed form's numbers came out (2, 4) for a (1, 4)
    node (or wrong ones, for square weights)."""
    X = tg.tensor(RNG.normal(size=(3, M)), name="X")
    W1, W2 = parameter((2, 3), "W1"), parameter((1, 2), "W2")
    Z = (tg.relu(W1 @ X).T @ W2.T).T
    check_steps_and_closed_forms(tg.nn.binary_cross_entropy_with_logits(
        tg.relu(Z), np.array([[1.0, 0.0, 1.0, 1.0]])))


# ----- gradients as values: float32 stays float32 ---------------------------


@pytest.mark.parametrize("f", [
    lambda x: tg.clip(x, -0.3, 0.3),
    lambda x: tg.hardtanh(x),
    lambda x: tg.leaky_relu(x),
    lambda x: tg.where(x.data > 0, x * x, x),
    lambda x: 2 ** x,
], ids=["clip", "hardtanh", "leaky_relu", "where", "2 ** x"])
def test_a_recorded_gradient_of_float32_stays_float32(f):
    """tg.grad(..., create_graph=True) gave float64 gradients for float32
    inputs: where(c, 1, 0) and log(2) in the local derivatives were float64
    or integer tensors. The numbers are checked against finite differences."""
    rng = np.random.default_rng(7)
    data = rng.uniform(-1, 1, size=(3, 4)).astype(np.float32)
    x = tg.tensor(data, requires_grad=True)
    (g,) = tg.grad(f(x).sum(), [x], create_graph=True)
    assert g.dtype == np.float32
    if g.requires_grad:  # (piecewise linear ones have a constant derivative)
        (gg,) = tg.grad((g * g).sum(), [x])
        assert gg.dtype == np.float32
    h = 1e-3
    plain = data.astype(np.float64)
    numeric = (f(tg.tensor(plain + h)).data - f(tg.tensor(plain - h)).data) / (2 * h)
    np.testing.assert_allclose(g.data, numeric, rtol=1e-3, atol=1e-3)
    assert tg.hessian(lambda v: f(v).sum(), data).dtype == np.float32


def test_a_float64_upstream_tensor_keeps_a_float32_gradient_float32():
    """grad_outputs as a float64 Tensor for a float32 output, with
    create_graph=True, made the gradient float64 (an array was cast)."""
    x = tg.tensor(np.array([1.0, 2.0, 3.0], dtype=np.float32), requires_grad=True)
    seed = tg.tensor([1.0, 0.5, 2.0])  # float64
    (g,) = tg.grad(x ** 2, [x], grad_outputs=seed, create_graph=True)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g.data, 2 * np.array([1.0, 2.0, 3.0]) * seed.data)
    # one that requires gradients is part of the graph: refused, naming both
    seed.requires_grad = True
    with pytest.raises(TypeError, match=r"\[0\] has dtype float64.*float32"):
        tg.grad(x ** 2, [x], grad_outputs=seed, create_graph=True)


# ----- forward mode ---------------------------------------------------------


@pytest.mark.parametrize("tangent", [np.array([1.0]), 1.0, np.ones((3, 1))],
                         ids=["(1,)", "a number", "(3, 1)"])
def test_push_tangents_refuses_a_tangent_of_another_shape(tangent):
    """A (1,) tangent or a number for x of shape (3,) was broadcast: the
    tangent of 2x came out [2, 2, 2] (x moved along (1, 1, 1)) without a
    word; a (3, 1) one raised a bare NumPy broadcasting error."""
    x = tg.tensor([0.1, -0.2, 0.3], requires_grad=True, name="x")
    y = (x * 2).tanh()
    with pytest.raises(ValueError, match=r"push_tangents: the tangent for 'x'"):
        tg.functional.push_tangents(y, {x: tangent})


def test_push_tangents_takes_a_tensor_as_a_tangent():
    """A Tensor as the tangent raised AttributeError: no astype."""
    x = tg.tensor([0.1, -0.2, 0.3], requires_grad=True)
    y = (x * 2).tanh()
    v = np.array([1.0, 0.0, -2.0])
    found = tg.functional.push_tangents(y, {x: tg.tensor(v)})
    h = 1e-6
    expected = (np.tanh(2 * (x.data + h * v)) - np.tanh(2 * (x.data - h * v))) / (2 * h)
    np.testing.assert_allclose(found[y], expected, rtol=1e-7)

"""tg.jacobian, tg.hessian, tg.vjp and tg.jvp against independent oracles.

Always: central finite differences of NumPy references (never of the code
under test), and the notes' closed forms where they have one. Optionally
(skipped without it): PyTorch's ``torch.autograd.functional``. Forward mode
(jvp) is also checked on every op of the op table, each input of each op
given a tangent at once.
"""

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import np_sigmoid, np_softmax
from tests.ops.test_ops import PARAMS
from tinygraph.functional import push_tangents

EPS = 1e-6
TOL = 1e-6


def numeric_jacobian(f, x0, eps=EPS):
    """J[s, t] = dy_s/dx_t of a NumPy function by central differences:
    shape f(x0).shape + x0.shape."""
    x = np.array(x0, dtype=np.float64)
    columns = []
    for entry in np.ndindex(*x.shape):
        saved = x[entry]
        x[entry] = saved + eps
        above = np.asarray(f(x), dtype=np.float64)
        x[entry] = saved - eps
        below = np.asarray(f(x), dtype=np.float64)
        x[entry] = saved
        columns.append((above - below) / (2 * eps))
    out_shape = np.shape(f(x))
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


def numeric_directional(f, arrays, tangents, eps=EPS):
    """(f(a + eps v) - f(a - eps v)) / 2 eps, every input moved at once: J v."""
    above = f(*[a + eps * v for a, v in zip(arrays, tangents)])
    below = f(*[a - eps * v for a, v in zip(arrays, tangents)])
    return (np.asarray(above) - np.asarray(below)) / (2 * eps)


# ----- the functions: tinygraph, a NumPy reference, and an input shape ----

RNG = np.random.default_rng(42)
A = RNG.normal(size=(3, 4))
B = RNG.normal(size=(4, 2))
C = RNG.normal(size=(3, 4))
PICK = np.array([2, 0, 0])  # a repeated index: its gradients add up

CASES = {
    "matmul on the right": (lambda x: tg.tensor(A) @ x, lambda x: A @ x, (4, 2)),
    "matmul on the left": (lambda x: x @ tg.tensor(B), lambda x: x @ B, (3, 4)),
    "softmax": (lambda x: x.softmax(axis=0), np_softmax, (4, 3)),
    "sum over an axis": (lambda x: x.sum(axis=1), lambda x: x.sum(axis=1), (4, 3)),
    "broadcasting add": (lambda x: x + tg.tensor(C), lambda x: x + C, (3, 1)),
    "broadcasting mul of a row": (lambda x: x * tg.tensor(C), lambda x: x * C, (4,)),
    "getitem": (lambda x: x[PICK, 1:], lambda x: x[PICK, 1:], (3, 4)),
    "dense tanh layer": (
        lambda x: (tg.tensor(A) @ x + 0.5).tanh().sum(axis=0),
        lambda x: np.tanh(A @ x + 0.5).sum(axis=0),
        (4, 2),
    ),
    "fan-out x * sigmoid(x)": (
        lambda x: x * x.sigmoid(),
        lambda x: x * np_sigmoid(x),
        (2, 3),
    ),
    "log_softmax then max": (
        lambda x: x.log_softmax(axis=1).max(axis=1),
        lambda x: (x - np.log(np.exp(x).sum(axis=1, keepdims=True))).max(axis=1),
        (3, 4),
    ),
    "to a scalar": (lambda x: (x * x).mean(), lambda x: (x * x).mean(), (2, 3)),
}
NAMES = list(CASES)


def case(name):
    ours, reference, shape = CASES[name]
    x0 = np.random.default_rng(len(name)).uniform(-1.5, 1.5, size=shape)
    return ours, reference, x0


# ----- each function against finite differences --------------------------


@pytest.mark.parametrize("name", NAMES)
def test_jacobian_matches_finite_differences(name):
    ours, reference, x0 = case(name)
    J = tg.jacobian(ours, x0)
    expected = numeric_jacobian(reference, x0)
    assert J.shape == np.shape(reference(x0)) + x0.shape
    np.testing.assert_allclose(J, expected, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("name", NAMES)
def test_jvp_matches_a_finite_difference_along_v(name):
    ours, reference, x0 = case(name)
    v = np.random.default_rng(1).normal(size=x0.shape)
    y, Jv = tg.jvp(ours, x0, v)
    np.testing.assert_allclose(y, reference(x0), rtol=1e-12, atol=1e-12)
    expected = numeric_directional(reference, [x0], [v])
    np.testing.assert_allclose(Jv, expected, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("name", NAMES)
def test_vjp_matches_finite_differences_of_u_dot_f(name):
    ours, reference, x0 = case(name)
    u = np.random.default_rng(2).normal(size=np.shape(reference(x0)))
    y, product = tg.vjp(ours, x0, u)
    np.testing.assert_allclose(y, reference(x0), rtol=1e-12, atol=1e-12)
    expected = numeric_jacobian(lambda x: np.sum(u * reference(x)), x0)
    assert product.shape == x0.shape
    np.testing.assert_allclose(product, expected, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("name", NAMES)
def test_jvp_and_vjp_agree_with_the_jacobian_times_a_vector(name):
    ours, reference, x0 = case(name)
    rng = np.random.default_rng(3)
    J = tg.jacobian(ours, x0)
    out_axes = J.ndim - x0.ndim
    v = rng.normal(size=x0.shape)
    u = rng.normal(size=J.shape[:out_axes])
    # J v contracts J's input axes; uᵀJ its output axes.
    np.testing.assert_allclose(
        tg.jvp(ours, x0, v)[1], np.tensordot(J, v, axes=x0.ndim), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        tg.vjp(ours, x0, u)[1],
        np.tensordot(u, J, axes=out_axes),
        rtol=1e-12,
        atol=1e-12,
    )


@pytest.mark.parametrize("case_, shapes", PARAMS)
def test_forward_mode_through_every_op_matches_finite_differences(case_, shapes):
    """Every op of the op table, with a tangent on each of its inputs."""
    rng = np.random.default_rng(4)
    arrays = [rng.uniform(case_.low, case_.high, size=s) for s in shapes]
    tangents = [rng.normal(size=s) for s in shapes]
    inputs = [tg.tensor(a, requires_grad=True) for a in arrays]
    out = case_.op(*inputs)
    found = push_tangents(out, dict(zip(inputs, tangents)))
    expected = numeric_directional(case_.reference, arrays, tangents)
    assert found[out].shape == out.shape
    np.testing.assert_allclose(found[out], expected, rtol=case_.tol, atol=case_.tol)


def test_push_tangents_gives_every_intermediate_its_tangent():
    """The tangent column of the u-variable table: u1 = W @ x, u2 = tanh(u1)."""
    W, x0, v = A, np.array([0.5, -1.0, 2.0, 0.25]), np.array([1.0, 0.0, -1.0, 2.0])
    x = tg.tensor(x0, requires_grad=True)
    u1 = tg.tensor(W) @ x
    u2 = u1.tanh()
    found = push_tangents(u2, {x: v})
    np.testing.assert_allclose(found[u1], W @ v, rtol=1e-12)
    expected = numeric_directional(lambda x: np.tanh(W @ x), [x0], [v])
    np.testing.assert_allclose(found[u2], expected, rtol=TOL, atol=TOL)


def test_jvp_never_builds_the_jacobian():
    """A 300 x 300 input: its Jacobian would hold 8.1e9 numbers (65 GB)."""
    rng = np.random.default_rng(5)
    x0, v = rng.normal(size=(300, 300)), rng.normal(size=(300, 300))
    M = rng.normal(size=(300, 300))

    def reference(x):
        return np_softmax(x, axis=0) @ M

    y, Jv = tg.jvp(lambda x: x.softmax(axis=0) @ tg.tensor(M), x0, v)
    expected = numeric_directional(reference, [x0], [v])
    np.testing.assert_allclose(Jv, expected, rtol=1e-5, atol=1e-6)


# ----- the Hessian ----------------------------------------------------------


def logistic_data():
    """Features x examples, as in the notes: X (n, m), labels Y (1, m)."""
    rng = np.random.default_rng(6)
    X = rng.normal(size=(3, 20))
    Y = (rng.uniform(size=(1, 20)) < 0.5).astype(float)
    theta = rng.normal(size=4) * 0.5  # w (3 entries), then b
    return X, Y, theta


def logistic_gradient(theta, X, Y):
    """dJ/dθ of the mean cross-entropy of sigmoid(w X + b), by hand:
    dJ/dw = (A - Y) Xᵀ / m, dJ/db = sum(A - Y) / m."""
    A = np_sigmoid(theta[:-1] @ X + theta[-1])
    m = X.shape[1]
    return np.append((A - Y) @ X.T / m, (A - Y).sum() / m)


@pytest.mark.parametrize("fused", [False, True], ids=["composed", "with_logits"])
def test_hessian_of_logistic_regression_matches_finite_differences(fused):
    X, Y, theta = logistic_data()
    cost = tg.nn.binary_cross_entropy_with_logits if fused else None

    def J(theta):
        Z = theta[:-1].reshape(1, 3) @ tg.tensor(X) + theta[-1]
        if fused:
            return cost(Z, tg.tensor(Y))
        return tg.nn.binary_cross_entropy(Z.sigmoid(), tg.tensor(Y))

    H = tg.hessian(J, theta)
    expected = numeric_jacobian(lambda t: logistic_gradient(t, X, Y), theta)
    assert H.shape == (4, 4)
    np.testing.assert_allclose(H, expected, rtol=TOL, atol=TOL)
    # and the closed form: X1 diag(a(1 - a)) X1ᵀ / m, with a row of ones for b
    X1 = np.vstack([X, np.ones((1, X.shape[1]))])
    a = np_sigmoid(theta @ X1)
    np.testing.assert_allclose(H, X1 * (a * (1 - a)) @ X1.T / X.shape[1], rtol=1e-10)


def test_hessian_of_a_matrix_input_has_shape_T_plus_T():
    x0 = np.random.default_rng(7).uniform(-1, 1, size=(2, 3))

    def gradient(x):  # d/dx sum(x tanh(x)) = tanh(x) + x (1 - tanh²(x))
        return np.tanh(x) + x * (1 - np.tanh(x) ** 2)

    H = tg.hessian(lambda x: (x * x.tanh()).sum(), x0)
    assert H.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(H, numeric_jacobian(gradient, x0), rtol=TOL, atol=TOL)


def test_hessian_of_a_linear_function_is_zero():
    H = tg.hessian(lambda x: (2 * x).sum(), np.array([1.0, 2.0]))
    np.testing.assert_array_equal(H, np.zeros((2, 2)))


# ----- third derivatives, by nested tg.grad ----------------------------------


def third_derivative(op, x0):
    """d³/dx³ of an elementwise op, entry by entry: tg.grad three times."""
    x = tg.tensor(x0, requires_grad=True)
    (d1,) = tg.grad(op(x).sum(), [x], create_graph=True)
    (d2,) = tg.grad(d1.sum(), [x], create_graph=True)
    (d3,) = tg.grad(d2.sum(), [x])
    return d3


def np_sigmoid_second(z):
    """σ'' = σ(1 - σ)(1 - 2σ)."""
    s = np_sigmoid(z)
    return s * (1 - s) * (1 - 2 * s)


def np_tanh_second(z):
    """tanh'' = -2 tanh (1 - tanh²)."""
    t = np.tanh(z)
    return -2 * t * (1 - t * t)


# (op, its NumPy form, its second derivative, its third in terms of the op's
# output s = op(x), as the notes write σ' = σ(1 - σ))
THIRD = {
    "sigmoid": (
        tg.sigmoid,
        np_sigmoid,
        np_sigmoid_second,
        lambda s: s * (1 - s) * (1 - 6 * s + 6 * s * s),
    ),
    "tanh": (
        tg.tanh,
        np.tanh,
        np_tanh_second,
        lambda t: -2 * (1 - t * t) * (1 - 3 * t * t),
    ),
    "exp": (tg.exp, np.exp, np.exp, lambda e: e),
    "log": (tg.log, np.log, lambda x: -1 / x**2, lambda u: 2 * np.exp(-3 * u)),
}


@pytest.mark.parametrize("name", list(THIRD))
def test_third_derivative_matches_finite_differences_of_the_second(name):
    op, forward, second, third = THIRD[name]
    x0 = np.array([0.3, 0.9, 1.7, 2.5])
    d3 = third_derivative(op, x0)
    # d²/dx² acts entry by entry, so its Jacobian is diagonal
    expected = numeric_jacobian(second, x0).diagonal()
    np.testing.assert_allclose(d3, expected, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(d3, third(forward(x0)), rtol=1e-10)


# ----- what they leave alone, and what they accept ---------------------------


def test_the_callers_tensor_is_left_alone():
    x = tg.tensor([0.5, -1.0], requires_grad=True)
    before = x.numpy().copy()
    tg.jacobian(lambda t: t.exp(), x)
    tg.hessian(lambda t: t.exp().sum(), x)
    tg.vjp(lambda t: t.exp(), x, [1.0, 1.0])
    tg.jvp(lambda t: t.exp(), x, [1.0, 1.0])
    assert x.grad is None
    np.testing.assert_array_equal(x.numpy(), before)


def test_they_record_inside_no_grad():
    with tg.no_grad():
        J = tg.jacobian(lambda x: x * x, [1.0, 3.0])
        _, Jv = tg.jvp(lambda x: x * x, [1.0, 3.0], [1.0, 1.0])
        assert not tg.is_grad_enabled()  # no_grad is back on afterwards
    np.testing.assert_array_equal(J, np.diag([2.0, 6.0]))
    np.testing.assert_array_equal(Jv, [2.0, 6.0])


def test_a_function_that_ignores_x_has_zero_derivatives():
    W = tg.tensor([1.0, 2.0], requires_grad=True)

    def f(x):
        return W * 3

    np.testing.assert_array_equal(tg.jacobian(f, [1.0, 1.0, 1.0]), np.zeros((2, 3)))
    np.testing.assert_array_equal(tg.jvp(f, [1.0, 1.0, 1.0], [1, 1, 1])[1], [0, 0])
    np.testing.assert_array_equal(tg.vjp(f, [1.0, 1.0, 1.0], [1, 1])[1], [0, 0, 0])


def test_the_identity_has_the_identity_jacobian():
    np.testing.assert_array_equal(tg.jacobian(lambda x: x, np.zeros(3)), np.eye(3))
    np.testing.assert_array_equal(
        tg.jvp(lambda x: x, np.zeros(3), [1, 2, 3])[1], [1, 2, 3]
    )


def test_float32_stays_float32():
    x0 = np.array([0.5, -1.0], dtype=np.float32)
    assert tg.jacobian(lambda x: x.tanh(), x0).dtype == np.float32
    assert tg.jvp(lambda x: x.tanh(), x0, [1, 1])[1].dtype == np.float32
    assert tg.vjp(lambda x: x.tanh(), x0, [1, 1])[1].dtype == np.float32
    assert tg.hessian(lambda x: x.tanh().sum(), x0).dtype == np.float32


def test_one_element_vectors_default_to_one():
    _, gradient = tg.vjp(lambda x: (x * x).sum(), [1.0, 2.0])  # u = 1: the gradient
    _, slope = tg.jvp(lambda x: x.exp(), [0.0])  # v = 1
    np.testing.assert_array_equal(gradient, [2.0, 4.0])
    np.testing.assert_array_equal(slope, [1.0])


# ----- bad input: errors that name the function and the shapes ---------------


def returns_an_array(x):
    return np.sin(x.numpy())


@pytest.mark.parametrize("function", [tg.jacobian, tg.hessian, tg.vjp, tg.jvp])
def test_a_function_that_returns_no_tensor_is_refused(function):
    with pytest.raises(TypeError) as err:
        function(returns_an_array, np.ones((2, 3)))
    message = str(err.value)
    assert message.startswith(f"{function.__name__}: returns_an_array must return")
    assert "(2, 3)" in message and "ndarray" in message


@pytest.mark.parametrize("function", [tg.jacobian, tg.hessian, tg.vjp, tg.jvp])
def test_an_integer_input_is_refused(function):
    with pytest.raises(TypeError, match=r"floating point.*int64.*\(3,\)"):
        function(lambda x: x.sum(), np.arange(3))


def test_hessian_of_a_function_with_several_outputs_is_refused():
    def softmax_of(x):
        return x.softmax(axis=0)

    with pytest.raises(ValueError) as err:
        tg.hessian(softmax_of, np.ones(4))
    message = str(err.value)
    assert message.startswith("hessian: ") and "one number" in message
    assert "softmax_of" in message and "(4,)" in message


def test_a_vector_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"vjp: u, .* has shape \(3,\), .* \(2,\)"):
        tg.vjp(lambda x: x * 2, [1.0, 2.0], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"jvp: v, .* has shape \(2, 1\), .* \(2,\)"):
        tg.jvp(lambda x: x * 2, [1.0, 2.0], [[1.0], [1.0]])


def test_a_missing_vector_is_refused_for_several_entries():
    with pytest.raises(ValueError, match=r"jvp: v, .* 2 entries \(shape \(2,\)\)"):
        tg.jvp(lambda x: x * 2, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"vjp: u, .* 2 entries"):
        tg.vjp(lambda x: x * 2, [1.0, 2.0])


def test_something_that_is_not_a_function_is_refused():
    with pytest.raises(TypeError, match="jacobian: .* must be callable, got a Tensor"):
        tg.jacobian(tg.tensor([1.0]), [1.0])


# ----- optional: PyTorch's torch.autograd.functional ---------------------------

TORCH = {
    "matmul on the right": lambda torch, x: torch.tensor(A) @ x,
    "matmul on the left": lambda torch, x: x @ torch.tensor(B),
    "softmax": lambda torch, x: torch.softmax(x, dim=0),
    "sum over an axis": lambda torch, x: x.sum(dim=1),
    "broadcasting add": lambda torch, x: x + torch.tensor(C),
    "broadcasting mul of a row": lambda torch, x: x * torch.tensor(C),
    "getitem": lambda torch, x: x[torch.tensor(PICK), 1:],
    "dense tanh layer": lambda torch, x: torch.tanh(torch.tensor(A) @ x + 0.5).sum(0),
    "fan-out x * sigmoid(x)": lambda torch, x: x * torch.sigmoid(x),
    "log_softmax then max": lambda torch, x: torch.log_softmax(x, 1).max(1).values,
    "to a scalar": lambda torch, x: (x * x).mean(),
}


@pytest.mark.parametrize("name", NAMES)
def test_the_four_functions_match_pytorch(name):
    torch = pytest.importorskip("torch")
    functional = torch.autograd.functional
    ours, _, x0 = case(name)

    def theirs(x):
        return TORCH[name](torch, x)

    rng = np.random.default_rng(8)
    v = rng.normal(size=x0.shape)
    u = rng.normal(size=np.shape(ours(tg.tensor(x0))))
    xt, vt, ut = (torch.tensor(a) for a in (x0, v, u))

    def close(mine, reference):
        np.testing.assert_allclose(mine, reference.numpy(), rtol=1e-10, atol=1e-12)

    close(tg.jacobian(ours, x0), functional.jacobian(theirs, xt))
    for mine, reference in zip(tg.jvp(ours, x0, v), functional.jvp(theirs, xt, vt)):
        close(mine, reference)
    for mine, reference in zip(tg.vjp(ours, x0, u), functional.vjp(theirs, xt, ut)):
        close(mine, reference)
    if u.size == 1:
        close(tg.hessian(ours, x0), functional.hessian(theirs, xt))
    else:  # the Hessian of one weighted sum of the outputs

        def weighted(x):
            return (ours(x) * u).sum()

        close(
            tg.hessian(weighted, x0),
            functional.hessian(lambda x: (theirs(x) * ut).sum(), xt),
        )


def test_a_third_derivative_of_softmax_matches_pytorch():
    """A non-elementwise op, differentiated three times."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    x0, U, v = (rng.normal(size=(4, 3)) for _ in range(3))

    def ours():
        x = tg.tensor(x0, requires_grad=True)
        (d1,) = tg.grad(x.softmax(axis=0), [x], grad_outputs=U, create_graph=True)
        (d2,) = tg.grad((d1 * v).sum(), [x], create_graph=True)
        (d3,) = tg.grad((d2 * d2).sum(), [x])
        return d3

    def theirs():
        x = torch.tensor(x0, requires_grad=True)
        (d1,) = torch.autograd.grad(
            torch.softmax(x, 0), x, torch.tensor(U), create_graph=True
        )
        (d2,) = torch.autograd.grad((d1 * torch.tensor(v)).sum(), x, create_graph=True)
        (d3,) = torch.autograd.grad((d2 * d2).sum(), x)
        return d3.numpy()

    np.testing.assert_allclose(ours(), theirs(), rtol=1e-10, atol=1e-12)

"""Property-based tests (hypothesis): random graphs, random garbage.

* Random expression trees over random shapes with broadcastable operands
  (tensors, Python numbers and NumPy arrays on either side) are evaluated
  twice, by tinygraph and by plain NumPy written here; the forward values
  must agree and every gradient must match central finite differences of
  the NumPy version, under a random upstream gradient.
* Random garbage given to ``tg.tensor``, to the costs and to ``Linear``
  must give a ValueError or TypeError (the documented types), or else the
  right answer: never another exception, never a silently wrong number.

``max_examples`` is kept modest so the file runs in seconds.
"""

import numbers

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygraph as tg
from tests.helpers import (
    np_bce,
    np_cross_entropy,
    np_log_sigmoid,
    np_log_softmax,
    np_mse,
    np_relu,
    np_sigmoid,
    np_softmax,
    numeric_grad,
)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
DOCUMENTED = (ValueError, TypeError)


# ----- two evaluators of one expression ---------------------------------------

# Unary pieces: (tinygraph, NumPy). Those with a restricted domain are fed
# x*x + 1, so every random input is inside it.
UNARY = {
    "neg": (lambda x: -x, lambda x: -x),
    "sigmoid": (tg.sigmoid, np_sigmoid),
    "tanh": (tg.tanh, np.tanh),
    "exp_tanh": (lambda x: x.tanh().exp(), lambda x: np.exp(np.tanh(x))),
    "log": (lambda x: (x * x + 1).log(), lambda x: np.log(x * x + 1)),
    "sqrt": (lambda x: tg.sqrt(x * x + 1), lambda x: np.sqrt(x * x + 1)),
    "square": (lambda x: x**2, lambda x: x**2),
    "relu": (tg.relu, np_relu),
    "abs": (tg.abs, np.abs),
    "one_minus": (lambda x: 1 - x, lambda x: 1 - x),
    "half_times": (lambda x: 0.5 * x, lambda x: 0.5 * x),
    "two_pow": (lambda x: 2 ** x.tanh(), lambda x: 2 ** np.tanh(x)),
}
KINKED = {"relu", "abs"}  # not differentiable at 0

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    "pow": (
        lambda a, b: (a * a + 1) ** b.tanh(),
        lambda a, b: (a * a + 1) ** np.tanh(b),
    ),
}

# Along one axis, keeping it (so the result still broadcasts with the rest).
AXIS = {
    "sum": (
        lambda x, k: x.sum(axis=k, keepdims=True),
        lambda x, k: x.sum(k, keepdims=True),
    ),
    "mean": (
        lambda x, k: x.mean(axis=k, keepdims=True),
        lambda x, k: x.mean(k, keepdims=True),
    ),
    "softmax": (tg.softmax, np_softmax),
    "log_softmax": (tg.log_softmax, np_log_softmax),
}


def evaluate(expr, leaves, backend, kinks=None):
    """The value of ``expr``; ``backend`` 0 is tinygraph, 1 is NumPy.

    With NumPy, ``kinks`` collects the inputs of relu and abs.
    """
    kind = expr[0]
    if kind == "leaf":
        return leaves[expr[1]]
    if kind == "unary":
        x = evaluate(expr[2], leaves, backend, kinks)
        if kinks is not None and expr[1] in KINKED:
            kinks.append(x)
        return UNARY[expr[1]][backend](x)
    if kind == "binary":
        a = evaluate(expr[2], leaves, backend, kinks)
        b = evaluate(expr[3], leaves, backend, kinks)
        return BINARY[expr[1]][backend](a, b)
    if kind == "axis":
        x = evaluate(expr[3], leaves, backend, kinks)
        axis = expr[2] % x.ndim if x.ndim else None
        if axis is None:  # a 0-d value has no axis to act along
            return x
        return AXIS[expr[1]][backend](x, axis)
    if kind == "constant":  # a NumPy array or Python number on the left
        x = evaluate(expr[3], leaves, backend, kinks)
        constant = expr[2]
        return constant * x if expr[1] == "mul" else constant + x
    raise AssertionError(kind)


# ----- random shapes and trees ----------------------------------------------------


@st.composite
def broadcastable_to(draw, shape):
    """A shape that broadcasts to ``shape``: fewer leading axes, some 1s."""
    dropped = draw(st.integers(0, len(shape)))
    return tuple(n if draw(st.booleans()) else 1 for n in shape[dropped:])


@st.composite
def expressions(draw, n_leaves, shape, depth):
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return ("leaf", draw(st.integers(0, n_leaves - 1)))
    child = expressions(n_leaves, shape, depth - 1)
    kind = draw(
        st.sampled_from(["unary", "unary", "binary", "binary", "axis", "constant"])
    )
    if kind == "unary":
        return ("unary", draw(st.sampled_from(sorted(UNARY))), draw(child))
    if kind == "binary":
        return (
            "binary",
            draw(st.sampled_from(sorted(BINARY))),
            draw(child),
            draw(child),
        )
    if kind == "axis":
        return (
            "axis",
            draw(st.sampled_from(sorted(AXIS))),
            draw(st.integers(0, 2)),
            draw(child),
        )
    constant_shape = draw(broadcastable_to(shape))
    seed = draw(st.integers(0, 2**16))
    constant = np.random.default_rng(seed).uniform(-2, 2, size=constant_shape)
    if draw(st.booleans()):
        constant = float(constant.sum())  # a Python number instead
    return ("constant", draw(st.sampled_from(["mul", "add"])), constant, draw(child))


@st.composite
def graphs(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), max_size=3)))
    n_leaves = draw(st.integers(1, 3))
    leaf_shapes = [draw(broadcastable_to(shape)) for _ in range(n_leaves)]
    expr = draw(expressions(n_leaves, shape, depth=4))
    requires = [draw(st.booleans()) for _ in range(n_leaves)]
    seed = draw(st.integers(0, 2**32 - 1))
    return expr, leaf_shapes, requires, seed


def used_leaves(expr):
    if expr[0] == "leaf":
        return {expr[1]}
    found = set()
    for part in expr:
        if isinstance(part, tuple):
            found |= used_leaves(part)
    return found


# Forward and gradient tolerances (relative, and absolute per unit of the
# cost's size): float32 keeps about 7 digits through a few dozen ops.
TOLERANCES = {np.float64: (1e-10, 1e-5, 1e-8), np.float32: (1e-4, 2e-3, 1e-4)}


@SETTINGS
@given(graph=graphs())
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_random_graphs_match_numpy_and_finite_differences(dtype, graph):
    expr, leaf_shapes, requires, seed = graph
    forward_rtol, grad_rtol, grad_atol = TOLERANCES[dtype]
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-2, 2, size=shape).astype(dtype) for shape in leaf_shapes]
    arrays64 = [a.astype(np.float64) for a in arrays]
    kinks = []
    expected = np.asarray(evaluate(expr, arrays64, 1, kinks), dtype=np.float64)
    # Finite differences across a kink of relu or |x| mean nothing.
    assume(all(np.abs(k).min() > 1e-3 for k in kinks if np.size(k)))

    leaves = [
        tg.tensor(a, requires_grad=r, name=f"x{i}")
        for i, (a, r) in enumerate(zip(arrays, requires))
    ]
    out = evaluate(expr, leaves, 0)
    assert isinstance(out, tg.Tensor)
    assert out.shape == expected.shape and out.dtype == dtype
    scale = 1 + np.abs(expected).max(initial=0)
    np.testing.assert_allclose(
        out.data, expected, rtol=forward_rtol, atol=forward_rtol * scale
    )
    if not out.requires_grad:
        assert not any(requires[i] for i in used_leaves(expr))
        return

    upstream = rng.normal(size=expected.shape)
    out.backward(upstream)
    scale = 1 + np.abs(expected * upstream).sum()

    def f(*xs):
        return evaluate(expr, list(xs), 1)

    for i, leaf in enumerate(leaves):
        if not requires[i] or i not in used_leaves(expr):
            assert leaf.grad is None
            continue
        numeric = numeric_grad(f, arrays64, i, upstream)
        assert leaf.grad.shape == leaf.shape and leaf.grad.dtype == dtype
        np.testing.assert_allclose(
            leaf.grad,
            numeric,
            rtol=grad_rtol,
            atol=grad_atol * scale,
            err_msg=f"dJ/dx{i}",
        )


@st.composite
def matmul_operands(draw):
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    batch = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    a_shape = (k,) if draw(st.booleans()) else draw(broadcastable_to(batch)) + (n, k)
    b_shape = (k,) if draw(st.booleans()) else draw(broadcastable_to(batch)) + (k, m)
    return a_shape, b_shape, draw(st.integers(0, 2**32 - 1))


@SETTINGS
@given(matmul_operands())
def test_random_matmuls_with_batch_broadcasting_match_finite_differences(operands):
    a_shape, b_shape, seed = operands
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=a_shape), rng.normal(size=b_shape)
    expected = np.tanh(np.matmul(a, b))
    A = tg.tensor(a, requires_grad=True)
    B = tg.tensor(b, requires_grad=True)
    out = (A @ B).tanh()
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-14)
    upstream = rng.normal(size=expected.shape)
    out.backward(upstream)

    def f(x, y):
        return np.tanh(np.matmul(x, y))

    for index, tensor in enumerate((A, B)):
        numeric = numeric_grad(f, [a, b], index, upstream)
        np.testing.assert_allclose(tensor.grad, numeric, rtol=1e-6, atol=1e-8)


# ----- garbage in -------------------------------------------------------------------

scalars = st.one_of(
    st.floats(),  # nan and +-inf included
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.complex_numbers(max_magnitude=10),
    st.none(),
    st.text(max_size=3),
    st.binary(max_size=3),
)
garbage = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=2), inner, max_size=2),
        st.frozensets(st.integers(), max_size=2),
    ),
    max_leaves=8,
)
rectangular = st.one_of(
    hnp.arrays(
        dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    ),
    hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=3)).map(
        np.ndarray.tolist
    ),
)
dtypes = st.sampled_from(
    [
        None,
        None,
        np.float32,
        np.float64,
        np.int32,
        "float32",
        "banana",
        complex,
        object,
        str,
    ]
)


def as_float_array(data):
    """What the API promises ``tg.tensor(data).data`` to be, built here."""
    array = np.asarray(data)
    return array if array.dtype.kind == "f" else array.astype(np.float64)


@SETTINGS
@given(st.one_of(garbage, rectangular), dtypes, st.booleans())
@example([2147483648.0], np.int32, False)  # was an OverflowError
@example([[1.0, 2.0], [3.0]], None, True)  # ragged
@example([1, "2"], None, False)
def test_tensor_from_anything_is_right_or_a_documented_error(
    data, dtype, requires_grad
):
    try:
        with np.errstate(all="ignore"):
            t = tg.tensor(data, dtype=dtype, requires_grad=requires_grad)
    except DOCUMENTED:
        event("refused")
        return
    event("made")
    if dtype is None:
        expected = as_float_array(data)
        assert t.dtype == expected.dtype
    else:  # an explicit dtype converts as NumPy does (1e10 wraps in int32)
        with np.errstate(all="ignore"):
            expected = np.asarray(data, dtype=dtype)
    assert t.shape == expected.shape
    np.testing.assert_array_equal(t.data, expected)
    assert t.dtype.kind in "biuf"
    if requires_grad:
        assert t.dtype.kind == "f"


def weighted(Y, log_p):
    """Y log p with 0 log p = 0 even where log p = -inf (a masked logit)."""
    return np.where(Y != 0, Y * log_p, 0.0)


def fused_mean(terms, m):
    """-(1/m) sum(terms), dividing first: costs near 1e308 must not overflow."""
    return -(terms / m).sum()


# Each cost's value written in NumPy from the notes' formulas, and what it
# requires of the shapes (the ValueError cases).
COSTS = {
    "mse": (np_mse, False),
    "binary_cross_entropy": (np_bce, True),
    "multilabel_bce": (np_bce, False),
    "cross_entropy": (np_cross_entropy, False),
    "binary_cross_entropy_with_logits": (
        lambda Z, Y: fused_mean(
            weighted(Y, np_log_sigmoid(Z)) + weighted(1 - Y, np_log_sigmoid(-Z)),
            Z.shape[1],
        ),
        True,
    ),
    "multilabel_bce_with_logits": (
        lambda Z, Y: fused_mean(
            weighted(Y, np_log_sigmoid(Z)) + weighted(1 - Y, np_log_sigmoid(-Z)),
            Z.shape[1],
        ),
        False,
    ),
    "cross_entropy_with_logits": (
        lambda Z, Y: fused_mean(weighted(Y, np_log_softmax(Z, 0)), Z.shape[1]),
        False,
    ),
}

cost_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)
probabilities = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0]))
any_floats = st.one_of(st.floats(-1e3, 1e3), st.floats())


@st.composite
def cost_arguments(draw):
    """Mostly well-formed (A, Y) pairs, each with a fair chance of one flaw."""
    two_d = st.tuples(st.integers(1, 3), st.integers(1, 3))
    one_row = st.tuples(st.just(1), st.integers(1, 3))
    shape_a = draw(st.one_of(two_d, one_row, cost_shapes))
    shape_y = shape_a if draw(st.integers(0, 3)) else draw(cost_shapes)
    a_values = st.sampled_from([probabilities, probabilities, any_floats])
    A = draw(hnp.arrays(np.float64, shape_a, elements=draw(a_values)))
    y_values = st.sampled_from([st.sampled_from([0.0, 1.0]), probabilities, any_floats])
    Y = draw(hnp.arrays(np.float64, shape_y, elements=draw(y_values)))
    if len(shape_y) == 2 and draw(st.booleans()):  # a proper one-hot Y
        n_classes, m = shape_y
        labels = draw(st.lists(st.integers(0, n_classes - 1), min_size=m, max_size=m))
        Y = np.eye(n_classes)[:, labels]
    A = draw(st.sampled_from([A, A, tg.tensor(A, requires_grad=True), A.tolist()]))
    Y = draw(st.sampled_from([Y, Y, Y, Y.tolist()]) | garbage)
    return A, Y


@settings(SETTINGS, max_examples=150)  # seven costs share these examples
@given(st.sampled_from(sorted(COSTS)), cost_arguments())
def test_costs_on_anything_are_right_or_a_documented_error(name, arguments):
    A, Y = arguments
    cost = getattr(tg.nn, name)
    reference, one_row = COSTS[name]
    try:
        with np.errstate(all="ignore"):
            J = cost(A, Y)
    except DOCUMENTED:
        event("refused")
        return
    event("computed")
    a = np.asarray(A.data if isinstance(A, tg.Tensor) else A, dtype=np.float64)
    y = np.asarray(Y, dtype=np.float64)
    # Anything else must have been refused: no broadcasting A against Y.
    assert a.ndim == 2 and y.shape == a.shape, (a.shape, y.shape)
    if one_row:
        assert a.shape[0] == 1
    assert J.size == 1
    with np.errstate(all="ignore"):
        expected = reference(a, y)
    np.testing.assert_allclose(
        J.item(), expected, rtol=1e-9, atol=1e-12, equal_nan=True
    )


sizes = st.one_of(
    st.integers(-2, 4),
    st.sampled_from(
        [np.int64(2), np.int32(3), 2.0, 2.5, True, None, "3", float("nan")]
    ),
)


@SETTINGS
@given(sizes, sizes)
def test_linear_sizes_are_positive_integers_or_a_documented_error(n_in, n_out):
    def valid(n):
        return (
            isinstance(n, numbers.Integral)
            and not isinstance(n, (bool, np.bool_))
            and n >= 1
        )

    try:
        layer = tg.nn.Linear(n_in, n_out, rng=0)
    except DOCUMENTED:
        assert not (valid(n_in) and valid(n_out))
        return
    assert valid(n_in) and valid(n_out)
    assert layer.W.shape == (n_out, n_in) and layer.b.shape == (n_out, 1)


linear_inputs = st.one_of(
    hnp.arrays(
        dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_]),
        shape=st.tuples(st.just(3), st.integers(1, 4)),
    ),
    hnp.arrays(
        dtype=st.sampled_from(
            [np.float64, np.float32, np.int64, np.bool_, np.complex128]
        ),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4),
        elements=None,
    ),
    garbage,
)


@SETTINGS
@given(linear_inputs, st.booleans())
def test_linear_on_anything_is_right_or_a_documented_error(x, as_tensor):
    layer = tg.nn.Linear(3, 2, rng=1)
    layer.b.data[:] = [[0.5], [-1.0]]
    if as_tensor:
        try:
            x = tg.tensor(x)
        except DOCUMENTED:
            return
    try:
        with np.errstate(all="ignore"):
            Z = layer(x)
    except DOCUMENTED:
        event("refused")
        return
    event("computed")
    X = np.asarray(x.data if isinstance(x, tg.Tensor) else x)
    # Only a (3, m) batch of real numbers may get through, and gives W X + b.
    assert X.ndim == 2 and X.shape[0] == 3, X.shape
    assert X.dtype.kind in "biuf"
    with np.errstate(all="ignore"):
        expected = layer.W.data @ X.astype(np.float64) + layer.b.data
    assert Z.shape == (2, X.shape[1])
    np.testing.assert_allclose(Z.data, expected, rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", sorted(COSTS))
def test_costs_refuse_an_empty_batch(name):
    shape = (1, 0)
    with pytest.raises(ValueError), np.errstate(all="ignore"):
        getattr(tg.nn, name)(np.zeros(shape), np.zeros(shape))

"""Every op, read three ways, against independent oracles.

One table of cases: the tinygraph expression, the NumPy reference, the op
class it exercises, the valid input domain and the shapes to try,
broadcast pairs included. For each case:

* forward against NumPy; gradient against finite differences, with a
  random upstream gradient; float32 kept; the equation's formula;
* second derivative (the differentiable reading, ``create_graph=True``)
  against finite differences of the first derivative;
* the symbolic reading (SymPy) against SymPy's own ``diff`` of the op's
  symbolic forward.

And every Op subclass in the package must have a row here.
"""

import importlib
import inspect
import pkgutil
from pathlib import Path

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import np_log_softmax, np_sigmoid, np_softmax, numeric_grad
from tinygraph import ops
from tinygraph.op import Elementwise, Op

from .op_case import OpCase

BINARY = (
    [(3, 4), (3, 4)],
    [(3, 4), (4,)],
    [(3, 1), (1, 4)],
    [(2, 3, 4), (3, 1)],
    [(), (2, 3)],
)
UNARY = [[(5,)], [(3, 4)], [(2, 3, 4)], [()]]
MASK = np.array(
    [[True, False, True, True], [False, True, False, True], [True, True, False, False]]
)
PICK = np.array([0, 2, 0, 0])

CASES = [
    OpCase("add", lambda a, b: a + b, np.add, list(BINARY), ops.Add),
    OpCase("sub", lambda a, b: a - b, np.subtract, list(BINARY), ops.Sub),
    OpCase("mul", lambda a, b: a * b, np.multiply, list(BINARY), ops.Mul),
    OpCase(
        "div", lambda a, b: a / b, np.divide, list(BINARY), ops.Div, low=0.5, high=2.0
    ),
    OpCase(
        "pow", lambda a, b: a**b, np.power, list(BINARY), ops.Pow, low=0.5, high=2.0
    ),
    OpCase("neg", lambda a: -a, np.negative, UNARY, ops.Neg),
    OpCase("exp", tg.exp, np.exp, UNARY, ops.Exp),
    OpCase("log", tg.log, np.log, UNARY, ops.Log, low=0.2, high=3.0),
    OpCase("sqrt", tg.sqrt, np.sqrt, UNARY, ops.Sqrt, low=0.2, high=3.0),
    OpCase("abs", tg.abs, np.abs, UNARY, ops.Abs),
    OpCase("sign", tg.sign, np.sign, UNARY, ops.Sign),
    OpCase("sigmoid", tg.sigmoid, np_sigmoid, UNARY, ops.Sigmoid, low=-6, high=6),
    OpCase("tanh", tg.tanh, np.tanh, UNARY, ops.Tanh),
    OpCase("relu", tg.relu, lambda z: np.maximum(z, 0), UNARY, ops.ReLU),
    OpCase("step", tg.step, lambda z: (z >= 0).astype(float), UNARY, ops.Step),
    OpCase(
        "softmax",
        lambda z: z.softmax(axis=0),
        np_softmax,
        [[(4, 3)], [(5,)]],
        ops.Softmax,
    ),
    OpCase(
        "softmax axis 1",
        lambda z: tg.softmax(z, axis=1),
        lambda z: np_softmax(z, axis=1),
        [[(4, 3)], [(2, 3, 5)]],
        ops.Softmax,
    ),
    OpCase(
        "log_softmax",
        lambda z: z.log_softmax(axis=0),
        np_log_softmax,
        [[(4, 3)], [(6,)]],
        ops.LogSoftmax,
    ),
    OpCase("sum", lambda x: x.sum(), np.sum, UNARY, ops.Sum),
    OpCase(
        "sum axis 0",
        lambda x: x.sum(axis=0),
        lambda x: x.sum(axis=0),
        [[(3, 4)], [(2, 3, 4)]],
        ops.Sum,
    ),
    OpCase(
        "sum axis 1 keepdims",
        lambda x: x.sum(axis=1, keepdims=True),
        lambda x: x.sum(axis=1, keepdims=True),
        [[(3, 4)], [(2, 3, 4)]],
        ops.Sum,
    ),
    OpCase(
        "sum axes (0, 2)",
        lambda x: tg.sum(x, axis=(0, 2)),
        lambda x: x.sum(axis=(0, 2)),
        [[(2, 3, 4)]],
        ops.Sum,
    ),
    OpCase("mean", lambda x: x.mean(), np.mean, UNARY, ops.Mean),
    OpCase(
        "mean axis 1",
        lambda x: x.mean(axis=1),
        lambda x: x.mean(axis=1),
        [[(3, 4)]],
        ops.Mean,
    ),
    OpCase(
        "mean axis 0 keepdims",
        lambda x: x.mean(axis=0, keepdims=True),
        lambda x: x.mean(axis=0, keepdims=True),
        [[(3, 4)]],
        ops.Mean,
    ),
    OpCase("max", lambda x: x.max(), np.max, [[(5,)], [(3, 4)]], ops.Max),
    OpCase(
        "max axis 0",
        lambda x: x.max(axis=0),
        lambda x: x.max(axis=0),
        [[(3, 4)]],
        ops.Max,
    ),
    OpCase(
        "max axis 1 keepdims",
        lambda x: x.max(axis=1, keepdims=True),
        lambda x: x.max(axis=1, keepdims=True),
        [[(3, 4)]],
        ops.Max,
    ),
    OpCase(
        "reshape",
        lambda x: x.reshape(6, 2),
        lambda x: x.reshape(6, 2),
        [[(3, 4)]],
        ops.Reshape,
    ),
    OpCase(
        "reshape tuple",
        lambda x: x.reshape((2, -1)),
        lambda x: x.reshape(2, -1),
        [[(3, 4)]],
        ops.Reshape,
    ),
    OpCase(
        "transpose", lambda x: x.T, np.transpose, [[(3, 4)], [(2, 3, 4)]], ops.Transpose
    ),
    OpCase(
        "transpose axes",
        lambda x: x.transpose(1, 0, 2),
        lambda x: np.transpose(x, (1, 0, 2)),
        [[(2, 3, 4)]],
        ops.Transpose,
    ),
    OpCase(
        "transpose negative axes",
        lambda x: x.transpose(-1, 0, 1),
        lambda x: np.transpose(x, (2, 0, 1)),
        [[(2, 3, 4)]],
        ops.Transpose,
    ),
    OpCase(
        "broadcast_to",
        lambda x: x.broadcast_to((2, 3, 4)),
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        [[(3, 1)], [(4,)]],
        ops.BroadcastTo,
    ),
    OpCase("getitem row", lambda x: x[1], lambda x: x[1], [[(3, 4)]], ops.GetItem),
    OpCase(
        "getitem slice",
        lambda x: x[:, 1:3],
        lambda x: x[:, 1:3],
        [[(3, 4)]],
        ops.GetItem,
    ),
    OpCase(
        "getitem repeated index",
        lambda x: x[PICK],
        lambda x: x[PICK],
        [[(3, 4)], [(5,)]],
        ops.GetItem,
    ),
    OpCase(
        "getitem mask", lambda x: x[MASK], lambda x: x[MASK], [[(3, 4)]], ops.GetItem
    ),
    OpCase(
        "scatter",
        lambda x: tg.ops.scatter(x, PICK, (3, 4)),
        lambda x: _np_scatter(x, PICK, (3, 4)),
        [[(4, 4)]],
        ops.Scatter,
    ),
    OpCase(
        "matmul",
        lambda a, b: a @ b,
        np.matmul,
        [[(3, 4), (4, 2)], [(1, 5), (5, 1)]],
        ops.MatMul,
    ),
    OpCase(
        "matmul vector right",
        lambda a, b: a @ b,
        np.matmul,
        [[(3, 4), (4,)]],
        ops.MatMul,
    ),
    OpCase(
        "matmul vector left",
        lambda a, b: a @ b,
        np.matmul,
        [[(4,), (4, 2)], [(4,), (4,)]],
        ops.MatMul,
    ),
    OpCase(
        "matmul batched broadcast",
        lambda a, b: a @ b,
        np.matmul,
        [[(2, 3, 4), (4, 5)], [(3, 4), (2, 4, 5)]],
        ops.MatMul,
    ),
    OpCase(
        "where",
        lambda a, b: tg.where(MASK, a, b),
        lambda a, b: np.where(MASK, a, b),
        [[(3, 4), (3, 4)], [(3, 4), (4,)]],
        ops.Where,
    ),
    OpCase(
        "mix",
        lambda y, a, b: tg.ops.mix(y, a, b),
        lambda y, a, b: y * a + (1 - y) * b,
        [[(1, 4), (1, 4), (1, 4)], [(2, 3), (2, 3), (3,)]],
        ops.Mix,
    ),
    OpCase(
        "neg_mean",
        lambda x: tg.ops.neg_mean(x),
        lambda x: -x.mean(),
        [[(1, 4)], [(3, 4)]],
        ops.NegMean,
    ),
    OpCase(
        "neg_mean axis 1",
        lambda x: tg.ops.neg_mean(x, axis=1),
        lambda x: -x.mean(axis=1),
        [[(3, 4)]],
        ops.NegMean,
    ),
    OpCase(
        "bce_with_logits",
        lambda z, y: tg.ops.sigmoid_cross_entropy(z, y),
        lambda z, y: (
            -(y * np.log(np_sigmoid(z)) + (1 - y) * np.log(1 - np_sigmoid(z))).sum()
            / z.shape[-1]
        ),
        [[(1, 4), (1, 4)], [(3, 4), (3, 4)]],
        ops.SigmoidCrossEntropy,
    ),
    OpCase(
        "cross_entropy_with_logits",
        lambda z, y: tg.ops.softmax_cross_entropy(z, y),
        lambda z, y: -(y * np_log_softmax(z)).sum() / z.shape[-1],
        [[(4, 3), (4, 3)]],
        ops.SoftmaxCrossEntropy,
    ),
]


# Rows for more ops live beside this file in cases_*.py, one module per
# group of ops, each with a CASES list of its own.
for _module in pkgutil.iter_modules([str(Path(__file__).parent)], "tests.ops."):
    if _module.name.rpartition(".")[2].startswith("cases_"):
        CASES += importlib.import_module(_module.name).CASES


def _np_scatter(x, index, shape):
    full = np.zeros(shape)
    np.add.at(full, index, x)
    return full


PARAMS = [
    pytest.param(case, shapes, id=f"{case.name}-{shapes}")
    for case in CASES
    for shapes in case.shapes
]


@pytest.mark.parametrize("case, shapes", PARAMS)
def test_op_forward_matches_numpy(case, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(case.low, case.high, size=s) for s in shapes]
    out = case.op(*[tg.tensor(a) for a in arrays])
    np.testing.assert_allclose(
        out.data, case.reference(*arrays), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("case, shapes", PARAMS)
def test_op_gradient_matches_finite_differences(case, shapes):
    rng = np.random.default_rng(1)
    arrays = [rng.uniform(case.low, case.high, size=s) for s in shapes]
    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
    out = case.op(*tensors)
    upstream = rng.normal(size=out.shape)
    out.backward(upstream)

    # The mask case picks entries by the data itself; the oracle picks the same.
    def reference(*xs):
        return case.op(*[tg.tensor(x) for x in xs]).data

    for i, t in enumerate(tensors):
        expected = numeric_grad(reference, arrays, i, upstream)
        assert t.grad.shape == t.shape
        np.testing.assert_allclose(t.grad, expected, rtol=case.tol, atol=case.tol)


@pytest.mark.parametrize("case, shapes", PARAMS)
def test_op_keeps_float32(case, shapes):
    rng = np.random.default_rng(2)
    arrays = [
        rng.uniform(case.low, case.high, size=s).astype(np.float32) for s in shapes
    ]
    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
    out = case.op(*tensors)
    assert out.dtype == np.float32
    out.backward(np.ones(out.shape, dtype=np.float32))
    for t in tensors:
        assert t.grad.dtype == np.float32


@pytest.mark.parametrize("case, shapes", PARAMS)
def test_op_records_formula_with_operand_labels(case, shapes):
    tensors = [tg.tensor(np.ones(s), requires_grad=True) for s in shapes]
    out = case.op(*tensors)
    lines = tg.graph.equations(out)
    assert lines[-1].startswith(tg.graph.labels(out)[out] + " = ")
    for t in tensors:
        assert tg.graph.labels(out)[t] in lines[-1]


def np_cross_entropy(z, y, axis):
    """-(1/m) sum(Y log softmax(Z)), m the entries per class."""
    m = z.size // z.shape[axis]
    return -np.sum(y * np.log(np_softmax(z, axis=axis))) / m


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("labels", ["soft", "one-hot"])
def test_softmax_cross_entropy_gradients_for_soft_and_one_hot_labels(axis, labels):
    rng = np.random.default_rng(5)
    z = rng.normal(size=(4, 6))
    if labels == "soft":  # columns (or rows) need not sum to 1
        y = rng.uniform(size=(4, 6))
    elif axis == 0:  # a single 1 in each column
        y = np.eye(4)[:, rng.integers(0, 4, 6)]
    else:  # a single 1 in each row
        y = np.eye(6)[rng.integers(0, 6, 4)]
    # one_hot=True (the shortcut dJ/dZ = (A - Y)/m) is only for one-hot labels
    for one_hot in [False, True] if labels == "one-hot" else [False]:
        zt = tg.tensor(z, requires_grad=True)
        yt = tg.tensor(y, requires_grad=True)
        J = tg.ops.softmax_cross_entropy(zt, yt, axis=axis, one_hot=one_hot)
        assert J.item() == pytest.approx(np_cross_entropy(z, y, axis), rel=1e-12)
        J.backward()
        f = lambda z_, y_: np_cross_entropy(z_, y_, axis)  # noqa: E731
        np.testing.assert_allclose(zt.grad, numeric_grad(f, [z, y], 0, 1.0), atol=1e-8)
        np.testing.assert_allclose(yt.grad, numeric_grad(f, [z, y], 1, 1.0), atol=1e-8)


# ----- the differentiable reading: second derivatives ---------------------


def _inputs(case, shapes, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(case.low, case.high, size=s) for s in shapes]
    if case.op_class in (ops.Step, ops.Sign, ops.Abs, ops.ReLU):  # keep away from 0
        arrays = [a + np.sign(a) * 0.1 for a in arrays]
    return rng, arrays


@pytest.mark.parametrize("case, shapes", PARAMS)
def test_op_second_derivative_matches_finite_differences_of_the_first(case, shapes):
    """phi(x) = sum_i <dJ/dx_i, V_i> with J = <op(x), U>: its gradient, from a
    recorded backward pass, against central differences of phi, where phi
    uses the numeric backward pass (checked on its own above)."""
    rng, arrays = _inputs(case, shapes, seed=3)
    out_shape = case.op(*[tg.tensor(a) for a in arrays]).shape
    U = rng.normal(size=out_shape)
    V = [rng.normal(size=s) for s in shapes]

    def phi(*xs):
        tensors = [tg.tensor(x, requires_grad=True) for x in xs]
        firsts = tg.grad(case.op(*tensors), tensors, grad_outputs=U)
        return sum(np.sum(f * v) for f, v in zip(firsts, V))

    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
    firsts = tg.grad(case.op(*tensors), tensors, grad_outputs=U, create_graph=True)
    for f, a in zip(firsts, arrays):
        assert isinstance(f, tg.Tensor) and f.shape == a.shape
    total = sum((f * v).sum() for f, v in zip(firsts, V))
    if total.requires_grad:
        seconds = tg.grad(total, tensors)
    else:  # the first derivative is constant: nothing was recorded, phi is flat
        seconds = [np.zeros_like(a) for a in arrays]
    for i, second in enumerate(seconds):
        expected = numeric_grad(phi, arrays, i, 1.0, eps=1e-5)
        np.testing.assert_allclose(second, expected, rtol=1e-5, atol=1e-5)


def test_third_derivatives_of_tanh_and_sigmoid():
    z0 = np.array([-1.5, 0.2, 0.9])
    z = tg.tensor(z0, requires_grad=True)
    for function, closed_form in [
        # d3/dz3 tanh = -2 (1 - t^2)(1 - 3 t^2), t = tanh(z)
        (tg.tanh, lambda t: -2 * (1 - t**2) * (1 - 3 * t**2)),
        # d3/dz3 sigmoid = s (1 - s)(1 - 6 s + 6 s^2), s = sigmoid(z)
        (tg.sigmoid, lambda s: s * (1 - s) * (1 - 6 * s + 6 * s**2)),
    ]:
        (d1,) = tg.grad(function(z).sum(), [z], create_graph=True)
        (d2,) = tg.grad(d1.sum(), [z], create_graph=True)
        (d3,) = tg.grad(d2.sum(), [z])
        value = np.tanh(z0) if function is tg.tanh else np_sigmoid(z0)
        np.testing.assert_allclose(d3, closed_form(value), rtol=1e-10)


# ----- the symbolic reading ------------------------------------------------


SYMBOLIC = [
    pytest.param(case, case.shapes[0], id=f"{case.name}-{case.shapes[0]}")
    for case in CASES
]


@pytest.mark.parametrize("case, shapes", SYMBOLIC)
def test_op_symbolic_gradient_matches_sympys_own_diff(case, shapes):
    """The op's backward read on SymPy symbols, entry by entry, against
    SymPy's diff of <G, op(x)>, both evaluated at the same random point."""
    sympy = pytest.importorskip("sympy")
    from tinygraph.maths import symbols

    rng, arrays = _inputs(case, shapes, seed=4)
    node = case.op(*[tg.tensor(a, requires_grad=True) for a in arrays])
    op = node.op
    needs = tuple(isinstance(x, tg.Tensor) for x in node.inputs)
    xs = [
        symbols.symbols(f"x{i}", np.shape(x)) if needed else x
        for i, (x, needed) in enumerate(zip(node.inputs, needs))
    ]
    out = op.maths(symbols, *xs)
    G = symbols.symbols("g", np.shape(out))
    grads = op.backward(symbols, G, needs, out, *xs)
    J = np.sum(G * out)  # <G, op(x)>, whose gradient is the backward pass
    point = {g: rng.normal() for g in np.ravel(G)}
    for x, needed, a in zip(xs, needs, arrays):
        if needed:
            point.update(zip(np.ravel(x), np.ravel(a)))
    for x, needed, dx in zip(xs, needs, grads):
        if not needed:
            continue
        dx = np.asarray(dx, dtype=object)
        if dx.shape != np.shape(x):  # summed back over broadcast axes
            dx = symbols.sum_to(dx, np.shape(x))
        for symbol, derived in zip(np.ravel(x), np.ravel(dx)):
            oracle = sympy.diff(J, symbol)  # SymPy's own derivative of the forward
            assert float(sympy.sympify(derived).subs(point)) == pytest.approx(
                float(oracle.subs(point)), rel=1e-9, abs=1e-12
            ), (case.name, str(symbol), derived, oracle)


@pytest.mark.parametrize(
    "op, expected",
    [
        (ops.Log(), lambda out, x: 1 / x),
        (ops.Exp(), lambda out, x: out),
        (ops.Sigmoid(), lambda out, x: out * (1 - out)),  # the notes' a(1 - a)
        (ops.Tanh(), lambda out, x: 1 - out**2),
        (ops.Sqrt(), lambda out, x: 1 / (2 * out)),
    ],
)
def test_elementwise_local_derivatives_read_as_the_notes_write_them(op, expected):
    sympy = pytest.importorskip("sympy")
    from tinygraph.maths import symbols

    u, a = sympy.symbols("u a", positive=True)
    local = op.derivative(symbols, 0, a, u)
    assert sympy.simplify(local - expected(a, u)) == 0
    # ... and it is the derivative of the op's own formula:
    forward = op.maths(symbols, u)
    assert sympy.simplify(local.subs(a, forward) - sympy.diff(forward, u)) == 0


# ----- one home per op: every Op subclass has a row and all its readings ----


def _concrete_ops():
    found, todo = set(), [Op]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            public = not sub.__name__.startswith("_")
            if public and sub.__module__.startswith("tinygraph.ops"):
                found.add(sub)
    return found


def test_every_op_has_a_row_a_function_and_its_readings():
    tested = {case.op_class for case in CASES}
    missing = sorted(cls.__name__ for cls in _concrete_ops() - tested)
    assert not missing, f"ops with no row in the op table: {missing}"
    for cls in _concrete_ops():
        assert cls.maths is not Op.maths, f"{cls.__name__} has no maths()"
        if issubclass(cls, Elementwise):
            assert cls.derivative is not Elementwise.derivative, cls.__name__
        else:
            assert cls.backward is not Op.backward, f"{cls.__name__} has no backward()"
        functions = [
            name
            for name, f in inspect.getmembers(ops, inspect.isfunction)
            if name in ops.__all__
            and cls.__name__ in inspect.getsource(inspect.getmodule(f))
            and f.__module__ == cls.__module__
        ]
        assert functions, (
            f"{cls.__name__} has no function in tinygraph.ops that applies it"
        )


# The functions of tinygraph.ops that are not tg.<name>: the nodes the costs
# build, indexing's two halves, and PyTorch's method-only spellings.
NOT_TOP_LEVEL = {
    "mix": "tg.nn's cross-entropy graphs",
    "neg_mean": "tg.nn's cost graphs",
    "sigmoid_cross_entropy": "tg.nn.binary_cross_entropy_with_logits",
    "softmax_cross_entropy": "tg.nn.cross_entropy_with_logits",
    "getitem": "t[index]",
    "scatter": "getitem's backward",
    "expand": "t.expand(*shape), as in PyTorch",
    "repeat": "t.repeat(*sizes), as in PyTorch",
}


def test_every_op_function_is_exported_or_says_where_it_is_used():
    for name in ops.__all__:
        if name[0].islower() and name not in NOT_TOP_LEVEL:
            assert hasattr(tg, name), f"tinygraph.ops.{name} is not tg.{name}"
            assert name in tg.__all__, f"tg.{name} is missing from tinygraph.__all__"
    for name, where in NOT_TOP_LEVEL.items():
        assert name in ops.__all__, f"{name} ({where}) is no longer an op function"

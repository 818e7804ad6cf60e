"""Every op against NumPy (forward) and finite differences (backward).

One table of cases: the tinygraph expression, the NumPy reference, the
valid input domain and the shapes to try, broadcast pairs included. Each
case runs forward and backward with a random upstream gradient.
"""

from dataclasses import dataclass

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import numeric_grad


def np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def np_softmax(z, axis=0):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@dataclass
class OpCase:
    name: str
    op: object  # tensors -> tensor
    reference: object  # arrays -> array
    shapes: list  # list of tuples of operand shapes
    low: float = -2.0
    high: float = 2.0
    tol: float = 1e-6


BINARY = [(3, 4), (3, 4)], [(3, 4), (4,)], [(3, 1), (1, 4)], [(2, 3, 4), (3, 1)], [(), (2, 3)]
UNARY = [[(5,)], [(3, 4)], [(2, 3, 4)], [()]]

CASES = [
    OpCase("add", lambda a, b: a + b, np.add, list(BINARY)),
    OpCase("sub", lambda a, b: a - b, np.subtract, list(BINARY)),
    OpCase("mul", lambda a, b: a * b, np.multiply, list(BINARY)),
    OpCase("div", lambda a, b: a / b, np.divide, list(BINARY), low=0.5, high=2.0),
    OpCase("pow", lambda a, b: a**b, np.power, list(BINARY), low=0.5, high=2.0),
    OpCase("neg", lambda a: -a, np.negative, UNARY),
    OpCase("exp", tg.exp, np.exp, UNARY),
    OpCase("log", tg.log, np.log, UNARY, low=0.2, high=3.0),
    OpCase("sqrt", tg.sqrt, np.sqrt, UNARY, low=0.2, high=3.0),
    OpCase("abs", tg.abs, np.abs, UNARY),
    OpCase("sigmoid", tg.sigmoid, np_sigmoid, UNARY, low=-6, high=6),
    OpCase("tanh", tg.tanh, np.tanh, UNARY),
    OpCase("relu", tg.relu, lambda z: np.maximum(z, 0), UNARY),
    OpCase("softmax", lambda z: z.softmax(axis=0), np_softmax, [[(4, 3)], [(5,)]]),
    OpCase(
        "softmax axis 1",
        lambda z: tg.softmax(z, axis=1),
        lambda z: np_softmax(z, axis=1),
        [[(4, 3)], [(2, 3, 5)]],
    ),
    OpCase(
        "log_softmax",
        lambda z: z.log_softmax(axis=0),
        lambda z: np.log(np_softmax(z, axis=0)),
        [[(4, 3)], [(6,)]],
    ),
    OpCase("sum", lambda x: x.sum(), np.sum, UNARY),
    OpCase("sum axis 0", lambda x: x.sum(axis=0), lambda x: x.sum(axis=0), [[(3, 4)], [(2, 3, 4)]]),
    OpCase(
        "sum axis 1 keepdims",
        lambda x: x.sum(axis=1, keepdims=True),
        lambda x: x.sum(axis=1, keepdims=True),
        [[(3, 4)], [(2, 3, 4)]],
    ),
    OpCase(
        "sum axes (0, 2)",
        lambda x: tg.sum(x, axis=(0, 2)),
        lambda x: x.sum(axis=(0, 2)),
        [[(2, 3, 4)]],
    ),
    OpCase("mean", lambda x: x.mean(), np.mean, UNARY),
    OpCase("mean axis 1", lambda x: x.mean(axis=1), lambda x: x.mean(axis=1), [[(3, 4)]]),
    OpCase(
        "mean axis 0 keepdims",
        lambda x: x.mean(axis=0, keepdims=True),
        lambda x: x.mean(axis=0, keepdims=True),
        [[(3, 4)]],
    ),
    OpCase("max", lambda x: x.max(), np.max, [[(5,)], [(3, 4)]]),
    OpCase("max axis 0", lambda x: x.max(axis=0), lambda x: x.max(axis=0), [[(3, 4)]]),
    OpCase(
        "max axis 1 keepdims",
        lambda x: x.max(axis=1, keepdims=True),
        lambda x: x.max(axis=1, keepdims=True),
        [[(3, 4)]],
    ),
    OpCase("reshape", lambda x: x.reshape(6, 2), lambda x: x.reshape(6, 2), [[(3, 4)]]),
    OpCase("reshape tuple", lambda x: x.reshape((2, -1)), lambda x: x.reshape(2, -1), [[(3, 4)]]),
    OpCase("transpose", lambda x: x.T, np.transpose, [[(3, 4)], [(2, 3, 4)]]),
    OpCase(
        "transpose axes",
        lambda x: x.transpose(1, 0, 2),
        lambda x: np.transpose(x, (1, 0, 2)),
        [[(2, 3, 4)]],
    ),
    OpCase("getitem row", lambda x: x[1], lambda x: x[1], [[(3, 4)]]),
    OpCase("getitem slice", lambda x: x[:, 1:3], lambda x: x[:, 1:3], [[(3, 4)]]),
    OpCase(
        "getitem repeated index",
        lambda x: x[np.array([0, 2, 0, 0])],
        lambda x: x[np.array([0, 2, 0, 0])],
        [[(3, 4)], [(5,)]],
    ),
    OpCase("getitem mask", lambda x: x[x.data > 0], lambda x: x[x > 0], [[(3, 4)]]),
    OpCase("matmul", lambda a, b: a @ b, np.matmul, [[(3, 4), (4, 2)], [(1, 5), (5, 1)]]),
    OpCase("matmul vector right", lambda a, b: a @ b, np.matmul, [[(3, 4), (4,)]]),
    OpCase("matmul vector left", lambda a, b: a @ b, np.matmul, [[(4,), (4, 2)], [(4,), (4,)]]),
    OpCase(
        "matmul batched broadcast",
        lambda a, b: a @ b,
        np.matmul,
        [[(2, 3, 4), (4, 5)], [(3, 4), (2, 4, 5)]],
    ),
]

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
    np.testing.assert_allclose(out.data, case.reference(*arrays), rtol=1e-12, atol=1e-12)


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
    arrays = [rng.uniform(case.low, case.high, size=s).astype(np.float32) for s in shapes]
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

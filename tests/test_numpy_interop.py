"""NumPy functions called on tensors (NEP 13 ufuncs, NEP 18 functions).

A NumPy function tinygraph has must record the graph: its value is checked
against the same NumPy call on plain arrays, its gradient against finite
differences. Any other function must raise a TypeError that names it, the
tensors and their shapes, and says what to write instead.
"""

import operator
from dataclasses import dataclass

import numpy as np
import pytest

import tinygraph as tg

from .helpers import numeric_grad


@dataclass
class Call:
    name: str
    function: object  # called on tensors, and on plain arrays for the reference
    op: str  # the node the call must record
    shapes: list
    kinds: str  # per operand: "t" a tensor, "a" an array, "s" a NumPy scalar
    low: float = -2.0
    high: float = 2.0


CALLS = [
    Call("np.add", np.add, "add", [(3, 4), (4,)], "tt"),
    Call("np.add, array first", np.add, "add", [(3, 1), (1, 4)], "at"),
    Call("np.subtract", np.subtract, "sub", [(3, 4), (3, 4)], "at"),
    Call("np.multiply", np.multiply, "mul", [(2, 3, 4), (3, 1)], "tt"),
    Call("np.multiply, NumPy scalar", np.multiply, "mul", [(), (3, 4)], "st"),
    Call("np.divide", np.divide, "div", [(3, 4), (4,)], "tt", 0.5, 2.0),
    Call("np.power", np.power, "pow", [(3, 4), (4,)], "tt", 0.5, 2.0),
    Call("np.power, NumPy scalar base", np.power, "pow", [(), (3, 4)], "st", 0.5, 2.0),
    Call("np.negative", np.negative, "neg", [(3, 4)], "t"),
    Call("np.matmul", np.matmul, "matmul", [(3, 4), (4, 2)], "tt"),
    Call("np.matmul, array first", np.matmul, "matmul", [(4,), (4, 2)], "at"),
    Call("np.exp", np.exp, "exp", [(3, 4)], "t"),
    Call("np.log", np.log, "log", [(3, 4)], "t", 0.2, 3.0),
    Call("np.sqrt", np.sqrt, "sqrt", [(5,)], "t", 0.2, 3.0),
    Call("np.abs", np.abs, "abs", [(3, 4)], "t"),
    Call("np.tanh", np.tanh, "tanh", [(2, 3, 4)], "t"),
    Call("np.sum", np.sum, "sum", [(3, 4)], "t"),
    Call("np.sum axis=0", lambda x: np.sum(x, axis=0), "sum", [(3, 4)], "t"),
    Call("np.sum axis 1", lambda x: np.sum(x, 1, keepdims=True), "sum", [(3, 4)], "t"),
    Call(
        "np.sum, NumPy's defaults given",
        lambda x: np.sum(x, axis=0, dtype=None, out=None), "sum", [(3, 4)], "t",
    ),
    Call("np.mean", lambda x: np.mean(x, axis=(0, 2)), "mean", [(2, 3, 4)], "t"),
    Call("np.max", lambda x: np.max(x, axis=1), "max", [(3, 4)], "t"),
    Call("np.amax", lambda x: np.amax(x, 0, keepdims=True), "max", [(3, 4)], "t"),
    Call("np.reshape", lambda x: np.reshape(x, (2, 6)), "reshape", [(3, 4)], "t"),
    Call("np.transpose", np.transpose, "transpose", [(3, 4)], "t"),
    Call(
        "np.transpose axes",
        lambda x: np.transpose(x, (1, 0, 2)), "transpose", [(2, 3, 4)], "t",
    ),
    Call("np.dot of matrices", np.dot, "matmul", [(3, 4), (4, 2)], "tt"),
    Call("np.dot, array and vector", np.dot, "matmul", [(3, 4), (4,)], "at"),
    Call("np.dot of vectors", np.dot, "matmul", [(4,), (4,)], "tt"),
    Call("np.maximum", np.maximum, "maximum", [(3, 4), (4,)], "tt"),
    Call("np.maximum, array first", np.maximum, "maximum", [(3, 1), (1, 4)], "at"),
    Call("np.minimum", np.minimum, "minimum", [(3, 4), (3, 4)], "ta"),
    Call("np.clip", lambda x: np.clip(x, -1.0, 1.0), "clip", [(3, 4)], "t"),
    Call("np.clip, max only", lambda x: np.clip(x, None, 0.5), "clip", [(5,)], "t"),
    Call("np.min", lambda x: np.min(x, axis=1), "min", [(3, 4)], "t"),
    Call("np.amin", lambda x: np.amin(x, 0, keepdims=True), "min", [(3, 4)], "t"),
    Call("np.log1p", np.log1p, "log1p", [(3, 4)], "t", -0.5, 2.0),
    Call("np.expm1", np.expm1, "expm1", [(3, 4)], "t"),
    Call("np.logaddexp", np.logaddexp, "logaddexp", [(3, 4), (4,)], "tt"),
    Call("np.logaddexp, array first", np.logaddexp, "logaddexp", [(3, 1), (4,)], "at"),
    Call(
        "np.concatenate",
        lambda a, b: np.concatenate([a, b], axis=1), "concatenate", [(3, 4), (3, 2)],
        "tt",
    ),
    Call(
        "np.concatenate, array first",
        lambda a, b: np.concatenate((a, b)), "concatenate", [(1, 4), (3, 4)], "at",
    ),
    Call("np.stack", lambda a, b: np.stack([a, b], -1), "stack", [(3, 4)] * 2, "tt"),
    Call(
        "np.where",
        lambda a, b: np.where(np.asarray(a) > 0, a, b), "where", [(3, 4), (4,)], "tt",
    ),
    Call(
        "np.where, array condition",
        lambda a, b: np.where(np.arange(4) % 2 == 0, a, b), "where", [(3, 4), ()], "ta",
    ),
    Call(
        "np.stack, array last",
        lambda a, b: np.stack([a, b], axis=0), "stack", [(5,), (5,)], "ta",
    ),
]


def _operand(kind, array):
    if kind == "t":
        return tg.tensor(array, requires_grad=True)
    return np.float64(array) if kind == "s" else array


@pytest.mark.parametrize("call", CALLS, ids=lambda call: call.name)
def test_numpy_call_records_the_op_and_its_gradient(call):
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(call.low, call.high, size=shape) for shape in call.shapes]
    operands = [_operand(kind, a) for kind, a in zip(call.kinds, arrays)]
    out = call.function(*operands)
    expected = call.function(*arrays)
    assert isinstance(out, tg.Tensor)
    assert out.op is not None and out.op.name == call.op
    assert out.parents == tuple(x for x in operands if isinstance(x, tg.Tensor))
    np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-12)
    upstream = rng.normal(size=np.shape(expected))
    out.backward(upstream)
    for i, (kind, x) in enumerate(zip(call.kinds, operands)):
        if kind == "t":
            want = numeric_grad(call.function, arrays, i, upstream)
            np.testing.assert_allclose(x.grad, want, rtol=1e-6, atol=1e-8)


ARRAY = np.array([[0.5, 1.5, 2.0], [1.0, 0.75, 1.25]])


@pytest.mark.parametrize(
    "operator_, ufunc, left",
    [
        (operator.add, np.add, ARRAY),
        (operator.sub, np.subtract, ARRAY),
        (operator.mul, np.multiply, ARRAY),
        (operator.truediv, np.divide, ARRAY),
        (operator.pow, np.power, ARRAY),
        (operator.pow, np.power, 2),
        (operator.mul, np.multiply, np.float32(3.0)),
        (operator.matmul, np.matmul, ARRAY.T),
    ],
    ids=lambda x: getattr(x, "__name__", type(x).__name__),
)
def test_reflected_operator_is_the_numpy_ufunc(operator_, ufunc, left):
    """``array + t`` reaches tinygraph as ``np.add(array, t)``; ``2 ** t`` as
    ``t.__rpow__(2)``. Both spellings must give the tensor and its gradient."""
    rng = np.random.default_rng(1)
    x0 = rng.uniform(0.5, 2.0, size=(2, 3))
    expected = ufunc(left, x0)
    upstream = rng.normal(size=expected.shape)
    want = numeric_grad(lambda v: ufunc(left, v), [x0], 0, upstream)
    for spelling in (operator_, ufunc):
        x = tg.tensor(x0, requires_grad=True)
        out = spelling(left, x)
        assert isinstance(out, tg.Tensor) and out.parents == (x,)
        np.testing.assert_allclose(np.asarray(out), expected, rtol=1e-12)
        out.backward(upstream)
        np.testing.assert_allclose(x.grad, want, rtol=1e-6, atol=1e-8)


def test_numpy_calls_keep_float32():
    x = tg.tensor(np.array([0.5, 1.0, 2.0], dtype=np.float32), requires_grad=True)
    out = np.sum(np.exp(np.ones(3, dtype=np.float32) * x))
    out.backward()
    assert out.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, np.exp([0.5, 1.0, 2.0]), rtol=1e-6)


@pytest.mark.parametrize(
    "ufunc, python_op",
    [
        (np.less, operator.lt),
        (np.less_equal, operator.le),
        (np.greater, operator.gt),
        (np.greater_equal, operator.ge),
        (np.equal, operator.eq),
        (np.not_equal, operator.ne),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_comparison_with_an_array_on_either_side_is_a_boolean_tensor(ufunc, python_op):
    a = np.array([[0.0, 1.0, 2.0]])
    x0 = np.array([[1.0], [2.0]])
    x = tg.tensor(x0, requires_grad=True)
    for result, expected in [
        (ufunc(a, x), ufunc(a, x0)),
        (ufunc(x, a), ufunc(x0, a)),
        (python_op(a, x), ufunc(a, x0)),
    ]:
        assert isinstance(result, tg.Tensor)
        assert result.dtype == bool and result.op is None and not result.requires_grad
        np.testing.assert_array_equal(np.asarray(result), expected)


def test_functions_of_no_gradient_answer_from_the_values():
    x0 = np.array([[3.0, -1.0, 2.0], [0.5, 4.0, -2.0]])
    x = tg.tensor(x0, requires_grad=True)
    assert np.shape(x) == (2, 3) and np.ndim(x) == 2 and np.size(x) == 6
    assert np.count_nonzero(x > 0) == 4
    assert np.all(x > -3) and not np.any(x > 5)
    assert np.allclose(x, x0) and np.array_equal(x, x0)
    np.testing.assert_array_equal(np.isclose(x, 2.0), x0 == 2.0)


def test_argmax_and_argmin_give_integer_tensors_that_record_nothing():
    x0 = np.array([[3.0, -1.0, 2.0], [0.5, 4.0, -2.0]])
    x = tg.tensor(x0, requires_grad=True)
    for found, expected in [
        (np.argmax(x, axis=0), [0, 1, 0]),
        (np.argmin(x), 5),
        (np.argmin(x, axis=1, keepdims=True), [[1], [2]]),
    ]:
        assert isinstance(found, tg.Tensor) and found.dtype.kind == "i"
        assert found.op is None and not found.requires_grad
        np.testing.assert_array_equal(np.asarray(found), expected)


# Calls on a tensor W of shape (2, 3) and an array a of that shape, each with
# the advice its message must give.
LEAVE = "yet. To leave the graph on purpose, pass np.asarray(t) or t.numpy()"
OUT = "cannot honour out=: each result is a new tensor"
REFUSED = [
    (
        "np.concatenate",
        lambda W, a: np.concatenate([W, a], dtype=np.float32),
        "dtype=; use tg.concatenate(tensors, axis)",
    ),
    ("np.stack", lambda W, a: np.stack([a, W], out=np.ones((2, 2, 3))), OUT),
    ("np.sort", lambda W, a: np.sort(W), LEAVE),
    ("np.linalg.norm", lambda W, a: np.linalg.norm(W), LEAVE),
    ("np.sin", lambda W, a: np.sin(W, out=a), OUT),
    ("np.floor_divide", lambda W, a: a // W, LEAVE),
    ("np.std", lambda W, a: np.std(W, dtype=np.float32), "dtype=; use tg.std(t, axis"),
    ("np.pad", lambda W, a: np.pad(W, 1, mode="edge"), "mode=; use tg.pad(t"),
    ("np.maximum.reduce", lambda W, a: np.maximum.reduce(W), "use t.max(axis=0)"),
    ("np.clip", lambda W, a: np.clip(W, 0, 1, out=a), OUT),
    ("np.exp", lambda W, a: np.exp(W, out=a), OUT),
    ("np.exp", lambda W, a: np.exp(W, dtype=np.float32), "dtype=; use tg.exp(t)"),
    ("np.multiply", lambda W, a: np.multiply(W, a, where=a > 1), "where=; use a * b"),
    ("np.sum", lambda W, a: np.sum(W, dtype=np.float32), "dtype=; use tg.sum(t, axis"),
    ("np.sum", lambda W, a: np.sum(W, 0, np.float32), "dtype=; use tg.sum(t, axis"),
    ("np.sum", lambda W, a: np.sum(np.ones((4, 2, 3)), axis=0, out=W), OUT),
    ("np.max", lambda W, a: np.max(W, initial=0.0), "initial=; use tg.max(t, axis"),
    ("np.mean", lambda W, a: np.mean(W, where=a > 1), "where=; use tg.mean(t, axis"),
    ("np.reshape", lambda W, a: np.reshape(W, 6, order="F"), "order=; use tg.reshape"),
    ("np.add.reduce", lambda W, a: np.add.reduce(W), "use t.sum(axis=0)"),
    ("np.add.outer", lambda W, a: np.add.outer(W, a), LEAVE),
    ("np.add.at", lambda W, a: np.add.at(a, 0, W), LEAVE),
    ("np.multiply.accumulate", lambda W, a: np.multiply.accumulate(W), LEAVE),
    ("np.dot", lambda W, a: np.dot(W, a.T, out=np.ones((2, 2))), OUT),
    ("np.round", lambda W, a: np.round(W, 2), "decimals=; use tg.round(t)"),
]


@pytest.mark.parametrize(
    "name, call, advice",
    REFUSED,
    ids=[f"{i}-{n}" for i, (n, _, _) in enumerate(REFUSED)],
)
def test_what_tinygraph_cannot_do_is_refused_with_what_to_write(name, call, advice):
    W = tg.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True, name="W")
    a = np.ones((2, 3))
    with pytest.raises(TypeError) as caught:
        call(W, a)
    message = str(caught.value)
    for words in (f"{name} ", "'W' of shape (2, 3)", advice):
        assert words in message, f"{words!r} is not in {message!r}"
    np.testing.assert_array_equal(a, np.ones((2, 3)))  # out= left untouched


def test_in_place_operator_on_an_array_is_refused_and_changes_nothing():
    a = np.ones(3)
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"np\.add on .*out=.*write arr = arr \+ t"):
        a += x
    np.testing.assert_array_equal(a, np.ones(3))


# ----- statistics, shapes, elementwise maths and contractions (issue 16) ----

MAPPED = [
    ("np.var", lambda x: np.var(x, axis=0, ddof=1), tg.ops.Var),
    ("np.std", lambda x: np.std(x, keepdims=True), tg.ops.Std),
    ("np.prod", lambda x: np.prod(x, axis=1), tg.ops.Prod),
    ("np.cumsum", lambda x: np.cumsum(x, axis=0), tg.ops.Cumsum),
    ("np.sin", np.sin, tg.ops.Sin),
    ("np.cos", np.cos, tg.ops.Cos),
    ("np.square", np.square, tg.ops.Square),
    ("np.round", np.round, tg.ops.Round),
    ("np.squeeze", lambda x: np.squeeze(x[None]), tg.ops.Reshape),
    ("np.expand_dims", lambda x: np.expand_dims(x, 1), tg.ops.Reshape),
    ("np.swapaxes", lambda x: np.swapaxes(x, 0, 1), tg.ops.Transpose),
    ("np.tile", lambda x: np.tile(x, (2, 1)), tg.ops.Tile),
    ("np.pad", lambda x: np.pad(x, 1, constant_values=2.0), tg.ops.Pad),
    ("np.dot", lambda x: np.dot(x[None], x.T), tg.ops.Einsum),
    ("np.outer", lambda x: np.outer(x, x), tg.ops.Einsum),
    ("np.tensordot", lambda x: np.tensordot(x, x, axes=([0], [0])), tg.ops.Einsum),
    ("np.einsum", lambda x: np.einsum("ij,kj->ik", x, x), tg.ops.Einsum),
]


@pytest.mark.parametrize("name, call, op_class", MAPPED, ids=[n for n, _, _ in MAPPED])
def test_numpy_functions_of_issue_16_run_as_their_ops(name, call, op_class):
    x0 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    x = tg.tensor(x0, requires_grad=True)
    result = call(x)
    assert isinstance(result, tg.Tensor) and isinstance(result.op, op_class), name
    np.testing.assert_allclose(result.data, call(x0), rtol=1e-12)
    result.backward(np.ones(result.shape))
    assert x.grad is not None and x.grad.shape == x0.shape

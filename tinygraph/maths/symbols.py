"""The symbolic reading: an op's maths on SymPy symbols.

A value here is a SymPy expression, or a NumPy array of them (dtype
object), so the lines an op writes for arrays (broadcasting, sums along an
axis, matmul, reshape) run on symbols entry by entry, and each entry of a
result is a formula. Needs the ``symbolic`` extra (SymPy), imported only
when a symbolic reading is asked for.
"""

import numpy as np

try:
    import sympy
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the symbolic reading needs SymPy; install it with "
        "pip install -e \".[symbolic]\" (or pip install sympy)"
    ) from None

from . import numeric


def _entrywise(function):
    """``function`` of SymPy expressions, applied to each entry of an array."""
    each = np.vectorize(function, otypes=[object])

    def apply(*xs):
        if any(isinstance(x, np.ndarray) for x in xs):
            return each(*xs)
        return function(*xs)

    apply.__name__ = getattr(function, "__name__", "entrywise")
    return apply


exp, log, sqrt = _entrywise(sympy.exp), _entrywise(sympy.log), _entrywise(sympy.sqrt)
abs, sign, tanh = _entrywise(sympy.Abs), _entrywise(sympy.sign), _entrywise(sympy.tanh)
maximum, minimum = _entrywise(sympy.Max), _entrywise(sympy.Min)
# SymPy has no log1p or expm1: on symbols the plain formulas lose nothing.
log1p = _entrywise(lambda x: sympy.log(1 + x))
expm1 = _entrywise(lambda x: sympy.exp(x) - 1)
erf = _entrywise(sympy.erf)
positive = _entrywise(lambda x: sympy.Heaviside(x, 0))  # 1 for x > 0, 0 for x <= 0
where = _entrywise(lambda cond, a, b: sympy.Piecewise((a, cond), (b, True)))
equal, greater_equal = _entrywise(sympy.Eq), _entrywise(sympy.Ge)
logical_and = _entrywise(sympy.And)
_max_of_two = np.frompyfunc(sympy.Max, 2, 1)
reshape, transpose, expand_dims, broadcast_to = (
    np.reshape, np.transpose, np.expand_dims, np.broadcast_to,
)
shape, ndim = np.shape, np.ndim
sum, mT, sum_to = numeric.sum, numeric.mT, numeric.sum_to
sin, cos, tan = _entrywise(sympy.sin), _entrywise(sympy.cos), _entrywise(sympy.tan)
sinh, cosh = _entrywise(sympy.sinh), _entrywise(sympy.cosh)
prod, cumsum, einsum = numeric.prod, np.cumsum, np.einsum  # on object arrays
concatenate, stack = np.concatenate, np.stack  # on object arrays too


# Rounding is constant between its jumps: SymPy's diff leaves floor(x)'s
# derivative unevaluated, so these say it is 0 (where it exists).
class _Floor(sympy.floor):
    def fdiff(self, argindex=1):
        return sympy.Integer(0)


class _Ceiling(sympy.ceiling):
    def fdiff(self, argindex=1):
        return sympy.Integer(0)


class _Round(sympy.Function):
    """Round to the nearest integer, halves to even (as NumPy)."""

    @classmethod
    def eval(cls, x):
        if x.is_Number:
            return sympy.Integer(int(np.round(float(x))))
        return None

    def fdiff(self, argindex=1):
        return sympy.Integer(0)


floor, ceil, round = _entrywise(_Floor), _entrywise(_Ceiling), _entrywise(_Round)


def sigmoid(z):
    return 1 / (1 + exp(-z))


def log_sigmoid(z):
    return -log(1 + exp(-z))


def softmax(z, axis):
    e = exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis):
    return z - log(np.sum(exp(z), axis=axis, keepdims=True))


def scatter(g, index, shape):
    full = np.full(shape, sympy.Integer(0), dtype=object)
    np.add.at(full, index, g)
    return full


def max(x, axis=None, keepdims=False):
    if not isinstance(x, np.ndarray):
        return x
    return _max_of_two.reduce(x, axis=axis, keepdims=keepdims)


def winner_share(x, axis):
    """1/k at the k entries equal to their slice's maximum, as a formula."""
    winners = where(equal(x, max(x, axis=axis, keepdims=True)), 1, 0)
    return winners / np.sum(winners, axis=axis, keepdims=True)


def symbols(name, shape=()):
    """A SymPy symbol (shape ()) or an array of them, entries named like
    the notes' ``u_{2,i}``: ``name_{i}`` or ``name_{i,j}``."""
    if shape == ():
        return sympy.Symbol(name, real=True)
    entries = [
        sympy.Symbol(f"{name}_{{{','.join(map(str, index))}}}", real=True)
        for index in np.ndindex(*shape)
    ]
    return np.array(entries, dtype=object).reshape(shape)

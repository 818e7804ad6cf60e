"""The whole-array reading of an op's maths, for derivations.

``tinygraph.maths.symbols`` reads an op on arrays of symbols, one symbol per
entry (``a_{0,0}, a_{0,1}, ...``). A derivation in the notes' notation needs
the other view: one symbol ``A`` for the whole array, read entry by entry as
NumPy broadcasts it, so that ``(1 - Y)/(1 - A)`` means "for every entry".
Here a value is a ``Term``: a SymPy expression in such whole-array symbols,
and its shape. This module is the namespace ``m`` an op's ``maths`` and
``backward`` run on for a derivation: ``m.log(term)``, ``m.sum(term, axis)``,
``term @ term``, ``term.T``.

What entrywise algebra cannot say is written with three SymPy functions:

* ``SumOver(x, axis)``: the sum of ``x`` along ``axis`` (a negative axis, so
  that it counts from the examples' axis, the last), kept as length 1; the
  notes' sum over examples in ∂J/∂b, or softmax's sum over the classes;
* ``MatProd(a, b)``: the matrix product a b (matmul's rules);
* ``Transposed(a)``: aᵀ, the last two axes swapped.

SymPy treats them as functions it knows nothing about, so simplification
never reorders a matrix product; ``EVALUATE`` says how NumPy computes them.
Needs the ``symbolic`` extra (SymPy).
"""

import builtins
import math
from fractions import Fraction
from functools import lru_cache, reduce

import numpy as np
from sympy.printing.numpy import NumPyPrinter

from ..maths import numeric, symbols
from ..maths.symbols import sympy  # the install message lives there

# The number of examples, where a cost divides by it (the notes' m).
M = sympy.Symbol("m")
_BOOLEAN = sympy.logic.boolalg.Boolean


class SumOver(sympy.Function):
    """Σ of an array along one axis (negative, kept as length 1)."""

    nargs = 2
    # Entries are real numbers. NOTE: left unsaid, SymPy may decide that
    # exp(u + MatProd(W, ...)) is not real and refuse a comparison of it.
    is_real = True

    @classmethod
    def eval(cls, x, axis):
        # Numbers and m are the same in every entry: take them out of the sum
        # (Σ_i -y_i/m = -(Σ_i y_i)/m), so that SymPy can cancel them.
        if isinstance(x, sympy.Mul):
            outside = [f for f in x.args if f.is_Number or f == M or f == 1 / M]
            if outside:
                inside = sympy.Mul(*[f for f in x.args if f not in outside])
                return sympy.Mul(*outside) * cls(inside, axis)
        return None


class MatProd(sympy.Function):
    """The matrix product a b of two whole-array symbols' expressions."""

    nargs = 2
    is_real = True  # (see SumOver)


class Transposed(sympy.Function):
    """aᵀ: the last two axes of an array swapped."""

    nargs = 1
    is_real = True  # (see SumOver)

    @classmethod
    def eval(cls, x):
        # A number (5/2 or 1/m, put in for ∂J/∂u) is the same in every entry.
        if x.free_symbols <= {M}:
            return x
        return None


class Where(sympy.Function):
    """where(c, a, b), entry by entry: a where the condition c holds, else b.

    NOTE: not SymPy's Piecewise, which SymPy folds out of any function
    around it: a Piecewise inside a matrix product (W2 leaky_relu(W1 X)),
    once in a condition (clip's, relu's), was pulled out of the product
    entry by entry, a wrong formula, and its numbers wrong without a word.
    It prints as a Piecewise does.
    """

    nargs = 3
    is_real = True  # (see SumOver)

    @classmethod
    def eval(cls, condition, a, b):
        if condition == sympy.true or a == b:
            return a
        if condition == sympy.false:
            return b
        return None

    def _sympystr(self, printer):
        condition, a, b = (printer._print(x) for x in self.args)
        return f"Piecewise(({a}, {condition}), ({b}, True))"


def _matprod(a, b):
    """a b, where an axis of length 1 stands for the same entries repeated.

    A formula's numbers keep an axis it does not vary along as length 1:
    ∂J/∂u = 1 in ∂J/∂u Xᵀ is one number, and (2 u/m)ᵀ with u a row is one
    column for a matrix whose columns are all equal. Such a factor is
    repeated along the inner axis first; every row (or column) of the
    product is then the same, and broadcasts to the node's shape.
    """
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    if a.shape[-1] == 1 and b.shape[-2] != 1:
        a = np.broadcast_to(a, a.shape[:-1] + b.shape[-2:-1])
    if b.shape[-2] == 1 and a.shape[-1] != 1:
        b = np.broadcast_to(b, b.shape[:-2] + a.shape[-1:] + b.shape[-1:])
    return np.matmul(a, b)


class _Folded:
    """NumPy's logical_and (or logical_or), whose ``reduce`` broadcasts.

    NOTE: lambdify writes And(a, b) as logical_and.reduce((a, b)), which
    stacks a and b into one array first, so conditions of different shapes
    (pow's for a base (3, 4) and an exponent (3, 1)) could not be evaluated.
    """

    def __init__(self, ufunc):
        self.ufunc = ufunc

    def __call__(self, *xs):
        return self.ufunc(*xs)

    def reduce(self, conditions):
        return reduce(self.ufunc, conditions)


class NumbersPrinter(NumPyPrinter):
    """lambdify's NumPy printer, with Heaviside read as NumPy's heaviside.

    NOTE: the NumPy printer rewrites Heaviside(x, 0) as a Piecewise on
    x <= 0, and SymPy then folds any Max or Piecewise inside x out of the
    matrix products around it, entry by entry: relu(W2 relu(W1 X)ᵀ...)'s
    closed form evaluated to the wrong shape, or to wrong numbers.
    """

    def _print_Heaviside(self, expr):  # noqa: N802  (SymPy names it)
        x, at_zero = (expr.args + (sympy.Rational(1, 2),))[:2]
        return f"heaviside({self._print(x)}, {self._print(at_zero)})"


def _sum_over(x, axis):
    return np.sum(x, axis=int(axis), keepdims=True)


def _transposed(x):
    return np.swapaxes(x, -1, -2)


# How lambdify computes the three functions on NumPy arrays (and a few of
# SymPy's that its NumPy reading lacks or reads too narrowly).
EVALUATE = {
    "SumOver": _sum_over, "MatProd": _matprod, "Transposed": _transposed,
    "Where": np.where, "heaviside": np.heaviside,
    "erf": numeric.erf,  # (lambdify's NumPy reading has none)
    "logical_and": _Folded(np.logical_and), "logical_or": _Folded(np.logical_or),
    # rounding, as maths.symbols writes it (floor(x) + x in a closed form)
    "_Floor": np.floor, "_Ceiling": np.ceil, "_Round": np.round,
}


def to_aligned(array, aligned):
    """The numbers of a formula as an array of the aligned shape ``aligned``.

    A formula summed over axes its node does not have (a (1,) or 0-d node
    broadcast against a matrix) keeps them as leading axes of length 1,
    (1, 1) for a node of aligned shape (1,): those are dropped. A formula
    that is the same in every entry (a number) is broadcast.
    """
    array = np.asarray(array)
    extra = array.ndim - len(aligned)
    if extra > 0 and all(n == 1 for n in array.shape[:extra]):
        array = array.reshape(array.shape[extra:])
    return np.broadcast_to(array, aligned)


def tree_size(expr, replaced=None):
    """How many nodes ``expr`` has as a tree, counted on its shared parts
    once each, so that a formula of 2^40 terms is measured in an instant;
    ``replaced`` gives the sizes of formulas some symbols would be replaced by."""
    size = dict(replaced or {})
    stack = [expr]
    while stack:
        top = stack[-1]
        if top in size:
            stack.pop()
            continue
        pending = [a for a in top.args if a not in size]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        # (a loop, not sum(): this module's sum is the symbolic one below)
        total = 1
        for a in top.args:
            total += size[a]
        size[top] = total
    return size[expr]


def shape_of(expr, shapes):
    """The aligned shape of a formula: its symbols' shapes (``shapes``,
    {symbol: aligned shape}) broadcast together, with what the sums took away
    kept as length 1. A vector-Jacobian product (``notation.PulledBack``)
    has its input's shape, which its class keeps as ``aligned``."""
    if isinstance(expr, sympy.Symbol):
        return tuple(shapes.get(expr, ()))
    if expr.func is SumOver:
        inner, axis = expr.args
        shape = list(shape_of(inner, shapes))
        if len(shape) >= -int(axis):
            shape[int(axis)] = 1
        return tuple(shape)
    if expr.func is MatProd:
        a, b = (shape_of(x, shapes) for x in expr.args)
        # a number (∂J/∂u = 1) is the same in every row and column
        return (a[0] if len(a) == 2 else 1, b[-1] if len(b) == 2 else 1)
    if expr.func is Transposed:
        return shape_of(expr.args[0], shapes)[::-1]
    if isinstance(getattr(expr.func, "aligned", None), tuple):
        return expr.func.aligned
    found = [shape_of(x, shapes) for x in expr.args]
    # (builtins: this module's max and sum are the symbolic ones below)
    width = builtins.max((len(s) for s in found), default=0)
    padded = [(1,) * (width - len(s)) + tuple(s) for s in found]
    return tuple(builtins.max(column) for column in zip(*padded)) if padded else ()


class NoWholeArrayFormError(NotImplementedError):
    """An op whose maths moves entries around (a reshape, an index, a
    maximum): it has no formula read entry by entry."""


@lru_cache(maxsize=1024)
def number(value):
    """A Python or NumPy number as an exact SymPy number: 0.25 is 1/4, and
    the square root of a simple fraction, times a power of π, is that
    (GELU's 1/math.sqrt(2) is √2/2, not 707106781186547/10^15)."""
    if isinstance(value, (bool, np.bool_)):
        return sympy.Integer(int(value))
    value = float(value)
    if value.is_integer():
        return sympy.Integer(int(value))
    fraction = sympy.nsimplify(value, rational=True)
    if fraction.q <= 10**6:
        return fraction
    return _root_form(value) or fraction


def _root_form(value):
    """±√(p/q π^k) for a float equal to one (q at most 1000), or None.

    (sympy.nsimplify(value, [sympy.pi]) finds these too, but takes 60 ms
    for each float it finds none for.)"""
    for k in (0, 1, -1, 2, -2):
        square = value * value / math.pi**k
        ratio = Fraction(square).limit_denominator(1000)
        if ratio and math.isclose(float(ratio), square, rel_tol=1e-13):
            exact = sympy.Rational(ratio.numerator, ratio.denominator) * sympy.pi**k
            return (1 if value > 0 else -1) * sympy.sqrt(exact)
    return None


class Term:
    """A whole array as a formula: ``expr`` read entry by entry, ``shape`` the
    array's shape, ``aligned`` the same shape with every axis a reduction took
    away put back as length 1, so that broadcasting lines entries up."""

    __slots__ = ("expr", "shape", "aligned")

    def __init__(self, expr, shape, aligned=None):
        self.expr = expr
        self.shape = tuple(shape)
        self.aligned = self.shape if aligned is None else tuple(aligned)

    def __repr__(self):
        return f"Term({self.expr}, shape={self.shape})"

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def T(self):
        return transpose(self)

    # ----- entrywise arithmetic, with NumPy's broadcasting -----

    def _combine(self, other, operation, reflected=False):
        other = as_term(other)
        a, b = (other, self) if reflected else (self, other)
        shape, aligned = lined_up(a, b)
        return Term(operation(a.expr, b.expr), shape, aligned)

    def __add__(self, other):
        return self._combine(other, lambda a, b: a + b)

    def __radd__(self, other):
        return self._combine(other, lambda a, b: a + b, reflected=True)

    def __sub__(self, other):
        return self._combine(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._combine(other, lambda a, b: a - b, reflected=True)

    def __mul__(self, other):
        return self._combine(other, lambda a, b: a * b)

    def __rmul__(self, other):
        return self._combine(other, lambda a, b: a * b, reflected=True)

    def __truediv__(self, other):
        return self._combine(other, lambda a, b: a / b)

    def __rtruediv__(self, other):
        return self._combine(other, lambda a, b: a / b, reflected=True)

    def __pow__(self, other):
        return self._combine(other, lambda a, b: a**b)

    def __rpow__(self, other):
        return self._combine(other, lambda a, b: a**b, reflected=True)

    def __neg__(self):
        return Term(-self.expr, self.shape, self.aligned)

    # ----- matrix products -----

    def __matmul__(self, other):
        other = as_term(other)
        if self.ndim != 2 or other.ndim != 2:
            raise NoWholeArrayFormError("matmul of arrays that are not both matrices")
        if self.aligned != self.shape or other.aligned != other.shape:
            raise NoWholeArrayFormError("matmul of a matrix kept in another layout")
        shape = (self.shape[0], other.shape[1])
        return Term(MatProd(self.expr, other.expr), shape)

    def __rmatmul__(self, other):
        return as_term(other) @ self

    def __getitem__(self, index):
        raise NoWholeArrayFormError("indexing")


def _axis_pairs(term):
    """(axis of the shape, axis of the aligned shape) for each axis longer
    than 1, both counted from the end: where each of its axes sits."""
    real = [a - len(term.shape) for a, n in enumerate(term.shape) if n != 1]
    aligned = [a - len(term.aligned) for a, n in enumerate(term.aligned) if n != 1]
    if len(real) == len(aligned):
        return list(zip(real, aligned))
    # Broadcast (broadcast_to): the formula is the same along the added axes.
    # Its own axes are known only where they sit in place.
    if not set(aligned) <= set(real) or any(
        term.shape[q] != term.aligned[q] for q in aligned
    ):
        raise NoWholeArrayFormError(
            f"an array of shape {term.shape} kept as {term.aligned}"
        )
    return [(q, q) for q in aligned]


def _in_place(term):
    """Whether each axis longer than 1 sits where the shape has it."""
    return all(p == q for p, q in _axis_pairs(term))


def lined_up(*terms):
    """The shape and aligned shape of an entrywise result of ``terms``.

    NumPy lines entries up by the shapes, counted from the end; the
    formulas' symbols by the aligned shapes. The two must agree: A.sum(axis=1),
    of shape (3,) but aligned (3, 1), times v of shape (3,) would otherwise
    read as the (3, 3) table of every product, a wrong gradient without a
    word. Where they do not agree the op has no formula read entry by entry
    (NoWholeArrayFormError), and its step is written with its numbers.
    """
    axis_of, from_aligned = {}, {}
    for term in terms:
        for p, q in _axis_pairs(term):
            if axis_of.setdefault(p, q) != q or from_aligned.setdefault(q, p) != p:
                raise NoWholeArrayFormError(
                    "entries that the shapes and the formulas line up differently"
                )
    in_order = [q for _, q in sorted(axis_of.items())]
    if in_order != sorted(in_order):  # the axes would come out swapped
        raise NoWholeArrayFormError("axes that the formulas keep in another order")
    try:
        return (
            np.broadcast_shapes(*(t.shape for t in terms)),
            np.broadcast_shapes(*(t.aligned for t in terms)),
        )
    except ValueError:  # (the aligned shapes; the shapes broadcast already)
        raise NoWholeArrayFormError("aligned shapes that do not broadcast") from None


def as_term(x):
    """A Term as it is; a number as a Term of shape ()."""
    if isinstance(x, Term):
        return x
    if np.ndim(x) != 0:
        raise NoWholeArrayFormError("an array of numbers inside an op's maths")
    if isinstance(x, sympy.Basic):
        return Term(x, ())
    return Term(number(x.item() if isinstance(x, np.generic) else x), ())


def _entrywise(function):
    """``function`` of SymPy expressions, lifted to Terms and numbers."""

    def apply(*xs):
        if not any(isinstance(x, Term) for x in xs):
            return function(*(as_term(x).expr for x in xs))
        terms = [as_term(x) for x in xs]
        return Term(function(*(t.expr for t in terms)), *lined_up(*terms))

    apply.__name__ = getattr(function, "__name__", "entrywise")
    return apply


# ----- the namespace: what an op's maths and backward may call -------------

exp, log, sqrt = _entrywise(sympy.exp), _entrywise(sympy.log), _entrywise(sympy.sqrt)
abs, sign, tanh = _entrywise(sympy.Abs), _entrywise(sympy.sign), _entrywise(sympy.tanh)
sin, cos, tan = _entrywise(sympy.sin), _entrywise(sympy.cos), _entrywise(sympy.tan)
sinh, cosh, erf = _entrywise(sympy.sinh), _entrywise(sympy.cosh), _entrywise(sympy.erf)
maximum, minimum = _entrywise(sympy.Max), _entrywise(sympy.Min)
log1p = _entrywise(lambda x: sympy.log(1 + x))
expm1 = _entrywise(lambda x: sympy.exp(x) - 1)
positive = _entrywise(lambda x: sympy.Heaviside(x, 0))  # 1 for x > 0, else 0


def _where(cond, a, b):
    """a where cond holds, else b. A condition that is not a comparison (a
    mask of data C1, or a tensor read as "not 0") is written C1 ≠ 0, and
    printed as C1.

    NOTE: a condition must be a Boolean: SymPy (1.14) misreads a bare
    symbol as one once a formula holding it is put into another condition
    (the closed form of clip's derivative at u = where(C1, a, b) lost b).
    """
    # (a SymPy Symbol counts as a Boolean too)
    if isinstance(cond, sympy.Symbol) or not isinstance(cond, _BOOLEAN):
        cond = sympy.Ne(cond, 0)
    # x <= 3/10 rather than 3/10 >= x, as a Piecewise writes its conditions
    cond = cond.replace(lambda e: e.is_Relational, lambda r: r.canonical)
    return Where(cond, a, b)


where = _entrywise(_where)
equal, greater_equal = _entrywise(sympy.Eq), _entrywise(sympy.Ge)
logical_and = _entrywise(sympy.And)
# rounding, whose derivative SymPy is told is 0
floor, ceil, round = (
    _entrywise(symbols.floor), _entrywise(symbols.ceil), _entrywise(symbols.round)
)


def sigmoid(z):
    return 1 / (1 + exp(-z))


def log_sigmoid(z):
    return -log(1 + exp(-z))


def softmax(z, axis):
    e = exp(z)
    return e / sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis):
    return z - log(sum(exp(z), axis=axis, keepdims=True))


def shape(x):
    return x.shape if isinstance(x, Term) else np.shape(x)


def ndim(x):
    return len(shape(x))


def sum(x, axis=None, keepdims=False):
    """Σ along ``axis``: a ``SumOver`` for each summed axis longer than 1."""
    x = as_term(x)
    axes = range(x.ndim) if axis is None else np.atleast_1d(axis)
    axes = sorted({int(a) % x.ndim for a in axes}) if x.ndim else []
    expr, aligned = x.expr, list(x.aligned)
    if sorted(n for n in x.shape if n != 1) != sorted(n for n in aligned if n != 1):
        raise NoWholeArrayFormError(f"a sum over an array broadcast to {x.shape}")
    for axis in axes:
        # the summed axis, counted from the end of the aligned shape
        where_aligned = _aligned_axis(x, axis)
        if where_aligned is None:
            continue  # a length-1 axis: summing it changes nothing
        length = aligned[where_aligned]
        if expr.free_symbols:
            expr = SumOver(expr, where_aligned - len(aligned))
        else:  # the same number in every entry
            expr = expr * length
        aligned[where_aligned] = 1
    kept = [1 if a in axes else n for a, n in enumerate(x.shape)]
    dropped = [n for a, n in enumerate(x.shape) if a not in axes]
    new_shape = kept if keepdims else dropped
    return Term(expr, new_shape, aligned)


def _aligned_axis(x, axis):
    """Where ``x``'s axis ``axis`` sits in its aligned shape, or None for a
    length-1 axis. The aligned shape differs from the shape only by axes of
    length 1, so the longer axes match up in order."""
    if x.shape[axis] == 1:
        return None
    rank = sorted(a for a, n in enumerate(x.shape) if n != 1).index(axis)
    return [a for a, n in enumerate(x.aligned) if n != 1][rank]


def _same_entries(x, new_shape):
    """``x`` seen with a shape that only adds or drops axes of length 1.

    NOTE: x's formula keeps x's aligned shape. Where that would put an axis
    elsewhere than the new shape does, counted from the end (b of shape
    (3,) reshaped to (3, 1), the rows of a matrix), the entries would not
    line up with the new shape's as NumPy broadcasts them: such a reshape
    moves entries to another layout, and has no formula read entry by entry.
    """
    new_shape = tuple(new_shape)
    if [n for n in x.shape if n != 1] != [n for n in new_shape if n != 1]:
        raise NoWholeArrayFormError(f"reshaping {x.shape} to {new_shape}")
    seen = Term(x.expr, new_shape, x.aligned)
    if _axis_pairs(seen) != _axis_pairs(x) and not _in_place(seen):
        raise NoWholeArrayFormError(f"reshaping {x.shape} to {new_shape}")
    return seen


def reshape(x, new_shape):
    x = as_term(x)
    new_shape = np.empty(x.shape).reshape(new_shape).shape  # resolves a -1
    return _same_entries(x, new_shape)


def expand_dims(x, axis):
    x = as_term(x)
    return _same_entries(x, np.expand_dims(np.empty(x.shape), axis).shape)


def broadcast_to(x, new_shape):
    """The same entries, repeated: the formula does not change."""
    x = as_term(x)
    return Term(x.expr, new_shape, x.aligned)


def transpose(x, axes=None):
    x = as_term(x)
    if x.ndim < 2:
        return x
    if x.ndim != 2 or axes not in (None, (1, 0)) or x.aligned != x.shape:
        raise NoWholeArrayFormError(f"transposing axes {axes} of {x.shape}")
    return Term(Transposed(x.expr), x.shape[::-1])


def mT(x):
    return transpose(x)


def sum_to(x, new_shape):
    """Sum over the axes broadcasting added, as the engine does."""
    x = as_term(x)
    extra = x.ndim - len(new_shape)
    axes = [a for a in range(x.ndim) if a < extra or
            (new_shape[a - extra] == 1 and x.shape[a] != 1)]
    return reshape(sum(x, axis=tuple(axes), keepdims=True), new_shape) if axes else x


def _no_whole_array_form(what):
    def refuse(*args, **kwargs):
        raise NoWholeArrayFormError(what)

    return refuse


# The primitives whose result mixes entries in ways a formula read entry by
# entry cannot say; a node using one is derived by its numbers only.
max = _no_whole_array_form("a maximum along an axis")
winner_share = _no_whole_array_form("a maximum along an axis")
prod = _no_whole_array_form("a product along an axis")
cumsum = _no_whole_array_form("a cumulative sum")
einsum = _no_whole_array_form("einsum")
concatenate = _no_whole_array_form("concatenation")
stack = _no_whole_array_form("stacking")
scatter = _no_whole_array_form("scattering into an array")

"""The base classes every operation derives from.

An op is an operation, such as ``exp`` or ``sum over axis 0``. It writes
its maths once, against a namespace ``m`` of primitive functions
(``m.exp``, ``m.sum``, ...; see ``tinygraph.maths``), so that the same
lines can be read numerically (NumPy, what ``backward()`` runs),
differentiably (tinygraph's own ops, for derivatives of derivatives) and
symbolically (SymPy). A subclass writes:

* ``maths(m, *xs)``: the function itself, e.g. ``m.exp(x)``;
* its local derivative, in one of two forms:

  - an ``Elementwise`` op (each output entry depends on the same entry of
    each input) writes ``derivative(m, i, out, *xs)``: d(out)/d(x_i), entry
    by entry, in terms of the inputs and the output ``out`` (sigmoid's is
    ``out * (1 - out)``). Backward multiplies it by the upstream gradient;
  - any other op writes ``backward(m, g, needs, out, *xs)``: dJ/d(x_i) for
    each input, given the upstream gradient ``g`` = dJ/d(out), or None
    where ``needs[i]`` is False (matmul: ``g @ b.T`` and ``a.T @ g``);

* ``formula``: how the node reads in an equation, e.g. ``"log({0})"``, and
  ``rules``: how dJ/d(input) reads in the step-through, one text per input
  (elementwise ops show "upstream times local derivative" instead);
* ``forward(*arrays)``, only where NumPy needs another formula than
  ``maths`` (a stabler or a faster one). An op with ``keeps = True``
  returns ``(output, kept)`` from it: something worked out on the way that
  the numeric backward pass would otherwise compute again (softmax
  cross-entropy keeps the softmax); ``backward`` gets it as ``kept=``, and
  None in the other readings.

An op keeps no state beyond its settings (the ``axis`` of a sum): one
``Exp()`` serves every exp node. Each node, a ``Tensor``, keeps its inputs
and the arrays the forward pass used. Everything else lives here or in the
backward driver (``graph.py``), once: turning constants into operands,
building the output tensor, errors that name the operands, summing a
gradient back over broadcast axes, casting it and accumulating it.
"""

import numpy as np

from . import anomaly
from .maths import numeric
from .modes import this_thread
from .naming import describe, returned
from .tensor import Tensor

# Looked up once: it runs for every operation.
_new_node = Tensor._from_op

# The distinct ``needs`` tuples seen so far, each kept once, so that nodes
# share one tuple per pattern, e.g. (True, False), rather than each having
# its own.
_shared_needs: dict[tuple[bool, ...], tuple[bool, ...]] = {}


class Op:
    """An operation: its function and its local derivative, as maths."""

    __slots__ = ()

    name = "op"
    formula = "op({0})"
    rules: tuple[str, ...] = ()
    elementwise = False

    # The numeric forward pass, ``forward(*arrays)``, for an op that needs
    # another NumPy formula than its maths (a stabler or faster one); when
    # None, the forward pass is ``maths`` read on arrays.
    forward = None
    keeps = False

    def maths(self, m, *xs):
        """The function, in the namespace ``m``."""
        raise NotImplementedError

    def backward(self, m, g, needs, out, *xs):
        """dJ/d(x_i) for each input (None where not ``needs[i]``)."""
        raise NotImplementedError

    def render(self, *operands):
        """The right-hand side of this node's equation, given operand texts."""
        return self.formula.format(*operands)

    def __repr__(self):
        """``Sum(axis=0, keepdims=False)``: the op and its settings."""
        settings = ", ".join(f"{k}={getattr(self, k)!r}" for k in _settings(type(self)))
        return f"{type(self).__name__}({settings})"

    def apply(self, *inputs):
        """Run forward on ``inputs`` (tensors or constants); return a Tensor."""
        arrays = []
        needs = []
        plain = True
        all_held = True
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x._data)
                needs.append(x._requires_grad)
                all_held = all_held and x._held
            else:
                arrays.append(x)
                needs.append(False)
                plain = plain and type(x) in (int, float)
        if not plain:
            inputs, arrays = _constants_as_arrays(self, inputs)
        try:
            forward = self.forward
            out = self.maths(numeric, *arrays) if forward is None else forward(*arrays)
        except (ValueError, TypeError, IndexError, OverflowError) as err:
            operands = " and ".join(describe(x) for x in inputs)
            message = f"{self.name}: cannot apply to {operands}: {err}"
            # Chained, so the traceback still shows the line that raised.
            raise _same_kind(err, message) from err
        kept = None
        if type(out) is not np.ndarray:
            out, kept = _output_and_kept(self, out)
        recording, checking, scope = this_thread.modes
        if recording and True in needs:
            needs = tuple(needs)
            needs = _shared_needs.setdefault(needs, needs)
            # The node keeps the arrays this forward pass used: backward
            # reads these, whatever happens to the tensors afterwards. Its
            # output is locked at once, so a view of it made later (a
            # reshape under no_grad) is read-only too.
            out.setflags(False)  # write=False (positionally: faster)
            saved = (out, *arrays) if kept is None else (out, *arrays, kept)
            result = _new_node(out, self, inputs, needs, saved, scope)
            if not all_held:
                _hold(inputs)
        else:
            result = _new_node(out, None, (), (), None, scope)
        if checking:
            anomaly.check_forward(self, result, inputs)
        return result


class Elementwise(Op):
    """An op whose output entry k depends only on entry k of each input (after
    broadcasting), so its local derivative is an array of that shape."""

    __slots__ = ()
    elementwise = True

    def derivative(self, m, i, out, *xs):
        """d(out)/d(x_i), entry by entry."""
        raise NotImplementedError

    def backward(self, m, g, needs, out, *xs):
        # The chain rule, entry by entry: dJ/dx_i = dJ/d(out) * d(out)/dx_i,
        # the upstream gradient times the local derivative. (Summing it back
        # over broadcast axes, and adding it into x_i, is the driver's job.)
        # (Written out for one and two inputs: this runs once per node, and
        # a loop costs more than the multiplication on small arrays.)
        if len(xs) == 1:  # one input, so it is the one that needs a gradient
            return (g * self.derivative(m, 0, out, xs[0]),)
        if len(xs) == 2:
            a, b = xs
            da = self.derivative(m, 0, out, a, b) if needs[0] else None
            db = self.derivative(m, 1, out, a, b) if needs[1] else None
            # (_times spelled out: a call costs more than the test)
            return (
                None if da is None else g if type(da) is int and da == 1 else g * da,
                None if db is None else g if type(db) is int and db == 1 else g * db,
            )
        return tuple(
            _times(g, self.derivative(m, i, out, *xs)) if needed else None
            for i, needed in enumerate(needs)
        )


def _same_kind(err, message):
    """An error of ``err``'s kind saying ``message``: of its own class where
    that class takes a message alone, else of the built-in class it
    derives from (NumPy's "no loop for this dtype" error needs more
    arguments); an overflow is a bad value."""
    if isinstance(err, OverflowError):
        return ValueError(message)
    try:
        return type(err)(message)
    except TypeError:
        builtins = (TypeError, ValueError, IndexError)
        return next(kind for kind in builtins if isinstance(err, kind))(message)


def _times(g, local):
    """g * local; a local derivative of constant 1 (addition) passes g on as it is."""
    return g if type(local) is int and local == 1 else g * local


def _output_and_kept(op, out):
    """A forward's result that is not simply an array: the output and the
    value an op with ``keeps`` returns beside it, or a number as an array; a
    tuple from any other op is a mistake (forward returns only the output:
    the engine keeps the inputs for backward itself)."""
    if op.keeps:
        out, kept = out
        return np.asarray(out), kept
    if isinstance(out, tuple):
        raise TypeError(
            f"{op.name}: {type(op).__name__}.forward must return the output array, "
            f"but it returned {returned(out)}"
        )
    return np.asarray(out), None


def _hold(inputs):
    """Make the arrays of a recorded node's inputs read-only (see
    ``Tensor.data``), if they are not held already. (Outputs are locked
    when they are made; ``Tensor._from_op`` marks them held.)"""
    for x in inputs:
        if isinstance(x, Tensor) and not x._held:
            array = x._data
            array.setflags(False)  # write=False (positionally: faster)
            # NOTE: a view's values change when its base is written to (x[0]
            # of a tensor that records nothing is a view of x's array), so
            # the base is locked too.
            if isinstance(array.base, np.ndarray):
                array.base.setflags(False)
            x._held = True


def _settings(op_class):
    """The names of an op's settings: the slots of its classes."""
    return [
        name
        for cls in reversed(op_class.__mro__)
        for name in cls.__dict__.get("__slots__", ())
    ]


def _constants_as_arrays(op, inputs):
    """Turn constant operands into arrays of the tensors' float dtype.

    Python ints and floats stay as they are (NumPy treats them as "weak" and
    keeps the tensor's dtype). Anything else becomes an array, and takes the
    dtype of the first float tensor, so that a float64 constant cannot silently
    turn a float32 computation into a float64 one.
    """
    float_dtype = next(
        (x.dtype for x in inputs if isinstance(x, Tensor) and x.dtype.kind == "f"),
        None,
    )
    converted = []
    for x in inputs:
        if not isinstance(x, Tensor) and type(x) not in (int, float):
            x = _constant_array(op, x, float_dtype)
        converted.append(x)
    arrays = [x._data if isinstance(x, Tensor) else x for x in converted]
    return tuple(converted), arrays


def _constant_array(op, value, float_dtype):
    """A constant operand as an array of its own: a copy, so that changing
    the caller's array later cannot change what backward computes with."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{op.name}: cannot use {value!r} as an operand")
    try:
        array = np.array(value)
    except ValueError as err:
        raise ValueError(
            f"{op.name}: constant operand is not a rectangular array: {err}"
        ) from None
    except OverflowError as err:
        raise ValueError(
            f"{op.name}: constant operand is out of range: {err}"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{op.name}: cannot use {type(value).__name__} of dtype {array.dtype} "
            "as an operand"
        )
    if float_dtype is not None and array.dtype != float_dtype:
        array = _cast(op, array, float_dtype)
    return array


def _cast(op, array, float_dtype):
    """``array`` in the tensors' dtype; refuse a finite value that the cast
    would turn into an infinity (1e300 does not fit in float32)."""
    with np.errstate(over="ignore"):
        cast = array.astype(float_dtype)
    if not np.isfinite(cast).all() and (np.isfinite(cast) != np.isfinite(array)).any():
        raise ValueError(
            f"{op.name}: a constant operand ({describe(array)}, dtype {array.dtype}, "
            f"range [{array.min():.4g}, {array.max():.4g}]) does not fit in "
            f"{float_dtype}: casting it to the tensors' dtype would make infinities"
        )
    return cast

"""The base class every operation derives from.

An op is an operation, such as ``exp`` or ``sum over axis 0``. A subclass
writes only the maths, as two functions of arrays:

* ``forward(*arrays)`` takes NumPy arrays (or Python numbers for constant
  operands) and returns ``(output, saved)``: the output array, and whatever
  backward will need (an array, a tuple of them, or None);
* ``backward(grad, saved, needs)`` takes dJ/d(output) and what forward
  saved, and returns one array per input: dJ/d(input) = the local
  derivative applied to ``grad`` (the chain rule). ``needs[i]`` says
  whether input ``i`` needs a gradient at all; return None for one that
  does not;
* ``formula``: how the node reads in an equation, e.g. ``"log({0})"``.

An op keeps no state of its own beyond its settings (``axis`` of a sum):
one ``Exp()`` serves every exp node. Each node, a ``Tensor``, keeps its
own inputs and saved values. Everything else lives here or in
``graph.py``, once: turning constants into operands, building the output
tensor, error messages that name the operands, and (in the backward
driver) summing a gradient back over broadcast axes, casting it to the
input's dtype and accumulating it.
"""

import numbers

import numpy as np

from . import anomaly
from .modes import this_thread
from .tensor import Tensor


def describe(x):
    """How an operand is named in an error message: ``'W' of shape (3, 2)``."""
    if isinstance(x, Tensor):
        who = repr(x.name) if x.name is not None else "tensor"
        return f"{who} of shape {x.shape}"
    if isinstance(x, numbers.Integral) and abs(x) > 10**15:
        return f"an integer of {len(str(abs(x)))} digits"
    if isinstance(x, numbers.Number):
        return f"the number {x!r}"
    return f"an array of shape {np.shape(x)}"


def constant_text(value):
    """How a constant operand appears inline in an equation."""
    if isinstance(value, numbers.Number) or np.size(value) == 1:
        text = f"{float(np.asarray(value).reshape(-1)[0]):g}"
        return f"({text})" if text.startswith("-") else text
    shape = "x".join(str(n) for n in np.shape(value))
    return f"const({shape})"


def returned(value):
    """What an op's method gave back, for an error message: ``3 values``."""
    if isinstance(value, (tuple, list)):
        return f"{len(value)} values"
    return f"a {type(value).__name__}"


# The distinct ``needs`` tuples seen so far, each kept once, so that nodes
# share one tuple per pattern, e.g. (True, False), rather than each having
# its own.
_shared_needs = {}


class Op:
    """An operation: its forward pass and its local derivative."""

    __slots__ = ()

    name = "op"
    formula = "op({0})"
    # True when the output has the broadcast shape of the inputs and each
    # entry depends only on the same entry of each input; then the local
    # derivative is an array of that shape (see graph.backward_steps).
    elementwise = False

    def forward(self, *arrays):
        """Return ``(output, saved)``."""
        raise NotImplementedError

    def backward(self, grad, saved, needs):
        """Return dJ/d(input) for each input, None where not ``needs``."""
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
            pair = self.forward(*arrays)
        except (ValueError, TypeError, IndexError, OverflowError) as err:
            operands = " and ".join(describe(x) for x in inputs)
            kind = ValueError if isinstance(err, OverflowError) else type(err)
            # Chained, so the traceback still shows the line that raised.
            raise kind(f"{self.name}: cannot apply to {operands}: {err}") from err
        if type(pair) is not tuple or len(pair) != 2:
            raise TypeError(
                f"{self.name}: {type(self).__name__}.forward must return a pair "
                f"(output, saved), the output and what backward needs, but it "
                f"returned {returned(pair)}"
            )
        out, saved = pair
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        recording, checking, scope = this_thread.modes
        if recording and True in needs:
            needs = tuple(needs)
            needs = _shared_needs.setdefault(needs, needs)
            result = Tensor._from_op(out, self, inputs, needs, saved, scope)
            if not all_held:
                _hold(inputs)
        else:
            result = Tensor._from_op(out, scope=scope)
        if checking:
            anomaly.check_forward(self, result, inputs)
        return result


def _hold(inputs):
    """Make the arrays of a recorded node's inputs read-only (see
    ``Tensor.data``), if they are not held already. The output is made held
    (not read-only) by ``Tensor._from_op``: its array has not been handed
    out to anyone yet."""
    for x in inputs:
        if isinstance(x, Tensor) and not x._held:
            x._data.flags.writeable = False
            x._held = True


def _settings(op_class):
    """The names of an op's settings: the slots of its classes."""
    return [name for cls in reversed(op_class.__mro__) for name in getattr(cls, "__slots__", ())]


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
        raise ValueError(f"{op.name}: constant operand is out of range: {err}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{op.name}: cannot use {type(value).__name__} of dtype {array.dtype} as an operand"
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

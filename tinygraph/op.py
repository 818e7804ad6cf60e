"""The base class every operation derives from.

An op is one node's operation. A subclass writes only the maths:

* ``forward(*arrays)`` takes NumPy arrays (or Python numbers for constant
  operands) and returns the output array, saving what backward needs;
* ``backward(grad)`` takes dJ/d(output) and returns one array per input,
  dJ/d(input) = local derivative applied to ``grad`` (the chain rule), or
  None for an input that needs no gradient (see ``self.needs``);
* ``formula``: how the node reads in an equation, e.g. ``"log({0})"``.

Everything else lives here or in ``graph.py``, once: turning constants into
operands, building the output ``Tensor``, error messages that name the
operands, and (in the backward driver) summing a gradient back over
broadcast axes, casting it to the input's dtype and accumulating it.
"""

import numbers

import numpy as np

from . import anomaly, grad_mode
from .tensor import Tensor


def describe(x):
    """How an operand is named in an error message: ``'W' of shape (3, 2)``."""
    if isinstance(x, Tensor):
        who = repr(x.name) if x.name is not None else "tensor"
        return f"{who} of shape {x.data.shape}"
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


# The distinct ``needs`` tuples seen so far, each kept once.
_shared_needs = {}


class Op:
    """One operation in the graph: forward and its local derivative."""

    # One- and two-input ops keep their inputs in two slots rather than in a
    # tuple: one object fewer per node for Python's cycle collector, which
    # walks a long graph again and again while it grows (see deep_chain in
    # benchmarks/README.md). Ops with more inputs keep the whole tuple.
    __slots__ = ("_input0", "_input1", "_all_inputs", "needs")

    name = "op"
    formula = "op({0})"
    # True when the output has the broadcast shape of the inputs and each
    # entry depends only on the same entry of each input; then the local
    # derivative is an array of that shape (see graph.backward_steps).
    elementwise = False

    def forward(self, *arrays):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    @property
    def inputs(self):
        """The operands, tensors and constants, in argument order."""
        arity = len(self.needs)
        if arity == 1:
            return (self._input0,)
        if arity == 2:
            return (self._input0, self._input1)
        return self._all_inputs

    def record(self, inputs, needs):
        """Remember the operands, and which of them need a gradient."""
        # One shared tuple per pattern, e.g. (True, False), rather than a
        # tuple of its own in every node.
        self.needs = _shared_needs.setdefault(needs, needs)
        if len(inputs) > 2:
            self._all_inputs = inputs
            return
        self._input0 = inputs[0]
        if len(inputs) == 2:
            self._input1 = inputs[1]

    def render(self, *operands):
        """The right-hand side of this node's equation, given operand texts."""
        return self.formula.format(*operands)

    def apply(self, *inputs):
        """Run forward on ``inputs`` (tensors or constants); return a Tensor."""
        arrays = []
        needs = []
        plain = True
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x.data)
                needs.append(x.requires_grad)
            else:
                arrays.append(x)
                needs.append(False)
                plain = plain and type(x) in (int, float)
        if not plain:
            inputs, arrays = _constants_as_arrays(self, inputs)
        try:
            out = self.forward(*arrays)
        except (ValueError, TypeError, IndexError) as err:
            operands = " and ".join(describe(x) for x in inputs)
            raise type(err)(f"{self.name}: cannot apply to {operands}: {err}") from None
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        record = grad_mode.enabled and True in needs
        if record:
            self.record(inputs, tuple(needs))
        result = Tensor._from_op(out, self if record else None)
        if anomaly.enabled:
            anomaly.check_forward(self, result, inputs)
        return result


def _constants_as_arrays(op, inputs):
    """Turn constant operands into arrays of the tensors' float dtype.

    Python ints and floats stay as they are (NumPy treats them as "weak" and
    keeps the tensor's dtype). Anything else becomes an array, and takes the
    dtype of the first float tensor, so that a float64 constant cannot silently
    turn a float32 computation into a float64 one.
    """
    float_dtype = next(
        (x.data.dtype for x in inputs if isinstance(x, Tensor) and x.data.dtype.kind == "f"),
        None,
    )
    converted = []
    for x in inputs:
        if not isinstance(x, Tensor) and type(x) not in (int, float):
            x = _constant_array(op, x, float_dtype)
        converted.append(x)
    arrays = [x.data if isinstance(x, Tensor) else x for x in converted]
    return tuple(converted), arrays


def _constant_array(op, value, float_dtype):
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{op.name}: cannot use {value!r} as an operand")
    try:
        array = np.asarray(value)
    except ValueError as err:
        raise ValueError(f"{op.name}: constant operand is not a rectangular array: {err}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{op.name}: cannot use {type(value).__name__} of dtype {array.dtype} as an operand"
        )
    if float_dtype is not None and array.dtype != float_dtype:
        array = array.astype(float_dtype)
    return array

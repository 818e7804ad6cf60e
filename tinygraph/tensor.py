"""The user-facing ``Tensor``: a NumPy array that remembers how it was made.

Every operator and method here is a one-line call into an op from
``tinygraph.ops``; the op computes the forward value, records itself as the
new tensor's ``op`` and knows its own local derivative. ``backward()`` hands
the graph to ``tinygraph.graph``, which walks it in reverse.
"""

import itertools

import numpy as np

from . import scopes

# Creation order doubles as a topological order: a tensor is always made
# after its inputs. It also numbers the u-variables the way code is written.
_creation_counter = itertools.count()

_FLOAT_KINDS = "f"
_CONVERTIBLE_KINDS = "biuf"


def _to_array(data, dtype, name):
    """Copy user data into a new NumPy array, with the dtype rules of the API.

    A copy, as ``torch.tensor`` makes: an optimiser updating a parameter in
    place must not change the caller's array behind their back.
    """
    if isinstance(data, Tensor):
        data = data.data
    what = f"tensor {name!r}" if name else "tensor"
    if isinstance(data, (str, bytes)):
        raise TypeError(f"{what}: cannot make a tensor from a string ({data!r})")
    try:
        array = np.array(data, dtype=dtype)
    except ValueError as err:
        raise ValueError(
            f"{what}: data is not a rectangular array of numbers "
            f"(a ragged nested list?): {err}"
        ) from None
    except TypeError as err:
        raise TypeError(f"{what}: cannot convert {type(data).__name__}: {err}") from None
    except OverflowError as err:
        raise ValueError(f"{what}: a number is out of range for the dtype: {err}") from None
    if array.dtype.kind not in _CONVERTIBLE_KINDS:
        raise TypeError(
            f"{what}: data must be numbers, got dtype {array.dtype} "
            f"(from {type(data).__name__})"
        )
    if dtype is None and array.dtype.kind != _FLOAT_KINDS:
        array = array.astype(np.float64)
    return array


class Tensor:
    """An n-dimensional array of numbers that records the operations on it.

    Examples
    --------
    >>> import tinygraph as tg
    >>> x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    >>> J = (x * x).sum()
    >>> J.backward()
    >>> x.grad
    array([2., 4., 6.])
    """

    # A node keeps its own inputs and what its op saved for backward; the op
    # itself is shared by every node it makes. One or two inputs sit in
    # slots of their own rather than in a tuple: then each node is one
    # object for Python's cycle collector, which walks a long graph again
    # and again while it grows (see deep_chain in benchmarks/README.md).
    __slots__ = (
        "data", "grad", "requires_grad", "name", "scope", "_order",
        "_op", "_input0", "_input1", "_more_inputs", "_needs", "_saved",
        "__weakref__",
    )

    # Let NumPy hand ``array + tensor`` to ``Tensor.__radd__`` and friends.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, name=None, dtype=None):
        array = _to_array(data, dtype, name)
        if requires_grad and array.dtype.kind != _FLOAT_KINDS:
            raise TypeError(
                f"tensor {name or ''}: only floating-point tensors can require "
                f"gradients, got dtype {array.dtype}"
            )
        self.data = array
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self.scope = ()
        self._order = next(_creation_counter)
        self._op = None
        self._needs = ()
        self._saved = None

    @classmethod
    def _from_op(cls, data, op=None, inputs=(), needs=(), saved=None):
        """The result of ``op`` on ``inputs``, ``needs[i]`` telling whether
        input ``i`` needs a gradient. Without an op: a tensor that records
        nothing (under no_grad, or when no input requires a gradient)."""
        t = cls.__new__(cls)
        t.data = data
        t.grad = None
        t.requires_grad = op is not None
        t.name = None
        t.scope = scopes.current
        t._order = next(_creation_counter)
        t._op = op
        t._needs = needs
        t._saved = saved
        if len(inputs) > 2:
            t._more_inputs = inputs
        elif inputs:
            t._input0 = inputs[0]
            if len(inputs) == 2:
                t._input1 = inputs[1]
        return t

    # ----- the graph -------------------------------------------------------

    @property
    def op(self):
        """The operation that made this tensor, or None for a leaf."""
        return self._op

    @property
    def inputs(self):
        """The operands this tensor was computed from, tensors and constants,
        in argument order (empty for a leaf)."""
        arity = len(self._needs)
        if arity == 1:
            return (self._input0,)
        if arity == 2:
            return (self._input0, self._input1)
        if arity == 0:
            return ()
        return self._more_inputs

    @property
    def parents(self):
        """The tensors this one was computed from, in argument order."""
        return tuple(x for x in self.inputs if isinstance(x, Tensor))

    @property
    def is_leaf(self):
        return self._op is None

    def named(self, name):
        """Set ``self.name`` and return ``self``: ``Z = (W @ X + b).named("Z1")``."""
        self.name = name
        return self

    def backward(self, grad=None):
        """Backpropagate from this tensor; see ``tinygraph.graph.backward``."""
        _graph.backward(self, grad)

    def zero_grad(self):
        self.grad = None

    def detach(self):
        """The same data as a new leaf that records nothing."""
        return Tensor._from_op(self.data)

    # ----- array facts -----------------------------------------------------

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def dtype(self):
        return self.data.dtype

    def item(self):
        return self.data.item()

    def numpy(self):
        """The underlying array (shared, not copied)."""
        return self.data

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)`` gives the data (for plotting and NumPy code)."""
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, prefix="tensor(", separator=", ")
        extras = ""
        if self.name is not None:
            extras += f", name={self.name!r}"
        if self._op is not None:
            extras += f", op={self._op.name}"
        elif self.requires_grad:
            extras += ", requires_grad=True"
        if self.data.dtype != np.float64:
            extras += f", dtype={self.data.dtype}"
        return f"tensor({body}{extras})"

    # ----- arithmetic operators ------------------------------------------

    def __add__(self, other):
        return _ops.add(self, other)

    def __radd__(self, other):
        return _ops.add(other, self)

    def __sub__(self, other):
        return _ops.sub(self, other)

    def __rsub__(self, other):
        return _ops.sub(other, self)

    def __mul__(self, other):
        return _ops.mul(self, other)

    def __rmul__(self, other):
        return _ops.mul(other, self)

    def __truediv__(self, other):
        return _ops.div(self, other)

    def __rtruediv__(self, other):
        return _ops.div(other, self)

    def __pow__(self, other):
        return _ops.pow(self, other)

    def __rpow__(self, other):
        return _ops.pow(other, self)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.neg(self)

    def __getitem__(self, index):
        return _ops.getitem(self, index)

    # ----- methods (each is also a module-level function) ----------------

    def exp(self):
        return _ops.exp(self)

    def log(self):
        return _ops.log(self)

    def sqrt(self):
        return _ops.sqrt(self)

    def abs(self):
        return _ops.abs(self)

    def sigmoid(self):
        return _ops.sigmoid(self)

    def tanh(self):
        return _ops.tanh(self)

    def relu(self):
        return _ops.relu(self)

    def step(self):
        return _ops.step(self)

    def softmax(self, axis=0):
        return _ops.softmax(self, axis)

    def log_softmax(self, axis=0):
        return _ops.log_softmax(self, axis)

    def sum(self, axis=None, keepdims=False):
        return _ops.sum(self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        return _ops.mean(self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return _ops.max(self, axis, keepdims)

    def reshape(self, *shape):
        return _ops.reshape(self, *shape)

    def transpose(self, *axes):
        return _ops.transpose(self, *axes)

    @property
    def T(self):
        return _ops.transpose(self)


def tensor(data, requires_grad=False, name=None, dtype=None):
    """Make a leaf tensor.

    Python numbers, lists and integer or boolean arrays become float64; a
    float array keeps its dtype; ``dtype=`` forces one. The data is copied.

    >>> tensor([[1, 2], [3, 4]]).dtype
    dtype('float64')
    """
    return Tensor(data, requires_grad=requires_grad, name=name, dtype=dtype)


# The ops build Tensors, so they are imported once the class exists.
from . import graph as _graph  # noqa: E402
from . import ops as _ops  # noqa: E402

__all__ = ["Tensor", "tensor"]

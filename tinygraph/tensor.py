"""The user-facing ``Tensor``: a NumPy array that remembers how it was made.

Every operator and method here is a one-line call into an op from
``tinygraph.ops``; the op computes the forward value, records itself as the
new tensor's ``op`` and knows its own local derivative. ``backward()`` hands
the graph to ``tinygraph.graph``, which walks it in reverse.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import modes

if TYPE_CHECKING:
    from .op import Op

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
    what = f"tensor {name!r}" if name else "tensor"
    if isinstance(data, Tensor):
        if data._op is not None:  # a copy of a parameter (a leaf) is fine
            _check_not_recorded(
                data, what, "use the tensor itself, or t.detach() to copy its values"
            )
        data = data._data
    elif isinstance(data, (list, tuple)):
        data = _unwrap_tensors(data, what)
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
        raise TypeError(
            f"{what}: cannot convert {type(data).__name__}: {err}"
        ) from None
    except OverflowError as err:
        raise ValueError(
            f"{what}: a number is out of range for the dtype: {err}"
        ) from None
    if array.dtype.kind not in _CONVERTIBLE_KINDS:
        raise TypeError(
            f"{what}: data must be numbers, got dtype {array.dtype} "
            f"(from {type(data).__name__})"
        )
    if dtype is None and array.dtype.kind != _FLOAT_KINDS:
        array = array.astype(np.float64)
    return array


def _unwrap_tensors(items, what):
    """``[tensor(1.), tensor(2.)]`` as ``[array(1.), array(2.)]``, at any depth,
    so a list of tensors becomes one tensor of their values (as in PyTorch)."""
    arrays = []
    for x in items:
        if isinstance(x, Tensor):
            _check_not_recorded(x, what, "use tg.stack([...]) to keep the graph, "
                                "or .detach() each one to copy its values")
            x = x._data
        elif isinstance(x, (list, tuple)):
            x = _unwrap_tensors(x, what)
        arrays.append(x)
    return arrays


def _check_not_recorded(t, what, instead):
    """Refuse to copy the values of a tensor that gradients flow through:
    the copy is a new leaf, so ``tg.tensor([w * 2, w * 3])`` would silently
    cut w out of every gradient computed from it."""
    if t._requires_grad and modes.current().grad_enabled:
        raise RuntimeError(
            f"{what}: the data holds the {_operand(t)}, which requires "
            "gradients; tg.tensor copies values and records nothing, so its "
            f"gradient would be lost; {instead}"
        )


def _who(name):
    return f"tensor {name!r}" if name is not None else "tensor"


def _check_float(array, name, doing):
    """Only floating-point data can carry gradients (an integer gradient would
    be truncated)."""
    if array.dtype.kind != _FLOAT_KINDS:
        raise TypeError(
            f"{_who(name)}: only floating-point tensors can require gradients, "
            f"but {doing} has dtype {array.dtype}; convert it first, "
            f"e.g. with .astype(np.float64)"
        )


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

    # What a reader may look at; the underscored slots are the engine's.
    grad: np.ndarray | None  # dJ/d(this tensor), filled in by backward()
    name: str | None
    scope: tuple[str, ...]

    # A node keeps its own inputs (``_arity`` of them) and the arrays its
    # forward pass used (``_saved``); the op itself is shared by every node
    # it makes. One or two inputs sit in slots of their own rather than in a
    # tuple: then each node is one object for Python's cycle collector,
    # which walks a long graph again and again while it grows (see
    # deep_chain in benchmarks/README.md).
    _op: Op | None
    _input0: TensorLike
    _input1: TensorLike
    _more_inputs: tuple[TensorLike, ...]
    __slots__ = (
        "_data", "grad", "_requires_grad", "name", "scope", "_order", "_held",
        "_op", "_arity", "_input0", "_input1", "_more_inputs", "_needs", "_saved",
        "__weakref__",
    )

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = False,
        name: str | None = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        array = _to_array(data, dtype, name)
        if requires_grad:
            _check_float(array, name, "its data")
        self._data = array
        self._held = False
        self.grad = None
        self._requires_grad = bool(requires_grad)
        self.name = name
        self.scope = ()
        self._order = next(_creation_counter)
        self._op = None
        self._arity = 0
        self._needs = ()
        self._saved = None

    @classmethod
    def _from_op(cls, data, op=None, inputs=(), needs=(), saved=None, scope=()):
        """The result of ``op`` on ``inputs``, ``needs[i]`` telling whether
        input ``i`` needs a gradient. Without an op: a tensor that records
        nothing (under no_grad, or when no input requires a gradient)."""
        t = cls.__new__(cls)
        t._data = data
        t._held = op is not None
        t.grad = None
        t._requires_grad = op is not None
        t.name = None
        t.scope = scope
        t._order = next(_creation_counter)
        t._op = op
        t._arity = arity = len(inputs)
        t._needs = needs
        t._saved = saved
        if arity > 2:
            t._more_inputs = inputs
        elif arity:
            t._input0 = inputs[0]
            if arity == 2:
                t._input1 = inputs[1]
        return t

    # ----- the graph -------------------------------------------------------

    @property
    def op(self) -> Op | None:
        """The operation that made this tensor, or None for a leaf."""
        return self._op

    @property
    def inputs(self) -> tuple[TensorLike, ...]:
        """The operands this tensor was computed from, tensors and constants,
        in argument order (empty for a leaf)."""
        arity = self._arity
        if arity == 1:
            return (self._input0,)
        if arity == 2:
            return (self._input0, self._input1)
        if arity == 0:
            return ()
        return self._more_inputs

    @property
    def parents(self) -> tuple[Tensor, ...]:
        """The tensors this one was computed from, in argument order."""
        return tuple(x for x in self.inputs if isinstance(x, Tensor))

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    # ----- the values, and who may change them ---------------------------
    #
    # A recorded graph keeps the arrays its backward pass will read, so
    # writing into one of them between forward and backward would give a
    # gradient of values the forward pass never saw. The graph therefore
    # makes the arrays it holds read-only (``_held`` marks a tensor whose
    # array it holds), and reading ``t.data`` afterwards gives the tensor a
    # writable copy of its own: ``W.data -= lr * W.grad`` after backward
    # works, and can never change what a graph computes its gradients from.

    @property
    def data(self) -> np.ndarray:
        """The values, a NumPy array (writable; see the note above)."""
        # (An array can be locked without this tensor knowing: ``detach``
        # shares it with a new leaf, and a graph may hold that one.)
        if self._held or not self._data.flags.writeable:
            self._data = self._data.copy()
            self._held = False
        return self._data

    @data.setter
    def data(self, array: TensorLike) -> None:
        if isinstance(array, Tensor):
            array = array._data
        if type(array) is not np.ndarray:
            array = np.asarray(array)
        if self._requires_grad and array.dtype.kind != _FLOAT_KINDS:
            _check_float(array, self.name, "the new data")
        self._data = array
        self._held = False

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this tensor (set it on leaves only)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self._op is not None:
            raise RuntimeError(
                f"{_who(self.name)}: requires_grad can only be changed on a leaf; "
                "this tensor was made by an operation (use .detach() for a leaf)"
            )
        if flag:
            _check_float(self._data, self.name, "its data")
        self._requires_grad = bool(flag)

    def named(self, name: str) -> Tensor:
        """Set ``self.name`` and return ``self``: ``Z = (W @ X + b).named("Z1")``."""
        self.name = name
        return self

    def backward(self, grad: TensorLike | None = None) -> None:
        """Backpropagate from this tensor; see ``tinygraph.graph.backward``."""
        _graph.backward(self, grad)

    def zero_grad(self) -> None:
        self.grad = None

    def detach(self) -> Tensor:
        """The same values as a new leaf that records nothing. It shares the
        array, as PyTorch's detach does; an array a graph holds stays held
        (read-only, copied when written through ``.data``)."""
        leaf = Tensor._from_op(self._data)
        leaf._held = self._held
        return leaf

    def __reduce__(self):
        # Pickled (and deep-copied) as a leaf, without the graph, as PyTorch
        # does: a graph's order is its creation numbers, which mean nothing
        # in another process.
        return (_leaf, (self._data, self._requires_grad, self.name, self.grad))

    # ----- array facts -----------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        return self._data.size

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    def item(self) -> float:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise ValueError(
                f"item: {_who(self.name)} of shape {self.shape} has "
                f"{self._data.size} elements; only a one-element tensor "
                "converts to a Python number"
            )
        return self._data.item()

    def numpy(self) -> np.ndarray:
        """The underlying array, shared, not copied (as ``np.asarray(t)``);
        read-only while a recorded graph holds it (see ``Tensor.data``)."""
        return self._shared()

    def _shared(self):
        """``self._data``, handed out without a copy, locked if a graph holds it.

        NOTE: an op's output is held by its own node (backward reads it:
        exp's derivative is its output), yet the engine leaves it writable
        while nobody else has it. Once handed out, a write through it would
        change the gradient of every node that saved it, so lock it here.
        """
        data = self._data
        if self._held and data.flags.writeable:
            data.setflags(write=False)
        return data

    def __array__(
        self, dtype: DTypeLike | None = None, copy: bool | None = None
    ) -> np.ndarray:
        """``np.asarray(t)`` may share the data; ``np.array(t)`` copies it."""
        if copy is False and dtype is not None and dtype != self._data.dtype:
            raise ValueError(
                "a tensor cannot be converted to another dtype without a copy"
            )
        if copy:
            return self._data.astype(dtype or self._data.dtype, copy=True)
        data = self._shared()
        return data if dtype is None else data.astype(dtype, copy=False)

    # NumPy functions called on tensors: tinygraph's op where it has one,
    # else a TypeError naming what to use (see numpy_interop).
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _numpy_interop.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _numpy_interop.array_function(func, types, args, kwargs)

    # ----- Python's protocols, as in PyTorch -----------------------------

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._data)

    def __iter__(self) -> Iterator[Tensor]:
        """Iterate over the first axis; each item is recorded as ``t[i]``."""
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._data)))

    def __contains__(self, value: TensorLike) -> bool:
        """``value in t``: whether any entry equals it (after broadcasting)."""
        return bool(_compare(np.equal, self, value)._data.any())

    def __bool__(self) -> bool:
        return bool(self._scalar("bool"))

    def __float__(self) -> float:
        return float(self._scalar("float"))

    def __int__(self) -> int:
        return int(self._scalar("int"))

    def __index__(self) -> int:
        """A one-element integer tensor as an index, ``x[: t.argmax()]``, as
        PyTorch allows; a float tensor is refused, as NumPy refuses 1.0."""
        if self._data.dtype.kind not in "iu":
            raise TypeError(
                f"{_who(self.name)} of dtype {self.dtype} cannot be an index; "
                "only an integer tensor of one element can (tg.argmax gives one)"
            )
        return int(self._scalar("index"))

    def _scalar(self, what):
        if self._data.size != 1:
            raise ValueError(
                f"{what}() of {_who(self.name)} of shape {self.shape} is "
                f"ambiguous: it has {self._data.size} elements; use "
                ".any() or .all() on t.data, or .item() on one element"
            )
        return self._data.item()

    # Tensors hash by identity (they key dicts), while == compares entries.
    __hash__ = object.__hash__

    def __eq__(self, other: TensorLike) -> Tensor:  # type: ignore[override]
        return _compare(np.equal, self, other)

    def __ne__(self, other: TensorLike) -> Tensor:  # type: ignore[override]
        return _compare(np.not_equal, self, other)

    def __lt__(self, other: TensorLike) -> Tensor:
        return _compare(np.less, self, other)

    def __le__(self, other: TensorLike) -> Tensor:
        return _compare(np.less_equal, self, other)

    def __gt__(self, other: TensorLike) -> Tensor:
        return _compare(np.greater, self, other)

    def __ge__(self, other: TensorLike) -> Tensor:
        return _compare(np.greater_equal, self, other)

    # Logical operators on boolean tensors (masks), entry by entry.
    def __and__(self, other: TensorLike) -> Tensor:
        return _compare(np.logical_and, self, other)

    def __rand__(self, other: TensorLike) -> Tensor:
        return _compare(np.logical_and, other, self)

    def __or__(self, other: TensorLike) -> Tensor:
        return _compare(np.logical_or, self, other)

    def __ror__(self, other: TensorLike) -> Tensor:
        return _compare(np.logical_or, other, self)

    def __invert__(self) -> Tensor:
        return Tensor._from_op(np.logical_not(self._data))

    def __repr__(self) -> str:
        body = np.array2string(self._data, prefix="tensor(", separator=", ")
        extras = ""
        if self._data.size == 0 and self._data.shape != (0,):
            # "[]" alone would hide it: (0, 3) and (3, 0) print alike
            extras += f", shape={self._data.shape}"
        if self.name is not None:
            extras += f", name={self.name!r}"
        if self._op is not None:
            extras += f", op={self._op.name}"
        elif self.requires_grad:
            extras += ", requires_grad=True"
        if self._data.dtype != np.float64:
            extras += f", dtype={self._data.dtype}"
        return f"tensor({body}{extras})"

    def __format__(self, spec: str) -> str:
        """``f"{J:.4f}"`` formats a one-element tensor's number, as PyTorch."""
        if not spec:
            return str(self)
        if self._data.size != 1:
            raise TypeError(
                f"format: {_who(self.name)} of shape {self.shape} has "
                f"{self._data.size} elements; the format {spec!r} takes one number"
            )
        return format(self._data.item(), spec)

    # ----- arithmetic operators ------------------------------------------

    def __add__(self, other: TensorLike) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: TensorLike) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: TensorLike) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: TensorLike) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: TensorLike) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: TensorLike) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: TensorLike) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        return _ops.div(other, self)

    def __pow__(self, other: TensorLike) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: TensorLike) -> Tensor:
        return _ops.pow(other, self)

    def __matmul__(self, other: TensorLike) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    # ----- in-place arithmetic, for updates: ``with tg.no_grad(): W -= lr * W.grad``

    def __iadd__(self, other: TensorLike) -> Tensor:
        return self._update(np.add, other, "+=")

    def __isub__(self, other: TensorLike) -> Tensor:
        return self._update(np.subtract, other, "-=")

    def __imul__(self, other: TensorLike) -> Tensor:
        return self._update(np.multiply, other, "*=")

    def __itruediv__(self, other: TensorLike) -> Tensor:
        return self._update(np.true_divide, other, "/=")

    # NOTE: without these two, Python would run W = W ** x (W = W @ x): a new
    # tensor, and under no_grad one that requires no gradient, would silently
    # take the place of a module's parameter, while the optimiser kept the old
    def __ipow__(self, other: TensorLike) -> Tensor:
        return self._update(np.power, other, "**=")

    def __imatmul__(self, other: TensorLike) -> Tensor:
        return self._update(np.matmul, other, "@=")

    def _update(self, operation, other, symbol):
        """``self <op>= other`` on the values, as PyTorch allows it: where no
        graph is being recorded through this tensor. The result is a new
        array, so a graph that used the old values keeps them."""
        self._check_in_place(symbol, other, f"write t = t {symbol[:-1]} x")
        try:
            new = operation(self._data, _values(other))
        except (ValueError, TypeError) as err:
            raise _plain(err)(
                f"{symbol}: cannot update {_operand(self)} with {_operand(other)}: "
                f"{err}"
            ) from err
        if new.shape != self._data.shape:
            raise ValueError(
                f"{_who(self.name)}: {symbol} {_operand(other)} would change its "
                f"shape {self.shape} to {new.shape}; in-place updates keep the shape"
            )
        if new.dtype != self._data.dtype:
            raise ValueError(
                f"{_who(self.name)}: {symbol} would change its dtype {self.dtype} to "
                f"{new.dtype}; in-place updates keep the dtype, so give the operand "
                f"dtype {self.dtype} (e.g. np.{self.dtype}(lr) * grad)"
            )
        self._data = new
        self._held = False
        return self

    def _check_in_place(self, symbol, other, instead):
        """Refuse a change of the values that a graph would not record."""
        recording = modes.current().grad_enabled
        if self._op is not None or (self._requires_grad and recording):
            raise RuntimeError(
                f"{_who(self.name)}: {symbol} would change a tensor that a recorded "
                "graph depends on; update a parameter inside `with tg.no_grad():`, "
                f"or {instead} to make a new node"
            )
        # NOTE: total = tg.zeros(1); total += w * x would keep the values and
        # drop the gradient: an in-place change is never recorded
        if isinstance(other, Tensor) and other._requires_grad and recording:
            raise RuntimeError(
                f"{_who(self.name)}: {symbol} is not recorded, so the "
                f"{_operand(other)}, which requires gradients, would lose its "
                f"gradient; {instead} to make a new node"
            )

    def __getitem__(self, index) -> Tensor:
        return _ops.getitem(self, index)

    def __setitem__(self, index, value: TensorLike) -> None:
        """``t[index] = value`` on the values, where ``+=`` is allowed: a
        tensor that no recorded graph goes through (a parameter inside
        ``tg.no_grad()``). As ``+=``, it makes a new array, so a graph that
        used the old values keeps them."""
        self._check_in_place("t[index] =", value, "build the tensor with tg.where")
        # NOTE: not written in place: a graph may hold a view of this array
        # (x[0] or x.T, made by an op that recorded nothing) and read it in
        # backward; a copy also makes t[0], t[1] = t[1], t[0] swap rows.
        new = self._data.copy()
        try:
            new[index] = _values(value)
        except (ValueError, TypeError, IndexError) as err:
            raise _plain(err)(
                f"setitem: cannot assign {_operand(value)} to {_operand(self)} "
                f"at {index!r}: {err}"
            ) from err
        self._data = new
        self._held = False

    # ----- methods (each is also a module-level function) ----------------

    def exp(self) -> Tensor:
        return _ops.exp(self)

    def log(self) -> Tensor:
        return _ops.log(self)

    def sqrt(self) -> Tensor:
        return _ops.sqrt(self)

    def abs(self) -> Tensor:
        return _ops.abs(self)

    def sign(self) -> Tensor:
        return _ops.sign(self)

    def sigmoid(self) -> Tensor:
        return _ops.sigmoid(self)

    def tanh(self) -> Tensor:
        return _ops.tanh(self)

    def relu(self) -> Tensor:
        return _ops.relu(self)

    def step(self) -> Tensor:
        return _ops.step(self)

    def softmax(self, axis: int = 0) -> Tensor:
        return _ops.softmax(self, axis)

    def log_softmax(self, axis: int = 0) -> Tensor:
        return _ops.log_softmax(self, axis)

    def logsumexp(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        return _ops.logsumexp(self, axis, keepdims)

    def log1p(self) -> Tensor:
        return _ops.log1p(self)

    def expm1(self) -> Tensor:
        return _ops.expm1(self)

    def erf(self) -> Tensor:
        return _ops.erf(self)

    def logaddexp(self, other: TensorLike) -> Tensor:
        return _ops.logaddexp(self, other)

    def sum(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        return _ops.sum(self, axis, keepdims)

    def mean(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        return _ops.mean(self, axis, keepdims)

    def max(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        return _ops.max(self, axis, keepdims)

    def min(
        self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Tensor:
        return _ops.min(self, axis, keepdims)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return _ops.argmax(self, axis, keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return _ops.argmin(self, axis, keepdims)

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        return _ops.clip(self, min, max)

    clamp = clip  # PyTorch's name

    def maximum(self, other: TensorLike) -> Tensor:
        return _ops.maximum(self, other)

    def minimum(self, other: TensorLike) -> Tensor:
        return _ops.minimum(self, other)

    def reshape(self, *shape: int | Sequence[int]) -> Tensor:
        return _ops.reshape(self, *shape)

    def transpose(self, *axes: int | Sequence[int]) -> Tensor:
        return _ops.transpose(self, *axes)

    def broadcast_to(self, shape: int | Sequence[int]) -> Tensor:
        return _ops.broadcast_to(self, shape)

    @property
    def T(self) -> Tensor:
        return _ops.transpose(self)

    # ----- statistics, shapes and elementwise maths (issue 16) -----------

    def var(
        self,
        axis: int | tuple[int, ...] | None = None,
        ddof: int = 0,
        keepdims: bool = False,
        *,
        correction: int | None = None,
    ) -> Tensor:
        return _ops.var(self, axis, ddof, keepdims, correction=correction)

    def std(
        self,
        axis: int | tuple[int, ...] | None = None,
        ddof: int = 0,
        keepdims: bool = False,
        *,
        correction: int | None = None,
    ) -> Tensor:
        return _ops.std(self, axis, ddof, keepdims, correction=correction)

    def prod(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return _ops.prod(self, axis, keepdims)

    def cumsum(self, axis: int | None = None) -> Tensor:
        return _ops.cumsum(self, axis)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _ops.flatten(self, start_dim, end_dim)

    def squeeze(self, axis: int | Sequence[int] | None = None) -> Tensor:
        return _ops.squeeze(self, axis)

    def unsqueeze(self, dim: int) -> Tensor:
        return _ops.unsqueeze(self, dim)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        return _ops.swapaxes(self, axis1, axis2)

    def expand(self, *shape: int | Sequence[int]) -> Tensor:
        return _ops.expand(self, *shape)

    def repeat(self, *sizes: int | Sequence[int]) -> Tensor:
        return _ops.repeat(self, *sizes)

    def split(
        self, indices_or_sections: int | Sequence[int], axis: int = 0
    ) -> list[Tensor]:
        """As ``tg.split``: NumPy's semantics (an int is a number of equal
        pieces, not PyTorch's piece size)."""
        return _ops.split(self, indices_or_sections, axis)

    def sin(self) -> Tensor:
        return _ops.sin(self)

    def cos(self) -> Tensor:
        return _ops.cos(self)

    def tan(self) -> Tensor:
        return _ops.tan(self)

    def sinh(self) -> Tensor:
        return _ops.sinh(self)

    def cosh(self) -> Tensor:
        return _ops.cosh(self)

    def square(self) -> Tensor:
        return _ops.square(self)

    def reciprocal(self) -> Tensor:
        return _ops.reciprocal(self)

    def floor(self) -> Tensor:
        return _ops.floor(self)

    def ceil(self) -> Tensor:
        return _ops.ceil(self)

    def round(self) -> Tensor:
        return _ops.round(self)

    def dot(self, other: TensorLike) -> Tensor:
        return _ops.dot(self, other)

    def outer(self, other: TensorLike) -> Tensor:
        return _ops.outer(self, other)


# What an operation takes: a tensor, or a constant (a number, a nested list,
# a NumPy array), which never becomes a node and gets no gradient.
TensorLike = Tensor | ArrayLike


def _values(x):
    return x._data if isinstance(x, Tensor) else x


def _compare(comparison, a, b):
    """An entry-by-entry comparison: a boolean tensor that records nothing
    (its derivative is zero wherever it exists)."""
    try:
        result = comparison(_values(a), _values(b))
    except (ValueError, TypeError) as err:
        raise _plain(err)(f"{comparison.__name__}: cannot compare {_operand(a)} "
                          f"with {_operand(b)}: {err}") from err
    return Tensor._from_op(np.asarray(result))


def _plain(err):
    """The built-in class to re-raise ``err`` as, with a message naming the
    operands. NOTE: NumPy's own subclasses (a missing ufunc loop) cannot be
    made from a message alone."""
    for kind in (IndexError, ValueError, TypeError):
        if isinstance(err, kind):
            return kind
    return type(err)


def _operand(x):
    if isinstance(x, Tensor):
        return f"{_who(x.name)} of shape {x.shape}"
    return f"an operand of shape {np.shape(x)}"


def _leaf(data, requires_grad, name, grad):
    """Rebuild a pickled tensor, as a leaf."""
    t = Tensor(data, requires_grad=requires_grad, name=name, dtype=data.dtype)
    t.grad = grad
    return t


def tensor(
    data: ArrayLike,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike | None = None,
) -> Tensor:
    """Make a leaf tensor.

    Python numbers, lists and integer or boolean arrays become float64; a
    float array keeps its dtype; ``dtype=`` forces one. The data is copied.

    >>> tensor([[1, 2], [3, 4]]).dtype
    dtype('float64')
    """
    return Tensor(data, requires_grad=requires_grad, name=name, dtype=dtype)


# The ops build Tensors, so they are imported once the class exists.
from . import graph as _graph  # noqa: E402
from . import numpy_interop as _numpy_interop  # noqa: E402
from . import ops as _ops  # noqa: E402

__all__ = ["Tensor", "TensorLike", "tensor"]

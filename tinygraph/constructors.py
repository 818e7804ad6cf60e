"""Tensors made from a shape or a range: ``zeros``, ``ones``, ``full``,
``eye``, ``arange``, ``linspace``, the ``*_like`` forms, and random ``randn``,
``rand`` and ``uniform``.

Each follows NumPy's function of the same name (PyTorch's for ``rand`` and
``randn``), makes a new leaf, and takes ``requires_grad``, ``name`` and
``dtype`` (float64 unless told otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .tensor import Tensor


def _shape(shape, who="shape"):
    """``(2, 3)`` from ``(2, 3)``, ``((2, 3),)`` or ``([2, 3],)``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"{who}: shape must be non-negative integers, got {shape}")
    return tuple(int(n) for n in shape)


def _one_shape(who, shape):
    """NumPy's single shape argument: an int or a sequence of ints."""
    return _shape((shape,), who)


def _new(values, dtype, requires_grad, name):
    # NOTE: dtype goes to Tensor too: without it, Tensor turns integer data
    # into float64, and dtype=int would be silently dropped.
    return Tensor(values, requires_grad, name, dtype)


def _random_dtype(who, dtype):
    """``dtype``, checked to be a float dtype: random numbers cast to
    integers would be truncated (rand's would all be 0)."""
    if np.dtype(dtype).kind != "f":
        raise TypeError(
            f"{who}: dtype must be a float dtype, got {np.dtype(dtype)} "
            "(its random numbers would be truncated to integers)"
        )
    return dtype


def zeros(
    *shape: int | Sequence[int],
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """A tensor of zeros: ``tg.zeros(2, 3)`` or ``tg.zeros((2, 3))``."""
    return _new(np.zeros(_shape(shape, "zeros")), dtype, requires_grad, name)


def ones(
    *shape: int | Sequence[int],
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """A tensor of ones: ``tg.ones(2, 3)`` or ``tg.ones((2, 3))``."""
    return _new(np.ones(_shape(shape, "ones")), dtype, requires_grad, name)


def full(
    shape: int | Sequence[int],
    fill_value: float,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """A tensor of ``shape`` with every entry ``fill_value``.

    >>> full((2, 3), 0.5).data[0]
    array([0.5, 0.5, 0.5])
    """
    values = np.full(_one_shape("full", shape), fill_value, dtype=dtype)
    return _new(values, dtype, requires_grad, name)


def eye(
    n: int,
    m: int | None = None,
    k: int = 0,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """The n × m matrix (m = n by default) with ones on diagonal ``k``.

    >>> eye(2).data
    array([[1., 0.],
           [0., 1.]])
    """
    rows, cols = _one_shape("eye", (n, n if m is None else m))
    return _new(np.eye(rows, cols, k), dtype, requires_grad, name)


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """start, start + step, ... up to but not including stop (``arange(n)``
    is 0, 1, ..., n - 1), as floats unless ``dtype`` says otherwise.

    >>> arange(3).data
    array([0., 1., 2.])
    """
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError(f"arange: step must not be 0 (from {start} to {stop})")
    try:
        values = np.arange(start, stop, step)
    except TypeError as err:  # arange("a")
        raise TypeError(
            f"arange: start, stop and step must be numbers ({err})"
        ) from None
    return _new(values, dtype, requires_grad, name)


def linspace(
    start: float,
    stop: float,
    num: int = 50,
    endpoint: bool = True,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """``num`` evenly spaced numbers from start to stop (stop included unless
    ``endpoint=False``).

    >>> linspace(0, 1, 5).data
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    if not isinstance(num, (int, np.integer)) or num < 0:
        raise ValueError(f"linspace: num must be a non-negative integer, got {num!r}")
    values = np.linspace(start, stop, int(num), endpoint=endpoint)
    return _new(values, dtype, requires_grad, name)


# ----- the shape (and float dtype) of another tensor ------------------------


def _like(x, dtype):
    """x's shape, and ``dtype`` or else x's own float dtype (float64 for an
    integer or boolean x, as ``tg.tensor`` makes it)."""
    x = x.numpy() if isinstance(x, Tensor) else np.asarray(x)  # (.data copies)
    if dtype is None:
        dtype = x.dtype if x.dtype.kind == "f" else np.float64
    return x.shape, dtype


def zeros_like(
    x: Tensor | ArrayLike,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike | None = None,
) -> Tensor:
    """Zeros of x's shape (and float dtype): a new leaf, not part of x's graph."""
    shape, dtype = _like(x, dtype)
    return _new(np.zeros(shape), dtype, requires_grad, name)


def ones_like(
    x: Tensor | ArrayLike,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike | None = None,
) -> Tensor:
    """Ones of x's shape (and float dtype): a new leaf, not part of x's graph."""
    shape, dtype = _like(x, dtype)
    return _new(np.ones(shape), dtype, requires_grad, name)


def full_like(
    x: Tensor | ArrayLike,
    fill_value: float,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike | None = None,
) -> Tensor:
    """``fill_value`` in x's shape (and float dtype): a new leaf.

    >>> full_like(ones(2), 3).data
    array([3., 3.])
    """
    shape, dtype = _like(x, dtype)
    return _new(np.full(shape, fill_value, dtype=dtype), dtype, requires_grad, name)


# ----- random ---------------------------------------------------------------


def _generator(who, rng, seed):
    """``rng`` itself, or a new generator seeded with ``seed``."""
    if rng is not None and seed is not None:
        raise ValueError(f"{who}: give rng= or seed=, not both")
    return rng if rng is not None else np.random.default_rng(seed)


def randn(
    *shape: int | Sequence[int],
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """Standard normal entries, from ``rng`` (a ``numpy.random.Generator``)
    or a new generator seeded with ``seed``.

    >>> randn(2, 3, seed=0).shape
    (2, 3)
    """
    dtype = _random_dtype("randn", dtype)
    values = _generator("randn", rng, seed).standard_normal(_shape(shape, "randn"))
    return _new(values, dtype, requires_grad, name)


def rand(
    *shape: int | Sequence[int],
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """Entries uniform on [0, 1), from ``rng`` or a new generator seeded
    with ``seed`` (as randn).

    >>> rand(2, 3, seed=0).shape
    (2, 3)
    """
    dtype = _random_dtype("rand", dtype)
    values = _generator("rand", rng, seed).random(_shape(shape, "rand"))
    return _new(values, dtype, requires_grad, name)


def uniform(
    low: float = 0.0,
    high: float = 1.0,
    size: int | Sequence[int] = (),
    rng: np.random.Generator | None = None,
    seed: int | None = None,
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """Entries uniform on [low, high), in NumPy's ``Generator.uniform`` order
    of arguments, from ``rng`` or a new generator seeded with ``seed``.

    >>> uniform(-1, 1, (2, 3), seed=0).shape
    (2, 3)
    """
    # (np.all: low and high may be arrays, one bound per entry, as in NumPy)
    if not np.all(np.asarray(low) <= np.asarray(high)):
        raise ValueError(f"uniform: low ({low}) must not be above high ({high})")
    dtype = _random_dtype("uniform", dtype)
    generator = _generator("uniform", rng, seed)
    values = generator.uniform(low, high, _one_shape("uniform", size))
    return _new(np.asarray(values), dtype, requires_grad, name)

"""Tensors made from a shape: ``zeros``, ``ones`` and ``randn``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import DTypeLike

from .tensor import Tensor


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
        raise ValueError(f"shape must be non-negative integers, got {shape}")
    return tuple(int(n) for n in shape)


def zeros(
    *shape: int | Sequence[int],
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """A tensor of zeros: ``tg.zeros(2, 3)`` or ``tg.zeros((2, 3))``."""
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad, name)


def ones(
    *shape: int | Sequence[int],
    requires_grad: bool = False,
    name: str | None = None,
    dtype: DTypeLike = np.float64,
) -> Tensor:
    """A tensor of ones: ``tg.ones(2, 3)`` or ``tg.ones((2, 3))``."""
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad, name)


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
    if rng is not None and seed is not None:
        raise ValueError("randn: give rng= or seed=, not both")
    rng = rng if rng is not None else np.random.default_rng(seed)
    data = rng.standard_normal(_shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad, name)

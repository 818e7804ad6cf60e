"""Inverted dropout: drop units at random while training, nothing at test time.

Each entry is kept with probability q = 1 - p and the kept entries are
divided by q, so the expected value of every unit is unchanged,
E[mask * a / q] = a, and evaluation needs no rescaling: in ``eval()``
dropout is the identity.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..tensor import Tensor, TensorLike
from .layers import as_generator
from .module import Module


def _check_p(p):
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p < 1:
        raise ValueError(
            f"Dropout: p (the drop probability) must be in [0, 1), got {p!r}"
        )
    return float(p)


def dropout(
    A: TensorLike,
    p: float,
    training: bool = True,
    rng: int | np.random.Generator | None = None,
) -> TensorLike:
    """Zero each entry of ``A`` with probability ``p`` and scale the rest by
    1 / (1 - p); return ``A`` unchanged when not ``training`` or ``p == 0``.

    The mask is a constant of the graph, so dJ/dA = mask / (1 - p) * dJ/dout.

    >>> import numpy as np
    >>> import tinygraph as tg
    >>> out = tg.nn.dropout(tg.ones(2, 4), p=0.5, rng=0)
    >>> sorted(set(out.data.ravel().tolist()))
    [0.0, 2.0]
    """
    p = _check_p(p)
    if not training or p == 0:
        return A
    generator = as_generator(rng, "dropout")
    shape = A.shape if isinstance(A, Tensor) else np.shape(A)
    keep = 1.0 - p
    dtype = A.dtype if isinstance(A, Tensor) else np.result_type(np.asarray(A), 1.0)
    # A Python float keeps a float32 mask float32.
    scaled_mask = (generator.random(shape) < keep).astype(dtype) / keep
    return A * scaled_mask


class Dropout(Module):
    """Inverted dropout with drop probability ``p``; identity in ``eval()``.

    Parameters
    ----------
    p : probability of zeroing each entry, in [0, 1).
    rng : None, an integer seed or a ``numpy.random.Generator``; one
        generator serves every call, so successive masks differ.

    Examples
    --------
    >>> import tinygraph as tg
    >>> drop = tg.nn.Dropout(0.5, rng=0)
    >>> x = tg.ones(3, 4)
    >>> drop.eval()(x) is x
    True
    """

    def __init__(
        self, p: float = 0.5, rng: int | np.random.Generator | None = None
    ) -> None:
        super().__init__()
        self.p = _check_p(p)
        self.rng = as_generator(rng, "Dropout")

    def forward(self, A: TensorLike) -> TensorLike:
        return dropout(A, self.p, training=self.training, rng=self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"

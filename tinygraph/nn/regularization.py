"""Weight penalties added to a cost, as in the notes' regularisation section.

Both scale with 1/m, like the costs they are added to: L2 is
lam/(2m) sum_w w^2 with derivative lam/m w ("weight decay"), L1 is
lam/m sum_w |w| with derivative lam/m sign(w). The notes penalise the
weights only, so pass the weight matrices, not the biases.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from ..scopes import scope
from ..tensor import Tensor


def _checked(params: Iterable[Tensor], lam: float, m: int, who: str) -> list[Tensor]:
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{who}: params[{i}] is a {type(p).__name__}, not a tensor")
    if not params:
        raise ValueError(f"{who}: params is empty; pass the weight tensors to penalise")
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not lam >= 0:
        raise ValueError(f"{who}: lam must be a number >= 0, got {lam!r}")
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
        raise ValueError(
            f"{who}: m (the number of examples) must be a positive integer, got {m!r}"
        )
    return params


def l2_penalty(params: Iterable[Tensor], lam: float, m: int) -> Tensor:
    """lam/(2m) sum_w w^2 over every entry of every tensor in ``params``.

    >>> import tinygraph as tg
    >>> W = tg.tensor([[1.0, -2.0]], requires_grad=True, name="W1")
    >>> R = tg.nn.l2_penalty([W], lam=0.1, m=10)
    >>> R.backward()
    >>> round(R.item(), 6), W.grad
    (0.025, array([[ 0.01, -0.02]]))
    """
    params = _checked(params, lam, m, "l2_penalty")
    # A scope of its own, so a drawing can fold the penalty into one box.
    with scope("L2 penalty"):
        total = (params[0] ** 2).sum()
        for w in params[1:]:
            total = total + (w**2).sum()
        return total * (lam / (2 * m))


def l1_penalty(params: Iterable[Tensor], lam: float, m: int) -> Tensor:
    """lam/m sum_w |w| over every entry of every tensor in ``params``.

    Its derivative lam/m sign(w) is taken as 0 at w = 0.

    >>> import tinygraph as tg
    >>> W = tg.tensor([[1.0, -2.0]], requires_grad=True, name="W1")
    >>> R = tg.nn.l1_penalty([W], lam=0.1, m=10)
    >>> R.backward()
    >>> round(R.item(), 6), W.grad
    (0.03, array([[ 0.01, -0.01]]))
    """
    params = _checked(params, lam, m, "l1_penalty")
    with scope("L1 penalty"):
        total = params[0].abs().sum()
        for w in params[1:]:
            total = total + w.abs().sum()
        return total * (lam / m)

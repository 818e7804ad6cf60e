"""Checking autodiff against central finite differences.

The check is an independent oracle: the numerical side only evaluates
``f`` on perturbed copies of the inputs, in float64, and never looks at the
graph. A non-scalar output is reduced with fixed random weights, so every
output entry pushes a different upstream gradient.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class GradcheckResult:
    """Truthy when autodiff and finite differences agree.

    On disagreement, ``input_index``, ``entry``, ``analytic``, ``numeric``
    and ``error`` say where and by how much; ``str(result)`` says it in words.
    """

    ok: bool
    max_error: float
    input_index: int = None
    input_name: str = None
    entry: tuple = None
    analytic: float = None
    numeric: float = None
    error: float = None

    def __bool__(self):
        return self.ok

    def __str__(self):
        if self.ok:
            return f"gradcheck passed (largest difference {self.max_error:.3g})"
        who = f"input {self.input_index}"
        if self.input_name:
            who += f" ({self.input_name!r})"
        return (
            f"gradcheck failed for {who} at entry {self.entry}: autodiff gives "
            f"{self.analytic:.10g}, finite differences give {self.numeric:.10g} "
            f"(difference {self.error:.3g})"
        )


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-4, seed=0):
    """Compare autodiff gradients of ``f(*inputs)`` with central differences.

    Parameters
    ----------
    f : callable taking tensors and returning a tensor.
    inputs : sequence of tensors; those with ``requires_grad`` are checked.
    eps : step of the central difference (f(x+eps) - f(x-eps)) / (2 eps).
    atol, rtol : entries agree when |analytic - numeric| <= atol + rtol |numeric|.

    Examples
    --------
    >>> import tinygraph as tg
    >>> x = tg.tensor([0.5, 2.0], requires_grad=True)
    >>> bool(tg.gradcheck(lambda t: (t * t.log()).sum(), [x]))
    True
    """
    from .tensor import tensor

    originals = list(inputs)
    # float64 copies, so the differences are not drowned by float32 rounding.
    xs = [
        tensor(np.array(x.data, dtype=np.float64), requires_grad=x.requires_grad, name=x.name)
        for x in originals
    ]
    out = f(*xs)
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, size=out.data.shape)

    def projected(*args):
        return float(np.sum(np.asarray(f(*args).data, dtype=np.float64) * weights))

    for x in xs:
        x.grad = None
    out.backward(weights)

    worst = 0.0
    for i, x in enumerate(xs):
        if not x.requires_grad:
            continue
        analytic = x.grad if x.grad is not None else np.zeros_like(x.data)
        numeric = _central_differences(projected, xs, i, eps)
        error = np.abs(analytic - numeric)
        limit = atol + rtol * np.abs(numeric)
        if error.size:
            worst = max(worst, float(error.max()))
        bad = np.argwhere(~(error <= limit))
        if len(bad):
            entry = tuple(int(k) for k in bad[np.argmax(error[tuple(bad.T)])])
            return GradcheckResult(
                ok=False,
                max_error=worst,
                input_index=i,
                input_name=x.name,
                entry=entry,
                analytic=float(analytic[entry]),
                numeric=float(numeric[entry]),
                error=float(error[entry]),
            )
    return GradcheckResult(ok=True, max_error=worst)


def _central_differences(projected, xs, i, eps):
    x = xs[i].data
    numeric = np.zeros_like(x)
    for entry in np.ndindex(*x.shape):
        saved = x[entry]
        x[entry] = saved + eps
        above = projected(*xs)
        x[entry] = saved - eps
        below = projected(*xs)
        x[entry] = saved
        numeric[entry] = (above - below) / (2 * eps)
    return numeric

"""Checking autodiff against central finite differences.

The check is an independent oracle: the numerical side only evaluates
``f`` on perturbed copies of the inputs, in float64, and never looks at the
graph. The output is reduced with fixed random weights, so every output
entry pushes a different upstream gradient (and a backward that forgets to
multiply by its upstream gradient is caught even when ``f`` is a scalar).
A disagreement is then reported as one derivative, d f[k] / d x[j], worked
out both ways.
"""

from dataclasses import dataclass

import numpy as np

from .tensor import Tensor, tensor


@dataclass
class GradcheckResult:
    """Truthy when autodiff and finite differences agree.

    On disagreement, ``input_index`` and ``entry`` say which input entry j
    the check failed at, ``output_entry`` which output entry k (``()`` for a
    0-d output), and ``analytic``, ``numeric`` and ``error`` give the
    derivative d f[k] / d x[j] by autodiff, by finite differences and their
    difference; ``note`` explains a failure that no single derivative shows.
    ``str(result)`` says it in words. ``max_error`` is the largest difference
    the weighted check saw.
    """

    ok: bool
    max_error: float
    input_index: int | None = None
    input_name: str | None = None
    entry: tuple | None = None
    output_entry: tuple | None = None
    analytic: float | None = None
    numeric: float | None = None
    error: float | None = None
    note: str | None = None

    def __bool__(self):
        return self.ok

    def __str__(self):
        if self.ok:
            return f"gradcheck passed (largest difference {self.max_error:.3g})"
        who = f"input {self.input_index}"
        if self.input_name:
            who += f" ({self.input_name!r})"
        x = self.input_name or f"inputs[{self.input_index}]"
        text = (
            f"gradcheck failed for {who} at entry {self.entry}: "
            f"d f{_at(self.output_entry)} / d {x}{_at(self.entry)} is "
            f"{self.analytic:.10g} by autodiff but {self.numeric:.10g} by finite "
            f"differences (difference {self.error:.3g})"
        )
        return text + (f"; {self.note}" if self.note else "")


def _at(entry):
    """An entry as an index: (1, 2) -> "[1, 2]", () -> ""."""
    return f"[{', '.join(map(str, entry))}]" if entry else ""


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-4, seed=0):
    """Compare autodiff gradients of ``f(*inputs)`` with central differences.

    With random weights w (one per output entry) the check compares, for
    each entry x_j of each input, d(sum_k w_k f_k) / d x_j by autodiff and by
    (g(x_j + eps) - g(x_j - eps)) / (2 eps), g = sum_k w_k f_k.

    Parameters
    ----------
    f : callable taking tensors and returning a tensor.
    inputs : list of tensors; those with ``requires_grad`` are checked.
    eps : step of the central difference.
    atol, rtol : values agree when |analytic - numeric| <= atol + rtol |numeric|.

    Examples
    --------
    >>> import tinygraph as tg
    >>> x = tg.tensor([0.5, 2.0], requires_grad=True)
    >>> bool(tg.gradcheck(lambda t: (t * t.log()).sum(), [x]))
    True
    """
    originals = _checked_inputs(inputs, Tensor)
    # float64 copies, so the differences are not drowned by float32 rounding;
    # the numerical side perturbs these arrays and never a tensor's own data.
    values = [np.array(x.data, dtype=np.float64) for x in originals]

    def call(arrays):
        xs = [
            tensor(a, requires_grad=x.requires_grad, name=x.name)
            for a, x in zip(arrays, originals)
        ]
        out = f(*xs)
        if not isinstance(out, Tensor):
            raise TypeError(
                f"gradcheck: f ({getattr(f, '__name__', f)!r}) returned a "
                f"{type(out).__name__}, not a tensor; build its result from its "
                "tensor arguments with tensor operations (x.sum(), not "
                "float(...), np.sum(...) or x.data)"
            )
        return xs, out

    def column(i, entry):
        """d f / d x_i[entry] by central differences, an array of f's shape."""
        x = values[i]
        saved = x[entry]
        x[entry] = saved + eps
        above = np.asarray(call(values)[1].data, dtype=np.float64)
        x[entry] = saved - eps
        below = np.asarray(call(values)[1].data, dtype=np.float64)
        x[entry] = saved
        return (above - below) / (2 * eps)

    def close(analytic, numeric):
        return np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)

    xs, out = call(values)
    _check_uses_an_argument(f, xs, out)
    weights = np.random.default_rng(seed).uniform(0.5, 1.5, size=out.shape)
    out.backward(weights)

    worst = 0.0
    for i, x in enumerate(xs):
        if not x.requires_grad:
            continue
        analytic = x.grad if x.grad is not None else np.zeros_like(values[i])
        numeric = np.zeros_like(values[i])
        for entry in np.ndindex(*numeric.shape):
            numeric[entry] = np.vdot(weights, column(i, entry))
        error = np.abs(analytic - numeric)
        if error.size:
            worst = max(worst, float(error.max()))
        bad = np.argwhere(~close(analytic, numeric))
        if len(bad):
            entry = tuple(int(k) for k in bad[np.argmax(error[tuple(bad.T)])])
            return _failure(
                i,
                x,
                entry,
                analytic=_autodiff_column(out, x, entry),
                numeric=column(i, entry),
                weights=weights,
                weighted=(float(analytic[entry]), float(numeric[entry])),
                close=close,
                worst=worst,
            )
    return GradcheckResult(ok=True, max_error=worst)


def _checked_inputs(inputs, tensor_class):
    """``inputs`` as a list of tensors, or an error saying what to pass."""
    if isinstance(inputs, tensor_class):
        raise TypeError(
            f"gradcheck: inputs must be a list of tensors, got one tensor of "
            f"shape {inputs.shape}; write [x]"
        )
    if isinstance(inputs, np.ndarray):
        raise TypeError(
            f"gradcheck: inputs must be a list of tensors, got a NumPy array of "
            f"shape {inputs.shape}; write [tg.tensor(x, requires_grad=True)]"
        )
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, tensor_class):
            what = (
                f"a NumPy array of shape {x.shape}"
                if isinstance(x, np.ndarray)
                else f"a {type(x).__name__}"
            )
            raise TypeError(
                f"gradcheck: inputs[{i}] is {what}, not a tensor; wrap it: "
                "tg.tensor(x, requires_grad=True) to check its gradient, "
                "tg.tensor(x) to hold it fixed"
            )
    if not any(x.requires_grad for x in inputs):
        raise ValueError(
            f"gradcheck: no input requires gradients ({len(inputs)} given), so "
            "there is nothing to check; make them with requires_grad=True"
        )
    return inputs


def _check_uses_an_argument(f, xs, out):
    """Raise unless ``out`` was computed from an argument that is checked.

    NOTE: f called on copies that ignores them (``lambda t: x * x``, with the
    caller's own x) has no derivative with respect to its arguments by
    either method, so the check would pass having checked nothing, and the
    backward pass would write into the caller's x.grad.
    """
    checked = {id(x) for x in xs if x.requires_grad}
    stack, seen = [out], set()
    while stack:  # the graph, walked back through its public parents
        node = stack.pop()
        if id(node) in checked:
            return
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend(node.parents)
    shapes = ", ".join(str(x.shape) for x in xs if x.requires_grad)
    raise ValueError(
        f"gradcheck: the output of f ({getattr(f, '__name__', f)!r}, shape "
        f"{out.shape}) does not depend on any argument that requires gradients "
        f"(shapes {shapes}), so there is nothing to check; build it from f's "
        "own arguments with tensor operations (lambda t: t * t, not a closure "
        "over the original tensor, nor t.data)"
    )


def _autodiff_column(out, x, entry):
    """d out[k] / d x[entry] for every output entry k, by autodiff: one
    backward pass per k, with upstream gradient 1 at k and 0 elsewhere."""
    column = np.zeros(out.shape)
    for k in np.ndindex(*out.shape):
        upstream = np.zeros(out.shape)
        upstream[k] = 1
        x.grad = None
        out.backward(upstream)
        if x.grad is not None:
            column[k] = x.grad[entry]
    return column


def _failure(i, x, entry, analytic, numeric, weights, weighted, close, worst):
    """The failure at input i's ``entry`` j, told as the derivative
    d f[k] / d x[j] that is most off (``analytic`` and ``numeric`` hold them
    for every k; ``weighted`` holds the check's own two numbers)."""
    weighted_analytic, weighted_numeric = weighted
    gap = np.abs(analytic - numeric)
    k = tuple(int(n) for n in np.unravel_index(np.argmax(gap), gap.shape))
    note = None
    if close(analytic[k], numeric[k]):
        # The weighted check failed, yet no derivative on its own does.
        implied = float(np.vdot(weights, analytic))
        if not close(weighted_analytic, implied):
            note = (
                f"with the check's random upstream weights autodiff gives "
                f"{weighted_analytic:.10g}, not {implied:.10g}, the weighted sum "
                "of its derivatives: backward is not linear in its upstream "
                "gradient (does an op's backward forget to multiply by grad?)"
            )
        else:
            note = (
                "each derivative is within tolerance, but their weighted sum is "
                f"{weighted_analytic:.10g} by autodiff and {weighted_numeric:.10g} "
                "by finite differences"
            )
    return GradcheckResult(
        ok=False,
        max_error=worst,
        input_index=i,
        input_name=x.name,
        entry=entry,
        output_entry=k,
        analytic=float(analytic[k]),
        numeric=float(numeric[k]),
        error=float(gap[k]),
        note=note,
    )

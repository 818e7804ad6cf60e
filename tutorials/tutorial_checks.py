"""Small helpers the tutorial notebooks share: answer checks and comparisons.

``check`` is what every exercise's check cell calls: it compares the
student's answer with a value the notebook computed with tinygraph and says,
in words, whether the answer is right. It never raises, so a notebook with
unanswered exercises still runs top to bottom.
"""

from pathlib import Path

import numpy as np

# The repository's root, wherever the notebook's kernel was started.
REPO_ROOT = Path(__file__).resolve().parent.parent


class Verdict:
    """The outcome of ``check``: truthy when the answer is right.

    Jupyter shows nothing for it, since ``check`` has already said it in words.
    """

    def __init__(self, correct):
        self.correct = bool(correct)

    def __bool__(self):
        return self.correct

    def __repr__(self):
        return f"Verdict(correct={self.correct})"

    def _ipython_display_(self):
        pass


def check(answer, expected, what="your answer", rtol=1e-3, atol=None):
    """Say whether ``answer`` matches ``expected``; the result is truthy if so.

    ``answer`` may be a number, an array, a tensor (its ``.data`` is used) or
    a function, which is then called on ``expected``'s inputs by the caller
    beforehand. ``None`` or ``...`` means "not answered yet".

    A hand answer is rounded, so it counts as right when every entry agrees
    to about four significant figures: within ``rtol`` of itself, or within
    1e-4 times the largest entry of ``expected`` (so that an entry near zero
    in an array of larger ones is not held to more digits than the rest).
    ``-1.3333`` is right for -4/3; ``-1.33`` is not. An explicit ``atol``
    replaces the second allowance by an absolute one.

    >>> bool(check(0.5, 0.5, "dJ/du"))
    dJ/du: correct.
    True
    """
    if answer is None or answer is Ellipsis:
        print(f"{what}: not answered yet (replace the ... with your answer).")
        return Verdict(False)
    got = np.asarray(getattr(answer, "data", answer), dtype=float)
    want = np.asarray(getattr(expected, "data", expected), dtype=float)
    if got.shape != want.shape and got.size != want.size:
        print(f"{what}: wrong shape, got {got.shape}, expected {want.shape}.")
        return Verdict(False)
    got = got.reshape(want.shape)
    if atol is None:
        atol = 1e-4 * float(np.max(np.abs(want), initial=0.0)) + 1e-12
    if np.allclose(got, want, rtol=rtol, atol=atol):
        print(f"{what}: correct.")
        return Verdict(True)
    index = np.unravel_index(np.argmax(np.abs(got - want)), want.shape)
    worst = tuple(int(i) for i in index)
    where = f" at entry {worst}" if want.ndim else ""
    print(
        f"{what}: not yet{where}: you have {got[worst]:.6g}, "
        f"tinygraph says {want[worst]:.6g}."
    )
    return Verdict(False)


def close(a, b, atol=1e-10, rtol=1e-7):
    """True when two arrays (or tensors) agree to the given tolerance."""
    a = np.asarray(getattr(a, "data", a), dtype=float)
    b = np.asarray(getattr(b, "data", b), dtype=float)
    return a.shape == b.shape and np.allclose(a, b, atol=atol, rtol=rtol)


def numeric_derivative(f, z, eps=1e-6):
    """Central difference (f(z + eps) - f(z - eps)) / (2 eps), elementwise."""
    z = np.asarray(z, dtype=float)
    return (f(z + eps) - f(z - eps)) / (2 * eps)

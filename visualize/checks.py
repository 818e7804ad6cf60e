"""Hand-derived gradients held against autodiff: ``draw(J, expect={...})``.

A check agrees when every entry satisfies
``|autodiff - expected| <= atol + rtol * |expected|`` (NumPy's ``allclose``
rule), and reports the largest absolute error either way, plus the worst
entry when they disagree.
"""

from dataclasses import dataclass

import numpy as np

from .values import index_text, number_text, shape_text

RTOL = 1e-5
ATOL = 1e-8


@dataclass
class Check:
    """The verdict for one node: ``agrees``, the largest error and a message."""

    node: object
    expected: np.ndarray
    agrees: bool
    max_error: float
    message: str


def check(node, label, autodiff, expected, rtol=RTOL, atol=ATOL, root="J"):
    """Compare ``autodiff`` (dJ/d``node``) with the hand-derived ``expected``;
    ``root`` is the root's label, the J of the message's ∂J/∂``label``.

    >>> import numpy as np
    >>> c = check(None, "Z", np.array([0.5, -0.25]), np.array([0.5, -0.25]))
    >>> c.agrees, c.message
    (True, '✓ matches your ∂J/∂Z (max |error| 0, rtol 1e-05, atol 1e-08)')
    """
    expected = np.asarray(getattr(expected, "data", expected), dtype=np.float64)
    autodiff = np.asarray(autodiff, dtype=np.float64)
    if expected.shape != autodiff.shape:
        return Check(
            node, expected, False, float("inf"),
            f"✗ your ∂{root}/∂{label} has shape {shape_text(expected.shape)}, "
            f"autodiff's has {shape_text(autodiff.shape)}",
        )
    error = np.abs(autodiff - expected)
    max_error = float(error.max()) if error.size else 0.0
    tolerance = f"rtol {rtol:g}, atol {atol:g}"
    if np.allclose(autodiff, expected, rtol=rtol, atol=atol, equal_nan=False):
        return Check(
            node, expected, True, max_error,
            f"✓ matches your ∂{root}/∂{label} (max |error| {number_text(max_error)}, "
            f"{tolerance})",
        )
    # The entry that misses its tolerance by the most (NaN counts as worst).
    excess = np.nan_to_num(error - rtol * np.abs(expected), nan=np.inf)
    worst = np.unravel_index(int(np.argmax(excess)), error.shape)
    return Check(
        node, expected, False, max_error,
        f"✗ differs from your ∂{root}/∂{label}: max |error| {number_text(max_error)} "
        f"({tolerance}); worst entry {index_text(worst)}: autodiff "
        f"{number_text(autodiff[worst])}, yours {number_text(expected[worst])}",
    )

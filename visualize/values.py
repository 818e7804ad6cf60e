"""How numbers appear in drawings, tables and the step-through page.

Small arrays are shown in full, each entry to 4 significant digits, laid
out the way NumPy prints them; larger ones are summarised by their mean,
min, max and Euclidean norm, so a node stays a few lines tall whatever its
shape.
"""

import math
import re
import sys

import numpy as np

# Arrays with at most this many entries, in at most this many rows, are
# printed entry by entry (a 4 x 4 matrix in full); a bias column of 8 is
# summarised, not 8 lines tall.
FULL_LIMIT = 16
ROW_LIMIT = 4
PRECISION = 4
# A mean within this fraction of the largest entry is rounding noise.
NOISE = 1e-12
# NOTE: np.array2string reads the user's np.set_printoptions for anything not
# passed: suppress=True would print a gradient of 1e-09 as 0, threshold=3
# would hide entries behind "...". Every option that changes the text is fixed.
PRINT_OPTIONS = {
    "suppress_small": False,
    "threshold": sys.maxsize,
    "floatmode": "maxprec",
    "sign": "-",
    "legacy": False,
}


def shape_text(shape):
    """``(3, 4)``, ``(3,)`` or ``scalar`` for a shape tuple."""
    return "scalar" if tuple(shape) == () else str(tuple(shape))


def number_text(x):
    """One number with 4 significant digits: ``0.1235``, ``-2.5``, ``1e-09``."""
    # Adding 0.0 turns -0.0 into 0.0, which reads better in a gradient.
    return f"{float(x) + 0.0:.{PRECISION}g}"


def array_lines(array, limit=FULL_LIMIT):
    """An array as lines of text: in full when small, else a summary.

    >>> array_lines(np.array([[1.0, 2.5], [-1 / 3, 0.0]]))
    ['[[ 1.      2.5   ]', ' [-0.3333  0.    ]]']
    >>> array_lines(np.arange(100.0))
    ['mean 49.5  norm 573', 'min 0  max 99']
    """
    array = _no_negative_zero(np.asarray(array))
    if array.size == 1:
        return [number_text(array.reshape(-1)[0])]
    if array.size <= limit and (array.ndim < 2 or array.shape[-2] <= ROW_LIMIT):
        text = np.array2string(
            array, precision=_decimals(array), max_line_width=60, **PRINT_OPTIONS
        )
        return text.split("\n")
    return summary_lines(array)


def _decimals(array):
    """NumPy's precision that gives every entry 4 significant digits.

    NOTE: NumPy's precision counts digits after the point, so at 4 it
    printed 0.0005679 as 0.0006. In fixed notation the smallest entry needs
    4 - 1 - floor(log10 |entry|) of them (7 for 0.0001234). NumPy writes
    in scientific notation (4 digits after the point, 5 significant) when
    an entry is under 1e-4 or from 1e8, or they span more than 1000 times.
    """
    sizes = np.abs(array[np.isfinite(array) & (array != 0)])
    if sizes.size == 0:
        return PRECISION
    low, high = float(sizes.min()), float(sizes.max())
    if low < 1e-4 or high >= 1e8 or high > 1e3 * low:
        return PRECISION
    return max(PRECISION, PRECISION - 1 - math.floor(math.log10(low)))


def summary_lines(array):
    """``mean .. norm ..`` and ``min .. max ..``: what a large array looks like.

    A mean that is only rounding noise next to the array's entries (the
    mean of a softmax gradient's column, say, -1.5e-18 for entries near
    0.1) reads as 0: it is 0, up to floating point. The min and max are
    entries, shown as they are.

    >>> summary_lines(np.array([0.1, 0.2, -0.3] * 5))
    ['mean 0  norm 0.8367', 'min -0.3  max 0.2']
    """
    array = np.asarray(array, dtype=np.float64)
    if array.size == 0:
        return ["(empty)"]
    mean, norm = _mean_and_norm(array)
    low, high = number_text(array.min()), number_text(array.max())
    return [f"mean {mean}  norm {norm}", f"min {low}  max {high}"]


def _mean_and_norm(array):
    """The mean and the Euclidean norm as text, worked out on ``array / s``
    for s the largest finite |entry|, then scaled back.

    NOTE: straight from the entries, ``sum(x**2)`` overflows for entries
    near 1e300 (norm inf) and underflows to 0 near 1e-300 (norm 0), and an
    inf entry must not make s infinite, or every mean would be "noise".
    """
    finite = np.abs(array[np.isfinite(array)])
    scale = float(finite.max()) if finite.size else 0.0
    if scale == 0.0:  # all zeros, or nothing finite: nothing to rescale
        return number_text(array.mean()), number_text(np.linalg.norm(array))
    scaled = array / scale
    mean = scaled.mean()
    mean = 0.0 if abs(mean) <= NOISE else float(mean) * scale
    return number_text(mean), number_text(float(np.linalg.norm(scaled)) * scale)


def array_inline(array, limit=FULL_LIMIT):
    """``array_lines`` on one line, for tables and chain-rule sums.

    >>> array_inline(np.array([[1.0, 2.5], [-1 / 3, 0.0]]))
    '[[1, 2.5], [-0.3333, 0]]'
    >>> array_inline(np.arange(100.0))
    '{(100,) array: mean 49.5, norm 573, min 0, max 99}'
    """
    array = _no_negative_zero(np.asarray(array))
    if array.size == 1:
        return number_text(array.reshape(-1)[0])
    if array.size > limit:
        # Braces keep a summary apart from the ``*`` of a chain-rule product.
        parts = [part for line in summary_lines(array) for part in line.split("  ")]
        stats = ", ".join(parts)
        return "{" + f"{shape_text(array.shape)} array: {stats}" + "}"
    text = np.array2string(
        array,
        separator=", ",
        max_line_width=10**6,
        formatter={"float_kind": number_text},
        **PRINT_OPTIONS,
    )
    return re.sub(r"\s+", " ", text)


def _no_negative_zero(array):
    return array + 0.0 if array.dtype.kind == "f" else array


def index_text(index):
    """``[0, 3]`` for a NumPy index tuple."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]"

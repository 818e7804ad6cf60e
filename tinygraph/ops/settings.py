"""An op's settings (a slope, a bound, a fill value, an axis): plain numbers.

A setting is a constant of the op, not an operand of the graph, so it must
be a number: a tensor there would get no gradient. A NumPy scalar
(``np.float64(0.5)``, as ``np.percentile`` or ``arr.mean()`` return) becomes
a Python number, which NumPy treats as "weak": a float32 tensor stays
float32, where a float64 scalar would have made the output float64.
"""

import operator

import numpy as np

from ..naming import describe
from ..tensor import Tensor


def number(op_name, setting, value):
    """``value`` as a Python number (arrays of numbers and None pass as they
    are), or the TypeError for a tensor or for something that is no number."""
    if isinstance(value, Tensor):
        raise TypeError(
            f"{op_name}: {setting} must be a number, not {describe(value)}: "
            "a setting gets no gradient. For a learnable one, write the "
            "function with tg.where, e.g. tg.where(z > 0, z, a * z)"
        )
    if isinstance(value, (str, bytes)) or (
        np.ndim(value) > 0 and np.asarray(value).dtype.kind not in "biuf"
    ):
        # (NumPy would fail later, deep in a ufunc, with an error that
        # cannot even be raised again under the op's name)
        raise TypeError(f"{op_name}: {setting} must be a number, not {value!r}")
    if isinstance(value, np.generic) or (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        return value.item()
    return value


def integer(op_name, setting, value):
    """``value`` as an int, or the TypeError: an axis of 1.7 must not be read
    as axis 1 (``int()`` would truncate it; NumPy refuses it too)."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(
            f"{op_name}: {setting} must be an integer, not {value!r}"
        ) from None

"""Test helpers: an independent finite-difference oracle.

Written with NumPy only, so a bug in the engine (or in ``tg.gradcheck``)
cannot make it agree with autodiff.
"""

import numpy as np


def numeric_grad(f, arrays, index, upstream, eps=1e-6):
    """Central differences of sum(f(*arrays) * upstream) w.r.t. arrays[index].

    ``f`` maps float64 arrays to an array; ``upstream`` weighs each output
    entry, as an upstream gradient would.
    """
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    x = arrays[index]
    grad = np.zeros_like(x)
    for entry in np.ndindex(*x.shape):
        saved = x[entry]
        x[entry] = saved + eps
        above = np.sum(np.asarray(f(*arrays)) * upstream)
        x[entry] = saved - eps
        below = np.sum(np.asarray(f(*arrays)) * upstream)
        x[entry] = saved
        grad[entry] = (above - below) / (2 * eps)
    return grad

"""Op-table rows for the activations beyond the notes: leaky_relu, elu, gelu,
silu, softsign, hardtanh, and erf (gelu's primitive). References in NumPy
(math.erf entry by entry for gelu and erf).

The piecewise ones have kinks at 0 (and hardtanh at its bounds); random
inputs almost surely miss them by far more than the finite-difference step.
Rows with inputs on one side only check each piece on its own; the values at
the kinks are checked by hand in test_activations.py.
"""

import math

import numpy as np

import tinygraph as tg
from tinygraph import ops

from .op_case import OpCase

UNARY = [[(5,)], [(3, 4)], [(2, 3, 4)], [()]]
_erf = np.vectorize(math.erf)


def np_leaky_relu(z, s):
    return np.where(z > 0, z, s * z)


def np_elu(z, alpha):
    return np.where(z > 0, z, alpha * (np.exp(np.minimum(z, 0)) - 1))


def np_gelu(z):
    return z * (1 + _erf(z / math.sqrt(2))) / 2


CASES = [
    OpCase("leaky_relu", tg.leaky_relu, lambda z: np_leaky_relu(z, 0.01), UNARY,
           ops.LeakyReLU),
    OpCase(
        "leaky_relu slope 0.2, negative inputs",
        lambda z: tg.leaky_relu(z, negative_slope=0.2),
        lambda z: 0.2 * z,
        [[(3, 4)]],
        ops.LeakyReLU,
        low=-2.0,
        high=-0.1,
    ),
    OpCase("elu", tg.elu, lambda z: np_elu(z, 1.0), UNARY, ops.ELU),
    OpCase(
        "elu alpha 0.5, negative inputs",
        lambda z: tg.elu(z, alpha=0.5),
        lambda z: 0.5 * (np.exp(z) - 1),
        [[(3, 4)]],
        ops.ELU,
        low=-3.0,
        high=-0.1,
    ),
    OpCase("gelu", tg.gelu, np_gelu, UNARY, ops.GELU, low=-3.0, high=3.0),
    OpCase("silu", tg.silu, lambda z: z / (1 + np.exp(-z)), UNARY, ops.SiLU,
           low=-4.0, high=4.0),
    OpCase("softsign", tg.softsign, lambda z: z / (1 + np.abs(z)), UNARY,
           ops.Softsign),
    OpCase("hardtanh", tg.hardtanh, lambda z: np.clip(z, -1, 1), UNARY,
           ops.Hardtanh),
    OpCase(
        "hardtanh (0, 2)",
        lambda z: tg.hardtanh(z, 0.0, 2.0),
        lambda z: np.clip(z, 0.0, 2.0),
        [[(3, 4)]],
        ops.Hardtanh,
        low=-1.0,
        high=3.0,
    ),
    OpCase("erf", lambda x: x.erf(), _erf, UNARY, ops.Erf),
]

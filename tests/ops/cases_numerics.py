"""Op-table rows for the stable numerics: logsumexp, log1p, expm1, softplus,
logaddexp and log_sigmoid. The references are the plain formulas (fine on
these inputs); large inputs are checked in test_numerics.py."""

import numpy as np

import tinygraph as tg
from tinygraph import ops

from .op_case import OpCase

UNARY = [[(5,)], [(3, 4)], [(2, 3, 4)], [()]]


def np_logsumexp(x, axis=None, keepdims=False):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


CASES = [
    OpCase("logsumexp", tg.logsumexp, np_logsumexp, UNARY, ops.LogSumExp),
    OpCase(
        "logsumexp axis 0",
        lambda x: x.logsumexp(axis=0),
        lambda x: np_logsumexp(x, axis=0),
        [[(3, 4)], [(2, 3, 4)]],
        ops.LogSumExp,
    ),
    OpCase(
        "logsumexp axis -1 keepdims",
        lambda x: tg.logsumexp(x, axis=-1, keepdims=True),
        lambda x: np_logsumexp(x, axis=-1, keepdims=True),
        [[(3, 4)], [(5,)]],
        ops.LogSumExp,
    ),
    OpCase(
        "logsumexp axes (0, 2)",
        lambda x: tg.logsumexp(x, axis=(0, 2)),
        lambda x: np_logsumexp(x, axis=(0, 2)),
        [[(2, 3, 4)]],
        ops.LogSumExp,
    ),
    OpCase(
        "log1p",
        lambda x: x.log1p(),
        lambda x: np.log(1 + x),
        UNARY,
        ops.Log1p,
        low=-0.5,
        high=3.0,
    ),
    OpCase("expm1", tg.expm1, lambda x: np.exp(x) - 1, UNARY, ops.Expm1),
    OpCase(
        "softplus",
        tg.softplus,
        lambda x: np.log(1 + np.exp(x)),
        UNARY,
        ops.Softplus,
        low=-4,
        high=4,
    ),
    OpCase(
        "logaddexp",
        tg.logaddexp,
        lambda a, b: np.log(np.exp(a) + np.exp(b)),
        [[(3, 4), (3, 4)], [(3, 4), (4,)], [(3, 1), (1, 4)], [(), (2, 3)]],
        ops.LogAddExp,
        low=-3,
        high=3,
    ),
    OpCase(
        "log_sigmoid",
        tg.log_sigmoid,
        lambda z: -np.log(1 + np.exp(-z)),
        UNARY,
        ops.LogSigmoid,
        low=-6,
        high=6,
    ),
]

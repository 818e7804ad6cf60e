"""Op-table rows for the statistics: var, std, prod, cumsum."""

import numpy as np

import tinygraph as tg
from tinygraph import ops

from .op_case import OpCase

CASES = [
    OpCase("var", lambda x: x.var(), np.var, [[(5,)], [(3, 4)]], ops.Var),
    OpCase(
        "var axis 0 ddof 1",
        lambda x: tg.var(x, axis=0, ddof=1),
        lambda x: np.var(x, axis=0, ddof=1),
        [[(3, 4)], [(2, 3, 4)]],
        ops.Var,
    ),
    OpCase(
        "var axes (0, 2) keepdims correction 1",
        lambda x: x.var(axis=(0, 2), keepdims=True, correction=1),
        lambda x: np.var(x, axis=(0, 2), keepdims=True, ddof=1),
        [[(2, 3, 4)]],
        ops.Var,
    ),
    OpCase("std", lambda x: x.std(), np.std, [[(5,)], [(3, 4)]], ops.Std),
    OpCase(
        "std axis 1 ddof 1 keepdims",
        lambda x: tg.std(x, axis=1, ddof=1, keepdims=True),
        lambda x: np.std(x, axis=1, ddof=1, keepdims=True),
        [[(3, 4)], [(2, 3, 4)]],
        ops.Std,
    ),
    OpCase("prod", lambda x: x.prod(), np.prod, [[(5,)], [(3, 4)], [()]], ops.Prod),
    OpCase(
        "prod axis 1",
        lambda x: tg.prod(x, axis=1),
        lambda x: np.prod(x, axis=1),
        [[(3, 4)], [(2, 3, 4)]],
        ops.Prod,
    ),
    OpCase(
        "prod axis -3 keepdims",
        lambda x: x.prod(axis=-3, keepdims=True),
        lambda x: np.prod(x, axis=-3, keepdims=True),
        [[(2, 3, 4)]],
        ops.Prod,
    ),
    OpCase("cumsum", lambda x: x.cumsum(), np.cumsum, [[(5,)], [(3, 4)]], ops.Cumsum),
    OpCase(
        "cumsum axis 1",
        lambda x: tg.cumsum(x, axis=1),
        lambda x: np.cumsum(x, axis=1),
        [[(3, 4)], [(2, 3, 4)]],
        ops.Cumsum,
    ),
    OpCase(
        "cumsum axis -3",
        lambda x: x.cumsum(axis=-3),
        lambda x: np.cumsum(x, axis=-3),
        [[(2, 3, 4)]],
        ops.Cumsum,
    ),
]

"""Op-table rows for joining: concatenate (cat) and stack, with one, two and
three inputs and a tensor joined to itself. split (getitem views) and
concatenate(axis=None) (reshapes first) are composites: test_joining.py."""

import numpy as np

import tinygraph as tg
from tinygraph import ops

from .op_case import OpCase

CASES = [
    OpCase(
        "concatenate",
        lambda a, b: tg.concatenate([a, b]),
        lambda a, b: np.concatenate([a, b]),
        [[(3, 4), (2, 4)], [(5,), (2,)], [(2, 3, 4), (1, 3, 4)]],
        ops.Concatenate,
    ),
    OpCase(
        "concatenate three along axis 1",
        lambda a, b, c: tg.concatenate([a, b, c], axis=1),
        lambda a, b, c: np.concatenate([a, b, c], axis=1),
        [[(3, 1), (3, 4), (3, 2)], [(2, 3, 4), (2, 1, 4), (2, 2, 4)]],
        ops.Concatenate,
    ),
    OpCase(
        "cat negative axis",
        lambda a, b: tg.cat([a, b], axis=-1),
        lambda a, b: np.concatenate([a, b], axis=-1),
        [[(3, 4), (3, 2)], [(2, 3, 1), (2, 3, 4)]],
        ops.Concatenate,
    ),
    OpCase(
        "concatenate one",
        lambda a: tg.concatenate([a], axis=1),
        lambda a: np.concatenate([a], axis=1),
        [[(3, 4)]],
        ops.Concatenate,
    ),
    OpCase(
        "concatenate a tensor with itself",
        lambda a: tg.concatenate([a, a * 2, a], axis=0),
        lambda a: np.concatenate([a, a * 2, a], axis=0),
        [[(2, 3)]],
        ops.Concatenate,
    ),
    OpCase(
        "stack",
        lambda a, b: tg.stack([a, b]),
        lambda a, b: np.stack([a, b]),
        [[(3, 4), (3, 4)], [(5,), (5,)], [(), ()]],
        ops.Stack,
    ),
    OpCase(
        "stack three along the last axis",
        lambda a, b, c: tg.stack([a, b, c], axis=-1),
        lambda a, b, c: np.stack([a, b, c], axis=-1),
        [[(3, 4), (3, 4), (3, 4)], [(2, 3, 4), (2, 3, 4), (2, 3, 4)]],
        ops.Stack,
    ),
    OpCase(
        "stack axis 1",
        lambda a, b: tg.stack([a, b], axis=1),
        lambda a, b: np.stack([a, b], axis=1),
        [[(3, 4), (3, 4)]],
        ops.Stack,
    ),
]

"""Op-table rows for choosing entries: maximum, minimum, clip and min.

Random inputs almost surely stay away from ties and bounds, where these ops
have kinks; the tie and bound rules are checked by hand in test_selection.py.
"""

import numpy as np

import tinygraph as tg
from tinygraph import ops

from .op_case import OpCase

BINARY = [[(3, 4), (3, 4)], [(3, 4), (4,)], [(3, 1), (1, 4)], [(), (2, 3)]]
UNARY = [[(5,)], [(3, 4)], [(2, 3, 4)], [()]]

CASES = [
    OpCase("maximum", tg.maximum, np.maximum, BINARY, ops.Maximum),
    OpCase(
        "maximum with a constant",
        lambda a: a.maximum(0.5),
        lambda a: np.maximum(a, 0.5),
        UNARY,
        ops.Maximum,
    ),
    OpCase("minimum", tg.minimum, np.minimum, BINARY, ops.Minimum),
    OpCase(
        "clip",
        lambda x: tg.clip(x, -1.0, 1.0),
        lambda x: np.clip(x, -1.0, 1.0),
        UNARY,
        ops.Clip,
    ),
    OpCase(
        "clamp below only",
        lambda x: x.clamp(min=0.5),
        lambda x: np.maximum(x, 0.5),
        [[(3, 4)]],
        ops.Clip,
    ),
    OpCase(
        "clip above only",
        lambda x: x.clip(max=-0.5),
        lambda x: np.minimum(x, -0.5),
        [[(3, 4)]],
        ops.Clip,
    ),
    OpCase("min", lambda x: x.min(), np.min, [[(5,)], [(3, 4)]], ops.Min),
    OpCase(
        "min axis 0",
        lambda x: tg.min(x, axis=0),
        lambda x: x.min(axis=0),
        [[(3, 4)], [(2, 3, 4)]],
        ops.Min,
    ),
    OpCase(
        "min axis 1 keepdims",
        lambda x: x.min(axis=1, keepdims=True),
        lambda x: x.min(axis=1, keepdims=True),
        [[(3, 4)]],
        ops.Min,
    ),
]

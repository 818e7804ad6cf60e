"""Op-table rows for the shape functions: tile/repeat and pad (ops of their
own); flatten, squeeze, unsqueeze/expand_dims (reshapes), swapaxes and
N-d transposes (transposes), expand (a broadcast)."""

import numpy as np

import tinygraph as tg
from tinygraph import ops

from .op_case import OpCase

CASES = [
    OpCase(
        "tile",
        lambda x: tg.tile(x, (2, 1, 3)),
        lambda x: np.tile(x, (2, 1, 3)),
        [[(3, 4)], [(2,)], [(2, 3, 4)]],
        ops.Tile,
    ),
    OpCase(
        "tile fewer reps than axes",
        lambda x: tg.tile(x, 2),
        lambda x: np.tile(x, 2),
        [[(3, 4)]],
        ops.Tile,
    ),
    OpCase(
        "repeat",
        lambda x: x.repeat(2, 3),
        lambda x: np.tile(x, (2, 3)),
        [[(3, 4)]],
        ops.Tile,
    ),
    OpCase(
        "pad",
        lambda x: tg.pad(x, ((1, 0), (2, 1))),
        lambda x: np.pad(x, ((1, 0), (2, 1))),
        [[(3, 4)]],
        ops.Pad,
    ),
    OpCase(
        "pad value",
        lambda x: tg.pad(x, 2, constant_values=-1.5),
        lambda x: np.pad(x, 2, constant_values=-1.5),
        [[(3,)], [(2, 3, 4)]],
        ops.Pad,
    ),
    OpCase(
        "flatten",
        lambda x: x.flatten(),
        lambda x: x.reshape(-1),
        [[(3, 4)], [(2, 3, 4)], [()]],
        ops.Reshape,
    ),
    OpCase(
        "flatten dims 1 to 2",
        lambda x: tg.flatten(x, 1, 2),
        lambda x: x.reshape(2, 12, 5),
        [[(2, 3, 4, 5)]],
        ops.Reshape,
    ),
    OpCase(
        "squeeze",
        lambda x: x.squeeze(),
        np.squeeze,
        [[(3, 1, 4, 1)], [(1,)]],
        ops.Reshape,
    ),
    OpCase(
        "squeeze axis",
        lambda x: tg.squeeze(x, -1),
        lambda x: np.squeeze(x, -1),
        [[(3, 1, 4, 1)]],
        ops.Reshape,
    ),
    OpCase(
        "unsqueeze",
        lambda x: x.unsqueeze(1),
        lambda x: np.expand_dims(x, 1),
        [[(3, 4)], [(5,)]],
        ops.Reshape,
    ),
    OpCase(
        "expand_dims axes",
        lambda x: tg.expand_dims(x, (0, -1)),
        lambda x: np.expand_dims(x, (0, -1)),
        [[(3, 4)], [()]],
        ops.Reshape,
    ),
    OpCase(
        "swapaxes",
        lambda x: x.swapaxes(0, -1),
        lambda x: np.swapaxes(x, 0, -1),
        [[(3, 4)], [(2, 3, 4)], [(2, 3, 4, 5)]],
        ops.Transpose,
    ),
    OpCase(
        "T on any number of axes",
        lambda x: x.T,
        np.transpose,
        [[(5,)], [()], [(2, 3, 4, 5)]],
        ops.Transpose,
    ),
    OpCase(
        "transpose 4-d axes",
        lambda x: x.transpose(2, 0, 3, 1),
        lambda x: np.transpose(x, (2, 0, 3, 1)),
        [[(2, 3, 4, 5)]],
        ops.Transpose,
    ),
    OpCase(
        "expand",
        lambda x: x.expand(2, -1, 4),
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        [[(3, 1)], [(1, 3, 1)]],
        ops.BroadcastTo,
    ),
]

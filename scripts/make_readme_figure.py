"""Draw the notes' binary cross-entropy graph with its gradients for the README.

The graph is the notes' u-variable list for the binary cost,
``J = -1/m sum(y log(a) + (1 - y) log(1 - a))``, on three examples; the
drawing checks autodiff's dJ/da against the notes' closed form
``(1/m) ((1 - y) / (1 - a) - y / a)`` and marks it green when they agree.

Run from the repository root: ``python scripts/make_readme_figure.py``
(writes ``docs/bce_graph.svg``).
"""

import sys
from pathlib import Path

import numpy as np

import tinygraph as tg
import visualize

OUT = Path(__file__).resolve().parent.parent / "docs" / "bce_graph.svg"


def bce_graph():
    """The cost J and its input a; tg.nn's cost builds the notes' u-list."""
    y = np.array([[1.0, 0.0, 1.0]])
    m = y.shape[1]
    u0 = tg.tensor([[0.8, 0.3, 0.6]], requires_grad=True)  # a = A^[L]
    # u1 = 1 - u0, u2 = log(u0), u3 = log(u1), u4 = Y*u2 + (1-Y)*u3, J = -sum(u4)/m
    J = tg.nn.binary_cross_entropy(u0, y).named("J")
    expected = ((1 - y) / (1 - u0.data) - y / u0.data) / m  # the notes' (2)
    return J, u0, expected


def main(path=OUT):
    J, a, expected = bce_graph()
    visualize.render(J, str(path), expect={a: expected}, edges="local",
                     rankdir="TB")
    return path


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))

"""Drawings of tinygraph graphs: the forward pass with its gradients.

* ``draw(J)``: a ``graphviz.Digraph`` of the graph ending in ``J``, every
  node with its label, operation, shape, value and gradient;
* ``render(J, "graph.svg")``: the same drawing written to SVG, PNG or PDF;
* ``table(J)``: the derivation table, one row per u-variable;
* ``frames(J)``: the backward pass one node at a time, as data;
* ``step_through(J)``: a page that steps through it, in symbols when SymPy
  is installed, shown inline in a notebook (``step_through(J, "steps.html")``
  writes it to a file);
* ``training_page(recorder, "training.html")``: a page that replays the
  training a ``tg.Recorder`` recorded (``watch(recorder)``: live in Jupyter).

This package reads graphs only through tinygraph's public graph API
(``tg.graph``) and public tensor attributes, never the engine's internals.
"""

from .checks import Check
from .dot import draw
from .embed import StepThrough
from .frames import Frame, Term, frames
from .output import GraphvizMissingError, render
from .page import step_through
from .table import Table, table
from .training import TrainingPage, progress, training_page, watch

__all__ = [
    "Check",
    "Frame",
    "GraphvizMissingError",
    "StepThrough",
    "Table",
    "Term",
    "draw",
    "frames",
    "render",
    "step_through",
    "table",
    "TrainingPage",
    "progress",
    "training_page",
    "watch",
]

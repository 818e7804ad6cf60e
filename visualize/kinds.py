"""The four kinds of node a drawing tells apart, and how each one looks.

* input: a leaf that needs no gradient (data ``X``, targets ``Y``);
* parameter: a leaf with ``requires_grad=True`` (``W``, ``b``), what
  gradient descent updates;
* intermediate: a node an operation made (the notes' u-variables);
* cost: the root the drawing starts from, usually the scalar cost ``J``.
"""

from . import colors

INPUT, PARAMETER, INTERMEDIATE, COST = "input", "parameter", "intermediate", "cost"
KINDS = (INPUT, PARAMETER, INTERMEDIATE, COST)

DESCRIPTIONS = {
    INPUT: "input or constant (no gradient needed)",
    PARAMETER: "parameter (leaf with requires_grad)",
    INTERMEDIATE: "intermediate (made by an operation)",
    COST: "cost (the root; backward starts here)",
}

# Graphviz node attributes per kind: shape and colour both differ, so the
# kinds stay apart in grey-scale prints too.
STYLES = {
    INPUT: {"shape": "note", "style": "filled", "fillcolor": colors.INPUT_FILL,
            "color": colors.INPUT_BORDER},
    PARAMETER: {"shape": "box", "style": "filled", "fillcolor": colors.PARAMETER_FILL,
                "color": colors.PARAMETER_BORDER, "penwidth": "1.6"},
    INTERMEDIATE: {"shape": "box", "style": "rounded,filled",
                   "fillcolor": colors.INTERMEDIATE_FILL,
                   "color": colors.INTERMEDIATE_BORDER},
    COST: {"shape": "box", "style": "rounded,filled", "fillcolor": colors.COST_FILL,
           "color": colors.COST_BORDER, "peripheries": "2", "penwidth": "1.4"},
}

# A layer collapsed into one box when the graph is too big to draw in full.
LAYER_STYLE = {"shape": "box3d", "style": "filled", "fillcolor": colors.LAYER_FILL,
               "color": colors.LAYER_BORDER}


def kind(node, root):
    """Which of the four kinds ``node`` is in the graph of ``root``."""
    if node is root:
        return COST
    if node.is_leaf:
        return PARAMETER if node.requires_grad else INPUT
    return INTERMEDIATE

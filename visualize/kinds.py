"""The four kinds of node a drawing tells apart, and how each one looks.

* input: a leaf that needs no gradient (data ``X``, targets ``Y``);
* parameter: a leaf with ``requires_grad=True`` (``W``, ``b``), what
  gradient descent updates;
* intermediate: a node an operation made (the notes' u-variables);
* cost: the root the drawing starts from, usually the scalar cost ``J``.
"""

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
    INPUT: {"shape": "note", "style": "filled", "fillcolor": "#eeeeee",
            "color": "#777777"},
    PARAMETER: {"shape": "box", "style": "filled", "fillcolor": "#fff0c2",
                "color": "#b7950b", "penwidth": "1.6"},
    INTERMEDIATE: {"shape": "box", "style": "rounded,filled", "fillcolor": "#e3edf9",
                   "color": "#5d7fa8"},
    COST: {"shape": "box", "style": "rounded,filled", "fillcolor": "#f9dedc",
           "color": "#a93226", "peripheries": "2", "penwidth": "1.4"},
}

# A layer collapsed into one box when the graph is too big to draw in full.
LAYER_STYLE = {"shape": "box3d", "style": "filled", "fillcolor": "#e8e6f7",
               "color": "#6c5ba7"}

# Marks for ``expect=``: the hand-derived gradient agrees, or it does not.
AGREES_COLOR = "#1e8449"
DIFFERS_COLOR = "#c0392b"
# Gradient text has its own colour; the step-through page finds it by it.
GRAD_COLOR = "#9c2a00"


def kind(node, root):
    """Which of the four kinds ``node`` is in the graph of ``root``."""
    if node is root:
        return COST
    if node.is_leaf:
        return PARAMETER if node.requires_grad else INPUT
    return INTERMEDIATE

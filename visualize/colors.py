"""Every colour the drawings and the step-through page use, in one place.

The Graphviz drawing (``kinds.py``, ``labels.py``, ``dot.py``), the
derivation table (``table.py``) and the step-through page (``page.py``)
take their colours from here; no other file spells a colour out. The
page's style sheet reads ``PAGE`` as CSS custom properties, ``var(--name)``.
"""

# Each kind of node: a light fill and a darker border of the same hue.
INPUT_FILL, INPUT_BORDER = "#eeeeee", "#777777"
PARAMETER_FILL, PARAMETER_BORDER = "#fff0c2", "#b7950b"
INTERMEDIATE_FILL, INTERMEDIATE_BORDER = "#e3edf9", "#5d7fa8"
COST_FILL, COST_BORDER = "#f9dedc", "#a93226"
# A layer collapsed into one box when the graph is too big to draw in full.
LAYER_FILL, LAYER_BORDER = "#e8e6f7", "#6c5ba7"

# Marks for ``expect=``: the hand-derived gradient agrees, or it does not.
AGREES = "#1e8449"
DIFFERS = "#c0392b"
# Gradient text has a colour of its own: the step-through page finds it by
# it, matching Graphviz's fill="..." character for character.
GRAD = "#9c2a00"
# Secondary text in a label: "value", the operation and shape, notes.
MUTED = "#666666"

EDGE = "#555555"
CLUSTER = "#8e8e8e"  # the dashed frame around a scope (a layer)
LEGEND_BORDER = "#bbbbbb"
MARK_FILL = "#ffffff"  # a legend swatch for an expect mark: only its border shows

# The step-through page; ``assets/steps.css`` uses them as ``var(--name)``.
PAGE = {
    "text": "#222222",
    "header": "#fafafa",
    "header-rule": "#dddddd",
    "hint": "#777777",
    "note": "#fff8f0",  # the box holding the current frame's chain-rule sum
    "note-border": "#f0c8a0",
    "list": "#555555",
    "list-current": "#c0560b",
    "highlight": "#e67e22",  # the node being processed and its outgoing edges
    "grad": GRAD,
}

# The training page (``training.py``, ``training_plots.py`` and
# ``assets/training.css``, which reads them as ``var(--name)``): the
# training and held-out curves, the mark of the current step, the
# histograms, and the health panel's warnings. Its decision boundary uses
# matplotlib's colour maps (see ``training_plots.py``).
TRAIN = "#1f6fb4"
TEST = "#d35400"
STEP_MARK = "#444444"
HISTOGRAM_MARK = "#e67e22"  # bright on the histograms' blues
WARNING = "#a93226"
WARNING_FILL = "#fdecea"
HEALTHY = "#1e8449"
PANEL_RULE = "#e3e3e3"

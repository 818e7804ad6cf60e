"""Graphviz HTML-like labels for nodes, collapsed layers and edges.

Each label is a small table, one row per fact: the node's equation, its
operation and shape, its value and its gradient. Arrays are set in a
monospace font so their columns line up; gradient text has its own colour
(``colors.GRAD``), which the step-through page uses to find it.
"""

import html

import graphviz

from . import colors
from .values import array_lines, shape_text

MONO = "Courier"
# Characters per line of a caption: about 450 pt at 10 pt Helvetica, well
# inside a notebook cell 900 px wide.
CAPTION_WIDTH = 80


def escape(text):
    """Text safe inside a Graphviz HTML-like label (which keeps its spaces)."""
    return html.escape(text, quote=False)


def plain(text):
    """Text for a plain Graphviz attribute (a tooltip, a cluster's label),
    shown as it is.

    NOTE: Graphviz reads ``\\l``, ``\\n``, ``\\N``, ... in such a string as
    line breaks and names (a tensor named ``\\lambda`` showed as a line
    break and "ambda"), and the graphviz package writes text in ``<...>``
    unquoted, as an HTML-like label (a tensor named ``<x>`` made ``dot``
    fail); ``graphviz.escape`` keeps both literal.
    """
    return graphviz.escape(text)


def _font(text, color=None, face=None, size=None):
    attributes = ""
    if color:
        attributes += f' COLOR="{color}"'
    if face:
        attributes += f' FACE="{face}"'
    if size:
        attributes += f' POINT-SIZE="{size}"'
    # NOTE: Graphviz refuses an empty <FONT></FONT>: the blank line NumPy
    # prints between the blocks of a 3-d array stays a bare line break.
    return f"<FONT{attributes}>{text}</FONT>" if attributes and text else text


def _row(lines, bold=False, **font):
    texts = [escape(line) for line in lines]
    if bold:
        texts = [f"<B>{text}</B>" for text in texts]
    body = '<BR ALIGN="LEFT"/>'.join(_font(text, **font) for text in texts)
    return f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{body}<BR ALIGN="LEFT"/></TD></TR>'


def _table(rows):
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
        + "".join(rows)
        + "</TABLE>>"
    )


def value_rows(facts, node, show):
    """The value and gradient rows of ``node`` for ``show``."""
    rows = []
    if show in ("both", "value"):
        rows.append(_row(["value"], color=colors.MUTED, size=9))
        rows.append(_row(array_lines(node.data), face=MONO))
    if show in ("both", "grad"):
        grad = facts.grads.get(node)
        name = facts.grad_name(node)
        if grad is None:
            why = "not needed" if not node.requires_grad else "not computed"
            rows.append(_row([f"{name}: {why}"], color=colors.MUTED, size=9))
        else:
            rows.append(_row([f"{name} ="], color=colors.GRAD, size=9))
            rows.append(_row(array_lines(grad), color=colors.GRAD, face=MONO))
    return rows


def node_label(facts, node, show, check=None):
    """The label of one node: equation, operation and shape, value, gradient."""
    title = facts.equation(node)
    what = node.op.name if node.op is not None else facts.kinds[node]
    rows = [
        _row([title], bold=True),
        _row([f"{what} · shape {shape_text(node.shape)}"], color=colors.MUTED, size=9),
    ]
    rows += value_rows(facts, node, show)
    if check is not None:
        rows.append(_check_row(check))
    return _table(rows)


def _check_row(check):
    color = colors.AGREES if check.agrees else colors.DIFFERS
    return _row(_wrap(check.message, 46), color=color, size=9)


def layer_label(facts, name, members, outputs, show, checks=None):
    """A collapsed layer: its name, operations, parameters and outputs, and
    any member whose gradient ``checks`` ({node: Check}) holds against yours."""
    checks = checks or {}
    ops = [n for n in members if not n.is_leaf]
    names = ", ".join(dict.fromkeys(n.op.name for n in ops))
    rows = [
        _row([name], bold=True),
        _row([f"{len(ops)} operations: {names}"], color=colors.MUTED, size=9),
    ]
    shown = [n for n in members if n.is_leaf] + outputs
    # A checked node inside the box is shown too, or its verdict would be lost.
    shown += [n for n in members if n in checks and not any(n is s for s in shown)]
    for node in shown:
        title = facts.equation(node)
        rows.append(_row([title], bold=True))
        shape = f"shape {shape_text(node.shape)}"
        rows.append(_row([shape], color=colors.MUTED, size=9))
        rows += value_rows(facts, node, show)
        if node in checks:
            rows.append(_check_row(checks[node]))
    return _table(rows)


def edge_label(heading, lines):
    """``∂u3/∂u1 =`` and the local derivative under it."""
    rows = [_row([heading], color=colors.MUTED, size=9), _row(lines, face=MONO, size=9)]
    return _table(rows)


def legend_label(entries):
    """A legend: one row per ``(fill colour, border colour, text)``."""
    rows = ['<TR><TD COLSPAN="2" ALIGN="LEFT"><B>legend</B></TD></TR>']
    for fill, border, text in entries:
        rows.append(
            f'<TR><TD BGCOLOR="{fill}" COLOR="{border}" BORDER="2" WIDTH="18">'
            f'</TD><TD ALIGN="LEFT">{_font(escape(text), size=9)}</TD></TR>'
        )
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )


def caption(lines):
    """A graph-wide note (shown at the top of the drawing), wrapped so that
    it is no wider than a notebook cell."""
    wrapped = [part for line in lines for part in _wrap(line, CAPTION_WIDTH)]
    return _table([_row(wrapped, color=colors.MUTED, size=10)])


def _wrap(text, width):
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]

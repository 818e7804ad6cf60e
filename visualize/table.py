"""``table``: the graph as a derivation table, one row per u-variable.

Each row holds a node's label, its definition (the notes' ``u2 = log(u0)``
right-hand side, or what kind of leaf it is), its value and its gradient,
like the lists of u-variables and partial derivatives in the notes. A
``Table`` prints as Markdown and shows as HTML in Jupyter.
"""

import html
from dataclasses import dataclass

from . import colors
from .checks import ATOL, RTOL
from .dot import expectation_checks
from .facts import collect
from .kinds import DESCRIPTIONS
from .values import array_inline, array_lines, shape_text


@dataclass
class Row:
    """One node: its label, definition, shape, value, gradient and check."""

    node: object
    label: str
    definition: str
    shape: str
    value: object
    gradient: object
    check: object = None


class Table:
    """The derivation table of a graph; ``str()`` is Markdown.

    ``rows`` are in topological order, inputs first, like the notes.
    """

    def __init__(self, rows, grad_name):
        self.rows = rows
        self.grad_name = grad_name

    def columns(self):
        """The column names (a check column only when expect was given)."""
        names = ["label", "definition", "shape", "value", self.grad_name]
        if any(row.check is not None for row in self.rows):
            names.append("check")
        return names

    def to_markdown(self):
        """The table as GitHub-flavoured Markdown."""
        header = self.columns()
        lines = [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
        ]
        for row in self.rows:
            cells = [row.label, row.definition, row.shape,
                     _inline(row.value), _inline(row.gradient)]
            if len(header) > 5:
                cells.append(row.check.message if row.check else "")
            cells = [c.replace("|", "\\|") for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def to_html(self):
        """The table as an HTML ``<table>`` with arrays in ``<pre>`` blocks."""
        header = self.columns()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = []
        for row in self.rows:
            cells = [
                html.escape(row.label),
                html.escape(row.definition),
                html.escape(row.shape),
                _pre(row.value),
                _pre(row.gradient),
            ]
            if len(header) > 5:
                cells.append(_check_html(row.check))
            body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        return (
            '<table class="tinygraph-derivation">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    def __str__(self):
        return self.to_markdown()

    def __repr__(self):
        return self.to_markdown()

    def _repr_markdown_(self):
        return self.to_markdown()

    def _repr_html_(self):
        return self.to_html()


def table(J, expect=None, rtol=RTOL, atol=ATOL, grad=None):
    """The derivation table of the graph ending in ``J``.

    ``expect={node: array}`` adds a column that holds each hand-derived
    gradient against autodiff, as ``draw`` does.

    >>> import tinygraph as tg, visualize
    >>> a = tg.tensor([0.5, 0.25], requires_grad=True, name="a")
    >>> print(visualize.table(a.log().sum().named("J")))
    | label | definition | shape | value | ∂J/∂(label) |
    |---|---|---|---|---|
    | a | parameter | (2,) | [0.5, 0.25] | [2, 4] |
    | u0 | log(a) | (2,) | [-0.6931, -1.386] | [1, 1] |
    | J | sum(u0) | scalar | -2.079 | 1 |
    """
    facts = collect(J, grad)
    checks = expectation_checks(facts, expect or {}, rtol, atol)
    rows = []
    for node in facts.nodes:
        if node.op is None:
            definition = DESCRIPTIONS[facts.kinds[node]].split(" (")[0]
        else:
            definition = facts.equation(node).split(" = ", 1)[1]
        rows.append(
            Row(
                node=node,
                label=facts.labels[node],
                definition=definition,
                shape=shape_text(node.shape),
                value=node.data,
                gradient=facts.grads.get(node),
                check=checks.get(node),
            )
        )
    return Table(rows, f"∂{facts.labels[facts.root]}/∂(label)")


def _inline(array):
    return "—" if array is None else array_inline(array)


def _pre(array):
    if array is None:
        return "—"
    return "<pre>" + html.escape("\n".join(array_lines(array))) + "</pre>"


def _check_html(check):
    if check is None:
        return ""
    color = colors.AGREES if check.agrees else colors.DIFFERS
    return f'<span style="color:{color}">{html.escape(check.message)}</span>'

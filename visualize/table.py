"""``table``: the graph as a derivation table, one row per u-variable.

Each row holds a node's label, its definition (the notes' ``u2 = log(u0)``
right-hand side, or what kind of leaf it is), its value and its gradient,
like the lists of u-variables and partial derivatives in the notes; with
SymPy, the gradient in symbols too, and, on request, forward mode's tangent
beside the gradient. A ``Table`` prints as Markdown and shows as HTML in
Jupyter.
"""

import html
from dataclasses import dataclass

import numpy as np

import tinygraph as tg

from . import colors
from .checks import ATOL, RTOL
from .dot import expectation_checks
from .facts import collect
from .kinds import DESCRIPTIONS
from .symbols import gradient_side, steps_in_symbols
from .values import array_inline, array_lines, shape_text

# An array's lines as they are: a notebook's style sheet may wrap a <pre>
# anywhere, even inside a number.
PRE_STYLE = "white-space:pre;word-break:normal;text-align:left"


@dataclass
class Row:
    """One node: its label, definition, shape, value, gradient and check;
    its gradient in symbols as ``(text, MathML)`` and its forward-mode
    tangent, when the table has those columns."""

    node: object
    label: str
    definition: str
    shape: str
    value: object
    gradient: object
    check: object = None
    symbolic: object = None
    tangent: object = None


class Table:
    """The derivation table of a graph; ``str()`` is Markdown.

    ``rows`` are in topological order, inputs first, like the notes.
    """

    def __init__(self, rows, grad_name, symbols_name=None, tangent_name=None):
        self.rows = rows
        self.grad_name = grad_name
        self.symbols_name = symbols_name
        self.tangent_name = tangent_name

    def columns(self):
        """The column names: label, definition, shape, value, ∂J/∂·, then
        the gradient in symbols (with SymPy), the tangent (with
        ``tangent=``) and the check (with ``expect=``) when there are any."""
        return [name for name, _ in self.column_cells()]

    def column_cells(self):
        """``(name, cells)``: each column's name and how it reads a row as
        ``(markdown, html)``."""
        columns = [
            ("label", lambda r: _text(r.label)),
            ("definition", lambda r: _text(r.definition)),
            ("shape", lambda r: _text(r.shape)),
            ("value", lambda r: _array(r.value)),
            (self.grad_name, lambda r: _array(r.gradient)),
        ]
        if self.symbols_name:
            columns.append((self.symbols_name, _symbolic))
        if self.tangent_name:
            columns.append((self.tangent_name, lambda r: _array(r.tangent)))
        if any(row.check is not None for row in self.rows):
            columns.append(("check", _check))
        return columns

    def to_markdown(self):
        """The table as GitHub-flavoured Markdown."""
        columns = self.column_cells()
        lines = [
            "| " + " | ".join(name for name, _ in columns) + " |",
            "|" + "|".join("---" for _ in columns) + "|",
        ]
        for row in self.rows:
            cells = [cell(row)[0].replace("|", "\\|") for _, cell in columns]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def to_html(self):
        """The table as an HTML ``<table>`` with arrays in ``<pre>`` blocks and
        formulas as MathML."""
        columns = self.column_cells()
        head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in columns)
        body = []
        for row in self.rows:
            cells = "".join(f"<td>{cell(row)[1]}</td>" for _, cell in columns)
            body.append(f"<tr>{cells}</tr>")
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


def table(J, expect=None, rtol=RTOL, atol=ATOL, grad=None, symbols=None,
          tangent=None):
    """The derivation table of the graph ending in ``J``.

    The gradient column is ∂J/∂· (the root's own name in place of J).
    ``expect={node: array}`` adds a column that holds each hand-derived
    gradient against autodiff, as ``draw`` does. With SymPy installed (the
    ``symbolic`` extra), a column gives each gradient in symbols, from
    ``tg.graph.derivation`` (``symbols=False`` leaves it out,
    ``symbols=True`` insists). ``tangent={x: v}`` adds forward mode: each
    node's tangent, how fast it moves when the leaf x moves along v,
    d(node) = Σ ∂node/∂x v, pushed forward through the graph (the ``jvp``
    of each node).

    >>> import tinygraph as tg, visualize
    >>> a = tg.tensor([0.5, 0.25], requires_grad=True, name="a")
    >>> print(visualize.table(a.log().sum().named("J"), symbols=False))
    | label | definition | shape | value | ∂J/∂· |
    |---|---|---|---|---|
    | a | parameter | (2,) | [0.5, 0.25] | [2, 4] |
    | u0 | log(a) | (2,) | [-0.6931, -1.386] | [1, 1] |
    | J | sum(u0) | scalar | -2.079 | 1 |
    """
    facts = collect(J, grad)
    checks = expectation_checks(facts, expect or {}, rtol, atol)
    derived, _ = steps_in_symbols(J, symbols, caller="table")
    tangents = _tangents(facts, tangent)
    rows = []
    for node in facts.nodes:
        if node.op is None:
            definition = DESCRIPTIONS[facts.kinds[node]].split(" (")[0]
        else:
            definition = facts.definition(node)
        step = derived.get(node)
        rows.append(
            Row(
                node=node,
                label=facts.labels[node],
                definition=definition,
                shape=shape_text(node.shape),
                value=node.data,
                gradient=facts.grads.get(node),
                check=checks.get(node),
                symbolic=gradient_side(step) if step is not None else None,
                tangent=_tangent_of(node, tangents),
            )
        )
    root = facts.cost
    return Table(
        rows,
        f"∂{root}/∂·",
        symbols_name=f"∂{root}/∂· in symbols" if derived else None,
        tangent_name=_tangent_name(facts, tangents),
    )


def _tangents(facts, tangent):
    """``{node: tangent}`` pushed forward from ``tangent`` ({leaf: v}), after
    checking that each leaf is one of the graph's and each v fits it."""
    if tangent is None:
        return None
    if not isinstance(tangent, dict) or not tangent:
        raise TypeError(
            "table: tangent must be a dict {leaf: direction}, e.g. "
            f"{{W: np.ones(W.shape)}}, got {tangent!r}"
        )
    seeds = {}
    for leaf, direction in tangent.items():
        if not isinstance(leaf, tg.Tensor) or leaf not in facts.labels:
            raise ValueError(
                "table: tangent has a key that is not a tensor of J's graph "
                f"({leaf!r}); use the leaves themselves as keys, e.g. {{W: v}}"
            )
        label = facts.labels[leaf]
        if leaf.op is not None:
            raise ValueError(
                f"table: tangent is given for {label} = {leaf.op.name}(...), which "
                "is computed from other nodes; give it for leaves (inputs, "
                "parameters) and the table pushes it forward"
            )
        v = np.asarray(direction, dtype=leaf.dtype)
        if v.shape != leaf.shape:
            raise ValueError(
                f"table: the tangent for {label} has shape {v.shape}, but "
                f"{label} has shape {leaf.shape}"
            )
        seeds[leaf] = v
    # Forward mode: each node's tangent from its inputs', in creation order.
    return tg.functional.push_tangents(facts.root, seeds)


def _tangent_of(node, tangents):
    """The node's tangent: zero where it does not depend on the seeds."""
    if tangents is None:
        return None
    found = tangents.get(node)
    return np.zeros(node.shape) if found is None else np.asarray(found)


def _tangent_name(facts, tangents):
    if tangents is None:
        return None
    seeds = ", ".join(
        f"d{facts.labels[n]}" for n in facts.nodes if n.op is None and n in tangents
    )
    return f"tangent (from {seeds} = v)"


def _text(text):
    return text, html.escape(text)


def _array(array):
    if array is None:
        return "—", "—"
    pre = (
        f'<pre style="{PRE_STYLE}">'
        + html.escape("\n".join(array_lines(array)))
        + "</pre>"
    )
    return array_inline(array), pre


def _symbolic(row):
    if row.symbolic is None:
        return "—", "—"
    text, mathml = row.symbolic
    return text, mathml


def _check(row):
    check = row.check
    if check is None:
        return "", ""
    color = colors.AGREES if check.agrees else colors.DIFFERS
    return check.message, (
        f'<span style="color:{color}">{html.escape(check.message)}</span>'
    )

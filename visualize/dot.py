"""``draw``: a graph as a ``graphviz.Digraph``, one node per tensor.

Edges run from each input to the node computed from it (forward order),
so a drawing reads like the notes' u-variable lists. Nodes made inside a
``tg.graph.scope`` (a layer's forward pass) sit in a labelled cluster; a
graph with more than ``max_nodes`` nodes collapses each innermost scope
into one box so that it stays readable. Everything is emitted in
topological order, so the same graph always gives the same DOT text.
"""

from dataclasses import dataclass, field

import graphviz
import numpy as np

import tinygraph as tg

from . import colors, direction
from . import labels as html
from .checks import ATOL, RTOL, check
from .facts import collect
from .frames import rule_text
from .kinds import DESCRIPTIONS, KINDS, LAYER_STYLE, STYLES
from .notebook import ScrollingDigraph
from .values import array_lines, shape_text

SHOWS = ("both", "value", "grad", "none")
RANKDIRS = ("auto", "LR", "TB", "RL", "BT")
EDGES = ("plain", "local")
# A logistic regression with its cost (about 15 nodes) still fits on a
# screen drawn in full; a 3-layer MLP with its cost (about 25) does not, and
# is drawn one box per layer.
MAX_NODES = 20


@dataclass
class Drawing:
    """A built drawing: the Digraph and where each tensor ended up in it."""

    graph: graphviz.Digraph
    facts: object
    ids: dict
    checks: dict = field(default_factory=dict)
    collapsed: bool = False


def draw(
    J,
    show="both",
    rankdir="auto",
    edges="plain",
    expect=None,
    rtol=RTOL,
    atol=ATOL,
    max_nodes=MAX_NODES,
    grad=None,
    legend=True,
):
    """Draw the graph that ends in ``J`` with every node's value and gradient.

    Parameters
    ----------
    J : Tensor
        The root, usually the scalar cost. Gradients shown are dJ/d(node)
        for this graph (one backward pass; ``J.backward()`` is not needed).
    show : {"both", "value", "grad", "none"}
        Which numbers each node shows.
    rankdir : {"auto", "LR", "TB", "RL", "BT"}
        Left to right (the forward pass reads left to right) or top to
        bottom. ``"auto"`` draws left to right when that fits a notebook
        cell about 900 px wide, else top to bottom, which is narrower for
        anything deeper than a few steps.
    edges : {"plain", "local"}
        ``"local"`` writes on each edge the local derivative it multiplies
        the upstream gradient by, so the drawing reads as the chain rule.
    expect : dict, optional
        ``{node: hand-derived dJ/d(node)}``. Each node is marked green when
        autodiff agrees within ``rtol``/``atol`` (``numpy.allclose``'s rule)
        and red, with the worst entry, when it does not.
    max_nodes : int or None
        Above this many nodes every ``tg.graph.scope`` (layer) collapses
        into one box; None draws every node whatever the size.
    grad : array, optional
        The upstream gradient for a ``J`` with more than one entry.
    legend : bool
        Add a legend of the node kinds (and of the expect marks).

    Returns
    -------
    graphviz.Digraph
        ``.source`` is the DOT text. In Jupyter it shows at its natural
        size (text about 15 px high), in a box that scrolls sideways when
        the drawing is wider than the cell, instead of being shrunk to fit.

    Examples
    --------
    >>> import tinygraph as tg, visualize
    >>> a = tg.tensor([0.9, 0.2], requires_grad=True, name="a")
    >>> J = -(a.log()).mean()
    >>> g = visualize.draw(J, expect={a: -1 / (2 * a.data)})
    >>> "u1 = mean(u0)" in g.source and "✓ matches" in g.source
    True
    """
    return build(
        J, show, rankdir, edges, expect, rtol, atol, max_nodes, grad, legend
    ).graph


def build(
    J,
    show="both",
    rankdir="auto",
    edges="plain",
    expect=None,
    rtol=RTOL,
    atol=ATOL,
    max_nodes=MAX_NODES,
    grad=None,
    legend=True,
):
    """``draw``'s work; also returns where each tensor is drawn."""
    _choice("show", show, SHOWS)
    _choice("rankdir", rankdir, RANKDIRS)
    _choice("edges", edges, EDGES)
    facts = collect(J, grad)
    checks = expectation_checks(facts, expect or {}, rtol, atol)
    groups = _groups(facts)
    collapse = max_nodes is not None and len(facts.nodes) > max_nodes
    ids = _display_ids(facts, groups if collapse else {})
    # Layers drawn as boxes are fine however many there are (a deep network
    # is one box per layer); too many nodes outside any layer are not.
    loose = sum(1 for node in facts.nodes if ids[node].startswith("n"))
    if collapse and loose > max_nodes:
        raise ValueError(
            f"draw: the graph has {len(facts.nodes)} nodes, more than "
            f"max_nodes={max_nodes}, and collapsing its layers still leaves "
            f"{loose} outside any layer; wrap layers in `with "
            "tg.graph.scope(name):` so they can collapse, draw a smaller part of "
            "the graph, or pass max_nodes=None (or a larger number) to draw "
            "every node"
        )
    if rankdir == "auto":
        rankdir = direction.choose(facts, ids, show)
    g = ScrollingDigraph("tinygraph", format="svg")
    g.attr(rankdir=rankdir, fontname="Helvetica", nodesep="0.25", ranksep="0.3")
    g.attr("node", fontname="Helvetica", fontsize="11", margin="0.1,0.05")
    g.attr("edge", fontname="Helvetica", fontsize="9", color=colors.EDGE)
    notes = _notes(facts, collapse, max_nodes)
    if notes:
        g.attr(labelloc="t", labeljust="l", label=html.caption(notes))
    drawing = Drawing(g, facts, ids, checks, collapse)
    _emit_nodes(drawing, groups, show, collapse)
    _emit_edges(drawing, edges)
    if legend:
        _emit_legend(drawing, rankdir)
    return drawing


def _choice(name, value, allowed):
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"draw: {name}={value!r} is not one of {options}")


def expectation_checks(facts, expect, rtol, atol):
    """``{node: Check}`` for the hand-derived gradients in ``expect``."""
    if not isinstance(expect, dict):
        raise TypeError(
            f"draw: expect must be a dict {{node: array}}, got {type(expect).__name__}"
        )
    result = {}
    for node, expected in expect.items():
        if not isinstance(node, tg.Tensor) or node not in facts.labels:
            raise ValueError(
                "draw: expect has a key that is not a tensor of J's graph "
                f"({node!r}); use the tensors themselves as keys, e.g. {{Z: ...}}"
            )
        label = facts.labels[node]
        grad = facts.grads.get(node)
        if grad is None:
            raise ValueError(
                f"draw: expect gives a gradient for {label} {shape_text(node.shape)}, "
                "but autodiff computes none for it (it does not require grad, or "
                "J has several entries and no grad= was given)"
            )
        root = facts.labels[facts.root]
        result[node] = check(node, label, grad, expected, rtol, atol, root)
    return result


def _groups(facts):
    """Nodes by their full scope path, in order of first appearance."""
    groups = {}
    for node in facts.nodes:
        groups.setdefault(tuple(node.scope), []).append(node)
    return groups


def _display_ids(facts, groups):
    """``n<i>`` per node; every node of a collapsed scope shares ``layer<k>``.

    A leaf whose consumers all sit in one collapsed layer (that layer's
    ``W`` and ``b``) joins it, so the box shows the layer's parameters.
    """
    ids = {node: f"n{i}" for i, node in enumerate(facts.nodes)}
    for k, (path, members) in enumerate(groups.items()):
        if path:
            for node in members:
                # The cost keeps its own box so the drawing still ends in J.
                if node is not facts.root:
                    ids[node] = f"layer{k}"
    if groups:
        for node in facts.nodes:
            homes = {ids[c] for c in facts.consumers[node]}
            parameter = node.is_leaf and node.requires_grad
            if parameter and len(homes) == 1 and min(homes).startswith("layer"):
                ids[node] = min(homes)
    return ids


def _notes(facts, collapse, max_nodes):
    notes = []
    root = facts.root
    if root.op is None and not root.requires_grad:
        # (a * a).sum() of tensors that need no gradient records no graph
        notes.append(
            f"{facts.labels[root]} is a leaf, with no graph to draw: an operation "
            "is recorded only when an input requires grad (and not inside "
            "tg.no_grad()); make the parameters with requires_grad=True"
        )
    if root.requires_grad and facts.grads.get(root) is None:
        notes.append(
            f"no gradients: {facts.labels[root]} has shape {shape_text(root.shape)}; "
            "pass grad= (the upstream gradient) to draw them"
        )
    if collapse:
        notes.append(
            f"{len(facts.nodes)} nodes (more than max_nodes={max_nodes}): each "
            "layer is collapsed into one box; draw(J, max_nodes=None) shows all"
        )
    return notes


def _emit_nodes(drawing, groups, show, collapse):
    # The scope tree: each path's children, in order of first appearance.
    children = {(): []}
    for path in groups:
        for depth in range(1, len(path) + 1):
            prefix = path[:depth]
            if prefix not in children:
                children[prefix] = []
                children[prefix[:-1]].append(prefix)

    def emit(graph, path):
        for node in groups.get(path, []):
            if not drawing.ids[node].startswith("layer"):
                _emit_node(drawing, graph, node, show)
        if collapse and path and path in groups:
            layer_id = f"layer{list(groups).index(path)}"
            _emit_layer(drawing, graph, layer_id, path[-1], show)
        for child in children[path]:
            number = list(children).index(child)
            if collapse and not children[child]:
                # A collapsed scope with no scopes inside is just its box.
                emit(graph, child)
                continue
            with graph.subgraph(name=f"cluster_{number}") as cluster:
                cluster.attr(
                    label=html.plain(child[-1]), style="rounded,dashed",
                    color=colors.CLUSTER, fontname="Helvetica", fontsize="11",
                    labeljust="l",
                )
                emit(cluster, child)

    emit(drawing.graph, ())


def _emit_node(drawing, graph, node, show):
    facts = drawing.facts
    node_id = drawing.ids[node]
    attributes = dict(STYLES[facts.kinds[node]])
    check = drawing.checks.get(node)
    if check is not None:
        attributes["color"] = colors.AGREES if check.agrees else colors.DIFFERS
        attributes["penwidth"] = "3"
    graph.node(
        node_id,
        html.node_label(facts, node, show, check),
        id=node_id,
        tooltip=html.plain(facts.equation(node)),
        **attributes,
    )


def _emit_layer(drawing, graph, layer_id, name, show):
    facts = drawing.facts
    members = [n for n in facts.nodes if drawing.ids[n] == layer_id]
    if not members:
        return
    outputs = [
        n for n in members
        if not n.is_leaf and any(drawing.ids[c] != layer_id for c in facts.consumers[n])
    ]
    checks = {n: drawing.checks[n] for n in members if n in drawing.checks}
    attributes = dict(LAYER_STYLE)
    if checks:
        agrees = all(c.agrees for c in checks.values())
        attributes["color"] = colors.AGREES if agrees else colors.DIFFERS
        attributes["penwidth"] = "3"
    graph.node(
        layer_id,
        html.layer_label(facts, name, members, outputs, show, checks),
        id=layer_id,
        tooltip=html.plain(name),
        **attributes,
    )


def _emit_edges(drawing, edges):
    facts, ids, graph = drawing.facts, drawing.ids, drawing.graph
    # What each consumer sends back to each parent, in argument order.
    sent = {}
    for step in facts.steps:
        for c in sorted(step.contributions, key=lambda c: c.argument):
            sent.setdefault((c.consumer, step.node), []).append(c)
    layer_edges = set()
    for node in facts.nodes:
        for parent in node.parents:
            # One edge per argument: x * x draws two edges from x.
            waiting = sent.get((node, parent), [])
            contribution = waiting.pop(0) if waiting else None
            tail, head = ids[parent], ids[node]
            if tail == head:
                continue
            if tail.startswith("layer") or head.startswith("layer"):
                if (tail, head) not in layer_edges:
                    layer_edges.add((tail, head))
                    graph.edge(tail, head)
            elif edges == "local" and contribution is not None:
                graph.edge(
                    tail, head,
                    label=_local_label(facts, node, parent, contribution),
                )
            else:
                graph.edge(tail, head)


def _local_label(facts, consumer, parent, contribution):
    """The edge's local derivative, or the rule for a matmul or reduction."""
    if contribution.local is not None:
        symbol = f"∂{facts.labels[consumer]}/∂{facts.labels[parent]} ="
        lines = array_lines(np.asarray(contribution.local))
    else:
        symbol = f"{facts.grad_name(parent)} gets"
        lines = [rule_text(facts, consumer, contribution.argument)]
    return html.edge_label(symbol, lines)


def _emit_legend(drawing, rankdir):
    """One small box listing the kinds of node (and marks) this drawing uses.

    Top to bottom, it goes under the cost, on a rank of its own (an
    invisible edge from the cost holds it there): the first rank holds the
    widest boxes (the inputs and first weights), and a legend beside them
    would make the drawing wider than a notebook cell.
    """
    facts = drawing.facts
    entries = [
        (STYLES[k]["fillcolor"], STYLES[k]["color"], DESCRIPTIONS[k])
        for k in KINDS
        if k in {facts.kinds[n] for n in facts.nodes if drawing.ids[n][0] == "n"}
    ]
    if drawing.collapsed:
        entries.append((LAYER_STYLE["fillcolor"], LAYER_STYLE["color"],
                        "a layer drawn as one box"))
    marks = {c.agrees for c in drawing.checks.values()}
    if True in marks:
        entries.append((colors.MARK_FILL, colors.AGREES, "your gradient agrees"))
    if False in marks:
        entries.append((colors.MARK_FILL, colors.DIFFERS, "your gradient differs"))
    legend = {"shape": "box", "style": "rounded", "color": colors.LEGEND_BORDER,
              "id": "legend"}
    drawing.graph.node("legend", html.legend_label(entries), **legend)
    if rankdir in ("TB", "BT"):
        drawing.graph.edge(drawing.ids[facts.root], "legend", style="invis")

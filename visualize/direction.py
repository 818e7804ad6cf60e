"""``rankdir="auto"``: left to right when that fits a notebook cell, else top
to bottom.

A computation graph is long and thin: a chain of u-variables with a few
leaves beside it. Drawn left to right, each step of the chain adds a box's
width, and a network's graph is soon several screens wide; drawn top to
bottom, the width is that of the widest rank, a box or three. The choice is
made before Graphviz lays anything out, from an estimate of each box's
width (its longest line of text) and of each node's rank (``dot`` puts an
operation one rank after its last input, and a leaf just before its first
consumer), so ``draw`` stays deterministic and needs no ``dot`` to run.
"""

from .values import array_lines

# A JupyterLab cell about 900 px wide has about 800 px for output, 600 pt
# (Graphviz measures in points, 3/4 of a CSS pixel).
CELL_WIDTH = 600
# Courier's characters are 0.6 em wide; at 11 pt, 6.6 pt. Helvetica is
# narrower on average, so this overestimates its lines a little.
CHAR_WIDTH = 6.6
# The node's margin (0.1 in each side) and the table's cell padding.
BOX_PADDING = 20
# draw's nodesep (0.25 in) and ranksep (0.3 in), in points.
NODE_GAP, RANK_GAP = 18, 22


def choose(facts, ids, show):
    """``"LR"`` when the graph drawn left to right fits ``CELL_WIDTH`` or is
    no wider than drawn top to bottom, else ``"TB"``."""
    widths = _box_widths(facts, ids, show)
    ranks = _ranks(facts, ids)
    by_rank = {}
    for box, rank in ranks.items():
        by_rank.setdefault(rank, []).append(widths[box])
    across = sum(max(w) for w in by_rank.values()) + RANK_GAP * (len(by_rank) - 1)
    down = max(sum(w) + NODE_GAP * (len(w) - 1) for w in by_rank.values())
    return "LR" if across <= CELL_WIDTH or across <= down else "TB"


def _box_widths(facts, ids, show):
    """Each drawn box's estimated width in points: its longest line."""
    widths = {}
    for node in facts.nodes:
        lines = [facts.equation(node), f"{node.op.name if node.op else 'input'} · "
                 f"shape {node.shape}"]
        if show in ("both", "value"):
            lines += array_lines(node.data)
        grad = facts.grads.get(node)
        if show in ("both", "grad") and grad is not None:
            lines += array_lines(grad)
        width = max(len(line) for line in lines) * CHAR_WIDTH + BOX_PADDING
        box = ids[node]
        widths[box] = max(widths.get(box, 0), width)
    return widths


def _ranks(facts, ids):
    """The rank ``dot`` would give each drawn box, roughly (see the module).

    Ranks are counted on the boxes, so a collapsed layer is one rank.
    """
    inputs = {box: set() for box in ids.values()}
    consumers = {box: set() for box in ids.values()}
    for node in facts.nodes:
        for parent in node.parents:
            if ids[parent] != ids[node]:
                inputs[ids[node]].add(ids[parent])
                consumers[ids[parent]].add(ids[node])
    # Longest path from the boxes with no inputs, in topological order (Kahn).
    rank = {box: 0 for box in inputs}
    waiting = {box: len(parents) for box, parents in inputs.items()}
    ready = [box for box, count in waiting.items() if count == 0]
    while ready:
        box = ready.pop()
        for consumer in consumers[box]:
            rank[consumer] = max(rank[consumer], rank[box] + 1)
            waiting[consumer] -= 1
            if waiting[consumer] == 0:
                ready.append(consumer)
    # A box with no inputs (a leaf: X, W) sits just before its first consumer.
    for box, parents in inputs.items():
        if not parents and consumers[box]:
            rank[box] = min(rank[c] for c in consumers[box]) - 1
    return rank

"""``step_through``: one self-contained HTML page that replays backward.

The page holds the drawing (inline SVG, laid out once by Graphviz) and one
frame per node in reverse topological order, the order backward visits
them. A frame highlights its node, shows the gradients known so far (the
others stay hidden) and, beside the drawing, the chain-rule sum that made
this node's gradient, with numbers. No network and no external scripts:
the file works from a USB stick: the style sheet and the script, package
data in ``assets/``, are copied into it.
"""

import html
import json
import re
from importlib.resources import files
from pathlib import Path

from . import colors
from .dot import MAX_NODES, build
from .frames import frames as backward_frames
from .output import layout


def step_through(
    J, path, show="both", rankdir="auto", edges="plain", max_nodes=MAX_NODES, grad=None
):
    """Write a page that steps through the backward pass from ``J``.

    Buttons previous / next / play and the arrow keys (space plays) move
    between frames; ``page.html#step=3`` opens the third frame; "fit to
    page" shrinks a large drawing to the window. The
    drawing options are those of ``visualize.draw``. Returns ``path``.

    >>> import tinygraph as tg, visualize, tempfile, os
    >>> a = tg.tensor([0.9, 0.2], requires_grad=True, name="a")
    >>> J = (1 - a).log().sum().named("J")
    >>> page = os.path.join(tempfile.mkdtemp(), "steps.html")
    >>> visualize.step_through(J, page) == page
    True
    """
    drawing = build(J, show, rankdir, edges, max_nodes=max_nodes, grad=grad,
                    legend=True)
    target = Path(path)
    svg = layout(drawing.graph, "svg", target).decode("utf-8")
    # Inline SVG needs no XML prolog or DOCTYPE.
    svg = svg[svg.index("<svg"):]
    steps = backward_frames(J, grad)
    data = [
        {
            "node": drawing.ids[f.node],
            "label": f.label,
            "equation": f.equation,
            "text": f.text,
        }
        for f in steps
    ]
    title = f"Backward pass from {drawing.facts.labels[J]}"
    page = PAGE.format(
        title=html.escape(title),
        count=len(steps),
        style=_style(),
        svg=svg,
        frames=_script_json(data),
        script=_asset("steps.js"),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return path


def _style():
    """The style sheet, after the colours it reads as ``var(--name)``."""
    lines = [f"  --{name}: {color};" for name, color in colors.PAGE.items()]
    return ":root {\n" + "\n".join(lines) + "\n}\n" + _asset("steps.css")


def _asset(name):
    """The text of ``assets/<name>``, package data beside this module."""
    return (files(__package__) / "assets" / name).read_text(encoding="utf-8")


def _script_json(data):
    """JSON that is safe inside ``<script>``: no ``</`` can close the tag."""
    text = json.dumps(data, ensure_ascii=True, indent=1)
    return re.sub(r"</", r"<\\/", text)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{style}</style>
</head>
<body data-step="0" data-current="">
<header>
  <h1>{title}</h1>
  <div class="controls">
    <button id="prev" type="button">&#9664; previous</button>
    <button id="play" type="button">&#9654; play</button>
    <button id="next" type="button">next &#9654;</button>
    <button id="fit" type="button">fit to page</button>
    <span id="counter">step 1 of {count}</span>
    <span class="hint">keys: &#8592; &#8594; (space plays)</span>
  </div>
</header>
<main>
  <section id="drawing">{svg}</section>
  <aside>
    <h2 id="frame-title"></h2>
    <pre id="frame-text"></pre>
    <h3>Order of the backward pass</h3>
    <ol id="frame-list"></ol>
  </aside>
</main>
<script>
const FRAMES = {frames};
{script}
</script>
</body>
</html>
"""

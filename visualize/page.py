"""``step_through``: one self-contained HTML page that replays backward.

The page holds the drawing (inline SVG, laid out once by Graphviz) and one
frame per node, each when its gradient is complete (``visualize.frames``).
A frame highlights its node and the nodes its gradient comes from, keeps
both in view, shows the gradients known so far (the others stay hidden)
and, beside the drawing, the chain-rule sum that made this node's
gradient, with numbers. No network and no external scripts:
the file works from a USB stick: the style sheet and the script, package
data in ``assets/``, are copied into it.
"""

import html
from pathlib import Path

from . import colors
from .dot import MAX_NODES, build
from .embed import StepThrough
from .frames import frames as backward_frames
from .output import layout, svg_text
from .page_parts import HEAD, asset, script_json, style
from .symbols import equation_html, steps_in_symbols


def step_through(
    J,
    path=None,
    show="both",
    rankdir="auto",
    edges="plain",
    max_nodes=MAX_NODES,
    grad=None,
    symbols=None,
):
    """A page that steps through the backward pass from ``J``, one node at
    a time.

    With ``path``, the page is written there (one self-contained file) and
    ``path`` is returned. Without it, a ``StepThrough`` is returned, which a
    notebook (JupyterLab, the classic notebook, VS Code) shows inline;
    ``.save(path)`` writes the same page. Buttons previous / next / play
    and the arrow keys (space plays) move between frames;
    ``page.html#step=3`` opens the third frame; "fit to page" shrinks a
    large drawing to the window. The drawing options are those of
    ``visualize.draw``.

    With SymPy installed (the ``symbolic`` extra), each step shows the
    chain rule in symbols, then the same with the consumers' gradients
    substituted, then the closed form (``tg.graph.derivation``), typeset
    as MathML (no script, no network), and then the numbers.
    ``symbols=False`` leaves them out; ``symbols=True`` insists, also for a
    graph of more than 20 nodes (SymPy may then take a minute).

    >>> import tinygraph as tg, visualize, tempfile, os
    >>> a = tg.tensor([0.9, 0.2], requires_grad=True, name="a")
    >>> J = (1 - a).log().sum().named("J")
    >>> page = os.path.join(tempfile.mkdtemp(), "steps.html")
    >>> visualize.step_through(J, page) == page
    True
    >>> visualize.step_through(J)
    StepThrough('Backward pass from J', 4 steps)
    """
    target = None if path is None else Path(path)
    page, title, count = page_html(
        J, show, rankdir, edges, max_nodes, grad, target, symbols
    )
    if target is None:
        return StepThrough(page, title, count)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return path


def page_html(J, show="both", rankdir="auto", edges="plain", max_nodes=MAX_NODES,
              grad=None, target=None, symbols=None):
    """The page's HTML, its title and its number of frames. Without Graphviz,
    the drawing's DOT text is saved beside ``target``, when there is one."""
    drawing = build(J, show, rankdir, edges, max_nodes=max_nodes, grad=grad,
                    legend=True)
    if target is None:
        svg = svg_text(drawing.graph)
    else:
        svg = layout(drawing.graph, "svg", target).decode("utf-8")
    # Inline SVG needs no XML prolog or DOCTYPE.
    svg = svg[svg.index("<svg"):]
    steps = backward_frames(J, grad)
    derived, note = steps_in_symbols(J, symbols)
    data = [_frame_data(drawing, frame, derived.get(frame.node)) for frame in steps]
    title = f"Backward pass from {drawing.facts.labels[J]}"
    page = PAGE.format(
        title=html.escape(title),
        note=f'<p class="hint">{html.escape(note)}</p>' if note else "",
        count=len(steps),
        style=style("steps.css", colors.PAGE),
        svg=svg,
        frames=script_json(data),
        script=asset("steps.js"),
    )
    return page, title, len(steps)


def _frame_data(drawing, frame, derived=None):
    """What the page's script needs of one frame: the boxes to highlight
    (the node, and the consumers its gradient comes from), the text, and
    the step in symbols when ``derived`` (its derivation step) is given."""
    box = drawing.ids[frame.node]
    # A node that gets no gradient (the data X) still points to its users.
    consumers = [t.consumer for t in frame.terms] or drawing.facts.consumers[frame.node]
    sources = [drawing.ids[consumer] for consumer in consumers]
    return {
        "node": box,
        "sources": [s for s in dict.fromkeys(sources) if s != box],
        "label": frame.label,
        "equation": frame.equation,
        "text": frame.text,
        "maths": _maths(derived) if derived is not None else "",
    }


def _maths(step):
    """The step in symbols, then a heading for the numbers under it."""
    return (
        '<div class="step-part"><span>in symbols: the chain rule, then each '
        "consumer's gradient substituted, then in the leaves</span>"
        f"{equation_html(step)}</div>"
        '<div class="step-part"><span>with numbers</span></div>'
    )


PAGE = HEAD + """<body data-step="0" data-current="">
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
    {note}
    <h2 id="frame-title"></h2>
    <div id="frame-maths" hidden></div>
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

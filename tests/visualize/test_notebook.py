"""Drawings stay readable in a notebook cell 900 px wide: the demo's graph,
shown as JupyterLab and the classic notebook show it, measured in a real
headless Chromium; and the choice of top to bottom for deep graphs."""

import re

import graphviz
import numpy as np
import pytest

import tinygraph as tg
import visualize
from visualize import direction
from visualize.notebook import ScrollingDigraph

from .chromium import Browser
from .conftest import scoped_network
from .notebook_page import SMALLEST_TEXT, notebook_html, set_width

CELL = 900  # px: the width of the notebook page, as the issue measures it
READABLE = 9  # px: the smallest node text a student can still read


def demo_graph():
    """The graph demo.py draws: a 64-64-10 ReLU network, softmax and
    cross-entropy on 4 examples (weights untrained: only the shape matters)."""
    rng = np.random.default_rng(0)
    model = tg.nn.Sequential(
        tg.nn.Linear(64, 64, rng=rng, init="he"), tg.nn.ReLU(),
        tg.nn.Linear(64, 10, rng=rng),
    )
    X = tg.tensor(rng.normal(size=(64, 4)), name="X")
    Y = np.eye(10)[:, rng.integers(0, 10, 4)]
    A = tg.nn.softmax(model(X)).named("A2")
    return tg.nn.cross_entropy(A, Y).named("J")


def rankdir(graph):
    return re.search(r"rankdir=(\w+)", graph.source).group(1)


def test_draw_is_a_digraph_that_offers_the_notebook_html(bce, needs_dot):
    g = visualize.draw(bce.J)
    assert isinstance(g, graphviz.Digraph) and isinstance(g, ScrollingDigraph)
    bundle = g._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/svg+xml"}
    html = bundle["text/html"]
    assert html.startswith('<div class="tinygraph-drawing" style="overflow-x:auto')
    assert '<svg style="max-width:none' in html and "<?xml" not in html
    assert set(g._repr_mimebundle_(include=["image/png"])) == {"image/png"}
    assert "text/html" not in g._repr_mimebundle_(exclude=["text/html"])


def test_draw_auto_goes_top_to_bottom_for_deep_graphs_only():
    assert rankdir(visualize.draw(demo_graph())) == "TB"
    assert rankdir(visualize.draw(scoped_network(layers=3).J)) == "TB"
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    assert rankdir(visualize.draw((x * x).sum())) == "LR"
    assert rankdir(visualize.draw(demo_graph(), rankdir="LR")) == "LR"


# How much wider than its box the drawing is (0: no sideways scrolling).
OVERFLOW = """(() => {
  const box = document.querySelector(".tinygraph-drawing");
  return box ? box.scrollWidth - box.clientWidth : null;
})()"""


def laid_out_width(graph):
    """The drawing's width in points, as Graphviz lays it out."""
    svg = graph.pipe(format="svg").decode()
    return float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))


def test_draw_auto_choice_agrees_with_the_real_layouts(bce, needs_dot):
    """The estimate made before layout picks left to right exactly when
    Graphviz's left-to-right drawing fits the cell, else the narrower one."""
    x = tg.tensor([[0.5, 0.2]], requires_grad=True, name="x")
    graphs = [bce.J, demo_graph(), scoped_network(layers=1).J, (x * x).sum(),
              x.log().sum(), (x.sigmoid() * 2).sum()]
    for J in graphs:
        across = laid_out_width(visualize.draw(J, rankdir="LR"))
        down = laid_out_width(visualize.draw(J, rankdir="TB"))
        expected = "LR" if across <= direction.CELL_WIDTH else "TB"
        assert rankdir(visualize.draw(J)) == expected, (across, down)
        if expected == "TB":
            assert down < across


def smallest_text(chromium, tmp_path, obj, template):
    """The smallest text, and the sideways overflow, of ``obj`` shown in a
    notebook page ``CELL`` px wide."""
    page = notebook_html(obj, tmp_path / f"{template}.html", template)
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.open(page.as_uri())
        set_width(browser, CELL)
        text = browser.evaluate(SMALLEST_TEXT)
        return {**text, "overflow": browser.evaluate(OVERFLOW)}
    finally:
        browser.close()


@pytest.mark.parametrize("template", ["lab", "classic"])
@pytest.mark.parametrize("direction", ["auto", "LR"])
def test_demo_drawing_text_is_readable_in_a_900px_notebook(
    chromium, tmp_path, needs_dot, template, direction
):
    drawing = visualize.draw(demo_graph(), rankdir=direction)
    text = smallest_text(chromium, tmp_path, drawing, template)
    assert text["count"] > 50  # the drawing's text is on the page, inline
    # 9 pt labels (the operation, "value") drawn at their natural 12 px.
    assert text["font"] >= READABLE, text
    assert text["box"] >= READABLE, text
    if direction == "LR":  # the box scrolls sideways instead of shrinking
        assert text["overflow"] > 1000, text
    elif template == "lab":  # top to bottom it fits JupyterLab's cell
        assert text["overflow"] == 0, text
    else:  # the classic notebook's cell is narrower: a little scrolling
        assert text["overflow"] < 200, text


def test_a_plain_svg_of_the_same_drawing_is_shrunk_unreadable(
    chromium, tmp_path, needs_dot
):
    """The measurement can fail: the classic notebook shrinks a plain SVG
    image of the demo's graph drawn left to right to about 4 px text."""
    plain = graphviz.Source(visualize.draw(demo_graph(), rankdir="LR").source)
    text = smallest_text(chromium, tmp_path, plain, "classic")
    assert text["font"] < 5, text

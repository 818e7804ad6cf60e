"""step_through: a self-contained page with one frame per node whose
numbers match the gradients; and one real headless Chromium run."""

import html
import json
import re

import numpy as np

import tinygraph as tg
import visualize
from visualize import colors
from visualize.values import array_inline

from .chromium import Browser
from .conftest import scoped_network
from .notebook_page import notebook_html, set_width
from .test_notebook import demo_graph


def page_frames(path):
    """The frames the page's script steps through, read back from the file."""
    text = path.read_text(encoding="utf-8")
    data = re.search(r"const FRAMES = (\[.*?\]);\n", text, flags=re.DOTALL).group(1)
    return text, json.loads(data)


def test_step_through_has_one_frame_per_node(bce, tmp_path, needs_dot):
    path = tmp_path / "steps.html"
    assert visualize.step_through(bce.J, path) == path
    text, frames = page_frames(path)
    labels = tg.graph.labels(bce.J)
    backward_order = tg.graph.nodes(bce.J)[::-1]
    assert [f["label"] for f in frames] == [labels[n] for n in backward_order]
    # Each frame's box, and those of the nodes its gradient comes from, are
    # in the inline drawing.
    for frame in frames:
        for box in [frame["node"], *frame["sources"]]:
            assert f'<g id="{box}" class="node">' in text
    u0 = next(f for f in frames if f["label"] == "u0")
    assert u0["sources"] == ["n1", "n2"]  # u1 = 1 - u0 and u2 = log(u0)


def test_step_through_numbers_match_closed_forms(bce, tmp_path, needs_dot):
    _, frames = page_frames(_write(bce, tmp_path))
    by_label = {f["label"]: f["text"] for f in frames}
    assert by_label["u0"].splitlines()[-1].endswith(array_inline(bce.dJ_da))
    assert by_label["u1"].splitlines()[-1].endswith(array_inline(bce.dJ_du1))
    assert by_label["u2"].splitlines()[-1].endswith(array_inline(bce.dJ_du2))
    assert "sum of the 2 contributions" in by_label["u0"]


def _write(bce, tmp_path):
    path = tmp_path / "steps.html"
    visualize.step_through(bce.J, path)
    return path


def test_step_through_is_self_contained(bce, tmp_path, needs_dot):
    text = _write(bce, tmp_path).read_text(encoding="utf-8")
    assert "<svg" in text and "<?xml" not in text
    fetches = r"<script[^>]+src=|<link|@import|https?://(?!www\.w3\.org)"
    assert not re.search(fetches, text)
    for control in ('id="prev"', 'id="next"', 'id="play"', "ArrowRight", "ArrowLeft"):
        assert control in text


def test_step_through_broadcast_frame_names_axes(tmp_path, needs_dot):
    net = scoped_network(layers=1, m=4)
    path = tmp_path / "net.html"
    visualize.step_through(net.J, path)
    _, frames = page_frames(path)
    b1 = next(f for f in frames if f["label"] == "b1")
    assert "summed over axis 1" in b1["text"]
    expected = net.dZ.sum(axis=1, keepdims=True)
    assert b1["text"].splitlines()[-1].endswith(array_inline(expected))


def css_rgb(hex_color):
    """``#e67e22`` as a browser's computed style writes it: ``rgb(230, 126, 34)``."""
    red, green, blue = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def test_step_through_in_headless_chromium_next_moves_the_highlight(
    bce, tmp_path, needs_dot, chromium
):
    path = _write(bce, tmp_path)
    frames = visualize.frames(bce.J)
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.open(path.as_uri())
        assert browser.evaluate("document.body.dataset.current") == "J"
        browser.click("#next")  # a real mouse click on the button
        assert browser.evaluate("document.body.dataset.current") == frames[1].label
        assert browser.evaluate(
            "document.querySelector('#drawing g.node.current').id"
        ) == "n7"
        browser.press("ArrowRight", "ArrowRight")  # a real key press
        assert browser.evaluate("document.body.dataset.current") == frames[2].label
        assert browser.evaluate("location.hash") == "#step=3"
        shown = browser.evaluate("document.getElementById('frame-text').textContent")
        assert shown == frames[2].text
        # Gradients of nodes backward has not reached yet are hidden.
        hidden = browser.evaluate(
            "Array.from(document.querySelectorAll('#drawing g.node.pending'))"
            ".map(g => g.id)"
        )
        assert hidden == [f"n{i}" for i in range(6)]
        grad_text = browser.evaluate(
            "getComputedStyle(document.querySelector("
            f"'#drawing g.node.pending text[fill=\"{colors.GRAD}\"]')).visibility"
        )
        assert grad_text == "hidden"
        # The page's colours reach its style sheet as custom properties.
        outline = browser.evaluate(
            "getComputedStyle(document.querySelector("
            "'#drawing g.node.current path, #drawing g.node.current polygon')).stroke"
        )
        assert outline == css_rgb(colors.PAGE["highlight"])
        browser.press("ArrowLeft", "ArrowLeft")
        assert browser.evaluate("document.body.dataset.current") == frames[1].label
    finally:
        browser.close()
    np.testing.assert_allclose(frames[-1].grad, bce.dJ_da, rtol=1e-12)


def test_step_through_opens_at_the_step_in_the_url(bce, tmp_path, needs_dot, chromium):
    path = _write(bce, tmp_path)
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.open(path.as_uri() + "#step=9")
        assert browser.evaluate("document.body.dataset.current") == "u0"
        text = browser.evaluate("document.getElementById('frame-text').textContent")
        assert text.splitlines()[-1].endswith(array_inline(bce.dJ_da))
    finally:
        browser.close()


def test_step_through_without_a_path_is_shown_inline(bce, tmp_path, needs_dot):
    steps = visualize.step_through(bce.J)
    assert isinstance(steps, visualize.StepThrough)
    assert repr(steps) == "StepThrough('Backward pass from J', 9 steps)"
    frame = steps._repr_html_()
    assert frame.startswith('<iframe class="tinygraph-steps"') and "height:" in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    assert html.unescape(srcdoc) == steps.html  # the whole page, escaped
    path = tmp_path / "steps.html"
    assert steps.save(path) == path
    assert path.read_text(encoding="utf-8") == steps.html
    visualize.step_through(bce.J, tmp_path / "written.html")
    assert (tmp_path / "written.html").read_text(encoding="utf-8") == steps.html


# In the page inside the notebook's frame: where the drawing's pane, the
# current box and the boxes its gradient comes from are, on the screen.
IN_VIEW = """(() => {
  const page = document.querySelector("iframe").contentDocument;
  const pane = page.getElementById("drawing").getBoundingClientRect();
  const box = el => { const r = el.getBoundingClientRect();
                      return [r.left, r.top, r.right, r.bottom]; };
  return {
    step: page.body.dataset.step,
    current: page.body.dataset.current,
    pane: [pane.left, pane.top, pane.right, pane.bottom],
    boxes: Array.from(page.querySelectorAll(
      "#drawing g.node.current, #drawing g.node.source")).map(box),
    sources: page.querySelectorAll("#drawing g.node.source").length,
    notebookScroll: [window.scrollX, window.scrollY],
  };
})()"""


def test_step_through_inline_keeps_the_node_and_its_sources_in_view(
    tmp_path, needs_dot, chromium
):
    """The demo's graph, stepped through inside a JupyterLab page 900 px
    wide: at every step the current node and the nodes its gradient comes
    from are all inside the drawing's visible pane, and the notebook around
    the frame never scrolls."""
    J = demo_graph()
    page = notebook_html(visualize.step_through(J), tmp_path / "nb.html",
                         code="visualize.step_through(J)")
    frames = visualize.frames(J)
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.open(page.as_uri())
        set_width(browser, 900)
        for index, frame in enumerate(frames):
            seen = browser.evaluate(IN_VIEW)
            assert seen["step"] == str(index + 1)
            assert seen["current"] == frame.label
            left, top, right, bottom = seen["pane"]
            assert right - left > 600  # the drawing sits above the text
            for box in seen["boxes"]:
                assert left <= box[0] and box[2] <= right, (frame.label, seen)
                assert top <= box[1] and box[3] <= bottom, (frame.label, seen)
            if index > 0:
                assert seen["sources"] >= 1, frame.label
            assert seen["notebookScroll"] == [0, 0]
            browser.evaluate(
                "document.querySelector('iframe').contentDocument"
                ".getElementById('next').click()"
            )
    finally:
        browser.close()

"""render: SVG, PNG and PDF by extension; a missing `dot` is explained and
the DOT text is kept."""

import xml.etree.ElementTree as ET

import graphviz
import pytest

import visualize


@pytest.mark.parametrize("ext, magic", [
    ("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF"),
])
def test_render_writes_the_format_of_the_extension(
    bce, tmp_path, needs_dot, ext, magic
):
    path = tmp_path / f"graph.{ext}"
    assert visualize.render(bce.J, str(path)) == str(path)
    assert path.read_bytes().startswith(magic)


def test_render_svg_parses_and_passes_draw_options(bce, tmp_path, needs_dot):
    path = tmp_path / "sub" / "graph.svg"
    visualize.render(bce.J, path, show="value", rankdir="TB")
    root = ET.parse(path).getroot()
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "u3 = log(u1)" in texts
    assert not any(t.startswith("∂J/∂") for t in texts)


def test_render_rejects_unknown_extensions(bce, tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        visualize.render(bce.J, tmp_path / "graph.jpeg")


def test_missing_dot_keeps_draw_and_explains_render(bce, tmp_path, monkeypatch):
    # An empty PATH: graphviz cannot find `dot`, as on a machine without it.
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    g = visualize.draw(bce.J)
    assert isinstance(g, graphviz.Digraph) and "u3 = log(u1)" in g.source
    with pytest.raises(graphviz.ExecutableNotFound):
        g.pipe(format="svg")
    target = tmp_path / "out" / "graph.svg"
    with pytest.raises(visualize.GraphvizMissingError) as caught:
        visualize.render(bce.J, target)
    message = str(caught.value)
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert "graph.dot" in message
    assert not target.exists()
    saved = (tmp_path / "out" / "graph.dot").read_text(encoding="utf-8")
    assert saved == g.source


def test_missing_dot_step_through_explains_too(bce, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(visualize.GraphvizMissingError, match="Install Graphviz"):
        visualize.step_through(bce.J, tmp_path / "steps.html")
    assert (tmp_path / "steps.dot").exists()


def test_missing_dot_inline_step_through_explains_and_writes_nothing(
    bce, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(visualize.GraphvizMissingError, match="Install Graphviz"):
        visualize.step_through(bce.J)
    assert list(tmp_path.iterdir()) == []

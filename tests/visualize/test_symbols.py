"""The steps in symbols: the derivation's MathML cut into its sides, when
symbols are used and when not, and the step-through page typesetting them
in a real headless Chromium, offline."""

import re
from types import SimpleNamespace

import numpy as np
import pytest

import tinygraph as tg
import visualize
from visualize import symbols

from .chromium import Browser
from .conftest import scoped_network

sympy = pytest.importorskip("sympy", reason="needs the symbolic extra")

SUM = (
    "<munderover><mo>&#x2211;</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow>"
    "<mi>m</mi></munderover><msub><mi>a</mi><mi>i</mi></msub>"
)


def test_sides_cut_at_the_top_level_equals_only():
    mathml = (
        '<math display="block"><mrow><mi>x</mi><mo>=</mo>'
        f"<mrow>{SUM}</mrow><mo>=</mo><mn>3</mn><mspace/></mrow></math>"
    )
    assert symbols.sides(mathml) == ["<mi>x</mi>", f"<mrow>{SUM}</mrow>",
                                     "<mn>3</mn><mspace/>"]


def test_sides_keep_an_unexpected_shape_whole():
    assert symbols.sides("<math><mi>x</mi></math>") == ["<mi>x</mi>"]
    unbalanced = '<math display="block"><mrow><mrow><mi>x</mi><mo>=</mo></mrow></math>'
    assert len(symbols.sides(unbalanced)) == 1


def test_sides_of_every_derivation_step_put_back_together_give_the_step(bce):
    for step in tg.graph.derivation(bce.J):
        parts = symbols.sides(step.mathml)
        inner = re.sub(r'^<math display="block"><mrow>|</mrow></math>$', "",
                       step.mathml)
        assert "<mo>=</mo>".join(parts) == inner
        assert len(parts) >= 2  # ∂J/∂x = at least one side


def test_symbols_are_used_when_sympy_is_there_and_the_graph_small(bce):
    derived, note = symbols.steps_in_symbols(bce.J)
    assert note is None
    assert set(derived) == {n for n in tg.graph.nodes(bce.J) if n.requires_grad}
    assert symbols.steps_in_symbols(bce.J, symbols=False) == ({}, None)


def test_symbols_left_out_without_sympy_or_for_a_large_graph(bce, monkeypatch):
    J = scoped_network(layers=3).J  # 24 nodes
    derived, note = symbols.steps_in_symbols(J)
    assert derived == {} and "more than 20 nodes" in note
    missing = SimpleNamespace(util=SimpleNamespace(find_spec=lambda name: None))
    monkeypatch.setattr(symbols, "importlib", missing)
    assert symbols.steps_in_symbols(bce.J) == ({}, None)
    with pytest.raises(ImportError, match=r'table: symbols=True needs SymPy.*"\.\['):
        symbols.steps_in_symbols(bce.J, symbols=True, caller="table")


def test_symbols_option_is_checked(bce):
    with pytest.raises(ValueError, match="table: symbols must be True, False or None"):
        visualize.table(bce.J, symbols="yes")


def test_symbols_true_says_why_a_graph_has_none():
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x * 3  # two entries: a derivation starts from a cost
    with pytest.raises(ValueError, match="step_through: symbols=True, but derivation"):
        visualize.step_through(y, grad=np.ones(2), symbols=True)
    page = visualize.step_through(y, grad=np.ones(2))
    assert "numbers only: derivation: J has shape (2,)" in page.html


def frames_of(page):
    import json

    data = re.search(r"const FRAMES = (\[.*?\]);\n", page, flags=re.DOTALL).group(1)
    return json.loads(data)


def test_step_through_shows_each_step_in_symbols_then_numbers(bce, needs_dot):
    page = visualize.step_through(bce.J).html
    frames = {f["label"]: f for f in frames_of(page)}
    u0 = tg.graph.derivation(bce.J)["u0"]
    maths = frames["u0"]["maths"]
    # Every side of the derivation's equation, in order, then the numbers.
    positions = [maths.index(side) for side in symbols.sides(u0.mathml)]
    assert positions == sorted(positions) and "with numbers" in maths[positions[-1]:]
    assert maths.count("<math display=\"block\">") == 1 + 2 * (len(positions) - 1)
    assert "∂J/∂u0 = ∂J/∂u1 · ∂u1/∂u0 + ∂J/∂u2 · ∂u2/∂u0" in frames["u0"]["text"]
    assert all(f["maths"] for f in frames.values())  # every node needs a gradient
    plain = frames_of(visualize.step_through(bce.J, symbols=False).html)
    assert all(f["maths"] == "" for f in plain)


def test_step_through_page_typesets_mathml_offline(bce, tmp_path, needs_dot, chromium):
    path = tmp_path / "steps.html"
    visualize.step_through(bce.J, path)
    text = path.read_text(encoding="utf-8")
    # Nothing fetched: no script or style sheet from elsewhere, no URL but
    # the SVG's own XML namespaces.
    assert not re.search(r"<script[^>]+src=|<link|@import|https?://(?!www\.w3\.org)",
                         text)
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.open(path.as_uri() + "#step=9")  # u0: two contributions
        assert browser.evaluate("document.body.dataset.current") == "u0"
        shown = browser.evaluate("""(() => {
          const maths = Array.from(document.querySelectorAll("#frame-maths math"));
          const fractions = Array.from(document.querySelectorAll("#frame-maths mfrac"));
          const size = e => { const r = e.getBoundingClientRect();
                              return [r.width, r.height]; };
          const font = parseFloat(getComputedStyle(maths[0]).fontSize);
          return {
            hidden: document.getElementById("frame-maths").hidden,
            sizes: maths.map(size),
            display: maths.map(m => getComputedStyle(m).display),
            fractions: fractions.map(f => size(f)[1] / font),
          };
        })()""")
    finally:
        browser.close()
    assert not shown["hidden"] and len(shown["sizes"]) >= 5
    assert all(w > 0 and h > 0 for w, h in shown["sizes"]), shown["sizes"]
    # Laid out as MathML ("math", "block math"), not as unknown inline tags.
    assert all("math" in d for d in shown["display"]), shown["display"]
    # A typeset fraction stacks numerator over denominator: taller than a line.
    assert shown["fractions"] and max(shown["fractions"]) > 1.6, shown["fractions"]

"""A derivation's maths goes through real renderers: every step's LaTeX
through matplotlib's mathtext, and its MathML through a headless Chromium,
which lays it out with no script (the step-through page relies on that)."""

import io
import tempfile

import numpy as np
import pytest

import tinygraph as tg
from tests.visualize.chromium import Browser

pytest.importorskip("sympy")


def derivations():
    """The notes' three kinds of step: elementwise, softmax's sum over the
    classes, and a dense network's matrix products and sum over examples."""
    rng = np.random.default_rng(16)
    A = tg.tensor(rng.uniform(0.1, 0.9, size=(1, 4)), requires_grad=True, name="A")
    bce = tg.nn.binary_cross_entropy(A, [[1, 0, 1, 1]])
    Z = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True, name="Z")
    Y = np.eye(3)[:, [0, 1, 2, 1]]
    softmax = tg.nn.cross_entropy(Z.softmax(axis=0).named("A"), Y)
    W = tg.tensor(rng.normal(size=(2, 3)), requires_grad=True, name="W1")
    b = tg.tensor(rng.normal(size=(2, 1)), requires_grad=True, name="b1")
    X = tg.tensor(rng.normal(size=(3, 4)), name="X")
    A1 = (W @ X + b).sigmoid().named("A1")
    dense = tg.nn.mse(A1, rng.normal(size=(2, 4)))
    return [tg.graph.derivation(J) for J in (bce, softmax, dense)]


def test_every_step_renders_with_matplotlib_mathtext():
    mathtext = pytest.importorskip("matplotlib.mathtext")
    for derivation in derivations():
        for step in derivation:
            image = io.BytesIO()
            # raises ValueError on LaTeX that mathtext cannot parse
            mathtext.math_to_image(f"${step.latex}$", image, dpi=72, format="png")
            assert image.getvalue().startswith(b"\x89PNG"), step.label


@pytest.mark.browser
def test_mathml_lays_out_as_maths_in_chromium(chromium, tmp_path):
    steps = [step for derivation in derivations() for step in derivation]
    page = tmp_path / "steps.html"
    page.write_text(
        "<!doctype html><meta charset='utf-8'><body>"
        + "".join(f"<div class='step'>{step.mathml}</div>" for step in steps)
        + "</body>",
        encoding="utf-8",
    )
    with tempfile.TemporaryDirectory() as profile:
        browser = Browser(chromium, profile)
        try:
            browser.open(page.as_uri())
            found = browser.evaluate(
                """(() => {
                  const ns = 'http://www.w3.org/1998/Math/MathML';
                  const maths = [...document.querySelectorAll('math')];
                  const fractions = [...document.querySelectorAll('mfrac')];
                  return {
                    count: maths.length,
                    mathml: maths.every(m => m.namespaceURI === ns),
                    sized: maths.every(m => m.getBoundingClientRect().width > 20),
                    // a fraction stacks its numerator above its denominator
                    stacked: fractions.length > 0 && fractions.every(f => {
                      const [top, bottom] = [...f.children].map(
                        c => c.getBoundingClientRect());
                      return top.bottom <= bottom.top + 1;
                    }),
                  };
                })()"""
            )
        finally:
            browser.close()
    assert found == {"count": len(steps), "mathml": True, "sized": True,
                     "stacked": True}

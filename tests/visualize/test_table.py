"""table: one row per node (label, definition, shape, value, gradient), as
Markdown and HTML, with gradients matching the notes' closed forms."""

import numpy as np
import pytest

import tinygraph as tg
import visualize
from visualize import colors
from visualize.values import array_inline


def test_table_has_one_row_per_node_in_topological_order(bce):
    t = visualize.table(bce.J)
    assert [r.label for r in t.rows] == [f"u{i}" for i in range(8)] + ["J"]
    assert [r.definition for r in t.rows[:4]] == [
        "parameter", "1 - u0", "log(u0)", "log(u1)"
    ]


def test_table_gradients_match_closed_forms(bce):
    rows = {r.label: r for r in visualize.table(bce.J).rows}
    np.testing.assert_allclose(rows["u0"].gradient, bce.dJ_da, rtol=1e-12)
    np.testing.assert_allclose(rows["u1"].gradient, bce.dJ_du1, rtol=1e-12)
    np.testing.assert_allclose(rows["u2"].gradient, bce.dJ_du2, rtol=1e-12)
    np.testing.assert_allclose(rows["J"].value, bce.J.data)


def test_table_markdown_lists_labels_definitions_and_numbers(bce):
    text = visualize.table(bce.J, symbols=False).to_markdown()
    lines = text.splitlines()
    assert lines[0] == "| label | definition | shape | value | ∂J/∂· |"
    assert len(lines) == 2 + 9
    assert f"| u0 | parameter | (1, 3) | {array_inline(bce.a.data)} | " \
           f"{array_inline(bce.dJ_da)} |" in text
    assert str(visualize.table(bce.J, symbols=False)) == text


def test_table_names_the_gradient_column_after_the_root():
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    assert visualize.table((x * x).sum().named("cost")).columns()[4] == "∂cost/∂·"
    unnamed = visualize.table((x * x).sum())  # an unnamed root is J
    assert unnamed.columns()[4] == "∂J/∂·" and unnamed.rows[-1].label == "J"


def test_table_html_shows_inline_in_jupyter(bce):
    t = visualize.table(bce.J)
    html = t._repr_html_()
    assert html.startswith("<table") and html.count("<tr>") == 1 + 9
    assert "log(u0)" in html and "<pre style=\"white-space:pre" in html
    assert t._repr_markdown_() == t.to_markdown()


def test_table_expect_adds_a_check_column(bce):
    wrong = bce.dJ_du1 * 2
    t = visualize.table(bce.J, expect={bce.a: bce.dJ_da, bce.u1: wrong})
    text = t.to_markdown()
    assert text.splitlines()[0].endswith("| check |")
    assert t.columns()[-1] == "check"
    assert "✓ matches your ∂J/∂u0" in text and "✗ differs from your ∂J/∂u1" in text
    assert f"color:{colors.DIFFERS}" in t.to_html()


def test_table_escapes_pipes_and_marks_missing_gradients():
    X = tg.tensor(np.ones((2, 1)), name="X|data")
    w = tg.tensor(np.ones((1, 2)), requires_grad=True, name="w")
    text = visualize.table((w @ X).sum()).to_markdown()
    assert "X\\|data" in text
    assert "| — |" in text  # X needs no gradient


def test_table_gives_each_gradient_in_symbols_with_sympy(bce):
    pytest.importorskip("sympy", reason="needs the symbolic extra")
    from visualize.symbols import gradient_side

    t = visualize.table(bce.J)
    assert t.columns()[:6] == ["label", "definition", "shape", "value", "∂J/∂·",
                               "∂J/∂· in symbols"]
    derivation = tg.graph.derivation(bce.J)
    for row in t.rows:
        assert row.symbolic == gradient_side(derivation[row.node])
    u1 = next(r for r in t.rows if r.label == "u1")
    assert "u1" in u1.symbolic[0] and "m" in u1.symbolic[0]  # in its neighbours
    assert t.to_html().count('<math display="block">') == 9
    assert "in symbols" not in visualize.table(bce.J, symbols=False).to_html()


def tangents_by_finite_differences(build, x, v, eps=1e-6):
    """Each node's tangent, (node(x + eps v) - node(x - eps v)) / 2 eps, with
    the graph built twice more by ``build``: nodes are matched by position."""
    plus = tg.graph.nodes(build(x + eps * v))
    minus = tg.graph.nodes(build(x - eps * v))
    return [(p.data - q.data) / (2 * eps) for p, q in zip(plus, minus)]


def test_table_tangent_column_matches_finite_differences():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(3, 5)), (rng.random((1, 5)) > 0.5).astype(float)
    W0 = rng.normal(size=(2, 3))

    def build(W_data):
        W = tg.tensor(W_data, requires_grad=True, name="W")
        A = (W @ X).tanh().sum(axis=0, keepdims=True).sigmoid()
        return tg.nn.binary_cross_entropy(A, Y)

    V = rng.normal(size=W0.shape)
    J = build(W0)
    W = tg.graph.nodes(J)[0]
    t = visualize.table(J, tangent={W: V}, symbols=False)
    assert t.columns()[-1] == "tangent (from dW = v)"
    expected = tangents_by_finite_differences(build, W0, V)
    assert len(expected) == len(t.rows)
    for row, numeric in zip(t.rows, expected):
        np.testing.assert_allclose(row.tangent, numeric, rtol=1e-6, atol=1e-8,
                                   err_msg=row.label)
    # The root's tangent is the directional derivative dJ/dW · V.
    assert np.isclose(t.rows[-1].tangent, np.sum(t.rows[0].gradient * V))
    assert "tangent (from dW = v)" in t.to_markdown().splitlines()[0]


def test_table_tangent_rejects_what_it_cannot_push(bce):
    with pytest.raises(ValueError, match=r"tangent for u0 has shape \(3,\), but u0 "
                                         r"has shape \(1, 3\)"):
        visualize.table(bce.J, tangent={bce.a: np.ones(3)})
    with pytest.raises(ValueError, match="u1 = sub"):
        visualize.table(bce.J, tangent={bce.u1: np.ones((1, 3))})
    with pytest.raises(ValueError, match="not a tensor of J's graph"):
        visualize.table(bce.J, tangent={tg.tensor([1.0]): np.ones(1)})
    with pytest.raises(TypeError, match="dict"):
        visualize.table(bce.J, tangent=[np.ones((1, 3))])

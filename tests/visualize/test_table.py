"""table: one row per node (label, definition, shape, value, gradient), as
Markdown and HTML, with gradients matching the notes' closed forms."""

import numpy as np

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
    text = visualize.table(bce.J).to_markdown()
    lines = text.splitlines()
    assert lines[0] == "| label | definition | shape | value | ∂J/∂(label) |"
    assert len(lines) == 2 + 9
    assert f"| u0 | parameter | (1, 3) | {array_inline(bce.a.data)} | " \
           f"{array_inline(bce.dJ_da)} |" in text
    assert str(visualize.table(bce.J)) == text


def test_table_html_shows_inline_in_jupyter(bce):
    t = visualize.table(bce.J)
    html = t._repr_html_()
    assert html.startswith("<table") and html.count("<tr>") == 1 + 9
    assert "log(u0)" in html and "<pre>" in html
    assert t._repr_markdown_() == t.to_markdown()


def test_table_expect_adds_a_check_column(bce):
    wrong = bce.dJ_du1 * 2
    t = visualize.table(bce.J, expect={bce.a: bce.dJ_da, bce.u1: wrong})
    text = t.to_markdown()
    assert text.splitlines()[0].endswith("| check |")
    assert "✓ matches your ∂J/∂u0" in text and "✗ differs from your ∂J/∂u1" in text
    assert f"color:{colors.DIFFERS}" in t.to_html()


def test_table_escapes_pipes_and_marks_missing_gradients():
    import tinygraph as tg

    X = tg.tensor(np.ones((2, 1)), name="X|data")
    w = tg.tensor(np.ones((1, 2)), requires_grad=True, name="w")
    text = visualize.table((w @ X).sum()).to_markdown()
    assert "X\\|data" in text
    assert "| — |" in text  # X needs no gradient

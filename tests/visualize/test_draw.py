"""draw: nodes, labels, values and gradients, show modes, clusters, size
limit, expect marks, local derivatives on edges, determinism."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest

import tinygraph as tg
import visualize
from visualize.values import array_lines

from .conftest import BCE, scoped_network

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(graph):
    """Every text line of the laid-out SVG (parsing it checks it is XML)."""
    root = ET.fromstring(graph.pipe(format="svg"))
    # Graphviz writes runs of spaces as no-break spaces.
    return [(t.text or "").replace("\xa0", " ") for t in root.iter(f"{SVG}text")]


def test_draw_returns_digraph_with_a_node_per_tensor(bce):
    g = visualize.draw(bce.J)
    assert isinstance(g, graphviz.Digraph)
    node_ids = set(re.findall(r"^\s*(n\d+) \[", g.source, flags=re.MULTILINE))
    assert len(node_ids) == len(tg.graph.nodes(bce.J)) == 9


def test_draw_svg_has_every_label_equation_and_gradient(bce, needs_dot):
    texts = "\n".join(svg_texts(visualize.draw(bce.J)))
    for line in ["u0", "u1 = 1 - u0", "u2 = log(u0)", "u3 = log(u1)",
                 "u6 = u4 + u5", "u7 = sum(u6)", "J = (-0.333333) * u7"]:
        assert line in texts
    # Gradients against the notes' closed forms, in the drawing's rounding.
    for grad in (bce.dJ_da, bce.dJ_du1, bce.dJ_du2):
        for line in array_lines(grad):
            assert line in texts, line
    assert "∂J/∂u0 =" in texts and "∂J/∂J =" in texts


def test_draw_shows_value_grad_both_or_none(bce):
    value_line = array_lines(bce.a.data)[0]
    grad_line = array_lines(bce.dJ_da)[0]

    def has(show, text):
        return text in visualize.draw(bce.J, show=show).source

    assert has("both", value_line) and has("both", grad_line)
    assert has("value", value_line) and not has("value", grad_line)
    assert has("grad", grad_line) and not has("grad", value_line)
    assert not has("none", value_line) and not has("none", grad_line)
    assert "∂J/∂" not in visualize.draw(bce.J, show="value").source


def test_draw_same_graph_gives_same_dot_text():
    first = visualize.draw(BCE().J, edges="local").source
    second = visualize.draw(BCE().J, edges="local").source
    assert first == second


def test_draw_rejects_bad_options(bce):
    with pytest.raises(ValueError, match="show='values'"):
        visualize.draw(bce.J, show="values")
    with pytest.raises(ValueError, match="rankdir"):
        visualize.draw(bce.J, rankdir="up")
    with pytest.raises(ValueError, match="edges"):
        visualize.draw(bce.J, edges="all")
    with pytest.raises(TypeError, match="Tensor"):
        visualize.draw(np.ones(3))


def test_draw_kinds_are_told_apart_with_a_legend(needs_dot):
    J = scoped_network(layers=1).J
    source = visualize.draw(J).source
    assert "input or constant" in source and "parameter (leaf" in source
    assert "cost (the root" in source and "intermediate" in source
    lines = [line.lstrip() for line in source.splitlines()]
    x_line = next(line for line in lines if line.startswith("n0 "))
    w_line = next(line for line in lines if line.startswith("n1 "))
    # X (input) and W1 (parameter) differ in shape and fill colour.
    assert "shape=note" in x_line and "shape=box" in w_line
    assert re.search(r"fillcolor=\"([^\"]+)\"", x_line).group(1) != re.search(
        r"fillcolor=\"([^\"]+)\"", w_line
    ).group(1)


def test_draw_groups_each_scope_into_a_labelled_cluster():
    J = scoped_network(layers=2).J
    source = visualize.draw(J, max_nodes=None).source
    labels = re.findall(
        r"subgraph cluster_\d+ \{\s*[^\n]* label=(\"[^\"]+\"|\S+)", source
    )
    assert [label.strip('"') for label in labels] == ["Layer 1", "Layer 2", "cost"]
    # The matmul of layer 2 sits inside the second cluster.
    layer2 = source.split("label=\"Layer 2\"")[1].split("}")[0]
    assert "u3 = W2 @ u2" in layer2


def test_draw_nested_scopes_nest_clusters():
    w = tg.tensor([1.0, 2.0], requires_grad=True, name="w")
    with tg.graph.scope("model"):
        with tg.graph.scope("layer 1"):
            h = w * 3
        out = h.sum()
    source = visualize.draw(out).source
    outer = source.index('label=model')
    inner = source.index('label="layer 1"')
    assert outer < inner


def test_draw_collapses_layers_over_the_size_limit():
    J = scoped_network(layers=3).J
    n = len(tg.graph.nodes(J))
    full = visualize.draw(J, max_nodes=None).source
    collapsed = visualize.draw(J, max_nodes=n - 1).source
    assert "layer is collapsed" in collapsed and "layer is collapsed" not in full
    assert len(re.findall(r"^\s*layer\d+ \[", collapsed, flags=re.MULTILINE)) == 4
    # Parameters join their layer's box; the input and the cost stay apart.
    assert not re.search(r"^\s*n\d+ \[.*<B>W1</B>", collapsed, flags=re.MULTILINE)
    assert re.search(r"^\s*n0 \[.*<B>X</B>", collapsed, flags=re.MULTILINE)
    assert re.search(r"^\s*n\d+ \[.*<B>J = ", collapsed, flags=re.MULTILINE)
    box_count = len(re.findall(r"^\s*(?:n|layer)\d+ \[", collapsed, flags=re.MULTILINE))
    assert box_count < n - 1


def test_draw_over_the_limit_without_scopes_raises_clearly():
    x = tg.tensor([0.5], requires_grad=True, name="x")
    y = x
    for _ in range(30):
        y = y * 1.01
    with pytest.raises(ValueError, match=r"32 nodes.*max_nodes=20.*tg.graph.scope"):
        visualize.draw(y.sum())
    assert "u29" in visualize.draw(y.sum(), max_nodes=None).source


def test_draw_default_limit_keeps_small_graphs_whole(bce):
    assert "collapsed" not in visualize.draw(bce.J).source


def _one_line(source):
    """DOT source with the drawing's wrapped message lines joined again."""
    return re.sub(r'</FONT><BR ALIGN="LEFT"/><FONT [^>]*>', " ", source)


def test_draw_expect_marks_agreement_green_with_the_error(bce):
    g = visualize.draw(bce.J, expect={bce.a: bce.dJ_da, bce.u1: bce.dJ_du1})
    source = _one_line(g.source)
    assert source.count("✓ matches your ∂J/∂") == 2
    assert "rtol 1e-05, atol 1e-08" in source
    assert "#1e8449" in source and "#c0392b" not in source


def test_draw_expect_marks_a_wrong_derivation_red_with_worst_entry(bce):
    wrong = bce.dJ_da.copy()
    wrong[0, 1] += 0.25  # a slip in the second example
    source = _one_line(visualize.draw(bce.J, expect={bce.a: wrong}).source)
    assert "✗ differs from your ∂J/∂u0" in source
    assert "max |error| 0.25" in source
    assert "worst entry [0, 1]" in source
    assert f"autodiff {bce.dJ_da[0, 1]:.4g}, yours {wrong[0, 1]:.4g}" in source
    assert "#c0392b" in source


def test_draw_expect_wrong_shape_is_red_not_broadcast(bce):
    source = visualize.draw(bce.J, expect={bce.a: bce.dJ_da.ravel()}).source
    assert "has shape (3,), autodiff's has (1, 3)" in _one_line(source)


def test_draw_expect_rejects_unknown_nodes_and_missing_gradients(bce):
    stranger = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="not a tensor of J's graph"):
        visualize.draw(bce.J, expect={stranger: np.ones(1)})
    X = tg.tensor(np.ones((2, 2)), name="X")
    w = tg.tensor(np.ones((1, 2)), requires_grad=True)
    with pytest.raises(ValueError, match="autodiff computes none"):
        visualize.draw((w @ X).sum(), expect={X: np.ones((2, 2))})


def test_draw_expect_tolerance_is_adjustable(bce):
    near = bce.dJ_da + 1e-4
    assert "✗" in visualize.draw(bce.J, expect={bce.a: near}).source
    loose = visualize.draw(bce.J, expect={bce.a: near}, atol=1e-3).source
    assert "✓" in loose


def test_draw_local_edges_carry_the_local_derivative(bce):
    source = visualize.draw(bce.J, edges="local").source
    # d log(u0) / d u0 = 1 / u0, entry by entry.
    assert "∂u2/∂u0 =" in source
    assert array_lines(1 / bce.a.data)[0] in source
    # d (1 - u0) / d u0 = -1.
    assert array_lines(-np.ones((1, 3)))[0] in source
    # A reduction has a rule, not an array.
    assert "copied to every entry that was summed" in source
    assert "∂u2/∂u0" not in visualize.draw(bce.J).source


def test_draw_local_edges_of_a_matmul_name_the_rule():
    J = scoped_network(layers=1).J
    source = visualize.draw(J, edges="local").source
    assert "∂J/∂u0 @ Xᵀ" in source


def test_draw_square_draws_two_edges():
    x = tg.tensor([3.0], requires_grad=True, name="x")
    source = visualize.draw((x * x).sum(), edges="local").source
    assert len(re.findall(r"n0 -> n1", source)) == 2


def test_draw_without_gradients_for_a_non_scalar_root_says_so():
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x * 3
    source = visualize.draw(y).source
    assert "no gradients" in source and "grad=" in source
    assert "∂J/∂x =" in visualize.draw(y, grad=np.array([1.0, -1.0])).source


def test_draw_calls_an_unnamed_root_j_as_the_notes_do():
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    source = visualize.draw((x * x).sum()).source
    assert "J = sum(u0)" in source and "∂J/∂x =" in source and "u1" not in source
    assert "cost = sum(u0)" in visualize.draw((x * x).sum().named("cost")).source
    # A node of the graph already called J: the root keeps its u-label.
    taken = (x * 2).named("J").sum()
    assert "u0 = sum(J)" in visualize.draw(taken).source


def test_draw_shows_gradients_without_calling_backward(bce):
    assert bce.a.grad is None
    visualize.draw(bce.J)
    assert bce.a.grad is None  # drawing does not touch .grad


def test_draw_displays_inline_in_jupyter(bce, needs_dot):
    g = visualize.draw(bce.J)
    bundle = g._repr_mimebundle_()
    assert "image/svg+xml" in bundle and "<svg" in bundle["image/svg+xml"]


def test_draw_summarises_large_arrays():
    big = tg.tensor(np.arange(40.0).reshape(4, 10), requires_grad=True, name="B")
    source = visualize.draw((big * 2).sum()).source
    assert "mean 19.5  norm " in source and "min 0  max 39" in source
    assert "[[ 0." not in source


def test_import_tinygraph_does_not_import_graphviz():
    code = "import sys, tinygraph; print('graphviz' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert out.stdout.strip() == "False", out.stderr

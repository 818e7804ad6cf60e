"""A student's review of the drawings, tables and pages: every number shown
is the tensor's own, whatever its size, and no name breaks a drawing.

Oracles are NumPy's own statistics, finite differences and Python's float
formatting, never the code under test.
"""

import json
import re
from types import SimpleNamespace

import numpy as np
import pytest

import tinygraph as tg
import visualize
from visualize.values import array_inline, array_lines, summary_lines


def _stats(lines):
    """``{"mean": 1.0, "norm": ..., "min": ..., "max": ...}`` from a summary."""
    words = " ".join(lines).split()
    return {name: float(value) for name, value in zip(words[::2], words[1::2])}


# ---- summaries of large arrays ----------------------------------------------


def test_summary_of_an_array_with_an_infinite_entry_is_not_all_zeros():
    # an exploding gradient: one entry inf, the others ordinary
    a = np.array([np.inf] + [2.0] * 19)
    stats = _stats(summary_lines(a))
    assert stats == {"mean": np.inf, "norm": np.inf, "min": 2.0, "max": np.inf}
    b = np.array([-np.inf] + [0.5] * 19)
    assert _stats(summary_lines(b))["max"] == 0.5


@pytest.mark.parametrize("value", [1e300, 1e308, 1e-300, 5e-320])
def test_summary_of_huge_or_tiny_entries_does_not_overflow(value):
    a = np.full(20, value)
    stats = _stats(summary_lines(a))
    # oracle: the norm of 20 equal entries is value * sqrt(20), the mean value
    assert stats["mean"] == pytest.approx(value, rel=1e-3, abs=0)
    assert stats["norm"] == pytest.approx(value * 20**0.5, rel=1e-3, abs=0)
    assert stats["min"] == stats["max"] == pytest.approx(value, rel=1e-3, abs=0)


def test_summary_min_and_max_are_entries_never_rounding_noise():
    # 1e-13 is an entry, exactly: it is no rounding error to be read as 0
    a = np.array([1e-13] + [1.0] * 19)
    assert _stats(summary_lines(a))["min"] == 1e-13
    inline = array_inline(a)
    assert "min 1e-13" in inline


# ---- NumPy's print options do not change the numbers shown ---------------------


def test_numbers_shown_ignore_the_users_numpy_print_options():
    small = np.array([[1e-9, 1.0], [2.0, 3.0]])
    expected_lines, expected_inline = array_lines(small), array_inline(small)
    square = np.arange(16.0).reshape(4, 4)
    expected_square = array_lines(square)
    with np.printoptions(suppress=True, threshold=3, edgeitems=1, sign="+",
                         floatmode="fixed", precision=1):
        assert array_lines(small) == expected_lines
        assert array_inline(small) == expected_inline
        assert array_lines(square) == expected_square
    # the expected text has every entry, 1e-09 included
    assert "1.e-09" in expected_lines[0]
    assert "1e-09" in expected_inline
    assert "..." not in "".join(expected_square) and "15." in expected_square[-1]


# ---- names and scopes with Graphviz's special characters ---------------------


def _svg(J, **options):
    return visualize.draw(J, **options).pipe(format="svg").decode("utf-8")


@pytest.mark.parametrize("name", ["<x>", "</script><b>", "<W1>"])
def test_a_name_in_angle_brackets_draws(needs_dot, name):
    a = tg.tensor([0.5, 0.25], requires_grad=True, name=name)
    J = (a.log() * 2).sum().named("J")
    svg = _svg(J)  # dot refused the tooltip as a broken HTML-like label
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'xlink:title="{escaped}"' in svg


def test_backslashes_in_names_and_scopes_are_shown_as_typed(needs_dot):
    # LaTeX names: Graphviz read \l and \n as line breaks
    a = tg.tensor([0.5, 0.25], requires_grad=True, name="\\lambda")
    with tg.graph.scope("\\nu layer"):
        u = a.log()
    J = (u * 2).sum().named("J")
    svg = _svg(J)
    assert 'xlink:title="\\lambda"' in svg
    assert 'xlink:title="u0 = log(\\lambda)"' in svg
    assert ">\\nu layer</text>" in svg


def test_a_collapsed_layer_named_in_angle_brackets_draws(needs_dot):
    x = tg.tensor(np.ones((2, 1)), name="x")
    W = tg.tensor(np.eye(2), requires_grad=True, name="W")
    with tg.graph.scope("<hidden>"):
        h = (W @ x).tanh()
    J = h.sum().named("J")
    svg = _svg(J, max_nodes=3)
    assert 'xlink:title="&lt;hidden&gt;"' in svg


# ---- the seed of a one-entry root --------------------------------------------


def test_a_scalar_root_with_another_seed_is_refused_not_shown_as_1():
    # frames said "∂J/∂J = 1 (the seed)", then "= 1 copied ... = [3, 3]"
    a = tg.tensor([0.5, 0.25], requires_grad=True, name="a")
    J = (a.log() * 2).sum()
    for show in (visualize.frames, visualize.table, visualize.draw):
        with pytest.raises(ValueError, match=r"grad= .* ∂J/∂J = 1.*3\.0"):
            show(J, grad=np.array(3.0))
    # a seed of 1 is the seed backward uses: the same numbers as without it
    (frame,) = [f for f in visualize.frames(J, grad=np.array(1.0)) if f.node is a]
    np.testing.assert_allclose(frame.grad, 2 / a.data)  # d/da sum(2 log a)


# ---- arrays of three or more axes ----------------------------------------------


@pytest.mark.parametrize("shape", [(2, 2, 2), (3, 1, 4), (1, 2, 1, 2)])
def test_a_tensor_of_three_or_more_axes_draws_with_every_entry(needs_dot, shape):
    # NumPy prints a blank line between the blocks; it made an empty
    # <FONT></FONT>, which dot refused (a raw CalledProcessError)
    x = tg.tensor(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape),
                  requires_grad=True, name="x")
    J = (x * x).sum().named("J")
    svg = _svg(J, edges="local")
    texts = " ".join(re.findall(r">([^<>]*)</text>", svg))
    for entry in x.data.ravel():  # the value, and 2 x the gradient
        assert f"{entry:g}." in texts and f"{2 * entry:g}." in texts


# ---- a graph that was never recorded -------------------------------------------


def test_a_cost_with_no_graph_says_why_the_drawing_has_one_box():
    a = tg.tensor([1.0, 2.0], name="a")  # the student forgot requires_grad
    J = (a * a).sum()
    source = visualize.draw(J).source
    assert "no graph" in source and "requires_grad=True" in source
    with tg.no_grad():
        w = tg.tensor([1.0], requires_grad=True, name="w")
        K = (w * 3).sum()
    assert "no graph" in visualize.draw(K).source
    # a recorded graph has no such note
    assert "no graph" not in visualize.draw((w * 3).sum()).source


def test_the_drawings_notes_fit_a_notebook_cell():
    a = tg.tensor([1.0, 2.0], name="a")
    source = visualize.draw((a * a).sum()).source
    note = re.search(r"\tlabel=<(.*)> labeljust", source).group(1)
    lines = re.findall(r">([^<>]+)</FONT>", note)
    assert " ".join(lines).startswith("J is a leaf, with no graph")
    assert all(len(line) <= 80 for line in lines), lines


# ---- the pages' scripts whatever the names ---------------------------------------

COMMENT_NAME = "<!--<script>"


def _frames_json(page):
    return re.search(r"const FRAMES = (.*);\n", page).group(1)


def test_a_name_that_opens_an_html_comment_leaves_the_script_whole(needs_dot):
    a = tg.tensor([0.5, 0.25], requires_grad=True, name=COMMENT_NAME)
    J = (a.log() * 2).sum().named("J")
    page = visualize.step_through(J, symbols=False).html
    data = _frames_json(page)
    assert "<!" not in data and "</" not in data
    labels = [frame["label"] for frame in json.loads(data)]
    assert labels == [f.label for f in visualize.frames(J)]
    assert COMMENT_NAME in labels


def test_a_name_that_opens_an_html_comment_runs_in_chromium(
    tmp_path, needs_dot, chromium
):
    from .chromium import Browser

    a = tg.tensor([0.5, 0.25], requires_grad=True, name=COMMENT_NAME)
    J = (a.log() * 2).sum().named("J")
    path = tmp_path / "steps.html"
    visualize.step_through(J, path, symbols=False)
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.open(path.as_uri() + "#step=4")
        assert browser.evaluate("document.body.dataset.current") == COMMENT_NAME
        items = browser.evaluate("document.querySelectorAll('#frame-list li').length")
        assert items == 4
    finally:
        browser.close()


# ---- four significant digits in a drawing's arrays --------------------------------


def _entries(lines):
    """The numbers in ``array_lines``' text, in order."""
    text = " ".join(lines).replace("[", " ").replace("]", " ")
    return np.array([float(word) for word in text.split()])


@pytest.mark.parametrize(
    "values",
    [
        [0.0001234, 0.0005679, 0.0002],  # was [0.0001 0.0006 0.0002]
        [[1e-4, 2e-4], [3e-4, 4.4e-4]],  # 4.4e-4 was 0.0004
        [0.0012345, 0.5],  # was 0.0012
        [0.3, 0.0456389],  # was 0.0456
    ],
)
def test_small_entries_keep_four_significant_digits(values):
    a = np.array(values)
    shown = _entries(array_lines(a))
    # oracle: rounding to 4 significant digits moves an entry by < 5e-4 of it
    np.testing.assert_allclose(shown, a.ravel(), rtol=5e-4, atol=0)


def test_any_small_array_is_shown_to_four_significant_digits():
    rng = np.random.default_rng(7)
    for _ in range(300):
        shape = [(3,), (2, 2), (4, 4), (1, 5)][rng.integers(4)]
        scale = 10.0 ** rng.integers(-6, 9)
        a = rng.normal(size=shape) * scale * 10.0 ** rng.integers(0, 3, size=shape)
        shown = _entries(array_lines(a))
        np.testing.assert_allclose(shown, a.ravel(), rtol=5e-4, atol=0)


# ---- the training page's health table ----------------------------------------------


def _health_row(activation, A):
    """The health table's row for a layer whose activations are A."""
    from visualize.training import _layer_row

    share = (tg.diagnostics.dead_share(A) if activation == "relu"
             else tg.diagnostics.saturated_share(A, activation))
    layer = tg.diagnostics.LayerHealth("Layer 1", 0.5, 1e-3, activation, share)
    return _layer_row(SimpleNamespace(parameters=["W1", "b1"], **vars(layer)))


def test_one_dead_unit_in_256_does_not_read_0_percent():
    A = np.ones((256, 4))
    A[0] = 0.0  # one unit is 0 for every example: dead
    assert _health_row("relu", A)[-1] == "<1% dead"
    assert _health_row("relu", np.zeros((256, 4)))[-1] == "100% dead"
    assert _health_row("relu", np.ones((256, 4)))[-1] == "0% dead"
    B = np.zeros((256, 4))
    B[0] = 1.0  # every unit dead but one
    assert _health_row("relu", B)[-1] == ">99% dead"
    S = np.full((300, 1), 0.5)
    S[0] = 1.0  # one saturated sigmoid output in 300
    assert _health_row("sigmoid", S)[-1] == "<1% saturated"


# ---- a notebook without Graphviz ------------------------------------------------


def test_a_drawing_in_a_notebook_without_dot_says_how_to_install_it(
    tmp_path, monkeypatch
):
    formatters = pytest.importorskip("IPython.core.formatters")
    a = tg.tensor([0.5, 0.25], requires_grad=True, name="a")
    g = visualize.draw(a.log().sum())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot`
    bundle = g._repr_mimebundle_()  # raised graphviz.ExecutableNotFound
    assert "apt-get install graphviz" in bundle["text/html"]
    data, _ = formatters.DisplayFormatter().format(g)
    assert "No drawing: Graphviz's `dot` program was not found" in data["text/plain"]


def test_the_training_page_of_a_20_layer_network_draws_its_graph(needs_dot):
    pytest.importorskip("matplotlib")
    rng = np.random.default_rng(0)
    layers = [tg.nn.Linear(2, 3, rng=rng), tg.nn.Sigmoid()]
    for _ in range(18):
        layers += [tg.nn.Linear(3, 3, rng=rng), tg.nn.Sigmoid()]
    net = tg.nn.Sequential(*layers, tg.nn.Linear(3, 1, rng=rng))
    cost = tg.nn.binary_cross_entropy_with_logits
    X, Y = rng.normal(size=(2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]])
    recorder = tg.Recorder(net, cost, every=1)
    J = cost(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    # draw refused it (more than 20 boxes after collapsing): the page failed
    page = visualize.training_page(recorder).html()
    graph = json.loads(re.search(r"const RECORDS = (.*);\n", page).group(1))[0]["graph"]
    assert graph.startswith("<svg")
    for k in (1, 20):
        assert f"Layer {k}</text>" in graph


def _deep_network(layers, rng):
    modules = [tg.nn.Linear(2, 3, rng=rng), tg.nn.Sigmoid()]
    for _ in range(layers - 2):
        modules += [tg.nn.Linear(3, 3, rng=rng), tg.nn.Sigmoid()]
    return tg.nn.Sequential(*modules, tg.nn.Linear(3, 1, rng=rng))


def test_a_deep_network_is_drawn_one_box_per_layer(needs_dot):
    # README: "A graph over 20 nodes draws one box per layer"; 25 layers
    # raised "wrap layers in tg.graph.scope", which they already were
    rng = np.random.default_rng(1)
    net = _deep_network(25, rng)
    X = tg.tensor(rng.normal(size=(2, 4)), name="X")
    J = tg.nn.binary_cross_entropy_with_logits(net(X), np.ones((1, 4)))
    source = visualize.draw(J).source
    assert len(re.findall(r"^\s*layer\d+ \[", source, flags=re.MULTILINE)) == 25
    assert "u0 = W1 @ X" not in source  # collapsed into Layer 1's box


def test_expect_on_a_node_inside_a_collapsed_layer_shows_its_verdict(needs_dot):
    # the layer's box showed no mark at all: a wrong derivation went unflagged
    rng = np.random.default_rng(2)
    net = _deep_network(12, rng)
    X, Y = rng.normal(size=(2, 4)), np.array([[1.0, 0.0, 1.0, 1.0]])
    W1 = net.parameters()[0]
    Z = net(tg.tensor(X, name="X"))
    J = tg.nn.binary_cross_entropy_with_logits(Z, Y)
    # oracle: the notes' output error dJ/dZ = (sigmoid(Z) - Y) / m, in NumPy
    dZ = (1 / (1 + np.exp(-Z.data)) - Y) / 4
    source = visualize.draw(J, expect={Z: dZ, W1: np.ones(W1.shape)}).source
    assert "layer is collapsed" in source
    assert "✓ matches your ∂J/∂" in source and "✗ differs from your ∂J/∂W1" in source
    assert source.count("penwidth=3") == 2  # both boxes are marked


def test_an_accuracy_short_of_all_never_reads_100_percent():
    from visualize.training import _numbers

    def shown(accuracy, test_accuracy):
        record = SimpleNamespace(cost=0.5, test_cost=None, accuracy=accuracy,
                                 test_accuracy=test_accuracy)
        return _numbers(record)

    # one wrong of 3000 read "100.0%"
    assert shown(2999 / 3000, 1.0) == (
        "cost 0.5 · batch accuracy >99.9% · held-out accuracy 100.0%"
    )
    low = shown(1 / 3000, 0.0)
    assert low.endswith("batch accuracy <0.1% · held-out accuracy 0.0%")
    assert shown(0.75, 0.5).endswith("batch accuracy 75.0% · held-out accuracy 50.0%")


# ---- a graph whose parameters have moved since its forward pass ---------------------


def test_a_graph_drawn_after_an_optimiser_step_is_refused():
    # the table showed W = [[0.7, 1.6]] beside u0 = W @ x = 11 (1 * 3 + 2 * 4,
    # the old W): arithmetic a student cannot check
    W = tg.tensor([[1.0, 2.0]], requires_grad=True, name="W")
    x = tg.tensor([[3.0], [4.0]], name="x")
    J = (W @ x).sum().named("J")
    J.backward()
    assert visualize.table(J, symbols=False).rows[2].value == 11.0
    tg.optim.SGD([W], lr=0.1).step()
    for show in (visualize.table, visualize.frames, visualize.draw):
        with pytest.raises(ValueError, match=r"out of date: u0 = W @ x .* W and x"):
            show(J)
    # the cost computed again is drawn, with the new W's numbers
    J = (W @ x).sum().named("J")
    value = visualize.table(J, symbols=False).rows[2].value
    np.testing.assert_allclose(value, W.data @ x.data)  # 0.7 * 3 + 1.6 * 4


def test_the_chain_rule_headline_keeps_a_name_with_a_space_whole():
    # it read "∂J/∂hidden · ∂hidden out/∂x" (the name cut at its space)
    x = tg.tensor([0.5, 0.25], requires_grad=True, name="x")
    h = (x * 2).named("hidden out")
    J = (h.log() + h * x).sum()
    (frame,) = [f for f in visualize.frames(J) if f.node is x]
    assert frame.lines[0] == (
        "∂J/∂x = ∂J/∂hidden out · ∂hidden out/∂x + ∂J/∂u1 · ∂u1/∂x"
    )
    # d/dx of log(2x) + 2x * x = 1/x + 4x (by hand)
    np.testing.assert_allclose(frame.grad, 1 / x.data + 4 * x.data)


def test_a_table_keeps_a_name_holding_an_equals_sign_whole():
    # the row read "z = 2a | 2a = a * 2" (the equation cut at its first " = ")
    a = tg.tensor([0.5], requires_grad=True, name="a")
    z = (a * 2).named("z = 2a")
    rows = visualize.table(z.sum(), symbols=False).rows
    assert [(r.label, r.definition) for r in rows[1:]] == [
        ("z = 2a", "a * 2"), ("J", "sum(z = 2a)")
    ]


def test_a_graph_whose_parameter_changed_shape_is_refused():
    W = tg.tensor([[1.0, 2.0]], requires_grad=True, name="W")
    x = tg.tensor([[3.0], [4.0]], name="x")
    J = (W @ x).sum().named("J")
    W.data = np.ones((3, 3))  # W @ x no longer even fits
    with pytest.raises(ValueError, match=r"out of date: u0 = W @ x"):
        visualize.table(J)


def test_symbols_of_a_name_with_html_characters_are_escaped():
    pytest.importorskip("sympy")
    # SymPy's MathML printer wrote <mi>a<b&</mi>: the cell's HTML broke
    a = tg.tensor([0.5, 0.25], requires_grad=True, name="a<b&")
    J = (a.log() * 2).sum().named("J")
    cell = visualize.table(J).rows[0].symbolic[1]
    assert "<mi>a&lt;b&amp;</mi>" in cell and "<mi>a<b&" not in cell
    page = visualize.step_through(J).html
    assert "a&lt;b&amp;" in page and "<mi>a<b&" not in page
    # character references SymPy writes itself stay as they are
    b = tg.tensor([0.5, 0.25], requires_grad=True, name="b")
    maths = visualize.step_through((b.log() * b).mean()).html
    assert "&#8706;" in maths and "&InvisibleTimes;" in maths
    assert "&amp;#" not in maths and "&amp;Invisible" not in maths


def test_a_vector_root_with_an_upstream_gradient_is_not_called_the_cost():
    # the numbers are dJ/dx for a cost J with dJ/dy = g; they were labelled
    # ∂y/∂x (a Jacobian), and the seed read ∂y/∂y = [1, 10]
    x = tg.tensor([0.5, 0.25], requires_grad=True, name="x")
    y = (x.log() * 2).named("y")
    g = np.array([1.0, 10.0])
    frames = visualize.frames(y, grad=g)
    assert frames[0].lines == ["∂J/∂y = [1, 10]  (the upstream gradient given)"]
    assert frames[-1].lines[0].startswith("∂J/∂x = ")
    # d/dx of g · 2 log x = 2 g / x (by hand)
    np.testing.assert_allclose(frames[-1].grad, 2 * g / x.data)
    assert visualize.table(y, grad=g).columns()[4] == "∂J/∂·"
    assert "∂y/∂" not in visualize.draw(y, grad=g).source


# ---- labels: what a drawing and a table call each gradient -------------------


def test_expect_messages_name_the_root_as_the_gradient_column_does():
    # J = -mean(log a) named L: dL/da = -1/(m a), m = 2 (by hand)
    a = tg.tensor([0.9, 0.2], requires_grad=True, name="a")
    L = (-(a.log()).mean()).named("L")
    right, wrong = {a: -1 / (2 * a.data)}, {a: 1 / (2 * a.data)}
    assert "✓ matches your ∂L/∂a" in visualize.draw(L, expect=right).source
    text = str(visualize.table(L, expect=wrong, symbols=False))
    assert "∂L/∂·" in text and "✗ differs from your ∂L/∂a" in text
    assert "∂J/∂" not in text

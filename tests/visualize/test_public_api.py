"""visualize reads graphs only through tinygraph's public API."""

import ast
from pathlib import Path

import visualize

PACKAGE = Path(visualize.__file__).parent


def test_visualize_touches_no_private_attribute():
    offences = []
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                name = node.attr
                if name.startswith("_") and not name.startswith("__"):
                    offences.append(f"{path.name}:{node.lineno} .{name}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "tinygraph"
            ):
                for alias in node.names:
                    if alias.name.startswith("_"):
                        offences.append(f"{path.name}:{node.lineno} {alias.name}")
    assert offences == []


def test_visualize_imports_only_public_tinygraph_modules():
    allowed = {"tinygraph"}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.startswith("tinygraph"):
                    assert name in allowed, f"{path.name} imports {name}"


def test_visualize_exports_the_contract():
    for name in ("draw", "render", "table", "step_through", "frames"):
        assert callable(getattr(visualize, name))


def test_every_graph_function_visualize_uses_is_in_the_graph_api():
    import tinygraph as tg

    used = set()
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            inner = getattr(node, "value", None)
            if (
                isinstance(node, ast.Attribute)
                and isinstance(inner, ast.Attribute)
                and inner.attr == "graph"
                and isinstance(inner.value, ast.Name)
                and inner.value.id == "tg"
            ):
                used.add(node.attr)
    assert used, "the scan found no tg.graph.* names: it is broken"
    assert used <= set(tg.graph.__all__), sorted(used - set(tg.graph.__all__))

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

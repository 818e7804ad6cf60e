"""The engine does not depend on the drawing package: no module under
tinygraph/ imports visualize, at the top or inside a function."""

import ast
from pathlib import Path

import tinygraph

ENGINE = Path(tinygraph.__file__).parent


def visualize_imports(source):
    """The line numbers of every import of visualize (or a module in it)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        else:
            continue
        if any(name == "visualize" or name.startswith("visualize.") for name in names):
            lines.append(node.lineno)
    return lines


def test_visualize_imports_finds_every_form():
    source = (
        "import visualize\n"
        "from visualize.frames import frames\n"
        "def draw():\n"
        "    import numpy, visualize.dot\n"
        "from . import visualize_like\n"
        "import visualizer\n"
    )
    assert visualize_imports(source) == [1, 2, 4]


def test_tinygraph_never_imports_visualize():
    paths = sorted(ENGINE.rglob("*.py"))
    assert ENGINE / "op.py" in paths  # the scan reads the engine's own files
    offences = [
        f"{path.relative_to(ENGINE.parent)}:{line}"
        for path in paths
        for line in visualize_imports(path.read_text(encoding="utf-8"))
    ]
    assert offences == [], f"the engine imports the drawing package: {offences}"

"""``render``: write a drawing to a file, SVG, PNG or PDF by its extension.

Graphviz's ``dot`` program does the layout. When it is missing, the DOT
text is still written next to the requested file, so nothing is lost, and
the error says how to install Graphviz.
"""

from pathlib import Path

import graphviz

from .dot import draw

FORMATS = ("svg", "png", "pdf")

INSTALL_HINT = (
    "Install Graphviz (the `dot` program, not only the Python package): "
    "`sudo apt-get install graphviz` on Debian/Ubuntu, `brew install graphviz` "
    "on macOS, `conda install -c conda-forge graphviz` in conda, or see "
    "graphviz.org/download"
)


class GraphvizMissingError(RuntimeError):
    """Graphviz's ``dot`` program is not installed (or not on PATH)."""


def render(J, path, **options):
    """Draw the graph ending in ``J`` and write it to ``path``.

    The format follows the extension: ``.svg``, ``.png`` or ``.pdf``.
    ``options`` are those of ``draw`` (``show``, ``rankdir``, ``edges``,
    ``expect``, ...). Returns the path written.

    Raises ``GraphvizMissingError`` when ``dot`` is missing, after writing
    the DOT text to the same path with the extension ``.dot``.

    >>> import tinygraph as tg, visualize, tempfile, os
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    >>> path = os.path.join(tempfile.mkdtemp(), "graph.svg")
    >>> visualize.render((x * x).sum(), path) == path
    True
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            f"render: cannot tell the format of {str(path)!r}; end the file name "
            "in .svg, .png or .pdf"
        )
    graph = draw(J, **options)
    data = layout(graph, fmt, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return path


def svg_text(graph):
    """The drawing laid out as SVG text, for a page built in memory (nothing
    is written, so a missing ``dot`` is only explained)."""
    try:
        return graph.pipe(format="svg").decode("utf-8")
    except graphviz.ExecutableNotFound:
        raise GraphvizMissingError(
            f"Graphviz's `dot` program was not found, so the drawing cannot be "
            f"laid out. {INSTALL_HINT}."
        ) from None


def layout(graph, fmt, target):
    """Run ``dot`` on ``graph``; without it, save the DOT text and explain."""
    try:
        return graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        dot_path = target.with_suffix(".dot")
        dot_path.parent.mkdir(parents=True, exist_ok=True)
        dot_path.write_text(graph.source, encoding="utf-8")
        raise GraphvizMissingError(
            f"Graphviz's `dot` program was not found, so {str(target)!r} was not "
            f"written; the drawing's DOT text is saved in {str(dot_path)!r}. "
            f"{INSTALL_HINT}; then run `dot -T{fmt} {dot_path} -o {target}` "
            "or call render again."
        ) from None

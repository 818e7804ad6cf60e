"""How a drawing shows in a notebook: at its natural size, in a scrolling box.

Jupyter shows a plain ``graphviz.Digraph`` as an SVG image, and JupyterLab's
style sheet gives every output image and SVG ``max-width: 100%``: a graph
3,000 px wide is shrunk into a 900 px cell, its text to about 4 px. A
``ScrollingDigraph`` is a ``graphviz.Digraph`` in every other respect, but
offers the notebook HTML first: the same SVG at its own size (Graphviz's
points, so 11 pt text is about 15 px) in a box that scrolls sideways when
the drawing is wider than the cell. Front ends that prefer an image still
get the SVG.
"""

import html
import re

import graphviz

# The box scrolls sideways; the notebook page itself scrolls down, so a
# tall drawing (top to bottom) needs no second scroll bar.
BOX_STYLE = "overflow-x:auto;overflow-y:hidden;max-width:100%;padding-bottom:4px"
# Overrides a front end's `svg {max-width: 100%; height: auto}` (JupyterLab's):
# the drawing keeps the size Graphviz gave it.
SVG_STYLE = "max-width:none;height:auto;display:block"


# What a notebook is offered, unless it asks for other types; and the image
# types Graphviz can give when asked (graphviz.Digraph's own).
DEFAULT = ("text/html", "image/svg+xml")
IMAGES = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpeg"}


class ScrollingDigraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that Jupyter shows at its natural size.

    ``_repr_mimebundle_`` adds ``text/html`` (a scrolling ``<div>`` around
    the inline SVG) to the image Graphviz offers; JupyterLab, the classic
    notebook, VS Code and nbconvert all prefer HTML to an SVG image.
    """

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        try:
            return self.mimebundle(include, exclude)
        except graphviz.ExecutableNotFound:
            # Said in the output, not as graphviz's traceback in the notebook.
            return missing_dot_bundle()

    def mimebundle(self, include=None, exclude=None):
        """The drawing for Jupyter: HTML and the image types asked for."""
        wanted = set(DEFAULT if include is None else include) - set(exclude or ())
        bundle = {}
        for mimetype, fmt in IMAGES.items():
            if mimetype in wanted:
                data = self.pipe(format=fmt)
                bundle[mimetype] = data.decode("utf-8") if fmt == "svg" else data
        if "text/html" in wanted:
            svg = bundle.get("image/svg+xml") or self.pipe(format="svg").decode()
            bundle["text/html"] = scrolling_html(svg)
        return bundle


def missing_dot_bundle():
    """What a notebook shows for a drawing when Graphviz's ``dot`` is missing."""
    from .output import INSTALL_HINT  # output imports dot, which imports this

    message = (
        "No drawing: Graphviz's `dot` program was not found, so the graph "
        f"cannot be laid out (its DOT text is .source). {INSTALL_HINT}."
    )
    return {"text/plain": message, "text/html": f"<p>{html.escape(message)}</p>"}


def scrolling_html(svg):
    """An SVG document as HTML: inline, at its natural size, in a box that
    scrolls sideways when the drawing is wider than the page."""
    # Inline SVG takes no XML prolog, DOCTYPE or comments before it.
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<svg\b", f'<svg style="{SVG_STYLE}"', svg, count=1)
    return f'<div class="tinygraph-drawing" style="{BOX_STYLE}">{svg}</div>'

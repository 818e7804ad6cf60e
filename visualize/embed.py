"""``StepThrough``: the step-through page, shown inline in a notebook.

A notebook output cannot hold a whole page (its own ``<html>``, style sheet
and script) without them leaking into the notebook around it, so the page
goes into an ``<iframe srcdoc=...>``: the same self-contained file,
embedded, which JupyterLab, the classic notebook and VS Code all show. The
frame is tall enough for the drawing and the current step; the page's
script scrolls only its own drawing, never the notebook.
"""

import html
from pathlib import Path

from . import colors

# The frame's height in CSS pixels: the controls, about half of it for the
# drawing and the rest for the step's chain rule (see steps.css).
HEIGHT = 820


class StepThrough:
    """A step-through page: shown inline in a notebook, or saved to a file.

    ``html`` is the page's text; ``save(path)`` writes it.
    """

    def __init__(self, page, title, steps, height=HEIGHT):
        self.html = page
        self.title = title
        self.steps = steps
        self.height = height

    def save(self, path):
        """Write the page to ``path`` (one self-contained file); return it."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self):
        # srcdoc is an attribute: the page is escaped into it, quotes included.
        return (
            f'<iframe class="tinygraph-steps" title="{html.escape(self.title)}" '
            f'srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="box-sizing:border-box;width:100%;height:{self.height}px;'
            f'border:1px solid '
            f'{colors.LEGEND_BORDER};border-radius:4px"></iframe>'
        )

    def __repr__(self):
        return f"StepThrough({self.title!r}, {self.steps} steps)"

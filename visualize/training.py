"""Watch a network learn: a page for a ``tg.Recorder``'s recording.

* ``training_page(recorder, path=None)``: one self-contained HTML page (no
  server, no network; the plots are inline SVG and PNG data): a step
  slider with play/pause, the cost and accuracy curves with the current
  step marked, the decision boundary for two-dimensional inputs, each
  layer's health with a plain warning when gradients vanish or explode or
  units die, the layers' histograms, and the graph of one small batch with
  its values and gradients at that step. It shows inline in Jupyter.
* ``watch(recorder)``: in Jupyter, shows the page at once and updates it
  while training runs (an IPython display handle).
* ``progress(iterable)``: tqdm's progress bar, in a terminal or a notebook.

The plots come from matplotlib and the progress bar from tqdm, the optional
``live`` extra, imported only when used.
"""

import html
import json
import time
import warnings
from pathlib import Path

import graphviz

from . import colors, training_plots
from .dot import draw
from .output import INSTALL_HINT
from .page_parts import HEAD, asset, script_json, style

# The page's colours, as CSS custom properties read by assets/training.css.
STYLE_COLORS = {
    "text": colors.PAGE["text"],
    "header": colors.PAGE["header"],
    "header-rule": colors.PAGE["header-rule"],
    "hint": colors.PAGE["hint"],
    "warning": colors.WARNING,
    "warning-fill": colors.WARNING_FILL,
    "healthy": colors.HEALTHY,
    "panel-rule": colors.PANEL_RULE,
    "mark": colors.STEP_MARK,
}
# An inline page in a notebook: this tall until its script has measured it.
FRAME_HEIGHT = 900
# Drawing more steps than this at once shows a progress bar.
QUIET_BELOW = 20


def progress(iterable=None, **options):
    """``tqdm.auto.tqdm(iterable, **options)``: a text bar in a terminal, a
    widget in Jupyter."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError(
            "progress bars come from tqdm, which is not installed: "
            + training_plots.INSTALL.replace("matplotlib", "tqdm")
        ) from None
    return tqdm(iterable, **options)


class TrainingPage:
    """The page of a recorder's records so far; shows inline in Jupyter.

    Each step's plots are drawn once and kept, so a page that is shown
    again while training goes on draws only the new steps.
    """

    def __init__(self, recorder, title=None):
        self.recorder = recorder
        self.title = title or "Watching the network learn"
        self.drawn = []
        self.boundary_painter = None

    def html(self):
        """The whole page as one string."""
        records = self.recorder.records
        if not records:
            return _empty_page(self.title, self.recorder)
        new = records[len(self.drawn):]
        if len(new) > QUIET_BELOW:
            new = progress(new, desc="drawing the training page", unit="step",
                           leave=False)
        for record in new:
            self.drawn.append(self.entry_for(record))
        two_d = records[-1].boundary is not None
        histograms, shifts = training_plots.histogram_history(records)
        return PAGE.format(
            title=html.escape(self.title),
            style=style("training.css", STYLE_COLORS),
            last=len(records) - 1,
            curves=training_plots.cost_curves(records),
            histograms=histograms,
            shifts=json.dumps(shifts),
            boundary=_boundary_panel(self.recorder, records) if two_d else "",
            summary=html.escape(_summary(self.recorder)),
            records=script_json(self.drawn),
            script=asset("training.js"),
        )

    def save(self, path):
        """Write the page to ``path`` and return ``path``."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.html(), encoding="utf-8")
        return path

    def _repr_html_(self):
        # An iframe keeps the page's ids, style and script apart from the
        # notebook's and from other pages in it. In a quoted attribute only
        # & and " need escaping (escaping < and > too would add a fifth).
        page = self.html().replace("&", "&amp;").replace('"', "&quot;")
        return (
            f'<iframe srcdoc="{page}" '
            f'style="width:100%;height:{FRAME_HEIGHT}px;border:1px solid '
            f'{colors.PANEL_RULE}" title="{html.escape(self.title)}"></iframe>'
        )

    def entry_for(self, record):
        """What the page's script shows for one record, ready to display."""
        entry = {
            "step": record.step,
            "numbers": _numbers(record),
            "finite": record.finite,
            "warnings": record.warnings,
            "layers": [_layer_row(layer) for layer in record.layers],
            "graph": _graph_svg(record.graph),
        }
        if record.boundary is not None:
            if self.boundary_painter is None:
                self.boundary_painter = training_plots.BoundaryPainter(
                    self.recorder.grid_points, self.recorder.points,
                    outputs_one_row=record.boundary.ndim == 2)
            entry["boundary"] = self.boundary_painter.uri(record.boundary)
        return entry


def training_page(recorder, path=None, title=None):
    """The page for ``recorder`` (a ``tg.Recorder``); written to ``path`` if
    given. Returns the ``TrainingPage``, which Jupyter shows inline.

    >>> import numpy as np, tinygraph as tg, visualize, tempfile, os
    >>> net = tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.Tanh(),
    ...                        tg.nn.Linear(3, 1, rng=1))
    >>> cost = tg.nn.binary_cross_entropy_with_logits
    >>> recorder = tg.Recorder(net, cost, every=1)
    >>> X, Y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.0, 1.0]])
    >>> J = cost(net(X), Y)
    >>> J.backward()
    >>> recorder.step(J, X, Y) is not None
    True
    >>> path = os.path.join(tempfile.mkdtemp(), "training.html")
    >>> page = visualize.training_page(recorder, path)
    >>> "const RECORDS" in open(path, encoding="utf-8").read()
    True
    """
    page = TrainingPage(recorder, title)
    if path is not None:
        page.save(path)
    return page


class LiveTraining:
    """A page shown in Jupyter that redraws itself as records arrive."""

    def __init__(self, recorder, seconds=1.0, title=None):
        self.page = TrainingPage(recorder, title)
        self.seconds = seconds
        self.last_shown = -float("inf")
        self.wait = seconds
        self.handle = None
        # records have arrived since the last redraw
        self.behind = False
        # a record has come during the cell that is running
        self.recording = False
        self.events = None
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            get_ipython = None
        if get_ipython is None or get_ipython() is None:
            warnings.warn(
                "visualize.watch: not running in Jupyter, so nothing is shown "
                "while training; write the page afterwards with "
                "visualize.training_page(recorder, 'training.html')",
                stacklevel=3,
            )
        else:
            self.handle = display(self.page, display_id=True)
            self.last_shown = time.monotonic()
            self.events = getattr(get_ipython(), "events", None)
            if self.events is not None:
                # The last steps of a cell often come before the next redraw
                # is due: show them when the cell has run.
                self.events.register("post_run_cell", self.catch_up)
        recorder.on_record.append(self.redraw_if_due)

    def redraw_if_due(self, recorder):
        self.behind = self.recording = True
        if time.monotonic() - self.last_shown >= self.wait:
            self.update()

    def catch_up(self, result=None):
        """After a notebook cell has run: redraw if records came since (a
        last record taken without ``with`` has not been announced)."""
        records = self.page.recorder.records
        if self.behind or len(records) > len(self.page.drawn):
            self.update()
        elif records and not self.recording:
            # a cell with no training after one with: stop listening, so that
            # a notebook run again does not keep every old page alive
            self.events.unregister("post_run_cell", self.catch_up)
        self.recording = False

    def update(self):
        """Redraw the page now, with every record so far."""
        if self.handle is None:
            return
        start = time.monotonic()
        self.handle.update(self.page)
        self.behind = False
        self.last_shown = time.monotonic()
        # A redraw grows with the records; waiting four times as long as the
        # last one took keeps redrawing to a fifth of the time at most.
        self.wait = max(self.seconds, 4 * (self.last_shown - start))


def watch(recorder, seconds=1.0, title=None):
    """Show the training page in Jupyter now and redraw it while training.

    It redraws after a recorded step when ``seconds`` have passed since the
    last redraw (or four times as long as the last redraw took, if that is
    longer, so that drawing never takes more than a fifth of the time), and
    once more when the notebook cell has run, so that the display ends with
    every recorded step (``.update()`` on the result redraws at once).
    Outside Jupyter it shows nothing (and warns).
    """
    return LiveTraining(recorder, seconds, title)


def _boundary_panel(recorder, records):
    """The boundary's panel, its caption saying what the colours mean."""
    if records[-1].boundary.ndim == 2:
        colours = "colour: P(class 1), from blue (0) to red (1); line: P = 1/2"
    elif recorder.multilabel:
        # independent labels: their probabilities need not add up to 1
        colours = ("colour: each label's colour, added in proportion to its "
                   "probability; a dot has the colour of its first label")
    else:
        colours = "colour: each class's colour, mixed by its probability"
    dots = "the first batch" if recorder.test is None else "the held-out examples"
    return BOUNDARY_PANEL.format(caption=f"{colours}; dots: {dots}")


def _summary(recorder):
    return (f"{len(recorder.records)} steps recorded, {_every(recorder.every)} "
            f"of {recorder.steps_seen}")


def _every(n):
    """``every step``, ``every 2nd step``, ..., ``every 11th step``."""
    if n == 1:
        return "every step"
    last = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"every {n}{'th' if n % 100 in (11, 12, 13) else last} step"


def _numbers(record):
    parts = [f"cost {record.cost:.4g}"]
    if record.test_cost is not None:
        parts.append(f"held-out cost {record.test_cost:.4g}")
    if record.accuracy is not None:
        parts.append(f"batch accuracy {_percent(record.accuracy, 1)}")
    if record.test_accuracy is not None:
        parts.append(f"held-out accuracy {_percent(record.test_accuracy, 1)}")
    return " · ".join(parts)


def _layer_row(layer):
    """The health table's cells for one layer, as text."""
    if layer.saturated is None:
        units = "–"
    elif layer.activation == "relu":
        units = f"{_percent(layer.saturated)} dead"
    else:
        units = f"{_percent(layer.saturated)} saturated"
    ratio = "–" if layer.update_ratio is None else f"{layer.update_ratio:.1e}"
    return [
        layer.name,
        layer.activation or "none",
        ", ".join(layer.parameters),
        f"{layer.gradient_norm:.2e}",
        ratio,
        units,
    ]


def _percent(share, digits=0):
    """``37%`` (``37.5%`` with ``digits=1``); a share that is neither none
    nor all never reads 0% or 100% (one dead unit in 256 is ``<1%``, not
    ``0%``; 2999 right of 3000 is ``>99.9%``, not ``100.0%``)."""
    step = 10.0**-digits  # the smallest percentage written
    if 0 < share < step / 100:
        return f"<{step:.{digits}f}%"
    if 1 - step / 100 < share < 1:
        return f">{100 - step:.{digits}f}%"
    return f"{share:.{digits}%}"


def _graph_svg(J):
    """The drawing of the probe batch's graph, inline SVG, or why not."""
    try:
        svg = draw(J).pipe(format="svg").decode("utf-8")
    except graphviz.ExecutableNotFound:
        return (f"<p class='missing'>No drawing: Graphviz's dot program is "
                f"missing. {html.escape(INSTALL_HINT)}.</p>")
    return svg[svg.index("<svg"):]


def _empty_page(title, recorder):
    if not recorder.enabled:
        # the loop may well call step: it only counts while switched off
        message = (
            f"Nothing has been recorded: recording is switched off "
            f"(recorder.enabled is False) and the recorder has counted "
            f"{recorder.steps_seen} training steps. Set recorder.enabled = True "
            "to record."
        )
    else:
        message = (
            f"Nothing has been recorded yet: the recorder has seen "
            f"{recorder.steps_seen} training steps. Call recorder.step(J, X, Y) "
            "after J.backward() in the training loop (around opt.step()); it "
            f"records step 0 and {_every(recorder.every)} after it."
        )
    return EMPTY_PAGE.format(
        title=html.escape(title),
        style=style("training.css", STYLE_COLORS),
        message=html.escape(message),
    )


BOUNDARY_PANEL = """<section id="boundary-panel">
    <h2>Decision boundary</h2>
    <img id="boundary" alt="the network's prediction over the plane">
    <p class="hint">{caption}</p>
  </section>"""

PAGE = HEAD + """<body data-index="{last}" data-step="">
<header>
  <h1>{title}</h1>
  <div class="controls">
    <button id="play" type="button">&#9654; play</button>
    <input id="slider" type="range" min="0" max="{last}" value="{last}" step="1"
      aria-label="recorded step">
    <span id="counter"></span>
    <span class="hint">{summary}; &#8592; &#8594; on the slider</span>
  </div>
  <p id="numbers"></p>
</header>
<main>
  <section id="curves-panel">
    <h2>Cost and accuracy</h2>
    <div id="curves">{curves}</div>
  </section>
  {boundary}
  <section id="health-panel">
    <h2>Health of each layer</h2>
    <table id="health">
      <thead><tr><th>layer</th><th>activation</th><th>parameters</th>
        <th>gradient norm</th><th>update / size</th><th>saturated or dead</th>
      </tr></thead>
      <tbody></tbody>
    </table>
    <ul id="warnings"></ul>
    <h3>How each layer's values are spread, step by step</h3>
    <div id="histograms">{histograms}</div>
    <p class="hint">each column is one step's histogram: the darker, the more
    values in that bin</p>
  </section>
  <section id="graph-panel">
    <h2>The graph of one small batch, with its values and gradients</h2>
    <div id="graph"></div>
  </section>
</main>
<script>
const RECORDS = {records};
const MARK_SHIFTS = {shifts};
{script}
</script>
</body>
</html>
"""

EMPTY_PAGE = HEAD + """<body>
<header><h1>{title}</h1></header>
<main><p id="empty">{message}</p></main>
</body>
</html>
"""

"""The training page's plots, drawn by matplotlib (the optional ``live`` extra).

* ``cost_curves``: the training and held-out cost and accuracy against the
  step, as inline SVG; each recorded step has a mark (a vertical line and
  dots) in a group ``id="mark-<i>-..."`` that the page's script shows for
  the current step only, so one drawing serves every step;
* ``BoundaryPainter``: the network's probability on a grid of the plane,
  the boundary P = 1/2 and the held-out points, one PNG per step;
* ``histogram_history``: each layer's weights, gradients and activations
  over the steps, one column per step, the current step marked.

Figures are ``matplotlib.figure.Figure`` objects, not pyplot's: nothing
here touches pyplot's global state or a notebook's backend. The painters
keep one figure and only change its data from step to step, which is
several times faster than drawing a new one each time.
"""

import base64
import io
import math
import re

import numpy as np

from . import colors

INSTALL = (
    "pip install 'tinygraph-autodiff[live]' (in a checkout: "
    "pip install -e '.[live]'), or pip install matplotlib"
)
# matplotlib's own colour maps: blue to red through white for P(class 1),
# and its ten categorical colours for more classes.
BOUNDARY_MAP = "RdBu_r"
CLASS_MAP = "tab10"
DPI = 80
HISTOGRAMS = ("weights", "gradients", "activations")


def figure(**options):
    """A new ``matplotlib.figure.Figure``; says how to install matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            f"the training page draws its plots with matplotlib, which is not "
            f"installed: {INSTALL}"
        ) from None
    return Figure(**options)


def _saved(fig, fmt):
    """The figure as PNG bytes or SVG text (text kept as text, not paths)."""
    from matplotlib import rc_context

    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "tinygraph"}):
        fig.savefig(buffer, format=fmt, dpi=DPI)
    data = buffer.getvalue()
    if fmt != "svg":
        return data
    # the licence metadata names outside addresses; the page needs none
    return re.sub(r"<metadata>.*?</metadata>", "", data.decode("utf-8"),
                  flags=re.DOTALL)


def png_uri(fig):
    """The figure as a ``data:`` URI, so the page needs no other file.

    The picture is stored with a palette of at most 256 colours (Pillow,
    which matplotlib depends on): a third of the size of full colour, with
    no difference to see in flat plots like these.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    # After the first drawing the layout is kept: the axes stay where they
    # are from step to step, and redrawing is twice as fast.
    fig.set_layout_engine("none")
    picture = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    buffer = io.BytesIO()
    picture.quantize(colors=256).save(buffer, format="png", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _finite(values):
    return [math.nan if v is None else v for v in values]


def cost_curves(records):
    """The cost and accuracy curves with a hidden mark for every record, as SVG."""
    steps = [r.step for r in records]
    fig = figure(figsize=(7.2, 2.6), layout="constrained")
    cost_axes, accuracy_axes = fig.subplots(1, 2)
    panels = (
        (cost_axes, "cost", [r.cost for r in records], [r.test_cost for r in records]),
        (accuracy_axes, "accuracy", [r.accuracy for r in records],
         [r.test_accuracy for r in records]),
    )
    for axes, name, train, test in panels:
        axes.plot(steps, _finite(train), color=colors.TRAIN, label="training batch")
        if any(v is not None for v in test):
            axes.plot(steps, _finite(test), color=colors.TEST, label="held out")
        axes.set_title(name, fontsize=10)
        values = np.array(_finite(train + test), dtype=float)
        values = values[np.isfinite(values)]
        if name == "cost" and values.size and values.min() > 0 and (
            values.max() > 10 * values.min()
        ):
            # a cost that falls tenfold or more: each tenfold the same height
            axes.set_yscale("log")
            axes.set_title("cost (log scale)", fontsize=10)
        axes.set_xlabel("step", fontsize=9)
        axes.tick_params(labelsize=8)
        axes.grid(alpha=0.3)
        for i, (step, a, b) in enumerate(zip(steps, _finite(train), _finite(test))):
            axes.axvline(step, color=colors.STEP_MARK, linewidth=1, linestyle="--",
                         gid=f"mark-{i}-{name}-line")
            axes.plot([step, step], [a, b], linestyle="none", marker="o",
                      markersize=5, color=colors.STEP_MARK, gid=f"mark-{i}-{name}-dots")
    if records and all(v is None for v in _accuracy_values(records)):
        accuracy_axes.text(0.5, 0.5, "no accuracy: not a classifier", ha="center",
                           transform=accuracy_axes.transAxes, fontsize=9)
    cost_axes.legend(fontsize=8, loc="upper right")
    svg = _saved(fig, "svg")
    return svg[svg.index("<svg"):]


def _accuracy_values(records):
    return [r.accuracy for r in records] + [r.test_accuracy for r in records]


def class_colors():
    """matplotlib's ten categorical colours as an RGB array (10, 3)."""
    from matplotlib import colormaps

    return np.asarray(colormaps[CLASS_MAP].colors)[:, :3]


class BoundaryPainter:
    """The decision boundary of one recorded step as a PNG data URI."""

    def __init__(self, grid, points, outputs_one_row):
        self.fig = figure(figsize=(3.3, 3.0), layout="constrained")
        self.axes = self.fig.subplots()
        self.extent = (grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[-1])
        self.binary = outputs_one_row
        self.xs, self.ys = grid.xs, grid.ys
        self.image = None
        self.contour = None
        X, Y = points
        if Y.ndim == 1:  # class indices, one per example
            labels = Y
        else:
            labels = (Y[0] > 0.5).astype(int) if Y.shape[0] == 1 else Y.argmax(axis=0)
        if self.binary:
            from matplotlib import colormaps

            point_colors = colormaps[BOUNDARY_MAP](np.where(labels == 1, 0.95, 0.05))
        else:
            point_colors = class_colors()[labels]
        self.axes.scatter(X[0], X[1], c=point_colors, s=14, edgecolors="black",
                          linewidths=0.5, zorder=3)
        self.axes.set_xlim(self.extent[:2])
        self.axes.set_ylim(self.extent[2:])
        self.axes.tick_params(labelsize=7)

    def uri(self, boundary):
        """``boundary``: P(class 1), (ny, nx), or one plane per class."""
        if self.binary:
            picture = boundary
            levels, field = [0.5], boundary
        else:
            # each point's colour: the classes' colours weighted by probability
            palette = class_colors()[: boundary.shape[0]]
            picture = np.clip(np.einsum("kyx,kc->yxc", boundary, palette), 0, 1)
            picture = np.where(np.isnan(picture), 1.0, picture)
            field = None
        if self.image is None:
            self.image = self.axes.imshow(
                picture, origin="lower", extent=self.extent, aspect="auto",
                cmap=BOUNDARY_MAP, vmin=0, vmax=1, interpolation="bilinear",
                alpha=0.8)
        else:
            self.image.set_data(picture)
        if self.contour is not None:
            self.contour.remove()
            self.contour = None
        if (field is not None and np.isfinite(field).any()
                and np.nanmin(field) < 0.5 < np.nanmax(field)):
            self.contour = self.axes.contour(self.xs, self.ys, field, levels=levels,
                                             colors=colors.STEP_MARK, linewidths=1.2)
        return png_uri(self.fig)


def histogram_history(records):
    """Each layer's weights, gradients and activations over the steps, as SVG.

    One panel per layer and kind: the step runs to the right, the value
    up, and the shade of each cell is the share of the values in that bin
    at that step (a column is one step's histogram). Each step's histogram
    has bins of its own; it is spread over the panel's common bins by
    interpolating its cumulative counts, as if values were uniform within
    a bin. Returns the SVG and, for each record, how far (in the SVG's
    units) the panels' step mark must move right from the first step.
    """
    from matplotlib.colors import PowerNorm

    steps = np.array([r.step for r in records], dtype=float)
    layers = records[-1].layers
    half = (steps[1] - steps[0]) / 2 if len(steps) > 1 else 0.5
    fig = figure(figsize=(7.2, 0.35 + 1.2 * len(layers)), layout="constrained")
    grid = fig.subplots(len(layers), len(HISTOGRAMS), squeeze=False, sharex=True)
    for number, (row, layer) in enumerate(zip(grid, layers)):
        for axes, kind in zip(row, HISTOGRAMS):
            axes.tick_params(labelsize=7)
            history = [_histogram_of(r, layer.name, kind) for r in records]
            if all(h is None for h in history):
                axes.set_axis_off()
                continue
            shares, low, high = _common_bins(history)
            axes.imshow(shares, origin="lower", aspect="auto", cmap="Blues",
                        norm=PowerNorm(0.5, vmin=0, vmax=max(shares.max(), 1e-12)),
                        extent=(steps[0] - half, steps[-1] + half, low, high),
                        interpolation="nearest")
            axes.axvline(steps[0], color=colors.HISTOGRAM_MARK, linewidth=1.5,
                         gid=f"hist-mark-{number}-{kind}")
        activation = f" ({layer.activation})" if layer.activation else ""
        row[0].set_ylabel(layer.name + activation, fontsize=8)
    for axes, kind in zip(grid[0], HISTOGRAMS):
        axes.set_title(kind, fontsize=9)
    for axes in grid[-1]:
        axes.set_xlabel("step", fontsize=8)
    svg = _saved(fig, "svg")
    # The SVG is in points (72 an inch); transData gives the figure's pixels.
    x = grid[0][0].transData.transform(np.stack([steps, np.zeros_like(steps)], 1))
    shifts = ((x[:, 0] - x[0, 0]) * 72 / fig.dpi).round(2).tolist()
    return svg[svg.index("<svg"):], shifts


def _histogram_of(record, name, kind):
    for layer in record.layers:
        if layer.name == name:
            return getattr(layer, kind)
    return None


def _common_bins(history, rows=40):
    """Every step's histogram over the same bins: (rows, steps) of shares."""
    known = [h for h in history if h is not None and h.counts.sum() > 0]
    low = min((h.edges[0] for h in known), default=0.0)
    high = max((h.edges[-1] for h in known), default=1.0)
    if high <= low:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, rows + 1)
    shares = np.zeros((rows, len(history)))
    for column, h in enumerate(history):
        if h is None or h.counts.sum() == 0:
            continue
        below = np.concatenate([[0], np.cumsum(h.counts)])  # counts up to each edge
        spread = np.diff(np.interp(edges, h.edges, below))
        shares[:, column] = spread / below[-1]
    return shares, low, high

"""``Recorder``: what a network looked like at chosen steps of its training.

A training loop feeds it one line around the optimiser's step::

    recorder = tg.Recorder(net, tg.nn.cross_entropy_with_logits, every=10,
                           test=(X_test, Y_test))
    for X, Y in tg.data.batches(X_train, Y_train, 32):
        J = tg.nn.cross_entropy_with_logits(net(X), Y)
        opt.zero_grad()
        J.backward()
        with recorder.step(J, X, Y):   # records every 10th step
            opt.step()

On a recorded step it copies what it needs and nothing more: the cost, the
parameters and their gradients, each layer's activations (read from the
graph of ``J``), the batch and, after ``opt.step()``, the parameters'
new values. Everything else is worked out later, when you read
``recorder.records``: each ``StepRecord`` has the training and held-out
cost and accuracy, each layer's health (``tinygraph.diagnostics``) and
histograms, the decision boundary on a grid for two-dimensional inputs, and
the whole graph of one small batch with its values and gradients. So
recording every 10th step adds little to training, and a step that is not
recorded costs one counter.

A layer starts where a parameter not seen before is multiplied (``W @ X``)
or used in a new module: its weights, the biases added after them, and the
sigmoid, tanh or ReLU made from its output. It is named by its module's
scope ("Layer 1", "Layer 2" in a ``Sequential``), or numbered when those
names repeat (two ``tg.nn.Linear`` in a module of your own). Which
parameters belong to which layer is read from the first recorded step.
"""

from __future__ import annotations

import copy
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import diagnostics, graph, modes
from .grad_mode import no_grad
from .nn import costs
from .nn.module import Module
from .tensor import Tensor, tensor

# The activations whose health a layer reports, by op name.
WATCHED = ("sigmoid", "tanh", "relu")
# Costs that take probabilities, costs that take logits, and those whose
# output rows are independent labels (a sigmoid each, not one softmax).
PROBABILITY_COSTS = (costs.binary_cross_entropy, costs.multilabel_bce,
                     costs.cross_entropy)
LOGIT_COSTS = (costs.binary_cross_entropy_with_logits,
               costs.multilabel_bce_with_logits, costs.cross_entropy_with_logits)
MULTILABEL_COSTS = (costs.multilabel_bce, costs.multilabel_bce_with_logits)


@dataclass
class LayerRecord:
    """One layer at one step: its health and its histograms."""

    name: str
    parameters: list[str]
    gradient_norm: float
    update_ratio: float | None
    activation: str | None
    # the share of sigmoid/tanh outputs saturated, or of ReLU units dead
    saturated: float | None
    weights: diagnostics.Histogram
    gradients: diagnostics.Histogram
    activations: diagnostics.Histogram | None


@dataclass
class StepRecord:
    """Everything recorded at one training step (numbered from 0).

    ``finite`` is False when the training cost was NaN or infinite: the step
    is still recorded, and ``warnings`` says so. ``boundary`` is None
    unless a classifier's inputs are two-dimensional; then it holds the predicted
    probabilities on ``Recorder.grid``: P(class 1) of shape (ny, nx) for one
    output, or one (ny, nx) plane per class. ``graph`` is the cost of the
    probe batch in a frozen copy of the network, its gradients filled in.
    """

    step: int
    cost: float
    finite: bool
    accuracy: float | None
    test_cost: float | None
    test_accuracy: float | None
    layers: list[LayerRecord]
    warnings: list[str]
    boundary: np.ndarray | None
    graph: Tensor


@dataclass
class _LayerParts:
    """A layer's parameters (indices into ``Recorder.parameters``), the
    ones a matmul uses (its weights, not its biases), and the positions of
    its activations among J's sigmoid, tanh and ReLU nodes."""

    scope: str | None
    indices: list[int]
    weights: list[int]
    activations: list[int]


@dataclass
class _Snapshot:
    """The raw copies taken inside the training loop; analysed later."""

    step: int
    cost: float
    X: np.ndarray
    Y: np.ndarray
    params: list[np.ndarray]
    grads: list[np.ndarray | None]
    # (op name, values) of each sigmoid, tanh or ReLU node of J, in order
    activations: list[tuple[str, np.ndarray]]
    # the parameters' values after the step, once it is taken
    after: list[np.ndarray] | None = None


@dataclass
class BoundaryGrid:
    """Where the decision boundary is evaluated (``Recorder.grid_points``):
    xs (nx,) and ys (ny,); row i of a boundary is y = ys[i]."""

    xs: np.ndarray
    ys: np.ndarray

    @property
    def points(self) -> np.ndarray:
        """Every grid point as a column, rows of the grid one after another."""
        gx, gy = np.meshgrid(self.xs, self.ys)
        return np.stack([gx.ravel(), gy.ravel()])


class _Nothing:
    """The context a step that is not recorded returns: does nothing."""

    def __enter__(self):
        return None

    def __exit__(self, *exception):
        return False


_NOTHING = _Nothing()


class _AfterStep:
    """On exit, after the optimiser's step: copies the parameters' new values
    (for the update-to-data ratio) and tells ``on_record``."""

    def __init__(self, recorder: Recorder, snapshot: _Snapshot):
        self.recorder, self.snapshot = recorder, snapshot

    def __enter__(self):
        return None

    def __exit__(self, *exception):
        if exception[0] is None:
            self.snapshot.after = [p.numpy().copy() for p in self.recorder.parameters]
        self.recorder._announce()
        return False


class Recorder:
    """Record a network's training every ``every`` steps.

    Parameters
    ----------
    model : the ``tg.nn.Module`` being trained.
    cost : ``cost(output, Y)``, the cost the loop uses (for the held-out
        cost and the probe batch's graph).
    every : record steps 0, ``every``, 2 ``every``, ...
    test : ``(X_test, Y_test)``, held-out columns, or None.
    outputs : ``"logits"`` (the model's last layer before a sigmoid or
        softmax, as the fused ``*_with_logits`` costs take) or
        ``"probabilities"``; by default from the cost (``cross_entropy``
        takes probabilities, ``cross_entropy_with_logits`` logits) or, for
        another cost such as ``mse``, from the graph: an output made by a
        sigmoid or softmax holds probabilities.
    probe : ``(X, Y)``, the small batch whose whole graph is kept at each
        recorded step; by default the first ``probe_size`` columns of the
        first recorded batch.
    grid : points per side of the decision-boundary grid (2-D inputs).
    bins : bins of each histogram.
    on_record : a function, or a list of them, called with the recorder
        after each recorded step, when the ``with`` block ends (without
        one, at the next call of ``step``); a live view uses it.

    Set ``recorder.enabled = False`` to stop recording: ``step`` then only
    counts.

    >>> import numpy as np, tinygraph as tg
    >>> net = tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.Tanh(),
    ...                        tg.nn.Linear(3, 1, rng=1))
    >>> cost = tg.nn.binary_cross_entropy_with_logits
    >>> recorder = tg.Recorder(net, cost, every=2)
    >>> opt = tg.optim.SGD(net.parameters(), lr=0.1)
    >>> X, Y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.0, 1.0]])
    >>> for _ in range(3):
    ...     J = cost(net(X), Y)
    ...     opt.zero_grad()
    ...     J.backward()
    ...     with recorder.step(J, X, Y):
    ...         opt.step()
    >>> [(r.step, [layer.name for layer in r.layers]) for r in recorder.records]
    [(0, ['Layer 1', 'Layer 2']), (2, ['Layer 1', 'Layer 2'])]
    """

    def __init__(
        self,
        model: Module,
        cost: Callable,
        *,
        every: int = 10,
        test: tuple | None = None,
        outputs: str | None = None,
        probe: tuple | None = None,
        probe_size: int = 4,
        grid: int = 60,
        bins: int = 30,
        on_record: Callable | list[Callable] | None = None,
    ) -> None:
        if not isinstance(model, Module):
            raise TypeError(
                f"Recorder: model must be a tg.nn.Module, got {type(model).__name__}"
            )
        named = model.named_parameters()
        if not named:
            raise ValueError(
                f"Recorder: the model {type(model).__name__} has no parameters, "
                "so there is no gradient or update to record"
            )
        if _whole(every) is None or every < 1:
            raise ValueError(
                f"Recorder: every must be a positive integer, got {every!r}"
            )
        every = int(every)
        if outputs not in (None, "logits", "probabilities"):
            raise ValueError(
                "Recorder: outputs must be 'logits', 'probabilities' or None, got "
                f"{outputs!r}"
            )
        for name, value, least in (("probe_size", probe_size, 1), ("grid", grid, 2),
                                   ("bins", bins, 1)):
            if _whole(value) is None or value < least:
                raise ValueError(
                    f"Recorder: {name} must be an integer >= {least}, got {value!r}"
                )
        probe_size, grid, bins = int(probe_size), int(grid), int(bins)
        if test is not None:
            test = _pair(test, "test")
            _check_batch(*test, "Recorder: test")
        if probe is not None:
            probe = _pair(probe, "probe")
            _check_batch(*probe, "Recorder: probe")
        self.model, self.cost, self.every, self.test = model, cost, every, test
        self.outputs, self.probe, self.probe_size = outputs, probe, probe_size
        # what the model's output holds, read from the first record's graph
        self._outputs: str | None = None
        self.grid, self.bins = grid, bins
        if on_record is None:
            on_record = []
        elif callable(on_record):
            on_record = [on_record]
        if not isinstance(on_record, (list, tuple)) or not all(
            callable(f) for f in on_record
        ):
            # found now, not at the end of the first recorded step
            raise TypeError(
                "Recorder: on_record must be a function or a list of functions, "
                f"got {on_record!r}"
            )
        self.on_record = list(on_record)
        self.enabled = True
        self.parameter_names = [p.name or name for name, p in named]
        if len(set(self.parameter_names)) < len(named):
            # two tg.nn.Linear in a module of one's own both hold a "W"
            self.parameter_names = [name for name, _ in named]
        self.parameters = [p for _, p in named]
        self._modules = _modules(model)
        self.steps_seen = 0
        self._snapshots: list[_Snapshot] = []
        self._records: list[StepRecord] = []
        self._unannounced: _Snapshot | None = None
        self.layout: dict[str, _LayerParts] | None = None
        self.grid_points: BoundaryGrid | None = None
        self.points: tuple[np.ndarray, np.ndarray] | None = None

    # ----- inside the training loop -------------------------------------

    def step(self, J: Tensor, X, Y):
        """Count one training step; on a recorded one, copy what it needs.

        Call it after ``J.backward()``, with the batch ``J`` was computed
        on (``Y`` as the cost took it: outputs x m, or m class indices); use
        it around ``opt.step()`` (``with recorder.step(J, X, Y):``) to also
        record how far the step moved each layer.
        """
        if self._unannounced is not None:  # the last record had no `with`
            self._announce()
        count = self.steps_seen
        self.steps_seen = count + 1
        if not self.enabled or count % self.every:
            return _NOTHING
        X, Y = _values(X), _values(Y)
        _check_batch(X, Y, "Recorder.step")
        if not isinstance(J, Tensor) or J.size != 1:
            raise TypeError(
                "Recorder.step: J must be the one-element cost tensor the batch "
                f"gave, got {type(J).__name__} of shape {np.shape(J)}"
            )
        _check_graph(J, self.parameters, self.parameter_names)
        self._check_model("Recorder.step")
        if self.test is not None and _differ(self.test, (X, Y)):
            # found now, not when the records are read and the model fails
            raise ValueError(
                f"Recorder.step: the batch (X of shape {X.shape}, Y of shape "
                f"{Y.shape}) and the held-out test (X of shape "
                f"{self.test[0].shape}, Y of shape {self.test[1].shape}) must "
                "have the same features and outputs"
            )
        if self.probe is None:
            # copies: the loop may refill its batch arrays in place
            self.probe = (X[:, : self.probe_size].copy(),
                          Y[..., : self.probe_size].copy())
        if self.layout is None:
            # which layer each parameter belongs to: the same at every step
            self.layout = _layers_of(J, self.parameters)
        if self.grid_points is None and X.shape[0] == 2:
            self._place_grid(X, Y)
        snapshot = _Snapshot(
            step=count,
            cost=J.item(),
            X=X.copy(),
            Y=Y.copy(),
            params=[p.numpy().copy() for p in self.parameters],
            # a parameter frozen since keeps its last gradient: not this step's
            grads=[np.array(p.grad) if p.requires_grad and p.grad is not None
                   else None for p in self.parameters],
            activations=_activations(J),
        )
        self._snapshots.append(snapshot)
        self._unannounced = snapshot
        return _AfterStep(self, snapshot)

    def _check_model(self, who) -> None:
        """The model must hold the modules and parameters it held when the
        recorder was made: the layers are read from the first step, and a
        step's analysis runs (later) on a copy of the model as it is now."""
        changed = _changed(self.model, self._modules, self.parameters,
                           self.parameter_names)
        if changed:
            raise ValueError(
                f"{who}: the model changed since the Recorder was made: {changed}; "
                "its records would mix two networks. Read recorder.records "
                "before changing the model, and make a new Recorder after"
            )

    def _announce(self) -> None:
        """Tell ``on_record`` of the latest record (once the step is taken)."""
        self._unannounced = None
        for callback in self.on_record:
            callback(self)

    def _place_grid(self, X, Y):
        """The boundary's grid covers the held-out points and the first
        batch, with a margin of a tenth of their range."""
        seen = X if self.test is None else np.concatenate([X, self.test[0]], axis=1)
        low, high = seen.min(axis=1), seen.max(axis=1)
        margin = np.maximum((high - low) / 10, 0.5)
        low, high = low - margin, high + margin
        self.grid_points = BoundaryGrid(np.linspace(low[0], high[0], self.grid),
                                 np.linspace(low[1], high[1], self.grid))
        self.points = (X.copy(), Y.copy()) if self.test is None else self.test

    # ----- afterwards -----------------------------------------------------

    @property
    def multilabel(self) -> bool:
        """Whether the cost reads each output row as a label of its own
        (multi-label classification: independent sigmoids)."""
        return self.cost in MULTILABEL_COSTS

    @property
    def records(self) -> list[StepRecord]:
        """One ``StepRecord`` per recorded step, worked out on first reading."""
        # Records may be read inside tg.no_grad() (the probe's graph needs
        # recording) or tg.detect_anomaly() (a NaN step is recorded, not raised).
        previous = modes.change(grad_enabled=True, detect_anomaly=False)
        try:
            while len(self._records) < len(self._snapshots):
                snapshot = self._snapshots[len(self._records)]
                self._records.append(self._analyse(snapshot))
        finally:
            modes.change(grad_enabled=previous.grad_enabled,
                         detect_anomaly=previous.detect_anomaly)
        return list(self._records)

    def _analyse(self, snap: _Snapshot) -> StepRecord:
        # The copy's parameters are found through deepcopy's memo, not by
        # position: a parameter frozen since (requires_grad = False) would
        # drop out of frozen.parameters() and shift every later one.
        self._check_model("Recorder.records")
        memo: dict = {}
        frozen = copy.deepcopy(self.model, memo)
        for p, values in zip(self.parameters, snap.params):
            twin = memo[id(p)]
            twin.data = values
            twin.grad = None
        graph, output = self._probe_graph(frozen)
        if self._outputs is None:
            self._outputs = self.outputs or _outputs_of(output, self.cost)
        accuracy = self._accuracy(frozen, snap.X, snap.Y)
        test_cost = test_accuracy = None
        if self.test is not None:
            test_cost, test_accuracy = self._evaluate(frozen, *self.test)
        layers = [self._layer(name, snap, parts) for name, parts in self.layout.items()]
        health = [diagnostics.LayerHealth(layer.name, layer.gradient_norm,
                                          layer.update_ratio, layer.activation,
                                          layer.saturated) for layer in layers]
        if health and self.cost in PROBABILITY_COSTS:
            # With a cross-entropy the output sigmoid's derivative cancels,
            # dJ/dZ = (A - Y) / m: outputs on the flat ends are confident,
            # not stuck, and a network that has learned has most of them there.
            health[-1].saturated = None
        warnings = diagnostics.health_warnings(health)
        finite = math.isfinite(snap.cost)
        if not finite:
            warnings.insert(0, f"The cost is {snap.cost} at step {snap.step}: "
                               "training has diverged (try a smaller learning rate).")
        return StepRecord(
            step=snap.step,
            cost=snap.cost,
            finite=finite,
            accuracy=accuracy,
            test_cost=test_cost,
            test_accuracy=test_accuracy,
            layers=layers,
            warnings=warnings,
            boundary=self._boundary(frozen, snap.Y),
            graph=graph,
        )

    def _layer(self, name, snap, parts) -> LayerRecord:
        indices = parts.indices
        # the layer's last sigmoid, tanh or ReLU, if it has one
        activation = values = None
        for position in parts.activations:
            if position < len(snap.activations):  # the same graph every step
                activation, values = snap.activations[position]
        grads = [snap.grads[i] for i in indices if snap.grads[i] is not None]
        params = [snap.params[i] for i in indices]
        ratio = None
        if snap.after is not None:
            ratio = diagnostics.update_ratio(params, [snap.after[i] for i in indices])
        saturated = None
        if activation == "relu":
            saturated = diagnostics.dead_share(values)
        elif activation is not None:
            saturated = diagnostics.saturated_share(values, activation)
        # the weights' histogram leaves the biases (a spike at 0 at first) out
        matrices = [snap.params[i] for i in parts.weights] or params
        return LayerRecord(
            name=name,
            parameters=[self.parameter_names[i] for i in indices],
            gradient_norm=diagnostics.gradient_norm(*grads) if grads else 0.0,
            update_ratio=ratio,
            activation=activation,
            saturated=saturated,
            weights=diagnostics.histogram(_flat(matrices), self.bins),
            # a layer with no gradient (frozen since) has an empty histogram
            gradients=diagnostics.histogram(
                _flat(grads) if grads else np.empty(0), self.bins),
            activations=None if values is None
            else diagnostics.histogram(values, self.bins),
        )

    def _forward(self, model, X):
        """The model's output on X, evaluated (dropout off), recording nothing."""
        model.eval()
        try:
            with no_grad():
                return _values(model(X))
        finally:
            model.train()

    def _accuracy(self, model, X, Y):
        return self._accuracy_of(self._forward(model, X), Y)

    def _accuracy_of(self, output, Y):
        """The share of examples (of labels, for multi-label) predicted
        right, or None for a regression."""
        multilabel = self.multilabel
        labels = _labels(Y, output, multilabel)
        if labels is None:
            return None
        return diagnostics.accuracy(output, labels, self._outputs,
                                    multilabel=multilabel)

    def _evaluate(self, model, X, Y):
        model.eval()
        try:
            with no_grad():
                output = model(X)
                test_cost = float(self.cost(output, Y).item())
        finally:
            model.train()
        return test_cost, self._accuracy_of(output.numpy(), Y)

    def _boundary(self, model, Y):
        # a regression's outputs are no probabilities: it has no boundary
        is_classifier = Y.ndim == 1 or np.isin(Y, (0, 1)).all()
        if self.grid_points is None or not is_classifier:
            return None
        output = self._forward(model, self.grid_points.points)
        shape = (len(self.grid_points.ys), len(self.grid_points.xs))
        with np.errstate(over="ignore", invalid="ignore"):
            if self._outputs == "probabilities":
                probabilities = output
            elif output.shape[0] == 1 or self.multilabel:
                # one sigmoid per output row
                probabilities = 1 / (1 + np.exp(-output))
            else:
                shifted = np.exp(output - output.max(axis=0, keepdims=True))
                probabilities = shifted / shifted.sum(axis=0, keepdims=True)
        planes = probabilities.reshape((-1,) + shape).astype(np.float32)
        return planes[0] if planes.shape[0] == 1 else planes

    def _probe_graph(self, model):
        """The probe batch's cost in the frozen copy, and the model's output."""
        X, Y = self.probe
        output = model(tensor(X, name="X"))
        J = self.cost(output, Y).named("J")
        J.backward()  # the frozen copy's own gradients; the model's are untouched
        return J, output


def _pair(batch, name) -> tuple[np.ndarray, np.ndarray]:
    """``(X, Y)`` as two arrays; anything else (an array alone) is refused."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(
            f"Recorder: {name} must be a pair (X, Y) of features x m and outputs "
            f"x m, got {type(batch).__name__}"
            + (f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else "")
        )
    return _values(batch[0]), _values(batch[1])


def _whole(value) -> int | None:
    """``value`` as an int if it is an integer (a NumPy one too, such as
    ``X.shape[1] // 10`` of an array), else None; a bool is no count."""
    if isinstance(value, (bool, np.bool_)):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _values(x) -> np.ndarray:
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


def _labels(Y, output, multilabel=False):
    """Y as a classifier's labels for this output, or None for a regression:
    0/1 for one output row or for independent labels, one-hot columns for
    more classes (class indices, one per example, become one-hot)."""
    classes, m = np.shape(output)
    if Y.ndim == 1 and Y.dtype.kind in "iu" and classes > 1 and Y.shape == (m,):
        if Y.min() < 0 or Y.max() >= classes:
            return None
        one_hot = np.zeros((classes, m))
        one_hot[Y, np.arange(m)] = 1
        return one_hot
    if np.shape(output) != Y.shape or not np.isin(Y, (0, 1)).all():
        return None
    if classes == 1 or multilabel or bool(np.all(Y.sum(axis=0) == 1)):
        return Y
    return None


def _outputs_of(output: Tensor, cost) -> str:
    """"probabilities" when the cost takes them, or when the model's output
    is made by a sigmoid or softmax (mse on a sigmoid, say); else "logits"."""
    if cost in PROBABILITY_COSTS:
        return "probabilities"
    if cost in LOGIT_COSTS:
        return "logits"
    made_by = output.op.name if output.op is not None else None
    return "probabilities" if made_by in ("sigmoid", "softmax") else "logits"


def _check_graph(J, parameters, names):
    """J must have a graph, and its backward pass must have reached the
    parameters: otherwise every gradient norm would read 0."""
    if J.op is None:
        raise ValueError(
            "Recorder.step: J has no graph (it was computed under tg.no_grad() "
            "or is a leaf), so there are no gradients to record; compute the "
            "cost with gradients on"
        )
    if J.grad is None:
        # the parameters' gradients, if any, are the step before's
        raise ValueError(
            "Recorder.step: J.backward() has not been called on this J, so the "
            "parameters' gradients are not this batch's: call opt.zero_grad() "
            "and J.backward() before recorder.step(J, X, Y)"
        )
    if all(p.grad is None for p in parameters):
        raise ValueError(
            f"Recorder.step: none of the model's parameters ({', '.join(names)}) "
            "has a gradient: call J.backward() after opt.zero_grad() and before "
            "recorder.step(J, X, Y)"
        )


def _modules(model) -> list[Module]:
    """The model and every module inside it, parents before children."""
    found, stack = [], [model]
    while stack:
        module = stack.pop()
        found.append(module)
        stack.extend(reversed(module.children()))
    return found


def _changed(model, modules, parameters, names) -> str | None:
    """What differs between ``model`` now and the modules and parameters it
    had (by identity), in words; None when nothing does."""
    now = _modules(model)
    if len(now) != len(modules) or any(a is not b for a, b in zip(now, modules)):
        return (f"its modules were {[type(m).__name__ for m in modules]} and are "
                f"now {[type(m).__name__ for m in now]}")
    # a frozen parameter (requires_grad = False) is still the model's
    held = {t for _, t in model.named_tensors()}
    for p, name in zip(parameters, names):
        if p not in held:
            return f"the parameter {name!r} was replaced or removed"
    seen = set(parameters)
    for name, p in model.named_parameters():
        if p not in seen:
            return f"it has a parameter {name!r} it had not (new, or unfrozen since)"
    return None


def _differ(test, batch) -> bool:
    """Do the held-out examples have other features or outputs than the batch?"""
    (X_test, Y_test), (X, Y) = test, batch
    outputs = Y_test.ndim == Y.ndim == 2 and Y_test.shape[0] != Y.shape[0]
    return X_test.shape[0] != X.shape[0] or outputs


def _flat(arrays) -> np.ndarray:
    return np.concatenate([np.ravel(a) for a in arrays])


def _check_batch(X, Y, who):
    # Y is outputs x m, or m class indices (the softmax costs take both)
    if X.ndim != 2 or Y.ndim not in (1, 2) or X.shape[1] != Y.shape[-1]:
        raise ValueError(
            f"{who}: X of shape {X.shape} and Y of shape {Y.shape} must be "
            "features x m and outputs x m (or m class indices), with the same m"
        )
    if X.shape[1] == 0:
        raise ValueError(
            f"{who}: the batch is empty (X of shape {X.shape}): there is nothing "
            "to record"
        )


def _activations(J):
    """(op name, values) of each sigmoid, tanh or ReLU of J, in creation order."""
    return [
        (node.op.name, node.numpy())
        for node in graph.nodes(J)
        if node.op is not None and node.op.name in WATCHED
    ]


def _layers_of(J, parameters):
    """Each layer of J's graph, by name, from the input to the output.

    Walking the nodes in the order they were made, a new layer starts at a
    matmul of a parameter not seen before, or at a new parameter used in
    another scope than the current layer's; other new parameters (the
    biases) join the current layer, and each sigmoid, tanh or ReLU made
    inside the model belongs to the layer last used before it.
    """
    index = {p: i for i, p in enumerate(parameters)}
    layers: list[_LayerParts] = []
    owner: dict[int, _LayerParts] = {}
    activations = 0
    for node in graph.nodes(J):
        op = node.op
        if op is None:
            continue
        scope = node.scope[-1] if node.scope else None
        if op.name in WATCHED:
            # NOTE: one made outside every module is the cost's (the relu of
            # a hinge loss), not a layer's: its zeros are examples classified
            # with a margin, not dead units
            if layers and node.scope:
                layers[-1].activations.append(activations)
            activations += 1
        for parent in node.parents:
            i = index.get(parent)
            if i is None:
                continue
            if i not in owner:
                if not layers or op.name == "matmul" or scope != layers[-1].scope:
                    layers.append(_LayerParts(scope, [], [], []))
                owner[i] = layers[-1]
                owner[i].indices.append(i)
            if op.name == "matmul" and i not in owner[i].weights:
                owner[i].weights.append(i)
    scopes = [layer.scope for layer in layers]
    if None in scopes or len(set(scopes)) < len(scopes):
        # two tg.nn.Linear in a module of one's own are both "Linear"
        scopes = [f"Layer {k}" for k in range(1, len(layers) + 1)]
    return dict(zip(scopes, layers))

"""Finding the first NaN or infinity: ``with tg.detect_anomaly(): ...``.

When switched on, every forward result and every gradient is checked, and the
first non-finite one raises ``FloatingPointError`` naming the operation, the
node's label and equation (``u7 = log(u5)``), the module it was made in, the
shapes involved and a summary of the offending values (how many entries are
non-finite, where the first one is, the range of the finite ones).

Labels are those of the graph being checked: in the forward pass the graph
that ends at the failing node, in the backward pass the graph of the tensor
``backward()`` was called on, so they match ``tg.graph.equations`` of it.

It also catches values changed between the passes that the engine's lock
cannot see. A recorded graph makes the arrays it holds read-only, but a
NumPy view taken before the forward pass (``row = W.data[0]``) stays
writable, and writing through it would change what backward computes with.
In anomaly mode every node keeps a copy of those arrays, and backward
refuses to use any that no longer match.

When off, the engine pays one flag test per operation and one per backward
pass. The switch is per thread, like ``no_grad``.
"""

import contextlib
import weakref

import numpy as np

from . import modes, naming
from .naming import constant_text, equation
from .tensor import Tensor


def is_anomaly_enabled():
    """Whether anomaly detection is on in this thread."""
    return modes.current().detect_anomaly


def set_detect_anomaly(on):
    """Switch anomaly detection on or off in this thread (until switched back).

    Unlike ``detect_anomaly()``, this leaves NumPy's warning settings alone.
    """
    modes.change(detect_anomaly=bool(on))


@contextlib.contextmanager
def detect_anomaly():
    """Raise at the first NaN or infinity in the forward or backward pass.

    Inside the block NumPy's own overflow/invalid-value warnings are silenced:
    the error raised here says more. Usable as a decorator as well.

    >>> import tinygraph as tg
    >>> x = tg.tensor([1.0, -1.0], requires_grad=True)
    >>> with tg.detect_anomaly():
    ...     y = x.sqrt()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FloatingPointError: forward pass: sqrt produced non-finite values
      at u1 = sqrt(u0)
      output, shape (2,): 1 of 2 entries non-finite (1 nan, 0 inf), ...
    """
    previous = modes.change(detect_anomaly=True)
    try:
        with np.errstate(all="ignore"):
            yield
    finally:
        modes.change(detect_anomaly=previous.detect_anomaly)


def summarize(array):
    """What is wrong with an array, in one line.

    >>> print(summarize(np.array([np.inf, 2.0, -3.0])))
    1 of 3 entries non-finite (0 nan, 1 inf), first at index (0,); finite range [-3, 2]
    >>> print(summarize(np.array([2.0, -3.0])))
    all finite, range [-3, 2]
    """
    array = np.asarray(array)
    finite = np.isfinite(array)
    n_bad = array.size - int(np.count_nonzero(finite))
    if n_bad == 0:
        text = "all finite"
    else:
        n_nan = int(np.count_nonzero(np.isnan(array)))
        first = tuple(int(i) for i in np.argwhere(~finite)[0])
        text = (
            f"{n_bad} of {array.size} entries non-finite "
            f"({n_nan} nan, {n_bad - n_nan} inf), first at index {first}"
        )
    if finite.any():
        low, high = array[finite].min(), array[finite].max()
        text += f"{'; finite' if n_bad else ','} range [{low:.4g}, {high:.4g}]"
    return text


# id(node) -> copies of the arrays the node saved for backward, made in
# anomaly mode; an entry goes when its node does. (Not a WeakKeyDictionary:
# that compares keys with ==, which for tensors compares their entries.)
_saved_copies = {}


def _keep_copies(node):
    key = id(node)
    _saved_copies[key] = [np.array(a, copy=True) for a in node._saved]
    weakref.finalize(node, _saved_copies.pop, key, None)


def check_forward(op, result, inputs):
    """Raise if ``op`` (applied to ``inputs``) produced a non-finite ``result``;
    else keep a copy of what a recorded node saved, for ``check_saved``."""
    if np.isfinite(result._data).all():
        if result._op is not None:
            _keep_copies(result)
        return
    node = result
    if result.op is None:
        # Nothing was recorded (no_grad, or constants only): describe the
        # node through a throw-away copy that remembers its inputs.
        node = Tensor._from_op(result._data, op, inputs, (False,) * len(inputs))
        node.scope = result.scope
    labels = naming.labels(node)
    bad_inputs = [x for x in inputs if not np.isfinite(_array(x)).all()]
    if bad_inputs:
        names = ", ".join(_operand_label(x, labels) for x in bad_inputs)
        headline = f"forward pass: {op.name} was given non-finite values (in {names})"
        cause = (
            "\n  note: these values were non-finite before this operation: a leaf"
            "\n  or constant holding NaN/inf (check the data), or a node computed"
            "\n  while anomaly detection was off."
        )
    else:
        headline = f"forward pass: {op.name} produced non-finite values"
        cause = ""
    raise FloatingPointError(
        f"{headline}\n"
        f"  at {equation(node, labels)}{_where(node)}\n"
        f"  output, shape {result._data.shape}: {summarize(result._data)}\n"
        f"  inputs:\n{_operand_lines(inputs, labels)}{cause}"
    )


def check_seed(root, grad):
    """Raise if the upstream gradient handed to ``backward`` is non-finite."""
    if np.isfinite(grad).all():
        return
    raise FloatingPointError(
        f"backward pass: the upstream gradient given to backward() is non-finite: "
        f"{summarize(grad)}"
    )


def check_saved(node, root):
    """Raise if an array ``node`` saved in the forward pass (in anomaly mode)
    has different values now: something wrote into it through a view."""
    copies = _saved_copies.get(id(node))
    if copies is None:
        return
    for index, (array, copy) in enumerate(zip(node._saved, copies)):
        if np.array_equal(array, copy, equal_nan=True):
            continue
        labels = naming.labels(root)
        # saved = (output, *inputs' arrays, what the op kept)
        if index == 0:
            what = f"its output {labels[node]}"
        elif index <= node._arity:
            what = f"the values of {_operand_label(node.inputs[index - 1], labels)}"
        else:
            what = "the value it kept from the forward pass"
        changed = _count_changed(array, copy)
        raise RuntimeError(
            f"backward pass: {what} changed after the forward pass used it, so "
            f"the gradient of {node.op.name} would be computed from other values\n"
            f"  at {equation(node, labels)}{_where(node)}\n"
            f"  shape {array.shape}: {changed} of {array.size} entries differ\n"
            "  note: the graph makes the arrays it holds read-only; this one was "
            "written\n  through a NumPy view taken before the forward pass (e.g. "
            "row = W.data[0]);\n  change values only after backward(), or run the "
            "forward pass again"
        )


def _count_changed(array, copy):
    """How many entries differ (a NaN where there was a NaN is no change)."""
    same = array == copy
    if array.dtype.kind in "fc":
        same |= np.isnan(array) & np.isnan(copy)
    return array.size - int(np.count_nonzero(same))


def check_backward(node, input_tensor, grad, root):
    """Raise if the gradient ``node`` sends back to ``input_tensor`` is non-finite."""
    if np.isfinite(grad).all():
        return
    labels = naming.labels(root)
    target = labels[input_tensor]
    raise FloatingPointError(
        f"backward pass: the gradient that {node.op.name} sends to {target} "
        f"is non-finite\n"
        f"  at {equation(node, labels)}{_where(node)}\n"
        f"  dJ/d{target} from this node, shape {grad.shape}: {summarize(grad)}\n"
        f"  upstream dJ/d{labels[node]}, shape {node.grad.shape}: "
        f"{summarize(node.grad)}\n"
        f"  inputs:\n{_operand_lines(node.inputs, labels)}"
    )


def check_sum(node, total, root):
    """Raise for a gradient that became non-finite when the parts sent by
    ``node``'s consumers were added up (each part was checked finite)."""
    labels = naming.labels(root)
    consumers = [n for n in labels if any(x is node for x in n.inputs)]
    names = ", ".join(labels[n] for n in consumers)
    raise FloatingPointError(
        f"backward pass: the gradient of {labels[node]} overflowed when the parts "
        f"from its {len(consumers)} consumers ({names}) were added up; each part "
        f"was finite\n"
        f"  at {equation(node, labels)}{_where(node)}\n"
        f"  dJ/d{labels[node]}, shape {total.shape}: {summarize(total)}"
    )


def check_accumulated(leaf, before, added):
    """Raise for a leaf's ``.grad`` that became non-finite when this backward
    pass's gradient was added to the one it already held."""
    name = repr(leaf.name) if leaf.name is not None else "a leaf"
    raise FloatingPointError(
        f"backward pass: the gradient of {name} (shape {leaf.shape}) overflowed "
        "when this pass's gradient was added to the .grad it already held "
        "(gradients accumulate across backward() calls; call zero_grad() "
        "between steps)\n"
        f"  .grad before: {summarize(before)}\n"
        f"  added now: {summarize(added)}"
    )


def _array(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _operand_label(x, labels):
    return labels[x] if isinstance(x, Tensor) else f"the constant {constant_text(x)}"


def _operand_lines(inputs, labels):
    """One line per operand: where it came from, its shape, its values."""
    lines = []
    for x in inputs:
        if isinstance(x, Tensor):
            origin = equation(x, labels)
        else:
            origin = _operand_label(x, labels)
        array = _array(x)
        lines.append(f"    {origin}, shape {array.shape}: {summarize(array)}")
    return "\n".join(lines)


def _where(node):
    """``, made in Sequential > Linear 2`` when the node has a scope."""
    return f", made in {' > '.join(node.scope)}" if node.scope else ""

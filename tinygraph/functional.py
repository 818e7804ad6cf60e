"""Derivatives of a function as whole arrays, as ``torch.autograd.functional``.

For y = f(x), with x of shape T and y of shape S:

* ``jacobian(f, x)``: J[s, t] = dy_s/dx_t, shape S + T;
* ``vjp(f, x, u)``: uᵀJ, shape T, the vector-Jacobian product: what one
  backward pass computes (u is dJ/dy, the result dJ/dx);
* ``jvp(f, x, v)``: J v, shape S, the Jacobian-vector product: how y moves
  when x moves along v, by forward mode (a tangent pushed from x to y);
* ``hessian(f, x)``: H[s, t] = d²y/dx_s dx_t for a y with one element,
  shape T + T: the Jacobian of the gradient (reverse over reverse).

``f`` takes a tensor and returns a tensor; ``x`` is a tensor or an array of
floats. ``f`` is called on a new leaf holding a copy of x, so x's own graph
and ``.grad`` are left alone. Results are NumPy arrays; ``vjp`` and ``jvp``
return the pair ``(f(x), product)``, as PyTorch's do.

>>> import tinygraph as tg
>>> def f(x):
...     return x * x                     # y_s = x_s², so J = diag(2x)
>>> tg.jacobian(f, [1.0, 2.0])
array([[2., 0.],
       [0., 4.]])
>>> tg.jvp(f, [1.0, 2.0], [1.0, 1.0])[1]     # J v
array([2., 4.])
>>> tg.vjp(f, [1.0, 2.0], [1.0, 1.0])[1]     # uᵀJ
array([2., 4.])
>>> tg.hessian(lambda x: (x ** 3).sum(), [1.0, 2.0])   # diag(6x)
array([[ 6.,  0.],
       [ 0., 12.]])
"""

import contextlib
import inspect

import numpy as np

from . import modes
from .gradients import grad
from .maths import numeric, tensors
from .naming import describe, nodes, returned
from .tensor import Tensor

__all__ = ["jacobian", "hessian", "vjp", "jvp", "push_tangents"]


def jacobian(f, x):
    """J[s, t] = dy_s/dx_t for y = f(x): an array of shape y.shape + x.shape.

    One backward pass per entry of y, each giving one row: eᵀJ = dy_s/dx.
    """
    with _recording():
        x, y = _evaluate(f, x, "jacobian")
        return _rows(y, x)


def hessian(f, x):
    """H[s, t] = d²y/dx_s dx_t for a y = f(x) with one element: an array of
    shape x.shape + x.shape.

    The Jacobian of the gradient: the gradient is computed with
    ``create_graph=True``, so each of its entries can be differentiated
    again (reverse over reverse).
    """
    with _recording():
        x, y = _evaluate(f, x, "hessian")
        if y.size != 1:
            raise ValueError(
                f"hessian: {_name(f)} must return one number (a tensor with one "
                f"element), but for an input of shape {x.shape} it returned shape "
                f"{y.shape}; take the Hessian of one entry, or of a sum"
            )
        if not y.requires_grad:  # f does not depend on x
            return np.zeros(x.shape + x.shape, dtype=x.dtype)
        (gradient,) = grad(y, [x], create_graph=True)
        return _rows(gradient, x)


def vjp(f, x, u=None):
    """``(f(x), uᵀJ)``: the output and the vector-Jacobian product, of x's
    shape, with ``u`` of the output's shape (it may be left out when the
    output has one element: then uᵀJ is the gradient).

    This is what a backward pass computes, with u as the upstream gradient.
    """
    with _recording():
        x, y = _evaluate(f, x, "vjp")
        u = _vector(u, y, f"u, the vector for the output of {_name(f)},", "vjp")
        if not y.requires_grad:  # f does not depend on x
            return _value(y), np.zeros_like(x.numpy())
        (product,) = grad(y, [x], grad_outputs=u)
        return _value(y), product


def jvp(f, x, v=None):
    """``(f(x), J v)``: the output and the Jacobian-vector product, of the
    output's shape, with ``v`` of x's shape (it may be left out when x has
    one element).

    Forward mode: a tangent, dx = v, is pushed through the graph of f from
    x to the output, each node's tangent from its op's local derivative
    (see ``push_tangents``). The Jacobian itself is never built.
    """
    with _recording():
        x, y = _evaluate(f, x, "jvp")
        v = _vector(v, x, f"v, the tangent for the input of {_name(f)},", "jvp")
        tangent = push_tangents(y, {x: v}).get(y)
        if tangent is None:  # y does not depend on x
            tangent = np.zeros_like(_value(y))
        return _value(y), tangent


# ----- forward mode -----------------------------------------------------


def push_tangents(root, seeds):
    """Each node's tangent, d(node) = sum over inputs of d(node)/d(input) times
    d(input), for the nodes ``root`` depends on, given the tangents of some
    leaves (``seeds``, {leaf: array}): a dict {node: tangent}, with no entry
    for a node whose tangent is zero (it does not depend on the seeds).

    The nodes are visited in creation order, a topological order, so every
    input's tangent is known before its consumers need it.
    """
    found = {leaf: _seed_tangent(leaf, v) for leaf, v in seeds.items()}
    with _recording():  # non-elementwise ops take their tangent with grad
        for node in nodes(root):
            if node.op is None or node in found:
                continue
            incoming = [
                found.get(x) if isinstance(x, Tensor) else None for x in node.inputs
            ]
            if any(dx is not None for dx in incoming):
                found[node] = _tangent(node, incoming)
    return found


def _seed_tangent(leaf, tangent):
    """A seed's tangent as an array of its tensor's shape and dtype.

    NOTE: a tangent of another shape would broadcast on the way forward
    (a (1,) tangent for x of shape (3,) moves every entry of x), so it is
    refused rather than read as some other direction.
    """
    if not isinstance(leaf, Tensor):
        raise TypeError(
            f"push_tangents: the seeds' keys must be tensors of the graph, got a "
            f"{type(leaf).__name__}"
        )
    array = np.asarray(tangent.numpy() if isinstance(tangent, Tensor) else tangent)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"push_tangents: the tangent for {describe(leaf)} must be numbers, "
            f"got dtype {array.dtype}"
        )
    if array.shape != leaf.shape:
        raise ValueError(
            f"push_tangents: the tangent for {describe(leaf)} has shape "
            f"{array.shape}; a tangent has the shape of its tensor (one entry "
            "per entry)"
        )
    return array.astype(leaf.dtype if leaf.dtype.kind == "f" else float)


def _tangent(node, incoming):
    """d(node) from the tangents of its inputs (None where zero)."""
    op = node.op
    out = node._saved[0]
    if op.elementwise:
        # d(out) = sum_i d(out)/d(x_i) * d(x_i), entry by entry. NOTE: no sum
        # back over broadcast axes, as backward needs: on the way forward a
        # broadcast input's tangent broadcasts with it.
        total = 0
        for i, dx in enumerate(incoming):
            if dx is not None:
                total = total + op.derivative(numeric, i, *node._saved) * dx
        # (addition's derivative is the number 1: its tangent may still have
        # the input's shape, not yet stretched to the output's)
        return np.broadcast_to(total, out.shape).astype(out.dtype)
    return _linear_tangent(node, incoming)


def _linear_tangent(node, incoming):
    """sum_i J_i dx_i for an op that gives only its vector-Jacobian product
    vjp_i(g) = gᵀJ_i, without building any J_i.

    vjp_i is linear in g, so <vjp_i(g), dx_i> = <g, J_i dx_i>, and J_i dx_i
    is the gradient of that number with respect to g. The op's backward is
    read on tensors (``maths.tensors``), with g a leaf that requires a
    gradient, and differentiated once more with ``grad``.
    """
    arity = len(node.inputs)
    out, *arrays = node._saved[: 1 + arity]  # without what an op ``keeps``
    # The values are constants here (the tangent is linear in dx, and the
    # values fix the linear map), so nothing is recorded back into f's graph.
    values = [
        Tensor._from_op(a) if isinstance(x, Tensor) else x
        for x, a in zip(node.inputs, arrays)
    ]
    g = Tensor(np.zeros_like(out), requires_grad=True)
    needs = tuple(dx is not None for dx in incoming)
    partials = node.op.backward(tensors, g, needs, Tensor._from_op(out), *values)
    # NOTE: a partial may have the broadcast shape (the backward driver sums
    # it back); dx_i broadcasts against it, which gives the same pairing.
    pairing = sum(
        (partial * dx).sum()
        for partial, dx in zip(partials, incoming)
        if dx is not None
    )
    (tangent,) = grad(pairing, [g])
    return tangent


# ----- inputs, outputs and the errors about them -------------------------


@contextlib.contextmanager
def _recording():
    """Record operations inside the block, even under ``no_grad()``: these
    functions need the graph of f (as torch.autograd.functional does)."""
    previous = modes.change(grad_enabled=True)
    try:
        yield
    finally:
        modes.change(grad_enabled=previous.grad_enabled)


def _name(f):
    """How a function is named in an error message: ``f``, ``<lambda>``."""
    return getattr(f, "__qualname__", None) or repr(f)


def _evaluate(f, x, caller):
    """``(x, f(x))`` with x a new leaf that requires gradients, holding a copy
    of the caller's x; f checked to be a function, x floating point, and
    f(x) a tensor."""
    if not callable(f):
        raise TypeError(
            f"{caller}: the function to differentiate must be callable, "
            f"got a {type(f).__name__}"
        )
    _check_one_argument(f, caller)
    array = _input_array(x, f, caller)
    if array.dtype.kind != "f":
        raise TypeError(
            f"{caller}: the input of {_name(f)} must be floating point, but it has "
            f"dtype {array.dtype} and shape {array.shape}; convert it first, "
            "e.g. with .astype(np.float64)"
        )
    x = Tensor(array, requires_grad=True)
    y = f(x)
    if not isinstance(y, Tensor):
        raise TypeError(
            f"{caller}: {_name(f)} must return a tensor, but for an input of "
            f"shape {x.shape} it returned {returned(y)}"
        )
    return x, y


def _check_one_argument(f, caller):
    """Refuse a function that needs several arguments: f is called with one."""
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: try it
        return
    needed = [
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.default is p.empty
    ]
    if len(needed) > 1:
        raise TypeError(
            f"{caller}: {_name(f)} takes {len(needed)} arguments "
            f"({', '.join(needed)}), but {caller} differentiates a function of one "
            f"input x; hold the others fixed, e.g. {caller}(lambda {needed[0]}: "
            f"f({', '.join(needed)}), {needed[0]}), or stack them into one array"
        )


def _input_array(x, f, caller):
    """x as an array; a list of inputs of different shapes is refused."""
    try:
        return np.asarray(x.numpy() if isinstance(x, Tensor) else x)
    except ValueError:  # NumPy: "setting an array element with a sequence"
        shapes = [np.shape(item) for item in x]
        raise ValueError(
            f"{caller}: the input of {_name(f)} must be one array, but it is a "
            f"{type(x).__name__} of {len(x)} items of shapes "
            f"{', '.join(map(str, shapes))}; differentiate with respect to one "
            "input at a time, holding the others fixed"
        ) from None


def _vector(vector, like, what, caller):
    """``vector`` as an array of ``like``'s shape and dtype; None is 1 when
    ``like`` has one element."""
    if vector is None:
        if like.size != 1:
            raise ValueError(
                f"{caller}: {what} is needed: it has {like.size} entries (shape "
                f"{like.shape}), and only a one-element vector defaults to 1"
            )
        return np.ones(like.shape, dtype=like.dtype)
    array = np.asarray(vector.numpy() if isinstance(vector, Tensor) else vector)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{caller}: {what} must be numbers, got dtype {array.dtype}")
    if array.shape != like.shape:
        raise ValueError(
            f"{caller}: {what} has shape {array.shape}, but it must have shape "
            f"{like.shape}"
        )
    return array.astype(like.dtype)


def _value(y):
    """The output's values, as an array of the caller's own."""
    return np.array(y.numpy())


def _rows(y, x):
    """The Jacobian of y with respect to x, one row dy_s/dx per entry of y
    (one backward pass each): shape y.shape + x.shape."""
    dtype = y.dtype if y.dtype.kind == "f" else x.dtype
    J = np.zeros((y.size, x.size), dtype=dtype)
    if y.requires_grad:  # else y does not depend on x: J = 0
        for s in range(y.size):
            e = np.zeros(y.size, dtype=dtype)
            e[s] = 1  # picks entry s of y: eᵀJ is row s
            (row,) = grad(y, [x], grad_outputs=e.reshape(y.shape))
            J[s] = row.reshape(-1)
    return J.reshape(y.shape + x.shape)

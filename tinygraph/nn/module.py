"""``Module``: the base class of layers and networks.

A module holds parameters (tensors that require gradients) and other
modules as attributes, finds them by walking its attributes in the order
they were set, and runs ``forward`` when called. Calling a module opens a
``tg.graph.scope`` named after it ("Layer 1", "ReLU", ...), so a drawing
can group each layer's nodes.
"""

from __future__ import annotations

from typing import Any

from ..modes import Modes, this_thread
from ..tensor import Tensor


class Module:
    """Base class: subclasses set parameters and submodules in ``__init__``
    and write ``forward``.

    Examples
    --------
    >>> import numpy as np
    >>> import tinygraph as tg
    >>> class Affine(tg.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = tg.tensor([2.0], requires_grad=True, name="w")
    ...     def forward(self, x):
    ...         return self.w * x
    >>> f = Affine()
    >>> [name for name, _ in f.named_parameters()]
    ['w']
    >>> f(tg.tensor([3.0])).data
    array([6.])
    """

    def __init__(self) -> None:
        self.training = True
        # The scope label of this module's nodes; None opens no scope.
        self.label: str | None = type(self).__name__

    def forward(self, *inputs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *inputs: Any) -> Any:
        label = getattr(self, "label", type(self).__name__)
        if label is None:
            return self.forward(*inputs)
        # ``with tg.graph.scope(label):``, written out (a module call is
        # frequent, and this costs half as much): the nodes made inside
        # record the label, and the scope closes even if forward raises.
        grad_enabled, detect_anomaly, outer = this_thread.modes
        this_thread.modes = tuple.__new__(
            Modes, (grad_enabled, detect_anomaly, (*outer, str(label)))
        )
        try:
            return self.forward(*inputs)
        finally:
            grad_enabled, detect_anomaly, _ = this_thread.modes
            this_thread.modes = tuple.__new__(
                Modes, (grad_enabled, detect_anomaly, outer)
            )

    # ----- what the module holds -----------------------------------------

    def named_children(self) -> list[tuple[str, Module]]:
        """``(name, module)`` for each direct submodule, in the order set,
        held as an attribute or in a list, tuple or dict attribute."""
        return [
            (name, value)
            for name, value in _held_values(self)
            if isinstance(value, Module)
        ]

    def children(self) -> list[Module]:
        return [module for _, module in self.named_children()]

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        """``(name, tensor)`` for every parameter (a tensor that requires
        gradients), this module's own first, then each child's under
        ``child_name.``; each tensor appears once. A parameter may be an
        attribute or sit in a list, tuple or dict attribute (``Ws.0``)."""
        return self._named_tensors(_is_parameter)

    def named_tensors(self) -> list[tuple[str, Tensor]]:
        """The parameters and every other leaf tensor the module holds
        (a frozen parameter, whose ``requires_grad`` is False, or a
        constant), named and ordered as ``named_parameters()``: the state
        that ``tg.save`` writes and ``tg.load`` restores."""
        return self._named_tensors(_is_state)

    def _named_tensors(self, keep) -> list[tuple[str, Tensor]]:
        result = []
        seen = set()
        for name, value in _held_values(self):
            if isinstance(value, Tensor) and keep(value) and value not in seen:
                seen.add(value)
                result.append((name, value))
        for child_name, child in self.named_children():
            for name, value in child._named_tensors(keep):
                if value not in seen:
                    seen.add(value)
                    result.append((f"{child_name}.{name}", value))
        return result

    def parameters(self) -> list[Tensor]:
        """Every parameter tensor, in the order of ``named_parameters()``."""
        return [value for _, value in self.named_parameters()]

    def zero_grad(self) -> None:
        """Clear the gradient of every parameter, frozen ones included.

        (A parameter frozen after a backward pass keeps the gradient of that
        pass; left there, it is stale, as PyTorch's ``zero_grad`` knows.)
        """
        for _, p in self.named_tensors():
            p.grad = None

    # ----- training and evaluation mode ------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Switch this module and all its children to training mode."""
        self.training = bool(mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode (dropout off), children included."""
        return self.train(False)

    def __repr__(self) -> str:
        children = self.named_children()
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [
            f"  ({name}): {child!r}".replace("\n", "\n  ") for name, child in children
        ]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"

    def extra_repr(self) -> str:
        return ""


def _held_values(module):
    """``(name, value)`` for each attribute, and for each item of a list,
    tuple or dict attribute under ``name.i`` or ``name.key``.

    NOTE: a student's ``self.Ws = [tg.tensor(..., requires_grad=True), ...]``
    holds its parameters in a list: skipping lists would leave them out of
    ``parameters()``, and the optimiser would silently never train them.
    """
    for name, value in vars(module).items():
        if isinstance(value, (list, tuple)):
            yield from ((f"{name}.{i}", item) for i, item in enumerate(value))
        elif isinstance(value, dict):
            yield from ((f"{name}.{key}", item) for key, item in value.items())
        else:
            yield name, value


def _is_parameter(t):
    return t.requires_grad


def _is_state(t):
    # a parameter, or a leaf that may be a frozen one (not a stored result)
    return t.requires_grad or t.is_leaf

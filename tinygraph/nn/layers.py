"""Dense layers and the container that chains modules: ``Linear``, ``Sequential``.

Layout is the notes': a batch is features x examples, and layer l computes
``Z = W @ A_prev + b`` with ``W`` of shape (n_out, n_in) and ``b`` of shape
(n_out, 1), broadcast over the m columns.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator

import numpy as np
from numpy.typing import DTypeLike

from ..tensor import Tensor, TensorLike
from .module import Module

_INITS = ("xavier", "he")


def as_generator(rng, who):
    """A ``numpy.random.Generator`` from None (fresh entropy), a seed or itself."""
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(
        f"{who}: rng must be None, an integer seed or a numpy.random.Generator, "
        f"got {type(rng).__name__}"
    )


def _positive_int(value, what, who):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{who}: {what} must be a positive integer, got {value!r}")
    return int(value)


class Linear(Module):
    """A dense layer: Z = W @ A + b.

    Parameters
    ----------
    n_in, n_out : numbers of input features and of output units.
    rng : None, an integer seed or a ``numpy.random.Generator`` for ``W``.
    init : "xavier" (default) draws W from N(0, 2 / (n_in + n_out)), which
        keeps the variance of the signal through sigmoid and tanh layers, the
        notes' hidden activations; "he" draws from N(0, 2 / n_in), the right
        scale for ReLU layers, which zero half their inputs. ``b`` starts at 0.
    name : a suffix for the parameters' names: ``name="2"`` gives ``W2``,
        ``b2`` and outputs named ``Z2``. Without it, ``Sequential`` numbers
        the layer by its position.
    dtype : of the parameters (float64 unless asked).

    Examples
    --------
    >>> import numpy as np
    >>> import tinygraph as tg
    >>> layer = tg.nn.Linear(3, 2, rng=0)
    >>> layer.W.shape, layer.b.shape
    ((2, 3), (2, 1))
    >>> layer(np.ones((3, 5))).shape
    (2, 5)
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        rng: int | np.random.Generator | None = None,
        init: str = "xavier",
        name: str | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        self.n_in = _positive_int(n_in, "n_in", "Linear")
        self.n_out = _positive_int(n_out, "n_out", "Linear")
        if init not in _INITS:
            raise ValueError(f"Linear: init must be one of {_INITS}, got {init!r}")
        generator = as_generator(rng, "Linear")
        fan = self.n_in + self.n_out if init == "xavier" else self.n_in
        std = np.sqrt(2.0 / fan)
        W = generator.normal(0.0, std, size=(self.n_out, self.n_in)).astype(dtype)
        self.W = Tensor(W, requires_grad=True, name="W")
        self.b = Tensor(
            np.zeros((self.n_out, 1), dtype=dtype), requires_grad=True, name="b"
        )
        self.init = init
        self.symbol: str | None = None
        self.numbered = False  # True once a Sequential gave it its number
        self.output_name: str | None = None
        if name is not None:
            self.set_symbol(str(name))

    def set_symbol(self, symbol: str) -> None:
        """Name the parameters ``W<symbol>``, ``b<symbol>`` and the output
        ``Z<symbol>``; the layer's nodes are drawn as "Layer <symbol>"."""
        self.symbol = symbol
        self.W.name = f"W{symbol}"
        self.b.name = f"b{symbol}"
        self.label = f"Layer {symbol}"
        self.output_name = f"Z{symbol}"

    def forward(self, A: TensorLike) -> Tensor:
        rows = A.shape if isinstance(A, Tensor) else np.shape(A)
        if len(rows) != 2 or rows[0] != self.n_in:
            raise ValueError(
                f"{self.label} ({self.n_in} -> {self.n_out}): expected an input of "
                f"shape ({self.n_in}, m), {self.n_in} features by m examples, "
                f"got shape {rows}"
            )
        Z = self.W @ A + self.b
        Z.name = self.output_name
        return Z

    def extra_repr(self) -> str:
        return f"{self.n_in}, {self.n_out}, init={self.init!r}"


class Sequential(Module):
    """Modules applied one after another: ``Sequential(Linear(...), ReLU(), ...)``.

    Each unnamed ``Linear`` is numbered by its position among the Linear
    layers, as the notes number layers: the first gets ``W1``, ``b1`` and
    outputs ``Z1``. The modules after it, up to the next ``Linear``, belong
    to the same layer: their nodes are drawn in the same "Layer 1" cluster
    and the last one's output is named ``A1``.

    Examples
    --------
    >>> import numpy as np
    >>> import tinygraph as tg
    >>> net = tg.nn.Sequential(tg.nn.Linear(4, 3, rng=0), tg.nn.Tanh(),
    ...                        tg.nn.Linear(3, 1, rng=1), tg.nn.Sigmoid())
    >>> [name for name, p in net.named_parameters()]
    ['0.W', '0.b', '2.W', '2.b']
    >>> [p.name for p in net.parameters()]
    ['W1', 'b1', 'W2', 'b2']
    >>> net(np.ones((4, 5))).name
    'A2'
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, module in enumerate(modules):
            if not isinstance(module, Module):
                hint = (
                    "; use the module form, e.g. tg.nn.ReLU() rather than tg.nn.relu"
                    if callable(module)
                    else ""
                )
                raise TypeError(
                    f"Sequential: argument {i} is a {type(module).__name__}, "
                    f"not a tg.nn.Module{hint}"
                )
        self.modules = list(modules)
        self.label = None  # a container: its layers open their own scopes
        self._number_layers(1)

    def _number_layers(self, first: int, layer: str | None = None) -> int:
        """Number the Linear layers ``first``, ``first + 1``, ... in order,
        those of nested Sequentials included (as the notes number a
        network's layers, so two layers never share a name); give each
        other module the layer it belongs to, ``layer`` until the first
        Linear. Returns the next number.

        A Linear given a ``name`` keeps it; one numbered by a Sequential is
        numbered again by a Sequential it is nested in.
        """
        # The layer each module belongs to (its Linear's symbol), or None.
        self.layer_of: list[str | None] = []
        count = first
        for module in self.modules:
            if isinstance(module, Sequential):
                count = module._number_layers(count, layer)
                layer = module.layer_of[-1] if module.layer_of else layer
            elif isinstance(module, Linear):
                if module.symbol is None or module.numbered:
                    module.set_symbol(str(count))
                    module.numbered = True
                count += 1
                layer = module.symbol
            elif layer is not None:
                module.label = f"Layer {layer}"
            self.layer_of.append(layer)
        # The last module of each layer (if not its Linear) outputs A<layer>.
        self.output_names = [
            f"A{layer}"
            if layer is not None
            and not isinstance(module, Linear)
            and (i + 1 == len(self.modules) or self.layer_of[i + 1] != layer)
            else None
            for i, (module, layer) in enumerate(zip(self.modules, self.layer_of))
        ]
        return count

    def named_children(self) -> list[tuple[str, Module]]:
        return [(str(i), module) for i, module in enumerate(self.modules)]

    def forward(self, A: TensorLike) -> TensorLike:
        for module, name in zip(self.modules, self.output_names):
            A = module(A)
            if name is not None and isinstance(A, Tensor) and A.name is None:
                A.name = name
        return A

    def __getitem__(self, index: int) -> Module:
        return self.modules[index]

    def __len__(self) -> int:
        return len(self.modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self.modules)

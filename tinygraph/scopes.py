"""Which module made a node: ``with tg.graph.scope("Linear 1"): ...``.

Every tensor an op makes records the scopes open at that moment in
``t.scope``, a tuple from outermost to innermost (empty outside any scope).
Modules open one around their forward pass, so a drawing can group a
layer's nodes into one labelled cluster.
Scopes are per thread (see ``modes``).
"""

from . import modes


class scope:
    """Tag the nodes made inside the block with ``name``.

    A plain class rather than ``contextlib.contextmanager``: every module
    call opens one, and entering a class is a third of the cost.

    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> with tg.graph.scope("layer 1"):
    ...     y = w * 2
    >>> y.scope
    ('layer 1',)
    """

    __slots__ = ("name", "previous")

    def __init__(self, name):
        self.name = str(name)

    def __enter__(self):
        self.previous = modes.current().scope
        modes.change(scope=self.previous + (self.name,))

    def __exit__(self, *exception):
        modes.change(scope=self.previous)

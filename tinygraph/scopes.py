"""Which module made a node: ``with tg.graph.scope("Linear 1"): ...``.

Every tensor an op makes records the scopes open at that moment in
``t.scope``, a tuple from outermost to innermost (empty outside any scope).
Modules open one around their forward pass, so a drawing can group a
layer's nodes into one labelled cluster.
Scopes are per thread (see ``modes``).
"""

from .modes import Modes, this_thread


class scope:  # noqa: N801 - used like a function, as tg.no_grad() is
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
        # the scopes open before each entry: a stack, so that one scope
        # object can be entered again inside itself (a recursive block)
        self.previous = []

    # NOTE: these two read and write the thread's modes directly, in one
    # step each (the other two modes are kept as they are at that moment).

    def __enter__(self):
        grad_enabled, detect_anomaly, outer = this_thread.modes
        self.previous.append(outer)
        this_thread.modes = tuple.__new__(
            Modes, (grad_enabled, detect_anomaly, outer + (self.name,))
        )

    def __exit__(self, *exception):
        grad_enabled, detect_anomaly, _ = this_thread.modes
        this_thread.modes = tuple.__new__(
            Modes, (grad_enabled, detect_anomaly, self.previous.pop())
        )

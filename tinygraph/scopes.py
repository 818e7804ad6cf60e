"""Which module made a node: ``with tg.graph.scope("Linear 1"): ...``.

Every tensor an op makes records the scopes open at that moment in
``t.scope``, a tuple from outermost to innermost (empty outside any scope).
Modules open one around their forward pass, so a drawing can group a
layer's nodes into one labelled cluster.
"""

import contextlib

# Read by ``Tensor._from_op`` for every new node.
current = ()


@contextlib.contextmanager
def scope(name):
    """Tag the nodes made inside the block with ``name``.

    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> with tg.graph.scope("layer 1"):
    ...     y = w * 2
    >>> y.scope
    ('layer 1',)
    """
    global current
    previous = current
    current = previous + (str(name),)
    try:
        yield
    finally:
        current = previous

"""Switching graph recording off: ``with tg.no_grad(): ...``."""

import contextlib

# Read by ``Op.apply`` on every operation; a plain module flag is the cheapest
# thing to test there.
enabled = True


def is_grad_enabled():
    return enabled


@contextlib.contextmanager
def no_grad():
    """Record nothing inside the block: results are plain leaves.

    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> with tg.no_grad():
    ...     y = w * 2
    >>> y.requires_grad, y.op
    (False, None)
    """
    global enabled
    previous = enabled
    enabled = False
    try:
        yield
    finally:
        enabled = previous

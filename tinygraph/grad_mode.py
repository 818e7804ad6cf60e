"""Switching graph recording off: ``with tg.no_grad(): ...``."""

import contextlib

from . import modes


def is_grad_enabled():
    """Whether operations in this thread are being recorded."""
    return modes.current().grad_enabled


@contextlib.contextmanager
def no_grad():
    """Record nothing inside the block (in this thread): results are plain leaves.

    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> with tg.no_grad():
    ...     y = w * 2
    >>> y.requires_grad, y.op
    (False, None)
    """
    previous = modes.change(grad_enabled=False)
    try:
        yield
    finally:
        modes.change(grad_enabled=previous.grad_enabled)

"""Switching graph recording off: ``with tg.no_grad(): ...``."""

import functools
import inspect

from . import modes


def is_grad_enabled():
    """Whether operations in this thread are being recorded."""
    return modes.current().grad_enabled


class no_grad:  # noqa: N801 - used like a function, as torch.no_grad() is
    """Record nothing inside the block (in this thread): results are plain leaves.

    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> with tg.no_grad():
    ...     y = w * 2
    >>> y.requires_grad, y.op
    (False, None)

    As a decorator, ``@tg.no_grad()``, the function's body records nothing;
    a generator's body records nothing each time it resumes, while the
    code that iterates over it records as usual.
    """

    __slots__ = ("_previous",)

    def __init__(self):
        # a stack, so that one no_grad object can be entered again inside itself
        self._previous = []

    def __enter__(self):
        self._previous.append(modes.change(grad_enabled=False).grad_enabled)

    def __exit__(self, *exception):
        modes.change(grad_enabled=self._previous.pop())
        return False

    def __call__(self, function):
        if inspect.isgeneratorfunction(function):
            return _generator_without_grad(function)

        @functools.wraps(function)
        def without_grad(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)

        return without_grad


def _generator_without_grad(function):
    """``function``, a generator function, whose body runs under no_grad.

    NOTE: ``with no_grad():`` around the call alone would cover only making
    the generator, not running it, and a ``with`` around the whole loop
    would leave recording off in the caller between two items. So each
    resume (``next``, ``send``, ``throw``, ``close``) gets a block of its own.
    """

    @functools.wraps(function)
    def without_grad(*args, **kwargs):
        inner = function(*args, **kwargs)
        resume, value = inner.send, None
        while True:
            try:
                with no_grad():
                    item = resume(value)
            except StopIteration as stop:
                return stop.value
            try:
                value = yield item
                resume = inner.send
            except GeneratorExit:
                with no_grad():
                    inner.close()
                raise
            except BaseException as error:  # thrown in: the body may catch it
                resume, value = inner.throw, error

    return without_grad

"""The switches that change how operations run, one set per thread.

``no_grad``, anomaly detection and the open module scopes are settings of
the code that is running, so each thread has its own (as in PyTorch): a
``no_grad`` block in one thread never stops another thread from recording.
A new thread starts with the defaults of ``Modes``.
"""

import threading
from typing import NamedTuple


class Modes(NamedTuple):
    grad_enabled: bool = True  # record operations for backward (off in no_grad)
    detect_anomaly: bool = False  # check every result and gradient for NaN/inf
    scope: tuple = ()  # the module scopes open now, outermost first


class _PerThread(threading.local):
    # A class attribute: the value every new thread starts with. The modes
    # are one tuple so that an operation reads all three in one step.
    modes = Modes()


# ``this_thread.modes`` is read by every operation.
this_thread = _PerThread()


def current():
    """This thread's modes."""
    return this_thread.modes


def change(grad_enabled=None, detect_anomaly=None, scope=None):
    """Change some of this thread's modes; return the previous ones."""
    previous = this_thread.modes
    # tuple.__new__ rather than Modes(...) or _replace: module scopes change
    # the modes twice per call, and this is five times faster.
    this_thread.modes = tuple.__new__(Modes, (
        previous[0] if grad_enabled is None else grad_enabled,
        previous[1] if detect_anomaly is None else detect_anomaly,
        previous[2] if scope is None else scope,
    ))
    return previous

"""The switches that change how operations run, one set per thread.

``no_grad``, anomaly detection and the open module scopes are settings of
the code that is running, so each thread has its own (as in PyTorch): a
``no_grad`` block in one thread never stops another thread from recording.
A new thread starts with the defaults below.
"""

import threading


class _Modes(threading.local):
    # Class attributes are the defaults every new thread sees.
    grad_enabled = True  # record operations for backward (off inside no_grad)
    detect_anomaly = False  # check every result and gradient for NaN/inf
    scope = ()  # the module scopes open now, outermost first


# Read by ``Op.apply`` on every operation.
current = _Modes()

"""One row of the op table (tests/ops/test_ops.py)."""

from dataclasses import dataclass


@dataclass
class OpCase:
    name: str
    op: object  # tensors -> tensor
    reference: object  # arrays -> array
    shapes: list  # list of tuples of operand shapes
    op_class: type  # the Op subclass this case exercises
    low: float = -2.0
    high: float = 2.0
    tol: float = 1e-6

"""The arithmetic operators: ``+ - * / **`` and unary minus.

All of them broadcast like NumPy; the backward driver sums each gradient
back to its operand's shape, so the formulas below are written per entry.
"""

import numpy as np

from ..op import Op


class Add(Op):
    """a + b: d/da = 1, d/db = 1."""

    name, formula, elementwise = "add", "{0} + {1}", True

    def forward(self, a, b):
        return a + b, None

    def backward(self, grad, saved, needs):
        return grad, grad


class Sub(Op):
    """a - b: d/da = 1, d/db = -1."""

    name, formula, elementwise = "sub", "{0} - {1}", True

    def forward(self, a, b):
        return a - b, None

    def backward(self, grad, saved, needs):
        return grad, (-grad if needs[1] else None)


class Mul(Op):
    """a * b (entry by entry): d/da = b, d/db = a."""

    name, formula, elementwise = "mul", "{0} * {1}", True

    def forward(self, a, b):
        return a * b, (a, b)

    def backward(self, grad, saved, needs):
        a, b = saved
        return (
            grad * b if needs[0] else None,
            grad * a if needs[1] else None,
        )


class Div(Op):
    """a / b: d/da = 1/b, d/db = -a/b^2."""

    name, formula, elementwise = "div", "{0} / {1}", True

    def forward(self, a, b):
        return a / b, (a, b)

    def backward(self, grad, saved, needs):
        a, b = saved
        return (
            grad / b if needs[0] else None,
            -grad * a / (b * b) if needs[1] else None,
        )


class Pow(Op):
    """a ** b: d/da = b a^(b-1), d/db = a^b log(a)."""

    name, formula, elementwise = "pow", "{0} ** {1}", True

    def forward(self, a, b):
        out = a**b
        return out, (a, b, out)

    def backward(self, grad, saved, needs):
        a, b, out = saved
        grad_a = grad_b = None
        if needs[0]:
            # NOTE: where b = 0, a^b is the constant 1, so d/da = 0; the
            # formula b a^(b-1) would give 0 * inf = nan at a = 0.
            with np.errstate(divide="ignore", invalid="ignore"):
                grad_a = grad * np.where(b == 0, 0.0, b * a ** (b - 1))
        if needs[1]:
            # NOTE: log(a) is undefined for a < 0; at a = 0 with b >= 0 the
            # limit of a^b log(a) is 0, which is what PyTorch returns too.
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.log(a)
                grad_b = grad * np.where((a == 0) & (b >= 0), 0.0, out * log_a)
        return grad_a, grad_b


class Neg(Op):
    """-a: d/da = -1."""

    name, formula, elementwise = "neg", "-{0}", True

    def forward(self, a):
        return -a, None

    def backward(self, grad, saved, needs):
        return (-grad,)


# These ops have no settings, so one of each serves every node.
_add, _sub, _mul, _div, _pow, _neg = Add(), Sub(), Mul(), Div(), Pow(), Neg()


def add(a, b):
    return _add.apply(a, b)


def sub(a, b):
    return _sub.apply(a, b)


def mul(a, b):
    return _mul.apply(a, b)


def div(a, b):
    return _div.apply(a, b)


def pow(a, b):
    return _pow.apply(a, b)


def neg(a):
    return _neg.apply(a)

"""The arithmetic operators: ``+ - * / **`` and unary minus.

All of them broadcast like NumPy; the backward driver sums each gradient
back to its operand's shape, so the formulas below are written per entry.
"""

import numpy as np

from ..op import Op


class Add(Op):
    """a + b: d/da = 1, d/db = 1."""

    name, formula, elementwise = "add", "{0} + {1}", True
    __slots__ = ()

    def forward(self, a, b):
        return a + b

    def backward(self, grad):
        return grad, grad


class Sub(Op):
    """a - b: d/da = 1, d/db = -1."""

    name, formula, elementwise = "sub", "{0} - {1}", True
    __slots__ = ()

    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        return grad, (-grad if self.needs[1] else None)


class Mul(Op):
    """a * b (entry by entry): d/da = b, d/db = a."""

    name, formula, elementwise = "mul", "{0} * {1}", True
    __slots__ = ("a", "b")

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, grad):
        needs = self.needs
        return (
            grad * self.b if needs[0] else None,
            grad * self.a if needs[1] else None,
        )


class Div(Op):
    """a / b: d/da = 1/b, d/db = -a/b^2."""

    name, formula, elementwise = "div", "{0} / {1}", True
    __slots__ = ("a", "b")

    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, grad):
        needs = self.needs
        return (
            grad / self.b if needs[0] else None,
            -grad * self.a / (self.b * self.b) if needs[1] else None,
        )


class Pow(Op):
    """a ** b: d/da = b a^(b-1), d/db = a^b log(a)."""

    name, formula, elementwise = "pow", "{0} ** {1}", True
    __slots__ = ("a", "b", "out")

    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = a**b
        return self.out

    def backward(self, grad):
        a, b = self.a, self.b
        grad_a = grad_b = None
        if self.needs[0]:
            grad_a = grad * b * a ** (b - 1)
        if self.needs[1]:
            # NOTE: log(a) is undefined for a < 0; at a = 0 with b >= 0 the
            # limit of a^b log(a) is 0, which is what PyTorch returns too.
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.log(a)
                grad_b = grad * np.where((a == 0) & (b >= 0), 0.0, self.out * log_a)
        return grad_a, grad_b


class Neg(Op):
    """-a: d/da = -1."""

    name, formula, elementwise = "neg", "-{0}", True
    __slots__ = ()

    def forward(self, a):
        return -a

    def backward(self, grad):
        return (-grad,)


def add(a, b):
    return Add().apply(a, b)


def sub(a, b):
    return Sub().apply(a, b)


def mul(a, b):
    return Mul().apply(a, b)


def div(a, b):
    return Div().apply(a, b)


def pow(a, b):
    return Pow().apply(a, b)


def neg(a):
    return Neg().apply(a)

"""Every op that is not elementwise words its own step-through rule: one text
per input, naming the upstream gradient {g}, with only the placeholders that
frames fills in ({g}, {out} and one {i} per operand)."""

import inspect

import pytest

from tinygraph.op import Op


def _ops():
    """The concrete op classes of tinygraph.ops (a leading _ marks a base)."""
    found, todo = [], [Op]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("tinygraph.ops") and sub.__name__[0] != "_":
                found.append(sub)
    return sorted(found, key=lambda cls: cls.__name__)


def _inputs(cls):
    """How many operands the op takes: the arguments of maths after m."""
    return len(inspect.signature(cls.maths).parameters) - 2  # self, m


OPS = _ops()
MATRIX_OPS = [cls for cls in OPS if not cls.elementwise]


def test_the_walk_finds_the_matrix_ops():
    names = {cls.__name__ for cls in MATRIX_OPS}
    assert {"MatMul", "Sum", "Softmax", "GetItem"} <= names
    assert "Exp" not in names


@pytest.mark.parametrize("cls", MATRIX_OPS, ids=lambda cls: cls.__name__)
def test_every_matrix_op_has_a_rule_per_input(cls):
    n = _inputs(cls)
    assert len(cls.rules) == n, f"{cls.__name__} takes {n} inputs: {cls.rules}"
    operands = [f"x{i}" for i in range(n)]
    for rule in cls.rules:
        assert "{g}" in rule, f"{cls.__name__}: {rule!r} never names the upstream"
        rule.format(*operands, g="g", out="out")  # no unknown placeholder


@pytest.mark.parametrize(
    "cls", [cls for cls in OPS if cls.elementwise], ids=lambda cls: cls.__name__
)
def test_elementwise_ops_have_no_rules(cls):
    # frames shows "upstream times local derivative" for them: a rule would
    # never be read
    assert cls.rules == ()

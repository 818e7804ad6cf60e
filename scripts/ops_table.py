"""The README's table of operations, made from tinygraph.ops itself.

    python scripts/ops_table.py      # print it, to paste into README.md

tests/test_readme.py checks that the README holds exactly this table, so
the list cannot drift from the code.
"""

import inspect

from tinygraph import ops

# One row per module of tinygraph/ops, in this order; a new module needs a
# heading here (the test says so).
KINDS = {
    "arithmetic": "Arithmetic (also `+ - * / **`, unary `-`)",
    "elementwise": "Elementwise functions",
    "trig": "Trigonometry, powers and rounding",
    "numerics": "Stable numerics",
    "activation": "Activations",
    "reduce": "Reductions",
    "statistics": "Statistics",
    "select": "Comparison and selection",
    "shape": "Shapes and indexing",
    "join": "Joining and splitting",
    "linalg": "Products",
    "loss": "Cost nodes (what `tg.nn`'s costs are built from)",
}


def functions_by_kind():
    """{module name: sorted function names} for the functions of tinygraph.ops."""
    kinds = {}
    for name in ops.__all__:
        function = getattr(ops, name)
        if inspect.isfunction(function):
            kind = function.__module__.rpartition(".")[2]
            kinds.setdefault(kind, []).append(name)
    return {kind: sorted(names) for kind, names in kinds.items()}


def table():
    """The markdown table: each kind of op and its functions."""
    kinds = functions_by_kind()
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise KeyError(f"give these modules of tinygraph/ops a heading: {unknown}")
    lines = ["| kind | functions |", "|---|---|"]
    for kind, heading in KINDS.items():
        names = ", ".join(f"`{name}`" for name in kinds.get(kind, []))
        lines.append(f"| {heading} | {names} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())

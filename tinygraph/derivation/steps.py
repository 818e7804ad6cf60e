"""A derivation and its steps: the chain rule in symbols, node by node.

``derive_graph(J)`` walks the graph from J back to the leaves, as
``backward`` does, and writes each node's gradient three ways (see
``symbols``). The result prints as text, displays as typeset
maths in Jupyter, and exports as Markdown with LaTeX for slides.
"""

from dataclasses import dataclass, field

import numpy as np

from ..naming import nodes
from ..tensor import Tensor
from .notation import Notation, PulledBack
from .symbols import (
    FORMULA_LIMIT,
    MAX_OP_NODES,
    Graph,
    backward_in_symbols,
    substitute,
    tidy,
)
from .terms import (
    EVALUATE,
    M,
    MatProd,
    NumbersPrinter,
    Transposed,
    sympy,
    to_aligned,
    tree_size,
)

# As lambdify sets up its own NumPy printer: our functions by their names.
_PRINTER_SETTINGS = {
    "fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
}


@dataclass(eq=False, repr=False)
class DerivationStep:
    """One node's gradient ∂J/∂(node), in symbols.

    ``chain``: Σ over the node's consumers c of ∂J/∂c times c's local
    derivative (the symbols ∂J/∂c are ``derivation.gradient(c)``);
    ``expression``: the same with each ∂J/∂c replaced by its closed form,
    simplified, in the labels of the node's neighbours; ``closed_form``: in
    the leaves, named constants and m only (None where it would be too
    large to form). ``value`` is the expression evaluated at the graph's
    values; ``latex``, ``mathml`` (a ``<math>``
    element) and ``text`` write the step as ∂J/∂x = chain = expression =
    closed form. Each formula holds one symbol per node, named by its
    label and standing for every entry of it (``A`` is a_i).
    """

    node: Tensor
    label: str
    chain: object
    expression: object
    closed_form: object
    consumers: tuple
    derivation: "Derivation" = field(repr=False)

    @property
    def symbol_of_node(self):
        return self.derivation.symbol(self.node)

    @property
    def per_entry(self):
        """False where the chain rule is a matrix product (∂J/∂W = ∂J/∂Z Xᵀ)
        or a vector-Jacobian product (∂u/∂x)ᵀ ∂J/∂u, so the step is written
        with matrices; True where it is written per entry (∂J/∂a_i)."""
        for term in sympy.Add.make_args(self.chain):
            for factor in sympy.Mul.make_args(term):
                if factor.func in (MatProd, Transposed) or isinstance(
                    factor, PulledBack
                ):
                    return False
        return True

    @property
    def value(self):
        """The numbers: the expression evaluated at the graph's values (the
        forward pass's own node values, so a softmax of large logits does not
        overflow as its closed form would), an array of the node's shape,
        equal to autodiff's gradient."""
        return self.derivation.evaluate(self.expression, self.node)

    @property
    def latex(self):
        sides = self.derivation.notation("maths").equation(self)
        return " = ".join(sympy.latex(side) for side in sides)

    @property
    def mathml(self):
        """The step as a ``<math display="block">`` element (presentation
        MathML, which browsers render with no script)."""
        sides = self.derivation.notation("maths").equation(self)
        inner = "<mo>=</mo>".join(
            sympy.mathml(side, printer="presentation") for side in sides
        )
        return f'<math display="block"><mrow>{inner}</mrow></math>'

    @property
    def text(self):
        sides = self.derivation.notation("text").equation(self)
        return " = ".join(str(side) for side in sides)

    def __str__(self):
        return self.text

    def __repr__(self):  # as the derivation's: the step, not its fields
        return self.text

    def _repr_latex_(self):
        return f"$$\n{self.latex}\n$$"


class Derivation:
    """The backward pass from ``root`` in symbols: one ``DerivationStep``
    per node that needs a gradient, root first (reverse topological order).

    Index it by position, node or label (``d["A"]``); ``str(d)`` is the text,
    ``d.latex`` one LaTeX ``aligned`` block, ``d.to_markdown()`` Markdown
    with LaTeX for slides; in Jupyter it shows as typeset maths.
    """

    def __init__(self, graph: Graph, steps: list, gradients: dict):
        self.root = graph.root
        self.root_label = graph.labels[graph.root]
        self.m = graph.m
        self.steps = steps
        self._graph = graph
        self._gradients = gradients  # node -> its symbol ∂J/∂(node)
        self._by_node = {step.node: step for step in steps}
        self._notations = {}
        self._values = {}  # node -> ∂J/∂node's numbers, once worked out

    # ----- lookup -----

    def __iter__(self):
        return iter(self.steps)

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.steps[key]
        if isinstance(key, Tensor):
            if key in self._by_node:
                return self._by_node[key]
            label = self._graph.labels.get(key)
            why = (
                "is not in the graph" if label is None
                else f"is {label}, which needs no gradient (data)"
            )
            raise KeyError(
                f"derivation: no step for the tensor of shape {key.shape}: it {why}"
            )
        for step in self.steps:
            if step.label == key:
                return step
        raise KeyError(
            f"derivation: no step for {key!r}; the steps are "
            f"{', '.join(step.label for step in self.steps)}"
        )

    @property
    def symbols(self):
        """{label: SymPy symbol} for every node, constant array and m."""
        found = {self._graph.labels[n]: s for n, s in self._graph.symbol.items()}
        found.update({str(s): s for s in self._graph.constants})
        if self.m is not None:
            found["m"] = M
        return found

    def symbol(self, node):
        """The SymPy symbol that stands for ``node``'s values."""
        return self._graph.symbol[node]

    def gradient(self, node):
        """The SymPy symbol ∂J/∂(node) used in the chain rules."""
        return self._gradients[node]

    # ----- numbers -----

    def evaluate(self, expr, like=None):
        """``expr`` (a formula of this derivation) at the graph's values, as a
        NumPy array; shaped like the node ``like`` when given."""
        expr = sympy.sympify(expr)
        values = self._graph.values()
        for node, gradient in self._gradients.items():
            if gradient in expr.free_symbols:  # ∂J/∂c: its step's numbers
                values[gradient] = self._value(node)
        arguments = sorted(expr.free_symbols, key=str)
        missing = [s for s in arguments if s not in values]
        if missing:
            raise ValueError(f"derivation: no value for {missing} in {expr}")
        functions = {**EVALUATE, **self._graph.numeric}
        function = sympy.lambdify(
            arguments, expr, modules=[functions, "numpy"], dummify=True,
            printer=NumbersPrinter(_PRINTER_SETTINGS),
        )
        result = np.asarray(function(*(values[s] for s in arguments)), dtype=float)
        if like is None:
            return result
        result = to_aligned(result, self._graph.term[like].aligned).reshape(like.shape)
        # in the node's precision, as autodiff's gradient (float32 stays so)
        dtype = like.data.dtype if like.data.dtype.kind == "f" else float
        return result.astype(dtype)

    def _value(self, node):
        """∂J/∂node's numbers (in its aligned shape), worked out once."""
        if node not in self._values:
            step = self._by_node[node]
            self._values[node] = np.reshape(
                step.value, self._graph.term[node].aligned
            )
        return self._values[node]

    # ----- printing -----

    def notation(self, style):
        if style not in self._notations:
            self._notations[style] = Notation(self, style)
        return self._notations[style]

    def aligned_shapes(self):
        shapes = {s: self._graph.term[n].aligned for n, s in self._graph.symbol.items()}
        shapes.update({s: np.shape(a) for s, a in self._graph.constants.items()})
        return shapes

    def symbol_labels(self):
        names = {s: self._graph.labels[n] for n, s in self._graph.symbol.items()}
        names.update({s: str(s) for s in self._graph.constants})
        return names

    def constant_symbols(self):
        """The symbols of the graph's unnamed constant arrays (C1, C2, ...)."""
        return set(self._graph.constants)

    def gradient_symbols(self):
        return {g: self._graph.symbol[n] for n, g in self._gradients.items()}

    @property
    def text(self):
        return "\n".join(step.text for step in self.steps)

    def __str__(self):
        return self.text

    def __repr__(self):
        return self.text

    @property
    def mathml(self):
        """Every step as a ``<math display="block">`` element, one a line."""
        return "\n".join(step.mathml for step in self.steps)

    @property
    def latex(self):
        """Every step, one line each, in a LaTeX ``aligned`` block."""
        lines = [step.latex.replace(" = ", " &= ", 1) for step in self.steps]
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def to_markdown(self):
        """Markdown with LaTeX, one paragraph per step: for slides and notes."""
        parts = [f"**The backward pass of {self.root_label}, in symbols**"]
        for step in self.steps:
            parts.append(f"$$\n{step.latex}\n$$")
        return "\n\n".join(parts) + "\n"

    def _repr_latex_(self):
        return f"$$\n{self.latex}\n$$"

    def _repr_markdown_(self):
        return self.to_markdown()


def derive_graph(root: Tensor, examples=None) -> Derivation:
    """Build the derivation of ``root`` (see ``tg.graph.derivation``)."""
    _check_root(root)
    graph = Graph(root, examples)
    gradients = {
        n: sympy.Symbol(f"∂{graph.labels[root]}/∂{graph.labels[n]}")
        for n in graph.order
        if n.requires_grad
    }
    shares = {n: [] for n in gradients}  # node -> [(consumer, its share)]
    expressions = {}
    definitions = graph.definitions()
    steps = []
    for node in reversed(graph.order):
        if node not in gradients or (node is not root and not shares[node]):
            continue
        if node is root:  # ∂J/∂J = 1
            chain = expression = closed_form = sympy.Integer(1)
        else:
            # ∂J/∂J = 1: the root's consumers' chains start from the seed
            seed = {gradients[root]: sympy.Integer(1)}
            chain = sympy.Add(*(share.xreplace(seed) for _, share in shares[node]))
            consumers = [c for c, _ in shares[node]]
            expression = _expression(graph, node, chain, consumers, gradients,
                                     expressions)
            closed_form = _closed_form(graph, expression, definitions, gradients)
        expressions[node] = expression
        steps.append(
            DerivationStep(
                node, graph.labels[node], chain, expression, closed_form,
                tuple(c for c, _ in shares[node]), None,
            )
        )
        if node.op is None:
            continue
        for x, share in backward_in_symbols(graph, node, gradients[node]):
            shares[x].append((node, share))
    derivation = Derivation(graph, steps, gradients)
    for step in steps:
        step.derivation = derivation
    return derivation


def _expression(graph, node, chain, consumers, gradients, expressions):
    """The chain rule with each ∂J/∂c replaced by c's expression: in the
    labels next to the node where that is shorter (A(1 - A) ((1 - Y)/u0 -
    Y/A)/m, with u0 = 1 - A, is (A - Y)/m), else in the labels the
    consumers' gradients are written in; the chain rule itself where either
    would be too large to form."""
    known = substitute(
        chain, {gradients[c]: expressions[c] for c in consumers},
        graph.shapes(gradients), graph.m,
    )
    if tree_size(known) > FORMULA_LIMIT:
        return chain
    near = graph.near(known, node, consumers)
    candidates = [tidy(known)] + ([] if near is None else [tidy(near)])
    return min(candidates, key=tree_size)


def _closed_form(graph, expression, definitions, gradients):
    """The expression in the leaves only, or None where it would be larger
    than FORMULA_LIMIT (or the expression is the chain rule itself)."""
    if expression.free_symbols & set(gradients.values()):
        return None
    closed = substitute(expression, definitions, graph.shapes(), graph.m)
    if tree_size(closed) > FORMULA_LIMIT:
        return None
    return tidy(closed)


def _check_root(root):
    if not isinstance(root, Tensor):
        raise TypeError(
            f"derivation: J must be a tensor, got {type(root).__name__}"
        )
    if not root.requires_grad:
        raise ValueError(
            "derivation: J does not require gradients (none of its inputs has "
            "requires_grad=True), so there is nothing to derive"
        )
    if root.size != 1:
        raise ValueError(
            f"derivation: J has shape {root.shape}; a derivation starts from a "
            "cost with one value (sum or average it first)"
        )
    ops = sum(1 for n in nodes(root) if n.op is not None)
    if ops > MAX_OP_NODES:
        raise ValueError(
            f"derivation: the graph of J has {ops} operations; symbolic "
            f"derivations are for graphs of at most {MAX_OP_NODES} (larger ones "
            "would take minutes to simplify). tg.graph.backward_steps(J) gives "
            "every node's gradient as numbers"
        )

"""The symbols of one graph, and its backward pass read on them.

Each node is one SymPy symbol named by its label (``A``, ``Y``, ``u3``),
standing for the whole array and read entry by entry (see
``terms``). Each node that needs a gradient gets a second symbol,
∂J/∂(node), and three formulas for it:

* the chain rule, Σ over its consumers c of ∂J/∂c pushed back through c's
  local derivative, exactly as the op's own ``backward`` writes it, read on
  whole-array symbols (elementwise ops per entry, matmul as G Bᵀ, a sum
  over examples where the node was broadcast);
* the expression: the chain rule with each ∂J/∂c replaced by its closed
  form, simplified; the local derivatives keep the neighbours' labels;
* the closed form: the same with every node that is not a leaf replaced by
  its formula in the leaves, simplified.

Numbers the notes write as ``m`` become ``m``: a mean's 1/count, and a
constant factor or divisor (an operand of a product or a quotient, not an
exponent) equal to ±m, ±2m, ±1/m or ±1/(2m), where m, the number of
examples, is the number of columns of the graph's 2-D data (leaves that need
no gradient, and constant operands) when they all agree and there are at
least 3 of them (with 1 or 2, m cannot be told from an ordinary constant).
"""

import math

import numpy as np

from ..maths import numeric
from ..naming import labels as graph_labels
from ..naming import nodes as graph_nodes
from ..tensor import Tensor
from . import terms as whole
from .notation import pulled_back
from .terms import (
    M,
    MatProd,
    NoWholeArrayFormError,
    SumOver,
    Term,
    Transposed,
    number,
    shape_of,
    sympy,
    tree_size,
)

# Above this many op nodes a derivation is refused. A formula larger than
# SIMPLIFY_LIMIT (counted as a tree: what printing and simplifying walk) is
# shown unsimplified (above CANCEL_LIMIT, only its common factors are taken
# out); one larger than FORMULA_LIMIT is not formed at all: a
# closed form can double in size with every layer (sigmoid' = a(1 - a) uses
# a twice), so 40 nested sigmoids would give one of 2^40 terms.
MAX_OP_NODES = 150
SIMPLIFY_LIMIT = 150
CANCEL_LIMIT = 60
FORMULA_LIMIT = 3000
NEAR_ROUNDS = 3
MAX_NESTING = 6

# The ops that divide by the number of entries they average (the costs on
# logits divide by the number of examples).
_MEANS = {"mean", "neg_mean", "bce_with_logits", "cross_entropy_with_logits"}
# The ops whose constant operand may be a cost's m, 2m, 1/m or 1/(2m).
_SCALES = {"mul", "div"}


class Graph:
    """The symbols of one graph: a symbol per node and per constant array,
    each node's formula in the leaves, and m."""

    def __init__(self, root, examples=None):
        self.root = root
        self.order = graph_nodes(root)
        self.labels = _labels_with_root(root, self.order)
        self.m = _number_of_examples(self.order) if examples is None else examples
        if str(M) in self.labels.values():
            # NOTE: one SymPy symbol per name: a node named m would be taken
            # for the number of examples (and evaluated as it)
            if examples is not None:
                raise ValueError(
                    f"derivation: examples={examples} writes the number of "
                    f"examples as {M}, but a node of the graph is named {M}; "
                    "rename it"
                )
            self.m = None
        self.symbol = {}  # node -> its whole-array symbol
        self.term = {}  # node -> Term of its symbol (with its aligned shape)
        self.formula = {}  # node -> its formula in the leaves, a SymPy expression
        self.local = {}  # symbol of an op node -> its formula in its inputs' labels
        self.constants = {}  # symbol of a constant array -> the array
        self._constant_symbols = {}  # id(array) -> symbol
        self.opaque = set()  # nodes whose op has no whole-array formula
        self.numeric = {}  # name of a PulledBack function -> its NumPy reading
        self.nesting = {}  # node -> how many functions its formula nests
        for node in self.order:
            self._add(node)

    def _add(self, node):
        symbol = sympy.Symbol(self.labels[node])
        self.symbol[node] = symbol
        if node.op is None:
            value = symbol
            if _unnamed_constant(node):
                # a seed of ones (tg.grad's upstream gradient): a number
                value = self.in_m(number(node.data.flat[0]), None)
            self.term[node] = Term(value, node.shape)
            self.formula[node] = value
            return
        try:
            operands = [self.operand(x, node.op) for x in node.inputs]
            local = node.op.maths(whole, *operands)
        except NoWholeArrayFormError:
            self.opaque.add(node)
            self.term[node] = Term(symbol, node.shape)
            self.formula[node] = symbol  # stands for itself in closed forms
            return
        aligned = local.aligned if math.prod(local.aligned) == node.size else node.shape
        self.term[node] = Term(symbol, node.shape, aligned)
        self.local[symbol] = self.in_m(local.expr, node.op)
        # NOTE: SymPy checks every function it builds (is tanh(x) finite?),
        # and those checks grow exponentially with nesting: a node under more
        # than MAX_NESTING functions stands for itself in closed forms.
        nested = max((self.nesting.get(x, 0) for x in node.inputs
                      if isinstance(x, Tensor)), default=0)
        nested += _has_function(local.expr)
        if nested > MAX_NESTING:
            self.opaque.add(node)
            self.formula[node] = symbol
            return
        self.nesting[node] = nested
        # The local formula with each input's formula put in. NOTE: with
        # substitute, not by reading the op on the inputs' formulas: a sum
        # along an axis that a formula no longer varies along (u4 = u2 + (t -
        # u2) is t, one number) is the axis's length times it, not one term.
        inputs = {self.symbol[x]: self.formula[x] for x in node.inputs
                  if isinstance(x, Tensor)}
        self.formula[node] = substitute(
            self.local[symbol], inputs, self._shapes_so_far(), self.m
        )

    def operand(self, x, op):
        """An input of the op ``op`` as a Term: a node by its symbol, a
        constant as a number (one value) or as a symbol of its own (an array).

        A number is read as m only where it scales (a product or a quotient,
        as a cost's 1/m): (A - Y) ** 4 with 4 examples is not (A - Y) ** m,
        whose derivative would change with the number of examples.
        """
        if isinstance(x, Tensor):
            return self.term[x]
        if np.size(x) == 1:
            value = number(np.asarray(x).item())
            if op.name in _SCALES:
                value = self.in_m(value, None)
            return Term(value, np.shape(x))
        key = id(x)
        if key not in self._constant_symbols:
            taken = set(self.labels.values()) | {str(s) for s in self.constants}
            name = next(f"C{k}" for k in range(1, 10**6) if f"C{k}" not in taken)
            symbol = sympy.Symbol(name)
            self._constant_symbols[key] = symbol
            self.constants[symbol] = np.asarray(x)
        return Term(self._constant_symbols[key], np.shape(x))

    def _shapes_so_far(self):
        """{symbol: aligned shape} for the nodes and constants added so far."""
        shapes = {self.symbol[n]: t.aligned for n, t in self.term.items()}
        shapes.update({s: np.shape(a) for s, a in self.constants.items()})
        return shapes

    def in_m(self, expr, op):
        """``expr`` with the numbers that are m's written with m: all numbers
        for a constant operand (``op`` None), a mean's 1/count for a mean."""
        # (m = 1 cannot be written: every 1 would be an m)
        if self.m is None or self.m < 2 or (op is not None and op.name not in _MEANS):
            return expr
        replace = {}
        for r in expr.atoms(sympy.Rational):
            per_example, examples = r * self.m, r / self.m
            if per_example in (1, -1, sympy.Rational(1, 2), sympy.Rational(-1, 2)):
                replace[r] = per_example / M
            elif op is None and examples in (1, -1, 2, -2):
                replace[r] = examples * M
        return expr.xreplace(replace)

    def pulled_back(self, node, k, gradient):
        """(∂node/∂x)ᵀ ∂J/∂node for input ``k`` of an op that has no
        whole-array formula: a function of the gradient that prints as such
        and whose numbers come from the op's own numeric backward."""
        x = node.inputs[k]
        function = pulled_back(
            len(self.numeric), self.labels[node], self.labels[x], self.term[x].aligned
        )
        self.numeric[function.__name__] = self._numeric_backward(node, k)
        return function(gradient)

    def _numeric_backward(self, node, k):
        x = node.inputs[k]
        needs = tuple(isinstance(i, Tensor) and i.requires_grad for i in node.inputs)

        def pull_back(g):
            # (g may keep axes of length 1 that a sum over them left)
            g = whole.to_aligned(g, self.term[node].aligned).reshape(node.shape)
            dx = np.asarray(node.op.backward(numeric, g, needs, *node._saved)[k])
            if dx.shape != x.shape:  # summed back over broadcast axes
                dx = numeric.sum_to(dx, x.shape)
            return dx.reshape(self.term[x].aligned)

        return pull_back

    def definitions(self):
        """{symbol of an op node: its formula in the leaves}."""
        return {
            self.symbol[n]: self.formula[n]
            for n in self.order
            if n.op is not None and n not in self.opaque
        }

    def near(self, expr, node, consumers):
        """``expr`` written in the labels near ``node``: itself, its consumers
        and their inputs, and leaves; any other node is replaced by its
        formula in its inputs' labels, until none is left. None if that takes
        more than NEAR_ROUNDS rounds or grows past FORMULA_LIMIT (SymPy
        rebuilds, and re-checks, every function it substitutes into)."""
        near = {self.symbol[node]}
        for c in consumers:
            near.add(self.symbol[c])
            near.update(self.symbol[x] for x in c.inputs if isinstance(x, Tensor))
        for rounds in range(NEAR_ROUNDS + 1):
            far = {s: self.local[s] for s in expr.free_symbols
                   if s in self.local and s not in near}
            if not far:
                return expr
            if rounds == NEAR_ROUNDS:
                return None
            # measured before it is formed: forming it walks it as a tree
            grown = {s: tree_size(formula) for s, formula in far.items()}
            if tree_size(expr, grown) > FORMULA_LIMIT:
                return None
            expr = substitute(expr, far, self.shapes(), self.m)

    def shapes(self, gradients=None):
        """{symbol: aligned shape} for every node, constant and ∂J/∂(node)
        (``gradients``: {node: its symbol ∂J/∂node})."""
        shapes = {self.symbol[n]: self.term[n].aligned for n in self.order}
        shapes.update({s: np.shape(a) for s, a in self.constants.items()})
        for node, gradient in (gradients or {}).items():
            shapes[gradient] = self.term[node].aligned
        return shapes

    def values(self):
        """{symbol: NumPy array} for every node, constant and m, each node's
        array in its aligned shape, so that broadcasting lines entries up."""
        values = {
            self.symbol[n]: _number_array(np.reshape(n.data, self.term[n].aligned))
            for n in self.order
        }
        values.update({s: _number_array(a) for s, a in self.constants.items()})
        if self.m is not None:
            values[M] = self.m
        return values


def _number_array(array):
    """A boolean array (a mask, or relu's x > 0 in a recorded gradient) as
    0s and 1s: a formula computes with it (NumPy refuses -mask)."""
    return array.astype(float) if array.dtype == bool else array


def _fractions(expr):
    """How many divisions ``expr`` has (powers with a negative exponent)."""
    return sum(
        1 for sub in sympy.preorder_traversal(expr)
        if sub.is_Pow and sub.exp.is_negative
    )


def _has_function(expr):
    """Whether ``expr`` applies a function such as exp, log or tanh."""
    ours = (SumOver, MatProd, Transposed)
    return any(
        isinstance(sub, sympy.Function) and sub.func not in ours
        for sub in sympy.preorder_traversal(expr)
    )


def _unnamed_constant(node):
    """An unnamed leaf that needs no gradient and holds one number throughout."""
    data = node.data
    return (
        node.name is None and not node.requires_grad and data.size > 0
        and bool(np.all(data == data.flat[0]))
    )


def _labels_with_root(root, order):
    """The graph's labels, the root named J unless the user named it."""
    labels = graph_labels(root)
    if root.name is None and "J" not in labels.values():
        labels[root] = "J"
    return labels


def _number_of_examples(order):
    """m: the number of columns of the 2-D data, when they all agree and
    there are at least 3 (1/2 of 2 examples reads as an ordinary half)."""
    data = [n for n in order if n.op is None and not n.requires_grad]
    data += [
        x for n in order for x in n.inputs
        if not isinstance(x, Tensor) and np.ndim(x) == 2
    ]
    columns = {np.shape(x)[1] for x in data if np.ndim(x) == 2}
    m = columns.pop() if len(columns) == 1 else None
    return m if m is not None and m >= 3 else None


def tidy(expr):
    """``expr`` made readable by SymPy: its common factors taken out, or, if
    that is clearly shorter, as one fraction with common factors cancelled
    (A(1 - A)((1 - Y)/(1 - A) - Y/A)/m becomes (A - Y)/m, but
    ((1 - Y)/(1 - A) - Y/A)/m stays as the notes write it). Left as it is
    when too large to work on quickly.

    (``sympy.simplify`` finds a little more, but takes a second or more on
    a formula of 30 operations with exponentials; ``cancel`` takes
    milliseconds.)
    """
    if tree_size(expr) > SIMPLIFY_LIMIT:
        return expr
    factored = sympy.factor_terms(expr)
    # NOTE: cancel multiplies products out: (1 - a)(1 - b)... grows to 2^n
    # terms, so it runs only on small formulas with few sums in them.
    sums = sum(1 for sub in sympy.preorder_traversal(expr) if sub.is_Add)
    if tree_size(expr) > CANCEL_LIMIT or sums > 8:
        return factored
    try:
        cancelled = sympy.cancel(expr)
    except sympy.PolynomialError:  # a Piecewise (relu, step) has no fraction form
        return factored
    if tree_size(cancelled) > SIMPLIFY_LIMIT:
        return factored
    cancelled = sympy.factor_terms(_denominator_factored(cancelled))
    shorter = tree_size(cancelled) < 0.6 * tree_size(factored)
    # (A(1 - Y/A)/m reads better as (A - Y)/m: fewer fractions, not longer)
    flatter = tree_size(cancelled) <= tree_size(factored) and _fractions(
        cancelled
    ) < _fractions(factored)
    if shorter or flatter:
        return cancelled
    return factored


def substitute(expr, replacements, shapes, m=None):
    """``expr.xreplace(replacements)``, except that a sum along an axis the
    new formula no longer varies along is that axis's length times it:
    Σ_j ∂J/∂u_{j,i} with ∂J/∂u = 1 is 2 for two rows, not 1 (the length is
    m for the examples' axis, when m is known). ``shapes``: {symbol: aligned
    shape}, for the formulas before and after. A matrix product is a sum
    too, along its inner axis (see ``_product_or_repeat``)."""
    if not expr.has(SumOver, MatProd):
        return expr.xreplace(replacements)
    done = {}

    def walk(sub):
        if sub in replacements:
            return replacements[sub]
        if not sub.args:
            return sub
        if sub not in done:
            args = [walk(a) for a in sub.args]
            done[sub] = _sum_or_repeat(sub, args, shapes, m)
        return done[sub]

    return walk(expr)


def _sum_or_repeat(sub, args, shapes, m):
    """``sub`` rebuilt from ``args``; a sum whose new inner formula is the
    same along the summed axis becomes the axis's length times it."""
    if sub.func is MatProd:
        return _product_or_repeat(sub, args, shapes, m)
    if sub.func is not SumOver:
        return sub.func(*args)
    axis = int(sub.args[1])
    before, after = shape_of(sub.args[0], shapes), shape_of(args[0], shapes)
    length = before[axis] if len(before) >= -axis else 1
    varies = len(after) >= -axis and after[axis] != 1
    if varies or length == 1:
        return SumOver(*args)
    return (M if length == m else length) * args[0]


def _product_or_repeat(sub, args, shapes, m):
    """The matrix product ``sub`` rebuilt from ``args``.

    a b = Σ_k a_{i,k} b_{k,j}. NOTE: where neither new factor varies along
    k any more (a the same in every column, b in every row: their numbers
    keep that axis as length 1), the product of the numbers has lost the
    sum's length, so it is written the length times the product.
    """
    a_before, b_before = (shape_of(x, shapes) for x in sub.args)
    a_after, b_after = (shape_of(x, shapes) for x in args)
    inner = max(
        a_before[-1] if len(a_before) == 2 else 1,
        b_before[0] if len(b_before) == 2 else 1,
    )
    kept = (len(a_after) == 2 and a_after[-1] != 1) or (
        len(b_after) == 2 and b_after[0] != 1
    )
    if kept or inner == 1:
        return MatProd(*args)
    return (M if inner == m else inner) * MatProd(*args)


def _denominator_factored(expr):
    """``expr`` with its denominator factored: cancel multiplies it out, so
    σ'(z) = σ(1 - σ) comes back over exp(2z) + 2 exp(z) + 1; factored it
    reads exp(z)/(exp(z) + 1)², the square the notes' a(1 - a) comes from."""
    numerator, denominator = sympy.fraction(expr)
    if denominator.is_Add:
        return numerator / sympy.factor(denominator)
    return expr


def backward_in_symbols(graph, node, gradient):
    """What ``node``'s op sends back to each input that needs a gradient:
    [(input, its share of ∂J/∂input)], the op's own backward read on
    whole-array symbols, summed over the axes the input was broadcast along."""
    inputs = [graph.operand(x, node.op) for x in node.inputs]
    needs = tuple(isinstance(x, Tensor) and x.requires_grad for x in node.inputs)
    upstream = Term(gradient, node.shape, graph.term[node].aligned)
    try:
        partials = node.op.backward(whole, upstream, needs, graph.term[node], *inputs)
        summed = [
            _summed_back(whole.as_term(share), graph.term[x]) if needed else None
            for x, needed, share in zip(node.inputs, needs, partials)
        ]
    except NoWholeArrayFormError:
        return [
            (x, graph.pulled_back(node, k, gradient))
            for k, (x, needed) in enumerate(zip(node.inputs, needs))
            if needed
        ]
    return [
        (x, graph.in_m(share, node.op))
        for x, needed, share in zip(node.inputs, needs, summed)
        if needed
    ]


def _summed_back(share, x):
    """The share's formula, summed over the axes along which the input ``x``
    (a Term) was broadcast (the notes' sum over examples for b)."""
    # the axes x has must sit where the share has them (else the sum would
    # run over one of x's own axes)
    whole.lined_up(share, x)
    aligned = x.aligned
    expr = share.expr
    extra = len(share.aligned) - len(aligned)
    for axis, length in enumerate(share.aligned):
        stretched = axis < extra or aligned[axis - extra] == 1
        if length != 1 and stretched:
            expr = SumOver(expr, axis - len(share.aligned))
    return expr

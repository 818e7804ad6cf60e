"""How a derivation is written: the notes' notation, printed by SymPy.

A formula of a derivation holds whole-array symbols (``A`` means every entry
of A). To print it, each symbol is swapped for one that SymPy prints the
notes' way, and the printers do the rest (``sympy.latex``, ``sympy.mathml``,
``str``):

* per entry, with an index for each axis longer than 1: ``A`` of shape
  (1, m) is a_i, ``Z`` of shape (n, m) is z_{j,i}, ``u3`` is u_{3,i}, ``Z1``
  is z^{[1]}_{j,i}; a weight matrix's columns are not examples, so W is
  w_{j,k};
* as a matrix, in a step whose chain rule is a matrix product (∂J/∂W =
  ∂J/∂Z Xᵀ); a part of it that is not linear in the matrices is shown as
  the matrix of its entries, [ ... ].

SymPy has no notation for ∂J/∂x as a symbol, an entry of a matrix product
or a transposed array of symbols, so four small display functions below say
how each prints (each hands its parts back to SymPy's printer).
"""

import re

from .terms import (
    M,
    MatProd,
    SumOver,
    Transposed,
    Where,
    shape_of,
    sympy,
    tree_size,
)

_U_VARIABLE = re.compile(r"u(\d+)")
_SUMMED = {"j": "p", "k": "q", "l": "r"}  # the name of an index summed over
SHOWN_LIMIT = 80  # a closed form larger than this (as a tree) is not printed
# nor an expression larger than this: on a deep graph it can reach thousands
# of nodes, a line of 7000 characters that takes seconds to print
EXPRESSION_SHOWN_LIMIT = 200
_LAYER = re.compile(r"([A-Za-z])(\d+)('*)")  # W1, and W1' for a second W1


# ----- display functions: how SymPy prints what it has no notation for ----


def _takes_a_power(latex):
    """A display function's ``_latex``, also for the base of a power.

    NOTE: SymPy's LaTeX printer hands a power's exponent to its base's
    printer (3 (W X)_{j,i}^2 is Pow(EntryOf, 2)), so each writes it itself.
    """

    def write(self, printer, exp=None):
        text = latex(self, printer)
        return text if exp is None else rf"\left({text}\right)^{{{exp}}}"

    return write



class PartialOf(sympy.Function):
    """∂J/∂x, for display."""

    nargs = 2
    is_real = True  # (see terms.SumOver)

    @_takes_a_power
    def _latex(self, printer):
        top, bottom = (printer._print(a) for a in self.args)
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    def _mathml_presentation(self, printer):
        fraction = printer.dom.createElement("mfrac")
        for part in self.args:
            row = printer.dom.createElement("mrow")
            row.appendChild(_mo(printer, "∂"))
            row.appendChild(printer._print(part))
            fraction.appendChild(row)
        return fraction

    def _sympystr(self, printer):
        top, bottom = (printer._print(a) for a in self.args)
        return f"∂{top}/∂{bottom}"


class ProductOf(sympy.Function):
    """The matrix product a b, for display."""

    nargs = 2
    is_real = True  # (see terms.SumOver)

    @_takes_a_power
    def _latex(self, printer):
        return " ".join(_wrapped_latex(printer, a) for a in self.args)

    def _mathml_presentation(self, printer):
        row = printer.dom.createElement("mrow")
        for part in self.args:
            row.appendChild(_wrapped_mathml(printer, part))
        return row

    def _sympystr(self, printer):
        return " @ ".join(_wrapped_str(printer, a) for a in self.args)


class TransposeOf(sympy.Function):
    """aᵀ, for display."""

    nargs = 1
    is_real = True  # (see terms.SumOver)

    @_takes_a_power
    def _latex(self, printer):
        # braces, so that W^{[2]} transposed is {W^{[2]}}^{T}, not a double
        # superscript
        return "{" + _wrapped_latex(printer, self.args[0]) + "}^{T}"

    def _mathml_presentation(self, printer):
        power = printer.dom.createElement("msup")
        power.appendChild(_wrapped_mathml(printer, self.args[0]))
        power.appendChild(_mi(printer, "T"))
        return power

    def _sympystr(self, printer):
        return _wrapped_str(printer, self.args[0]) + ".T"


class EntryOf(sympy.Function):
    """(matrix)_{j,i}: one entry of a matrix formula; the second argument is
    a symbol named by the indices, e.g. ``j,i``."""

    nargs = 2
    is_real = True  # (see terms.SumOver)

    @_takes_a_power
    def _latex(self, printer):
        matrix, index = self.args
        return rf"\left({printer._print(matrix)}\right)_{{{index.name}}}"

    def _mathml_presentation(self, printer):
        matrix, index = self.args
        entry = printer.dom.createElement("msub")
        entry.appendChild(_fenced(printer, printer._print(matrix), "(", ")"))
        entry.appendChild(_mi(printer, index.name))
        return entry

    def _sympystr(self, printer):
        matrix, index = self.args
        return f"({printer._print(matrix)})[{index.name}]"


class EntriesOf(sympy.Function):
    """[formula]: the matrix whose entries the formula gives, for display."""

    nargs = 1
    is_real = True  # (see terms.SumOver)

    @_takes_a_power
    def _latex(self, printer):
        return rf"\left[{printer._print(self.args[0])}\right]"

    def _mathml_presentation(self, printer):
        return _fenced(printer, printer._print(self.args[0]), "[", "]")

    def _sympystr(self, printer):
        return f"[{printer._print(self.args[0])}]"


class WhereOf(sympy.Function):
    """where(c, a, b): a where the condition c holds, else b (a Piecewise,
    written as tinygraph's ``tg.where`` is, which matplotlib's mathtext can
    also typeset)."""

    nargs = 3
    is_real = True  # (see terms.SumOver)

    @_takes_a_power
    def _latex(self, printer):
        parts = ", ".join(printer._print(a) for a in self.args)
        return rf"\operatorname{{where}}\left({parts}\right)"

    def _mathml_presentation(self, printer):
        row = printer.dom.createElement("mrow")
        row.appendChild(_mi(printer, "where"))
        inner = printer.dom.createElement("mrow")
        for k, part in enumerate(self.args):
            if k:
                inner.appendChild(_mo(printer, ","))
            inner.appendChild(printer._print(part))
        row.appendChild(_fenced(printer, inner, "(", ")"))
        return row

    def _sympystr(self, printer):
        return "where(" + ", ".join(printer._print(a) for a in self.args) + ")"


class PulledBack(sympy.Function):
    """(∂u/∂x)ᵀ ∂J/∂u: an op's vector-Jacobian product, for an op whose maths
    has no formula read entry by entry (indexing, a reshape, a maximum). Its
    one argument is ∂J/∂u; a subclass per node and input names u and x (as
    printed names) and is evaluated by that op's numeric backward."""

    nargs = 1
    is_real = True  # (see terms.SumOver)
    consumer = "u"
    argument = "x"
    aligned = ()  # x's aligned shape: the shape of the result

    def _jacobian(self, printer):
        return PartialOf(*(sympy.Symbol(n) for n in (self.consumer, self.argument)))

    @_takes_a_power
    def _latex(self, printer):
        jacobian = printer._print(self._jacobian(printer))
        return rf"\left({jacobian}\right)^{{T}} {_wrapped_latex(printer, self.args[0])}"

    def _mathml_presentation(self, printer):
        row = printer.dom.createElement("mrow")
        power = printer.dom.createElement("msup")
        power.appendChild(_fenced(printer, printer._print(self._jacobian(printer)),
                                  "(", ")"))
        power.appendChild(_mi(printer, "T"))
        row.appendChild(power)
        row.appendChild(_wrapped_mathml(printer, self.args[0]))
        return row

    def _sympystr(self, printer):
        return f"(∂{self.text_names[0]}/∂{self.text_names[1]}).T @ " + _wrapped_str(
            printer, self.args[0]
        )


def pulled_back(number, consumer, argument, aligned):
    """A ``PulledBack`` for one node's input (of aligned shape ``aligned``):
    its own SymPy function, named ``vjp<number>`` (the name its numbers are
    looked up by)."""
    names = {
        "consumer": printed_name(consumer, (), False, "maths"),
        "argument": printed_name(argument, (), False, "maths"),
        "text_names": (consumer, argument),
        "aligned": tuple(aligned),
    }
    return type(f"vjp{number}", (PulledBack,), names)


def _mo(printer, text):
    element = printer.dom.createElement("mo")
    element.appendChild(printer.dom.createTextNode(text))
    return element


def _mi(printer, text):
    element = printer.dom.createElement("mi")
    element.appendChild(printer.dom.createTextNode(text))
    return element


def _fenced(printer, inner, left, right):
    row = printer.dom.createElement("mrow")
    row.appendChild(_mo(printer, left))
    row.appendChild(inner)
    row.appendChild(_mo(printer, right))
    return row


def _needs_brackets(expr):
    # a product too: transposed, (W X)ᵀ is not W Xᵀ
    return isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow, ProductOf))


def _wrapped_latex(printer, expr):
    text = printer._print(expr)
    return rf"\left({text}\right)" if _needs_brackets(expr) else text


def _wrapped_mathml(printer, expr):
    element = printer._print(expr)
    return _fenced(printer, element, "(", ")") if _needs_brackets(expr) else element


def _wrapped_str(printer, expr):
    text = printer._print(expr)
    return f"({text})" if _needs_brackets(expr) else text


def _is_where(expr):
    """A Where, or a Piecewise of two pieces, the second for every other case."""
    return expr.func is Where or (
        isinstance(expr, sympy.Piecewise) and len(expr.args) == 2
        and expr.args[1].cond == sympy.true
    )


def _is_mask(condition):
    """c ≠ 0 for a symbol c: how a mask (a constant, or a tensor read as "not
    0") is written as a condition (see ``terms.where``)."""
    return (
        isinstance(condition, sympy.Ne) and isinstance(condition.lhs, sympy.Symbol)
        and condition.rhs == 0
    )


# ----- names: a label as an entry or as a matrix ---------------------------


def index_letters(aligned, m=None):
    """The index of each axis (None for an axis of length 1): i for the
    examples (the last axis), j for the units or classes, k for a weight
    matrix's inputs (columns that are not the m examples)."""
    letters = ("l", "k", "j", "i")[-len(aligned):] if aligned else ()
    if len(aligned) == 2 and m is not None and aligned[1] not in (1, m):
        letters = ("j", "k")
    return tuple(None if n == 1 else letter for letter, n in zip(letters, aligned))


def printed_name(label, indices, as_entry, style, constant=False):
    """A label as SymPy should print it.

    ``style`` "maths" gives a name SymPy's LaTeX and MathML printers split
    into base, superscript and subscript (``u_3,i``, ``z^[1]_j,i``, and
    ``C_1,i`` for a ``constant`` array, which is no layer's);
    "text" gives ``u3[i]``.
    """
    index = ",".join(indices)
    if style == "text":
        return f"{label}[{index}]" if index and as_entry else label
    label = label.replace("#2", "'").replace("#3", "''")
    if constant:
        return label[0] + "_" + label[1:] + ("," + index if index and as_entry else "")
    u_variable = _U_VARIABLE.fullmatch(label)
    if u_variable:
        sub = u_variable.group(1) + ("," + index if index and as_entry else "")
        return f"u_{sub}"
    layer = _LAYER.fullmatch(label)
    if layer:
        letter, number, primes = layer.groups()
        letter = letter.lower() if as_entry and index else letter
        return f"{letter}{primes}^[{number}]" + (
            f"_{index}" if index and as_entry else ""
        )
    if as_entry and index:
        base = label.lower() if len(label) == 1 else label
        return f"{base}_{index}"
    return label


class Notation:
    """Prints the formulas of one derivation in one style ("maths" for
    LaTeX and MathML, "text" for the terminal)."""

    def __init__(self, derivation, style):
        self.style = style
        self.m = derivation.m
        self.shapes = derivation.aligned_shapes()  # symbol -> aligned shape
        self.shapes.update(  # ∂J/∂x has x's shape
            {g: self.shapes[s] for g, s in derivation.gradient_symbols().items()}
        )
        self.labels = derivation.symbol_labels()  # symbol -> label
        self.constants = derivation.constant_symbols()  # C1, C2, ...
        self.partial = derivation.gradient_symbols()  # placeholder -> node symbol
        self.root = sympy.Symbol(
            printed_name(derivation.root_label, (), False, style)
        )

    def name(self, symbol, as_entry, bound=None):
        label = self.labels[symbol]
        letters = index_letters(self.shapes[symbol], self.m)
        indices = [(bound or {}).get(letter, letter) for letter in letters if letter]
        return sympy.Symbol(printed_name(label, indices, as_entry, self.style,
                                         constant=symbol in self.constants))

    def shape(self, expr):
        """The aligned shape of a formula: its symbols' shapes broadcast."""
        return shape_of(expr, self.shapes)

    def shown(self, expr, as_matrix=False, bound=None):
        """``expr`` rebuilt from display symbols and display functions;
        ``bound`` renames the indices a sum runs over ({"j": "p"})."""
        if as_matrix and not self._linear(expr):
            return EntriesOf(self.shown(expr, bound=bound))
        if isinstance(expr, sympy.Symbol):
            if expr in self.partial:
                of = self.name(self.partial[expr], not as_matrix, bound)
                return PartialOf(self.root, of)
            if expr in self.labels:
                return self.name(expr, not as_matrix, bound)
            return expr
        if expr.func is SumOver:
            return self._sum(expr, bound)
        if _is_where(expr):
            if expr.func is Where:
                condition, a, b = expr.args
            else:
                (a, condition), (b, _) = expr.args
            if _is_mask(condition):  # where(C1 ≠ 0, a, b) reads where(C1, a, b)
                condition = condition.lhs
            parts = (condition, a, b)
            return WhereOf(*(self.shown(x, as_matrix, bound) for x in parts))
        if expr.func in (MatProd, Transposed) or isinstance(expr, PulledBack):
            # a matrix formula: its parts are matrices, and within a formula
            # per entry it is one entry of it
            matrices = [self.shown(x, as_matrix=True) for x in expr.args]
            display = {MatProd: ProductOf, Transposed: TransposeOf}
            product = display.get(expr.func, expr.func)(*matrices)
            if as_matrix:
                return product
            letters = index_letters(self.shape(expr), self.m)
            indices = [(bound or {}).get(x, x) for x in letters if x]
            return EntryOf(product, sympy.Symbol(",".join(indices))) if indices else (
                product
            )
        if not expr.args:
            return expr
        return expr.func(*(self.shown(x, as_matrix, bound) for x in expr.args))

    def _sum(self, expr, bound):
        inner, axis = expr.args
        shape = self.shape(inner)
        letter = index_letters(shape, self.m)[int(axis)] or "i"
        # Summed over, an index needs a name of its own when the result still
        # has it (softmax: a_j (g_j - Σ_p g_p a_p)); the notes' sum over the
        # examples keeps i (∂J/∂b_j = Σ_i ∂J/∂z_{j,i}).
        bound = {**(bound or {}), letter: _SUMMED.get(letter, letter)}
        length = shape[int(axis)]
        upper = M if self.m is not None and length == self.m else length
        summed = sympy.Symbol(bound[letter])
        return sympy.Sum(self.shown(inner, bound=bound), (summed, 1, upper))

    def _linear(self, expr):
        """Whether ``expr`` is linear in the arrays, so that it reads the same
        with matrices as with entries ((A - Y)/m, not A(1 - A))."""
        arrays = {s for s in expr.free_symbols if any(n != 1 for n in self.shape(s))}
        stand_ins = {}
        for sub in sympy.preorder_traversal(expr):
            matrix = sub.func in (MatProd, Transposed, SumOver) or isinstance(
                sub, PulledBack
            )
            if matrix and sub not in stand_ins:
                stand_ins[sub] = sympy.Dummy()
        flat = expr.xreplace(stand_ins)
        generators = [s for s in flat.free_symbols if s in arrays] + list(
            stand_ins.values()
        )
        if not generators:
            return True
        try:
            return sympy.Poly(flat, *generators).total_degree() <= 1
        except sympy.PolynomialError:
            return False

    def equation(self, step):
        """The step's chain, expression and closed form, printed with
        ``sympy.latex``, ``sympy.mathml`` or ``str``: a list of sides."""
        as_matrix = step.per_entry is False
        lhs = PartialOf(self.root, self.name(step.symbol_of_node, not as_matrix))
        sides = [lhs]
        # (still in .expression and .closed_form; too long to read in a line)
        expression, closed = step.expression, step.closed_form
        if tree_size(expression) > EXPRESSION_SHOWN_LIMIT:
            expression = None
        if closed is not None and tree_size(closed) > SHOWN_LIMIT:
            closed = None
        for formula in (step.chain, expression, closed):
            if formula is None:  # too large to form or to read
                continue
            shown = self.shown(formula, as_matrix)
            if all(shown != side for side in sides):
                sides.append(shown)
        return sides

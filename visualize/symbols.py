"""Each step of the backward pass in symbols, when SymPy is installed.

``tg.graph.derivation(J)`` (the optional ``symbolic`` extra) writes each
node's gradient as one equation, ∂J/∂x = the chain rule = the same with
each ∂J/∂(consumer) substituted = the closed form in the leaves, and gives
it as presentation MathML (SymPy's printer), which browsers typeset with
no script and no network. Here that equation is cut at its top-level "="
signs, one side per line, for the step-through page; the table shows one
side. Without SymPy, or for a graph the derivation cannot write in
symbols, both show numbers only, as before.
"""

import importlib.util
import re

import tinygraph as tg

INSTALL = (
    'install SymPy for the steps in symbols: pip install -e ".[symbolic]" '
    "(or pip install sympy)"
)
# Above this many nodes (where a graph is drawn one box per layer) symbols
# are left out unless asked: closed forms grow with every layer, too long to
# read on a page (working them out takes about half a second for 30 nodes).
AUTO_MAX_NODES = 20
# A tag, or an "=" between two sides of the equation.
TOKENS = re.compile(r"<mo>=</mo>|<(/?)[a-zA-Z][^>]*?(/?)>")
# A token element's text, and an & that starts no character reference.
TOKEN_TEXT = re.compile(r"<(mi|mn|mo|ms|mtext)(\s[^>]*)?>(.*?)</\1>", re.DOTALL)
BARE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


def steps_in_symbols(J, symbols=None, caller="step_through"):
    """``({node: derivation step}, note)``: the steps of
    ``tg.graph.derivation(J)``, or none, with a note saying why.

    ``symbols``: True needs SymPy and a graph the derivation can write;
    False leaves symbols out; None (the default) uses them when SymPy is
    installed and the graph is small enough to draw node by node.
    """
    if symbols not in (None, True, False):
        raise ValueError(
            f"{caller}: symbols must be True, False or None (symbols when SymPy "
            f"is installed), got {symbols!r}"
        )
    if symbols is False:
        return {}, None
    if importlib.util.find_spec("sympy") is None:
        if symbols:
            raise ImportError(f"{caller}: symbols=True needs SymPy; {INSTALL}")
        return {}, None
    if symbols is None and len(tg.graph.nodes(J)) > AUTO_MAX_NODES:
        return {}, (
            f"numbers only: the graph has more than {AUTO_MAX_NODES} nodes, "
            "whose closed forms are too long to read (symbols=True shows them)"
        )
    try:
        derivation = tg.graph.derivation(J)
    except ValueError as err:
        if symbols:
            raise ValueError(f"{caller}: symbols=True, but {err}") from None
        return {}, f"numbers only: {err}"
    return {step.node: step for step in derivation}, None


def escaped(mathml):
    """The MathML with ``<``, ``>`` and a bare ``&`` in its text escaped.

    NOTE: SymPy's printer writes a name as it is: a tensor named ``a<b&``
    gave ``<mi>a<b&</mi>``, which broke the table's HTML and the page's
    maths. Character references (``&#8706;``, ``&InvisibleTimes;``) stay.
    """

    def text_escaped(match):
        tag, attributes, text = match.groups()
        text = BARE_AMPERSAND.sub("&amp;", text)
        text = text.replace("<", "&lt;").replace(">", "&gt;")
        return f"<{tag}{attributes or ''}>{text}</{tag}>"

    return TOKEN_TEXT.sub(text_escaped, mathml)


def sides(mathml):
    """The sides of ``<math ...><mrow>a<mo>=</mo>b ...</mrow></math>``, each
    as presentation-MathML content; the whole as one side if it has no such
    shape. An "=" inside a side (a sum's ``i = 1``) stays in it."""
    mathml = escaped(mathml)
    head = re.match(r"\s*<math[^>]*>\s*<mrow>", mathml)
    tail = re.search(r"</mrow>\s*</math>\s*$", mathml)
    if not head or not tail:
        return [re.sub(r"^\s*<math[^>]*>|</math>\s*$", "", mathml)]
    inner = mathml[head.end():tail.start()]
    found, depth, start = [], 0, 0
    for token in TOKENS.finditer(inner):
        if token.group(0) == "<mo>=</mo>":
            if depth == 0:
                found.append(inner[start:token.start()])
                start = token.end()
        elif not token.group(2):  # <tag/> opens and closes
            depth += -1 if token.group(1) else 1
    if depth != 0:  # not balanced: keep it whole rather than cut it wrong
        return [inner]
    return found + [inner[start:]]


def math(content, display=False):
    """A ``<math>`` element around presentation-MathML content."""
    mode = ' display="block"' if display else ""
    return f"<math{mode}>{content}</math>"


def equation_html(step):
    """The step as HTML: ∂J/∂x = the chain rule, then each further side on a
    line of its own, starting "=", aligned."""
    lhs, *rest = sides(step.mathml)
    if not rest:
        return f'<div class="step-part">{math(lhs, display=True)}</div>'
    rows = []
    for k, side in enumerate(rest):
        # Display style: fractions at full size, as in a displayed equation.
        left = math(lhs, display=True) if k == 0 else ""
        rows.append(
            f"<tr><td>{left}</td><td>{math('<mo>=</mo>', display=True)}</td>"
            f"<td>{math(side, display=True)}</td></tr>"
        )
    return '<table class="equation">' + "".join(rows) + "</table>"


def gradient_side(step):
    """The formula the table shows for a step, as ``(text, MathML)``: the
    substituted expression (in the labels of the node's neighbours) where
    the equation has one beside the chain rule, else its last side."""
    text = step.text.split(" = ")
    maths = sides(step.mathml)
    # The sides are ∂J/∂x, the chain rule, the substituted expression and
    # the closed form, each left out where it equals the one before.
    return text[min(2, len(text) - 1)], math(maths[min(2, len(maths) - 1)], True)

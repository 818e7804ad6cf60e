"""The backward pass one node at a time, as data and as chain-rule text.

``frames(J)`` gives one ``Frame`` per node, each as soon as its gradient is
complete: in backward's reverse topological order, with each leaf (a
parameter ``W``, an input ``X``) right after the last node that uses it,
not all at the end. Each frame holds the node, every
contribution that flowed into its gradient (one ``Term`` per consumer
argument) and the resulting gradient, and spells the chain rule out with
numbers, e.g. ``∂J/∂u1 = ∂J/∂u3 * ∂u3/∂u1``. Entrywise products are ``*``;
a matmul or a reduction has no entry-by-entry local derivative, so its term
names the rule the engine applies instead, as the op's ``rules`` words it
(``∂J/∂Z @ Xᵀ``).
"""

from dataclasses import dataclass, field

import numpy as np

import tinygraph as tg

from .facts import collect
from .values import array_inline, shape_text


@dataclass
class Term:
    """One contribution to a node's gradient: what one consumer sends back.

    ``from_root`` marks a consumer that is the scalar root itself, whose
    gradient is the seed 1: the term is then the root's local derivative.
    """

    consumer: object
    argument: int
    upstream: np.ndarray
    local: object
    value: np.ndarray
    summed_axes: tuple
    symbol: str
    text: str
    from_root: bool = False


@dataclass
class Frame:
    """One step of the backward pass: a node, its terms and its gradient."""

    index: int
    node: object
    label: str
    equation: str
    grad: object
    terms: list = field(default_factory=list)
    lines: list = field(default_factory=list)

    @property
    def text(self):
        """The chain-rule sum with numbers, as the step-through page shows it."""
        return "\n".join(self.lines)


def frames(root, grad=None):
    """The backward pass from ``root`` as a list of ``Frame``, root first.

    Each node comes once all its consumers have sent their contributions,
    so the gradient it shows is final; a leaf comes as soon as it is, right
    after its last consumer (``W1`` after ``Z1 = W1 @ X``).

    >>> import tinygraph as tg
    >>> a = tg.tensor([0.5, 0.25], requires_grad=True, name="a")
    >>> J = a.log().sum().named("J")
    >>> for f in frames(J):
    ...     print(f.text)
    ...     print("--")
    ∂J/∂J = 1  (the seed: backward starts here)
    --
    ∂J/∂u0 = J's local derivative (J = sum(u0) uses u0 directly; ∂J/∂J = 1)
           = 1 copied to every entry that was summed
           = [1, 1]
    --
    ∂J/∂a = ∂J/∂u0 * ∂u0/∂a
          = [1, 1] * [2, 4]
          = [2, 4]
    --
    """
    facts = collect(root, grad)
    steps = when_complete(facts)
    return [_frame(facts, index, step) for index, step in enumerate(steps)]


def when_complete(facts):
    """The steps of backward, each leaf moved up to just after its last
    consumer: the moment its gradient is complete."""
    by_node = {step.node: step for step in facts.steps}
    order, done = [], set()
    for step in facts.steps:
        node = step.node
        if node.op is None and node is not facts.root:
            continue  # a leaf: it comes with its last consumer
        order.append(step)
        done.add(node)
        for parent in dict.fromkeys(node.parents):  # x * x: x once
            if parent.op is None and parent not in done and all(
                c in done for c in facts.consumers[parent]
            ):
                order.append(by_node[parent])
                done.add(parent)
    return order


def _frame(facts, index, step):
    node = step.node
    frame = Frame(index, node, facts.labels[node], facts.equation(node), step.grad)
    # Consumers in the order they were made, like the notes' sums.
    position = {n: i for i, n in enumerate(facts.nodes)}
    contributions = sorted(
        step.contributions, key=lambda c: (position[c.consumer], c.argument)
    )
    frame.terms = [_term(facts, node, c) for c in contributions]
    frame.lines = _lines(facts, frame)
    return frame


def _term(facts, node, contribution):
    consumer = contribution.consumer
    g = facts.grad_name(consumer)
    symbol = f"∂{facts.labels[consumer]}/∂{facts.labels[node]}"
    if seeded(facts, consumer):
        # ∂J/∂J = 1: the term is J's own local derivative, not "∂J/∂J · ∂J/∂x",
        # which would read as ∂J/∂x defined by itself.
        local = f"{facts.labels[consumer]}'s local derivative"
        text = local if contribution.local is not None else rule_text(
            facts, consumer, contribution.argument, upstream="1"
        )
    elif contribution.local is not None:
        text = f"{g} * {symbol}"
    else:
        rule = rule_text(facts, consumer, contribution.argument)
        text = f"{g} · {symbol} = {rule}"
    return Term(
        consumer=consumer,
        argument=contribution.argument,
        upstream=contribution.upstream,
        local=contribution.local,
        value=contribution.value,
        summed_axes=tuple(contribution.summed_axes),
        symbol=symbol,
        text=text,
        from_root=seeded(facts, consumer),
    )


def seeded(facts, node):
    """Whether ``node`` is the scalar root, whose gradient is the seed 1."""
    return node is facts.root and node.data.size == 1


def rule_text(facts, consumer, argument, upstream=None):
    """How dJ/d(input ``argument``) follows from dJ/d``consumer`` (not entrywise).

    The text is the op's own ``rules[argument]``, in which {g} is the upstream
    gradient (``upstream``, else its name), {out} the consumer's label and
    {0}, {1} its operands: ``∂J/∂Z @ Xᵀ`` for the first argument of
    ``Z = W @ X``.
    """
    operands = tg.graph.operand_texts(consumer, facts.labels)
    rules = consumer.op.rules
    if argument < len(rules):
        rule = rules[argument]
    else:
        rule = "{g} pushed back through " + facts.equation(consumer)
    return rule.format(
        *operands, g=upstream or facts.grad_name(consumer), out=facts.labels[consumer]
    )


def _numbers(term):
    """The term with numbers: ``[..] * [..]`` or just its value."""
    if term.local is None:
        return array_inline(term.value)
    return f"{array_inline(term.upstream)} * {array_inline(term.local)}"


def _sum_note(term, node):
    if not term.summed_axes:
        return None
    axes = ", ".join(map(str, term.summed_axes))
    word = "axis" if len(term.summed_axes) == 1 else "axes"
    return (
        f"summed over {word} {axes}: broadcasting stretched {shape_text(node.shape)} "
        f"to {shape_text(np.shape(term.upstream))}"
        if term.local is not None
        else f"summed over {word} {axes} back to {shape_text(node.shape)}"
    )


def _lines(facts, frame):
    node, name = frame.node, facts.grad_name(frame.node)
    if node is facts.root:
        if frame.grad is None:
            return [f"{name}: no gradient (nothing here requires one)"]
        if node.data.size == 1:
            return [f"{name} = 1  (the seed: backward starts here)"]
        return [f"{name} = {array_inline(frame.grad)}  (the upstream gradient given)"]
    if frame.grad is None:
        if not node.requires_grad:
            return [f"{frame.label} needs no gradient (requires_grad is False)"]
        return [f"{name}: no gradient reaches {frame.label}"]
    pad = " " * len(name)
    terms = frame.terms
    if len(terms) == 1 and terms[0].from_root:
        return _lines_from_root(facts, frame, terms[0])
    if len(terms) == 1:
        term = terms[0]
        lines = [f"{name} = {term.text}"]
        if term.local is not None:
            lines.append(f"{pad} = {_numbers(term)}")
        note = _sum_note(term, node)
        if note:
            lines.append(f"{pad}   ({note})")
        lines.append(f"{pad} = {array_inline(frame.grad)}")
        return lines
    lines = [f"{name} = " + " + ".join(_short(facts, t) for t in terms)]
    for term in terms:
        lines.append(f"  from {facts.equation(term.consumer)}:")
        lines.append(f"    {term.text}")
        if term.local is not None:
            lines.append(f"    = {_numbers(term)}")
        note = _sum_note(term, node)
        if note:
            lines.append(f"    ({note})")
        lines.append(f"    = {array_inline(term.value)}")
    lines.append(f"  sum of the {len(terms)} contributions:")
    lines.append(f"{pad} = {array_inline(frame.grad)}")
    return lines


def _lines_from_root(facts, frame, term):
    """A node the root uses directly: its gradient is the root's own local
    derivative, times the seed ∂J/∂J = 1."""
    name, pad = facts.grad_name(frame.node), " " * len(facts.grad_name(frame.node))
    root = facts.labels[facts.root]
    lines = [
        f"{name} = {root}'s local derivative ({facts.equation(facts.root)} uses "
        f"{frame.label} directly; ∂{root}/∂{root} = 1)"
    ]
    if term.local is None:
        lines.append(f"{pad} = {term.text}")
    note = _sum_note(term, frame.node)
    if note:
        lines.append(f"{pad}   ({note})")
    lines.append(f"{pad} = {array_inline(frame.grad)}")
    return lines


def _short(facts, term):
    """The term as ``∂J/∂u3 · ∂u3/∂u1`` for the headline sum (the root's own
    local derivative, for a node the root uses directly)."""
    if term.from_root:
        return f"{facts.labels[facts.root]}'s local derivative"
    # (not cut from term.text: a name may hold spaces)
    return f"{facts.grad_name(term.consumer)} · {term.symbol}"

"""The tree a parsed expression is made of (see :mod:`kiosk.forms.expressions`).

:mod:`kiosk.forms.expr_syntax` builds it and :mod:`kiosk.forms.expr_eval` walks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Constant:
    value: object


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class ListOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Logic:
    """``a or b or c`` / ``a and b`` — flat, so long chains do not nest deeply."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >= in, not in
    left: Node
    right: Node


@dataclass(frozen=True)
class Arithmetic:
    """``first (op operand)*`` for ``+ -`` or ``* /``, evaluated left to right."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


Node = Constant | Name | ListOf | Call | Not | Negate | Logic | Compare | Arithmetic


def names(node: Node) -> Iterator[str]:
    """Every field id the tree reads (repeats included)."""
    match node:
        case Name(name=name):
            yield name
        case ListOf(items=children) | Call(args=children) | Logic(operands=children):
            for child in children:
                yield from names(child)
        case Not(operand=child) | Negate(operand=child):
            yield from names(child)
        case Compare(left=left, right=right):
            yield from names(left)
            yield from names(right)
        case Arithmetic(first=first, rest=rest):
            yield from names(first)
            for _, child in rest:
                yield from names(child)

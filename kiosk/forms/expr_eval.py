"""How expressions are worked out (see :mod:`kiosk.forms.expressions`): walking the tree,
what comparisons and arithmetic mean for each kind of value, and the functions
expressions can call. Nothing here raises for a value; what makes no sense is ``null``.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kiosk.forms.expr_tree import (
    Arithmetic,
    Call,
    Compare,
    Constant,
    ListOf,
    Logic,
    Name,
    Negate,
    Node,
    Not,
)

_NUMBER_TEXT = re.compile(r"\s*([+-]?[0-9]+(?:\.[0-9]+)?)\s*")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def truthy(value: object) -> bool:
    """Whether a condition with this value holds: null, false, 0, '' and [] do not."""
    if isinstance(value, str | list | tuple | int | float | Decimal):
        return bool(value)
    return value is not None


# --- evaluating -----------------------------------------------------------------------


def evaluate(node: Node, answers: Mapping[str, object], today: datetime.date) -> object:
    """The value of the tree with these answers (a missing answer is ``null``)."""
    match node:
        case Constant(value=value):
            return value
        case Name(name=name):
            return _answer(answers.get(name))
        case ListOf(items=items):
            return [evaluate(item, answers, today) for item in items]
        case Call(function=function, args=args):
            values = [evaluate(arg, answers, today) for arg in args]
            return FUNCTIONS[function].run(values, today)
        case Not(operand=operand):
            return not truthy(evaluate(operand, answers, today))
        case Negate(operand=operand):
            return _arithmetic("-", 0, evaluate(operand, answers, today))
        case Logic(op="and", operands=operands):
            return all(truthy(evaluate(each, answers, today)) for each in operands)
        case Logic(operands=operands):
            return any(truthy(evaluate(each, answers, today)) for each in operands)
        case Compare(op=op, left=left, right=right):
            return _compare(op, evaluate(left, answers, today), evaluate(right, answers, today))
        case Arithmetic(first=first, rest=rest):
            value = evaluate(first, answers, today)
            for op, operand in rest:
                value = _arithmetic(op, value, evaluate(operand, answers, today))
            return value
    raise TypeError(f"not an expression node: {node!r}")  # only a hand-built tree gets here


def _answer(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return "date"
    return "list" if isinstance(value, list) else "other"


def _as_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _align(a: object, b: object) -> tuple[object, object] | None:
    """Read text as a date when the other side is a date; None if it is not one."""
    if _kind(a) == "date" and isinstance(b, str):
        b = _as_date(b)
    elif isinstance(a, str) and _kind(b) == "date":
        a = _as_date(a)
    return None if a is None or b is None else (a, b)


def _equal(a: object, b: object) -> bool | None:
    pair = _align(a, b)
    if pair is None:
        return None
    a, b = pair
    kind = _kind(a)
    if kind != _kind(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if kind == "other":
        return None
    try:
        return bool(a == b)
    except ArithmeticError:  # a signalling NaN
        return None


def _same(a: object, b: object) -> bool:
    """Equality of list items, where null matches null."""
    return (a is None and b is None) or _equal(a, b) is True


def _compare(op: str, a: object, b: object) -> bool | None:
    if op in ("in", "not in"):
        result = _contains(a, b)
    elif op in ("==", "!="):
        result = _equal(a, b)
    else:
        pair = _align(a, b)
        if pair is None or _kind(pair[0]) != _kind(pair[1]):
            return None
        if _kind(pair[0]) not in ("number", "text", "date"):
            return None
        try:
            return bool(_ORDER[op](*pair))
        except (ArithmeticError, TypeError):
            return None
    if result is None:
        return None
    return result if op in ("in", "==") else not result


def _contains(item: object, container: object) -> bool | None:
    if item is None or container is None:
        return None
    if isinstance(container, list):
        return any(_equal(item, each) is True for each in container)
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return None


def _arithmetic(op: str, a: Any, b: Any) -> object:
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        return a + b
    if _kind(a) != "number" or _kind(b) != "number":
        return None
    try:
        if isinstance(a, float) or isinstance(b, float):
            a, b = float(a), float(b)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            return None
        if isinstance(a, int) and isinstance(b, int):
            return a // b if a % b == 0 else Decimal(a) / Decimal(b)
        return a / b
    except (ArithmeticError, ValueError):  # overflow, NaN that signals
        return None


# --- functions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Function:
    arity: int
    run: Callable[[Sequence[object], datetime.date], object]


def _age(value: object, today: datetime.date) -> int | None:
    born = _as_date(value)
    if born is None:
        return None
    if born > today:
        return -_whole_years(today, born)
    return _whole_years(born, today)


def _whole_years(start: datetime.date, end: datetime.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def _days_since(value: object, today: datetime.date) -> int | None:
    day = _as_date(value)
    return None if day is None else (today - day).days


def _number(value: object) -> object:
    if _kind(value) == "number":
        return value
    match = _NUMBER_TEXT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    text = match.group(1)
    try:
        return Decimal(text) if "." in text else int(text)
    except ValueError:  # more digits than Python converts
        return None


def _length(value: object) -> int | None:
    return len(value) if isinstance(value, str | list) else None


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str | list) and not value)


FUNCTIONS: dict[str, Function] = {
    "age": Function(1, lambda args, today: _age(args[0], today)),
    "days_since": Function(1, lambda args, today: _days_since(args[0], today)),
    "empty": Function(1, lambda args, _: _empty(args[0])),
    "len": Function(1, lambda args, _: _length(args[0])),
    "lower": Function(1, lambda args, _: args[0].lower() if isinstance(args[0], str) else None),
    "number": Function(1, lambda args, _: _number(args[0])),
    "today": Function(0, lambda _, today: today),
    "upper": Function(1, lambda args, _: args[0].upper() if isinstance(args[0], str) else None),
}

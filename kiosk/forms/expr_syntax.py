"""Reading expressions (see :mod:`kiosk.forms.expressions`): text to tokens to a tree,
with a plain-words :class:`ExpressionError` for anything that cannot be read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kiosk.forms.expr_eval import FUNCTIONS
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

MAX_LENGTH = 2_000
MAX_DEPTH = 50
_CONSTANTS: dict[str, object] = {"true": True, "false": False, "null": None}
_KEYWORDS = frozenset({"and", "or", "not", "in", *_CONSTANTS})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FIELD_ID = re.compile(r"[a-z][a-z0-9_]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMBER_LIKE = re.compile(r"[0-9A-Za-z_.]*")
_SYMBOLS = ("==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",")
_HINTS = {"=": "use '==' to compare", "&": "use 'and'", "|": "use 'or'", "!": "use 'not'"}
_ORDERING = ("<", "<=", ">", ">=")


class ExpressionError(ValueError):
    """An expression cannot be read: ``message`` says why in plain words, ``position``
    (0-based, into the source text) says where."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def read(source: str) -> Node:
    """The tree of an expression; raise :class:`ExpressionError` (and nothing else) if it
    is wrong."""
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be text, not {type(source).__name__}", 0)
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(source):,} characters long; the limit is {MAX_LENGTH:,}",
            MAX_LENGTH,
        )
    parser = _Parser(source)
    tree = parser.expression()
    token = parser.peek()
    if token.kind != "end":
        if token.text == ")":
            raise ExpressionError("this ')' has no '(' to close", token.position)
        raise ExpressionError(
            f"unexpected {_show(token.text)} after a complete expression "
            "(is an operator such as 'and' or '+' missing?)",
            token.position,
        )
    return tree


# --- tokens ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # number, text, word, symbol, end
    text: str
    position: int
    value: object = None


def _show(text: str) -> str:
    if not text:
        return "the end"
    if len(text) > 40:
        text = text[:39] + "…"
    return "'" + (text if text.isprintable() else repr(text)[1:-1]) + "'"


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "0123456789":
            token = _read_number(source, i)
        elif ch in "'\"":
            token = _read_text(source, i)
        elif word := _WORD.match(source, i):
            token = _Token("word", word.group(), i)
            if not _FIELD_ID.fullmatch(token.text):
                raise ExpressionError(_bad_word(token.text), i)
        elif symbol := next((s for s in _SYMBOLS if source.startswith(s, i)), None):
            token = _Token("symbol", symbol, i)
        elif ch in _HINTS:
            raise ExpressionError(f"unexpected {_show(ch)}: {_HINTS[ch]}", i)
        else:
            raise ExpressionError(f"unexpected character {_show(ch)}", i)
        tokens.append(token)
        i += len(token.text)
    tokens.append(_Token("end", "", len(source)))
    return tokens


def _read_number(source: str, start: int) -> _Token:
    match = _NUMBER.match(source, start)
    assert match is not None  # the caller saw a digit
    whole = _NUMBER_LIKE.match(source, start)
    if whole is not None and whole.end() > match.end():
        raise ExpressionError(
            f"{_show(whole.group())} is not a number (write numbers like 42 or 12.50)", start
        )
    text = match.group()
    return _Token("number", text, start, Decimal(text) if "." in text else int(text))


def _read_text(source: str, start: int) -> _Token:
    quote, i = source[start], start + 1
    out: list[str] = []
    while i < len(source):
        ch = source[i]
        if ch == quote:
            return _Token("text", source[start : i + 1], start, "".join(out))
        if ch == "\\":
            escaped = source[i + 1 : i + 2]
            if not escaped:
                break
            if escaped not in "'\"\\":
                raise ExpressionError(
                    f"unknown escape {_show(ch + escaped)} in text; "
                    "only \\', \\\" and \\\\ are allowed",
                    i,
                )
            out.append(escaped)
            i += 2
            continue
        out.append(ch)
        i += 1
    raise ExpressionError(f"this text is never closed; add a closing {quote}", start)


def _bad_word(word: str) -> str:
    lower = "null" if word.lower() == "none" else word.lower()
    if lower in _KEYWORDS:
        return f"write '{lower}', not '{word}'"
    return (
        f"'{word}' is not a valid field id: ids use lowercase letters, digits and '_' "
        "and start with a letter"
    )


# --- parsing --------------------------------------------------------------------------


class _Parser:
    """Recursive descent, one method per precedence level, loosest first."""

    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> _Token:
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def at(self, text: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind in ("word", "symbol") and token.text == text

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"the expression is nested too deeply (more than {MAX_DEPTH} levels of "
                "brackets, 'not' or '-'); simplify it",
                token.position,
            )

    def expression(self) -> Node:
        return self.logic("or", self.conjunction)

    def conjunction(self) -> Node:
        return self.logic("and", self.negation)

    def logic(self, op: str, operand: Callable[[], Node]) -> Node:
        operands = [operand()]
        while self.at(op):
            self.take()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else Logic(op, tuple(operands))

    def negation(self) -> Node:
        if not self.at("not"):
            return self.comparison()
        self.enter(self.take())
        operand = self.negation()
        self.depth -= 1
        return Not(operand)

    def comparison_ahead(self) -> str | None:
        token = self.peek()
        if token.kind == "symbol" and token.text in ("==", "!=", *_ORDERING):
            return token.text
        if self.at("in"):
            return "in"
        return "not in" if self.at("not") and self.at("in", 1) else None

    def comparison(self) -> Node:
        left = self.arithmetic(("+", "-"), self.product)
        op = self.comparison_ahead()
        if op is None:
            return left
        for _ in op.split():
            self.take()
        right = self.arithmetic(("+", "-"), self.product)
        if self.comparison_ahead() is not None:
            raise ExpressionError(
                "comparisons cannot be chained; join them with 'and' (a < b and b < c)",
                self.peek().position,
            )
        return Compare(op, left, right)

    def product(self) -> Node:
        return self.arithmetic(("*", "/"), self.unary)

    def arithmetic(self, ops: tuple[str, str], operand: Callable[[], Node]) -> Node:
        first = operand()
        rest: list[tuple[str, Node]] = []
        while self.peek().kind == "symbol" and self.peek().text in ops:
            rest.append((self.take().text, operand()))
        return Arithmetic(first, tuple(rest)) if rest else first

    def unary(self) -> Node:
        if not self.at("-"):
            return self.primary()
        self.enter(self.take())
        operand = self.unary()
        self.depth -= 1
        return Negate(operand)

    def primary(self) -> Node:
        token = self.peek()
        if token.kind in ("number", "text"):
            self.take()
            return Constant(token.value)
        if token.kind == "word" and token.text in _CONSTANTS:
            self.take()
            return Constant(_CONSTANTS[token.text])
        if token.kind == "word" and token.text not in _KEYWORDS:
            self.take()
            return self.call(token) if self.at("(") else Name(token.text)
        if token.text in ("(", "["):
            self.enter(self.take())
            if token.text == "(":
                inner = self.expression()
                self.close(token, ")")
            else:
                inner = ListOf(self.sequence(token, "]"))
            self.depth -= 1
            return inner
        if token.kind == "end":
            if self.index == 0:
                raise ExpressionError("the expression is empty", token.position)
            raise ExpressionError(
                "the expression ends too early: a value is missing", token.position
            )
        raise ExpressionError(f"expected a value but found {_show(token.text)}", token.position)

    def call(self, name: _Token) -> Node:
        function = FUNCTIONS.get(name.text)
        if function is None:
            close = difflib.get_close_matches(name.text, FUNCTIONS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ExpressionError(
                f"unknown function '{name.text}'{hint} (functions: {', '.join(FUNCTIONS)})",
                name.position,
            )
        opening = self.take()
        self.enter(opening)
        args = self.sequence(opening, ")")
        self.depth -= 1
        if len(args) != function.arity:
            wanted = "no values" if function.arity == 0 else f"{function.arity} value"
            raise ExpressionError(f"{name.text}() takes {wanted}, not {len(args)}", name.position)
        return Call(name.text, args)

    def sequence(self, opening: _Token, closer: str) -> tuple[Node, ...]:
        """Comma-separated values up to ``closer`` (a trailing comma is fine)."""
        items: list[Node] = []
        while not self.at(closer) and self.peek().kind != "end":
            items.append(self.expression())
            if not self.at(","):
                break
            self.take()
        self.close(opening, closer)
        return tuple(items)

    def close(self, opening: _Token, closer: str) -> None:
        token = self.take()
        if token.text == closer and token.kind == "symbol":
            return
        if token.kind == "end":
            raise ExpressionError(
                f"this '{opening.text}' is never closed; add '{closer}'", opening.position
            )
        raise ExpressionError(
            f"expected '{closer}' to close '{opening.text}' but found {_show(token.text)}",
            token.position,
        )

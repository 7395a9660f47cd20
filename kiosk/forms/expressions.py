"""The small, safe expression language of form definitions.

Forms use expressions for conditions ("show this page only if ...") and computed
values ("the fee is ..."). They are read by the parser in this package and are
never handed to Python: an expression can only read the form's answers and call
the functions listed below, and it cannot change anything.

Writing expressions (for agency analysts)
-----------------------------------------
Values
    ``42``, ``12.50``              numbers (``-3`` is minus three)
    ``'text'`` or ``"text"``       text; inside it write ``\\'``, ``\\"`` or ``\\\\`` for a
                                   quote or a backslash
    ``true``, ``false``, ``null``  yes, no, nothing
    ``['car', 'truck']``           a list
    ``date_of_birth``              the answer to the field with that id (lowercase letters,
                                   digits and ``_``, starting with a letter); ``null`` while
                                   the citizen has not answered it
Operators, from the loosest to the tightest
    ``or``, then ``and``, then ``not``
    ``==  !=  <  <=  >  >=`` compare; ``in`` and ``not in`` ask whether a value is in a
    list, a text is part of another text, or an option is ticked in a multiple-choice
    answer (``'other' in problem_types``). Comparisons do not chain: write
    ``a < b and b < c``.
    ``+  -``  (``+`` also joins two texts), then ``*  /``, then ``-x``.
    Brackets ``( )`` group as usual.
Functions
    ``today()``           today's date
    ``age(date)``         whole years from that date to today (a birthday on 29 February
                          counts from 1 March in other years; negative for a future date)
    ``days_since(date)``  days from that date to today
    ``len(x)``            the number of letters in a text or items in a list
    ``empty(x)``          true for ``null``, ``''`` and ``[]``
    ``lower(text)``, ``upper(text)``
    ``number(text)``      the number written in a text (``'12.5'``), or ``null``
Dates
    Answers to date fields are dates. Compared with a date (or given to ``age`` and
    ``days_since``), a text written year-month-day such as ``'2000-01-31'`` is that date.
Nothing (``null``)
    Comparing or calculating with ``null`` gives ``null``, and so does anything that makes
    no sense (``'a' < 3``, dividing by zero): an expression never stops the form. A
    condition holds when its value is true, a number other than 0, a non-empty text or
    list, or a date; ``null`` and ``false`` do not hold. ``and``, ``or`` and ``not`` treat
    ``null`` as false, so ``not null`` is true. To ask whether a field was answered, use
    ``empty(x)``: ``x == null`` is always ``null``.
Limits
    At most 2,000 characters and 50 levels of brackets, ``not`` and ``-`` inside each other.
Examples
    ``age(date_of_birth) >= 16``
    ``relationship in ['self', 'parent'] and not empty(record_county)``
    ``number(copies) * 15``
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk.forms.expr_eval import evaluate as evaluate_tree
from kiosk.forms.expr_eval import truthy
from kiosk.forms.expr_syntax import MAX_DEPTH, MAX_LENGTH, ExpressionError, read
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
from kiosk.forms.expr_tree import names as names_in

# Reading is in expr_syntax, the tree in expr_tree, working values out in expr_eval.
__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Arithmetic",
    "Call",
    "Compare",
    "Constant",
    "Expression",
    "ExpressionError",
    "ListOf",
    "Logic",
    "Name",
    "Negate",
    "Node",
    "Not",
    "parse",
    "truthy",
]


@dataclass(frozen=True)
class Expression:
    """A parsed expression; build it with :func:`parse`."""

    source: str
    names: frozenset[str]
    tree: Node = field(repr=False)

    def evaluate(self, answers: Mapping[str, object], today: datetime.date) -> object:
        """The value with these answers (a missing answer is ``null``); never raises."""
        return evaluate_tree(self.tree, answers, today)

    def __str__(self) -> str:
        return self.source


def parse(source: str) -> Expression:
    """Read an expression; raise :class:`ExpressionError` (and nothing else) if it is wrong."""
    tree = read(source)
    return Expression(source, frozenset(names_in(tree)), tree)

"""The form definition format: what an agency analyst writes in a pack's ``forms/`` folder.

The models are strict (``"5"`` is not a number, ``yes`` is not a boolean) and
forbid unknown keys, because a misspelt ``requried: true`` silently ignored
would put a form on the screen that the agency did not write. Rules that span
several entries (references, ids, translations, reachability) live in
:mod:`kiosk.forms.loader`, which knows the lines of the file to point at.

Expressions (``show_if``, ``computed``, ``output``, ``date_min``/``date_max``)
are checked for syntax here, so a syntax error is reported together with any
type error in the same file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
)

from kiosk.forms.expressions import Expression, ExpressionError, parse

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
LangCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]

#: The context key through which the loader tells the models the pack's default language.
DEFAULT_LANGUAGE = "default_language"


def _localize(value: object, info: ValidationInfo) -> object:
    """A plain string is text in the pack's default language only (handy in one-language packs)."""
    if isinstance(value, str):
        context = info.context or {}
        return {context.get(DEFAULT_LANGUAGE, "en"): value}
    return value


def _expression(source: str) -> str:
    """Refuse an expression that does not parse; the position helps the author find the slip."""
    try:
        parse(source)
    except ExpressionError as exc:
        raise ValueError(f"invalid expression at position {exc.position}: {exc.message}") from None
    except RecursionError:
        raise ValueError("invalid expression: nested too deeply") from None
    return source


def _regex(source: str) -> str:
    try:
        re.compile(source)
    except (re.error, OverflowError, RecursionError) as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return source


Localized = Annotated[dict[LangCode, Text], BeforeValidator(_localize)]
Expr = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_expression)]
Regex = Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_regex)]


class Kind(StrEnum):
    """The kinds of question a government form needs."""

    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    DATE = "date"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    ID_NUMBER = "id_number"
    CONSENT = "consent"


CHOICE_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE})
TEXT_KINDS = frozenset({Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.ID_NUMBER})
#: Which validation keys make sense for which kinds; anything else is a mistake to report.
RULE_KINDS: dict[str, frozenset[Kind]] = {
    "choices": CHOICE_KINDS,
    "pattern": TEXT_KINDS,
    "pattern_message": TEXT_KINDS,
    "min": frozenset({Kind.NUMBER}),
    "max": frozenset({Kind.NUMBER}),
    "min_length": TEXT_KINDS,
    "max_length": TEXT_KINDS,
    "date_min": frozenset({Kind.DATE}),
    "date_max": frozenset({Kind.DATE}),
    "not_in_future": frozenset({Kind.DATE}),
    "not_in_past": frozenset({Kind.DATE}),
    "min_age_years": frozenset({Kind.DATE}),
    "max_age_years": frozenset({Kind.DATE}),
    "check_digit": frozenset({Kind.ID_NUMBER}),
}


#: Pairs of limits where the first must not exceed the second.
RANGES = (("min", "max"), ("min_length", "max_length"), ("min_age_years", "max_age_years"))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Choice(_Strict):
    value: Annotated[str, Field(min_length=1, max_length=100)]
    label: Localized


class FormField(_Strict):
    """One question. Unset rules are ``None`` so the linter can tell "not written" apart."""

    id: Identifier
    # not strict: an enum is written as its text in YAML
    kind: Annotated[Kind, Field(strict=False)]
    label: Localized
    hint: Localized | None = None
    # Most questions on a government form must be answered; optional ones say so.
    required: bool = True
    personal: bool = False
    default: Any = None
    show_if: Expr | None = None
    choices: list[Choice] | None = None
    pattern: Regex | None = None
    pattern_message: Localized | None = None
    min: float | None = None
    max: float | None = None
    min_length: Annotated[int, Field(ge=0, le=10000)] | None = None
    max_length: Annotated[int, Field(ge=1, le=10000)] | None = None
    date_min: Expr | None = None
    date_max: Expr | None = None
    not_in_future: bool | None = None
    not_in_past: bool | None = None
    min_age_years: Annotated[int, Field(ge=0, le=150)] | None = None
    max_age_years: Annotated[int, Field(ge=0, le=150)] | None = None
    check_digit: Literal["luhn"] | None = None

    def mistakes(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """Rules that cannot work on this question, as (key under the field, message).

        Checked here rather than by pydantic so each problem names its own key and line.
        """
        for rule in RULE_KINDS:
            if getattr(self, rule) is not None and self.kind not in RULE_KINDS[rule]:
                kinds = ", ".join(sorted(RULE_KINDS[rule]))
                yield (rule,), f"does not apply to a {self.kind} question (only to {kinds})"
        if self.kind in CHOICE_KINDS and not self.choices:
            yield ("choices",), f"a {self.kind} question needs a list of choices"
        seen: set[str] = set()
        for c, choice in enumerate(self.choices or []):
            if choice.value in seen:
                yield ("choices", c, "value"), f"{choice.value!r} is already a choice"
            seen.add(choice.value)
        for low, high in RANGES:
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                yield (low,), f"is larger than {high} ({a} > {b}): no answer could pass"
        if self.pattern_message is not None and self.pattern is None:
            yield ("pattern_message",), "there is no pattern for this message to explain"
        if self.not_in_future and self.not_in_past:
            yield ("not_in_past",), "with not_in_future, only today could be answered"


class Page(_Strict):
    id: Identifier
    title: Localized
    help: Localized | None = None
    show_if: Expr | None = None
    fields: list[FormField]


class Computed(_Strict):
    id: Identifier
    expression: Expr


class FormDefinition(_Strict):
    """A whole form, as written; bound to its pack's languages by the loader."""

    id: Slug
    version: Annotated[int, Field(ge=1)]
    title: Localized
    pages: list[Page]
    computed: list[Computed] = []
    # payload key -> expression (a bare field id is the simplest expression)
    output: dict[Annotated[str, Field(min_length=1, max_length=200)], Expr] = {}
    # what happens after the citizen submits: shown on screen and printed on the receipt
    next_steps: Localized | None = None

    _default_language: str = PrivateAttr(default="en")
    _languages: tuple[str, ...] = PrivateAttr(default=("en",))
    _compiled: dict[str, Expression] = PrivateAttr(default_factory=dict)

    def bind(self, languages: tuple[str, ...], default_language: str) -> None:
        """Remember the pack's languages: text falls back to the default language."""
        self._languages = tuple(languages)
        self._default_language = default_language

    @property
    def languages(self) -> tuple[str, ...]:
        return self._languages

    @property
    def default_language(self) -> str:
        return self._default_language

    def text(self, value: dict[str, str] | None, language: str) -> str:
        """``value`` in ``language``, else in the pack's default language, else any."""
        if not value:
            return ""
        found = value.get(language) or value.get(self._default_language)
        return found if found is not None else next(iter(value.values()))

    def expression(self, source: str) -> Expression:
        """The parsed expression, parsed once per form (the engine evaluates on every page)."""
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compiled[source] = parse(source)
        return compiled

    @property
    def fields(self) -> list[FormField]:
        """Every field of every page, in the order a citizen meets them."""
        return [field for page in self.pages for field in page.fields]

    def field(self, field_id: str) -> FormField:
        for field in self.fields:
            if field.id == field_id:
                return field
        raise KeyError(field_id)

    def reads(self, source: str) -> set[str]:
        """Every name ``source`` reads, directly or through computed values (cycles cut)."""
        computed = {c.id: c.expression for c in self.computed}
        names, seen = set(self.expression(source).names), set[str]()
        while names - seen:
            name = (names - seen).pop()
            seen.add(name)
            if name in computed:
                names |= self.expression(computed[name]).names
        return seen

    def computed_order(self) -> list[Computed]:
        """Computed values in an order where each comes after the values it reads."""
        by_id = {c.id: c for c in self.computed}
        order: list[Computed] = []
        state: set[str] = set()

        def visit(name: str) -> None:
            if name in state:  # done, or a cycle (the loader refuses those) cut here
                return
            state.add(name)
            for ref in sorted(self.expression(by_id[name].expression).names & by_id.keys()):
                visit(ref)
            order.append(by_id[name])

        for computed in self.computed:
            visit(computed.id)
        return order

    def personal_keys(self) -> set[str]:
        """Payload keys that can carry personal data (to encrypt at rest and purge after sync)."""
        personal = {f.id for f in self.fields if f.personal}
        if not self.output:  # the payload is every answer and computed value by id
            derived = {c.id for c in self.computed if self.reads(c.expression) & personal}
            return personal | derived
        return {key for key, source in self.output.items() if self.reads(source) & personal}

    def page(self, page_id: str) -> Page:
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(page_id)

"""What a citizen typed, turned into a value or a clear message in their language.

Parsing and rules are plain functions over one field so the engine, the
linter (checking ``default`` values) and the tests share one definition of
"valid". Messages follow GOV.UK's advice: say what to do, not what went wrong.

The message texts live in ``kiosk/locales/*.toml`` (``[forms.error]``,
``[forms.value]``) with every other string the citizen reads.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.forms.definition import CHOICE_KINDS, FormDefinition, FormField, Kind
from kiosk.i18n import FALLBACK, SUPPORTED_LANGUAGES, Translator

#: Longest answers accepted when a field sets no ``max_length``: enough for any real
#: answer, and a bound on the work a pattern does (no runaway regex on pasted text).
DEFAULT_MAX_LENGTH = {Kind.SHORT_TEXT: 200, Kind.LONG_TEXT: 2000, Kind.ID_NUMBER: 64}
ADDRESS_PARTS = ("line1", "line2", "city", "region", "postal_code")
_NUMBER = re.compile(r"^[+-]?(\d{1,15}(\.\d{0,10})?|\.\d{1,10})$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3},\d{3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,30}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)*\.[^@\s.\d]{2,}$")
_ID = re.compile(r"^[A-Z0-9]{1,64}$")
_ZIP = re.compile(r"^\d{5}(-?\d{4})?$")  # US ZIP or ZIP+4: the kiosk serves US agencies


def message(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` (kiosk/locales), English if it has none."""
    lang = language if language in SUPPORTED_LANGUAGES else FALLBACK
    return Translator(lang)(key, **values)


class Invalid(Exception):
    """An answer that cannot be accepted: a message key (``code``) and its placeholders."""

    def __init__(
        self,
        code: str,
        part: str | None = None,
        custom: dict[str, str] | None = None,
        **values: object,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.part = part  # which box of a multi-part answer (address) is wrong
        self.custom = custom  # the form's own message (pattern_message), by language
        self.values = values

    def text(self, language: str, default_language: str = "en") -> str:
        if self.custom:
            found = self.custom.get(language) or self.custom.get(default_language)
            return found or next(iter(self.custom.values()))
        return message(language, f"forms.error.{self.code}", **self.values)


def parse_answer(field: FormField, raw: object) -> object | None:
    """The answer as a value (``None`` when unanswered); raise :class:`Invalid` otherwise."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            return None
    kind = field.kind
    if kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
        if not isinstance(raw, str):
            raise Invalid("text")
        return raw
    if kind is Kind.NUMBER:
        return _number(raw)
    if kind is Kind.DATE:
        return _date(raw)
    if kind in (Kind.YES_NO, Kind.CONSENT):
        return _yes_no(raw, "yes_no")
    if kind is Kind.SINGLE_CHOICE:
        if not isinstance(raw, str) or raw not in _choice_values(field):
            raise Invalid("choice")
        return raw
    if kind is Kind.MULTIPLE_CHOICE:
        return _several(field, raw)
    if kind is Kind.PHONE:
        return _phone(raw)
    if kind is Kind.EMAIL:
        if not isinstance(raw, str) or len(raw) > 254 or not _EMAIL.match(raw):
            raise Invalid("email")
        return raw
    if kind is Kind.ADDRESS:
        return _address(raw)
    if kind is Kind.ID_NUMBER:
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            raise Invalid("id_number")
        value = re.sub(r"[\s-]", "", raw).upper()
        if not _ID.match(value):
            raise Invalid("id_number")
        return value
    raise AssertionError(kind)


def check_rules(
    field: FormField,
    value: object,
    today: datetime.date,
    language: str,
    bounds: tuple[object, object] = (None, None),
) -> None:
    """Apply the field's rules to a parsed, non-empty ``value``; raise :class:`Invalid`.

    ``bounds`` are the evaluated ``date_min``/``date_max`` (the engine evaluates them,
    since they may depend on earlier answers); a bound that is not a date is ignored.
    """
    if isinstance(value, str) and field.kind in DEFAULT_MAX_LENGTH:
        longest = field.max_length or DEFAULT_MAX_LENGTH[field.kind]
        if len(value) > longest:
            raise Invalid("too_long", n=longest)
        if field.min_length is not None and len(value) < field.min_length:
            raise Invalid("too_short", n=field.min_length)
        if field.pattern is not None and not re.fullmatch(field.pattern, value):
            raise Invalid("pattern", custom=field.pattern_message)
        if field.check_digit == "luhn" and not luhn_ok(value):
            raise Invalid("check_digit")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if field.min is not None and value < field.min:
            raise Invalid("number_min", min=number_text(field.min))
        if field.max is not None and value > field.max:
            raise Invalid("number_max", max=number_text(field.max))
    if isinstance(value, datetime.date):
        _check_date(field, value, today, language, bounds)


def _check_date(
    field: FormField,
    value: datetime.date,
    today: datetime.date,
    language: str,
    bounds: tuple[object, object],
) -> None:
    low, high = (b if _is_date(b) else None for b in bounds)
    if isinstance(low, datetime.date) and value < low:
        raise Invalid("date_min", date=date_text(low, language))
    if isinstance(high, datetime.date) and value > high:
        raise Invalid("date_max", date=date_text(high, language))
    if field.not_in_future and value > today:
        raise Invalid("date_future")
    if field.not_in_past and value < today:
        raise Invalid("date_past")
    if field.min_age_years is not None and value > years_before(today, field.min_age_years):
        raise Invalid("min_age", n=field.min_age_years)
    if field.max_age_years is not None and value < years_before(today, field.max_age_years):
        raise Invalid("max_age", n=field.max_age_years)


def _is_date(value: object) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def years_before(today: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier; 29 February becomes the 28th in a common year."""
    year = today.year - years
    if year < datetime.MINYEAR:
        return datetime.date.min
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


def luhn_ok(value: str) -> bool:
    """The Luhn (mod 10) check many ID and card numbers carry against typing slips."""
    if not value.isdigit() or len(value) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(value)):
        digit = int(ch)
        if i % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def number_text(value: float) -> str:
    """``16`` rather than ``16.0`` in a message a citizen reads."""
    return str(int(value)) if float(value).is_integer() else str(value)


def date_text(value: datetime.date, language: str) -> str:
    months = message(language, "forms.months").split(",")
    return message(
        language, "forms.date", day=value.day, month=months[value.month - 1], year=value.year
    )


def shown_value(definition: FormDefinition, field: FormField, value: object, language: str) -> str:
    """The answer as the citizen reads it on the review page (choices by label, dates in words)."""
    if value is None:
        return message(language, "forms.value.none")
    if field.kind is Kind.CONSENT:
        return message(language, "forms.value.agreed" if value else "forms.value.not_agreed")
    if isinstance(value, bool):
        return message(language, "forms.value.yes" if value else "forms.value.no")
    if field.kind in CHOICE_KINDS:
        labels = {c.value: definition.text(c.label, language) for c in field.choices or []}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in chosen)
    if isinstance(value, datetime.date):
        return date_text(value, language)
    if isinstance(value, dict):
        return ", ".join(str(value[p]) for p in ADDRESS_PARTS if value.get(p))
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def _choice_values(field: FormField) -> list[str]:
    return [choice.value for choice in field.choices or []]


def _number(raw: object) -> int | float:
    if isinstance(raw, bool):
        raise Invalid("number")
    if isinstance(raw, int | float):
        text = str(raw)
    elif isinstance(raw, str):
        if _THOUSANDS.match(raw):  # "1,000": a thousand in English, one in Spanish; ask again
            raise Invalid("number")
        text = raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw
    else:
        raise Invalid("number")
    if not _NUMBER.match(text) and not isinstance(raw, int | float):
        raise Invalid("number")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid("number") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise Invalid("number")
    return int(number) if number == number.to_integral_value() else float(number)


def _date(raw: object) -> datetime.date:
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return raw
    if not isinstance(raw, str) or not _DATE.match(raw):
        raise Invalid("date")
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise Invalid("date") from None


def _yes_no(raw: object, code: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("yes", "true"):
        return True
    if isinstance(raw, str) and raw.lower() in ("no", "false"):
        return False
    raise Invalid(code)


def _several(field: FormField, raw: object) -> list[str] | None:
    if not isinstance(raw, list | tuple | set | frozenset):
        raise Invalid("choice")
    allowed = _choice_values(field)
    chosen = set()
    for item in raw:
        if not isinstance(item, str) or item not in allowed:
            raise Invalid("choice")
        chosen.add(item)
    # in the form's order, whatever order they were touched in
    return [value for value in allowed if value in chosen] or None


def _phone(raw: object) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not _PHONE.match(raw):
        raise Invalid("phone")
    digits = re.sub(r"\D", "", raw)
    if not 7 <= len(digits) <= 15:  # E.164 allows at most 15 digits
        raise Invalid("phone")
    return ("+" if raw.startswith("+") else "") + digits


def _address(raw: object) -> dict[str, str] | None:
    if not isinstance(raw, Mapping) or any(key not in ADDRESS_PARTS for key in raw):
        raise Invalid("address")
    parts: dict[str, str] = {}
    for key in ADDRESS_PARTS:
        value: Any = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > 200:
            raise Invalid("address", part=key if key in raw else None)
        if value.strip():
            parts[key] = " ".join(value.split())
    if not parts:
        return None
    for key in ("line1", "city", "postal_code"):
        if key not in parts:
            raise Invalid(f"address_{key}", part=key)
    if not _ZIP.match(parts["postal_code"]):
        raise Invalid("address_postal_code", part="postal_code")
    return parts


def answer_problems(definition: FormDefinition, answers: Mapping[str, object]) -> list[str]:
    """What is wrong with answers given to a form ahead of the visitor (a service's
    ``form_answers``), one message per answer, naming the question."""
    problems = []
    for field_id, raw in answers.items():
        try:
            field = definition.field(field_id)
        except KeyError:
            problems.append(f"{field_id}: form {definition.id} has no such question")
            continue
        try:
            parse_answer(field, raw)
        except Invalid as exc:
            problems.append(f"{field_id}: {exc.text('en')} ({raw!r})")
    return problems

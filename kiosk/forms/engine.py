"""One citizen filling in one form: pages, answers, branching, review and the payload.

The wizard on screen is a thin view of :class:`FormSession`; everything it
decides (which page is next, what is wrong with an answer, what reaches the
agency) is decided here, so it is tested without a screen.

Rules the session keeps:

* answers are kept as typed (``answer``) and judged when the citizen presses Next,
  so a half-typed date is not an error until they say they are done;
* a page or question whose ``show_if`` does not hold is not asked, and when the
  citizen moves on, answers to what became hidden are forgotten, so nothing they
  took back reaches the agency (``payload`` only ever reads visible answers);
* after "Change" on the review page, Next returns to the review as soon as every
  page in between is complete (GOV.UK's check-your-answers pattern).
"""

from __future__ import annotations

import copy
import datetime
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kiosk.forms.definition import CHOICE_KINDS, FormDefinition, FormField, Kind, Page
from kiosk.forms.expressions import truthy
from kiosk.forms.validation import Invalid, check_rules, parse_answer, shown_value


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one answer, in the citizen's language, for the field and the summary."""

    field_id: str
    code: str  # the message key after ``forms.error.`` (``required``, ``date_future``...)
    message: str
    part: str | None = None  # the box of an address that is wrong (``postal_code``...)


@dataclass(frozen=True)
class ReviewItem:
    """One line of "check your answers". Personal values are shown: it is the citizen's screen."""

    page_id: str
    field_id: str
    label: str
    shown_value: str
    personal: bool


@dataclass
class _Walk:
    """Visibility and values for the current answers, computed in one pass in form order."""

    pages: list[int]  # indexes of visible pages
    fields: dict[int, list[FormField]]  # visible fields of each visible page
    context: dict[str, object]  # visible, readable answers and the computed values


class FormSession:
    """The state of one form being filled in; discard it to wipe every answer."""

    def __init__(self, definition: FormDefinition, language: str, today: datetime.date) -> None:
        self.definition = definition
        self.language = language  # may change mid-form: the citizen can switch language
        self._today = today
        # Made here, once: the submission's id and its idempotency key with the agency
        # forever, so pressing Submit again can never store (or send) the form twice.
        self.submission_id = str(uuid.uuid4())
        self._raw: dict[str, object] = {}
        for field in definition.fields:
            if field.default is not None:
                self._raw[field.id] = field.default
        self._computed = [(c.id, c.expression) for c in definition.computed_order()]
        self._walked: _Walk | None = None  # for the answers as they are; None once they change
        self._visited: set[str] = set()
        self._changing = False
        walk = self._walk()
        self._index: int | None = walk.pages[0] if walk.pages else None

    @property
    def today(self) -> datetime.date:
        """The date the form's rules are judged against (fixed for the session)."""
        return self._today

    # --- where the citizen is ---------------------------------------------------------

    @property
    def current_page(self) -> Page | None:
        """The page on screen, or ``None`` on the review ("check your answers") step."""
        return None if self._index is None else self.definition.pages[self._index]

    @property
    def at_review(self) -> bool:
        return self._index is None

    @property
    def visible_pages(self) -> list[Page]:
        """The pages this citizen is asked, given their answers so far."""
        return [self.definition.pages[i] for i in self._walk().pages]

    def visible_fields(self, page: Page | None = None) -> list[FormField]:
        """The questions shown on ``page`` (default: the current page) right now."""
        page = page or self.current_page
        if page is None:
            return []
        return list(self._walk().fields.get(self.definition.pages.index(page), []))

    def progress(self) -> tuple[int, int]:
        """(step, steps) for the step indicator; the review is the step after the last page."""
        pages = self._walk().pages
        step = len(pages) + 1 if self._index is None else pages.index(self._index) + 1
        return step, len(pages) + 1

    # --- answers ----------------------------------------------------------------------

    def answer(self, field_id: str, raw: object) -> None:
        """Keep what the citizen entered (``None`` clears it); judged on :meth:`next`."""
        self.definition.field(field_id)  # KeyError for a field the form does not have
        if raw is None:
            self._raw.pop(field_id, None)
        else:  # a copy: the screen may keep changing its own list or dict
            self._raw[field_id] = copy.deepcopy(raw) if isinstance(raw, list | dict) else raw
        self._walked = None
        self._settle()

    def raw(self, field_id: str) -> object:
        """What to put back in the input box (as typed, or the default)."""
        return self._raw.get(field_id)

    def value(self, field_id: str) -> object:
        """The answer as a value (``None`` if unanswered, hidden or not readable)."""
        return self._walk().context.get(field_id)

    def text(self, value: dict[str, str] | None) -> str:
        """A localized string of the form in the session's language."""
        return self.definition.text(value, self.language)

    # --- moving -----------------------------------------------------------------------

    def next(self) -> list[FieldError]:
        """Check the current page; if it is right, move on (to the review after the last page)."""
        if self._index is None:
            return []
        walk = self._walk()
        errors = self._errors(self._index, walk)
        if errors:
            return errors
        self._visited.add(self.definition.pages[self._index].id)
        self._clear_hidden(walk)
        walk = self._walk()
        later = [i for i in walk.pages if i > self._index]
        if self._changing:
            later = [
                i
                for i in later
                if self.definition.pages[i].id not in self._visited or self._errors(i, walk)
            ]
        self._index = later[0] if later else None
        if self._index is None:
            self._changing = False
        return []

    def back(self) -> bool:
        """Go to the previous page (or, when changing an answer, back to the review).

        ``False`` on the first page: the screen then leaves the form.
        """
        pages = self._walk().pages
        if self._changing:
            self._changing = False
            self._index = None
            return True
        if self._index is None:
            self._index = pages[-1] if pages else None
            return bool(pages)
        earlier = [i for i in pages if i < self._index]
        if not earlier:
            return False
        self._index = earlier[-1]
        return True

    def go_to(self, page_id: str) -> None:
        """Open a page to change an answer ("Change" on the review page)."""
        index = self.definition.pages.index(self.definition.page(page_id))
        if index not in self._walk().pages:
            raise ValueError(f"page {page_id!r} is not shown for these answers")
        if self._index is None:
            self._changing = True
        self._index = index

    # --- the result -------------------------------------------------------------------

    def errors(self) -> list[FieldError]:
        """Every problem on every visible page (empty means the form can be submitted)."""
        walk = self._walk()
        return [error for i in walk.pages for error in self._errors(i, walk)]

    @property
    def is_complete(self) -> bool:
        return not self.errors()

    def review(self) -> list[ReviewItem]:
        """Every visible question with its answer, in form order, for "check your answers"."""
        walk = self._walk()
        items = []
        for i in walk.pages:
            page = self.definition.pages[i]
            for field in walk.fields[i]:
                shown = shown_value(
                    self.definition, field, walk.context.get(field.id), self.language
                )
                label = self.text(field.label)
                items.append(ReviewItem(page.id, field.id, label, shown, field.personal))
        return items

    def answers(self) -> dict[str, object]:
        """The visible answers by field id, as JSON-ready values (for the stored submission)."""
        walk = self._walk()
        return {
            field.id: _jsonable(walk.context[field.id])
            for i in walk.pages
            for field in walk.fields[i]
            if walk.context.get(field.id) is not None
        }

    def payload(self) -> dict[str, object]:
        """What the agency receives: the form's ``output`` over visible answers and computed
        values (without an ``output``, every visible answer and computed value by id).

        A key whose value is ``null`` is left out, so a hidden answer can never appear.
        """
        walk = self._walk()
        if not self.definition.output:
            out = self.answers()
            for computed in self.definition.computed:
                out[computed.id] = _jsonable(walk.context.get(computed.id))
        else:
            out = {
                key: _jsonable(
                    self.definition.expression(source).evaluate(walk.context, self.today)
                )
                for key, source in self.definition.output.items()
            }
        return {key: value for key, value in out.items() if value is not None}

    # --- inside -----------------------------------------------------------------------

    def _walk(self) -> _Walk:
        """Visibility and values for the answers as they are (worked out once per change:
        the screen asks several times per page turn)."""
        if self._walked is None:
            self._walked = self._walk_answers()
        return self._walked

    def _walk_answers(self) -> _Walk:
        pages: list[int] = []
        fields: dict[int, list[FormField]] = {}
        answers: dict[str, object] = {}
        for i, page in enumerate(self.definition.pages):
            if not self._holds(page.show_if, answers):
                continue
            shown = []
            for field in page.fields:
                if not self._holds(field.show_if, answers):
                    continue
                shown.append(field)
                try:
                    value = parse_answer(field, self._raw.get(field.id))
                except Invalid:
                    value = None
                if value is not None:
                    answers[field.id] = value
            if shown:  # a page whose every question is hidden is skipped, not shown empty
                pages.append(i)
                fields[i] = shown
        return _Walk(pages, fields, self._with_computed(answers))

    def _with_computed(self, answers: dict[str, object]) -> dict[str, object]:
        context = dict(answers)
        for name, source in self._computed:
            context[name] = self.definition.expression(source).evaluate(context, self.today)
        return context

    def _holds(self, condition: str | None, answers: dict[str, object]) -> bool:
        if condition is None:
            return True
        expression = self.definition.expression(condition)
        return truthy(expression.evaluate(self._with_computed(answers), self.today))

    def _errors(self, index: int, walk: _Walk) -> list[FieldError]:
        errors = []
        for field in walk.fields.get(index, []):
            try:
                self._check(field, walk.context)
            except Invalid as exc:
                message = exc.text(self.language, self.definition.default_language)
                errors.append(FieldError(field.id, exc.code, message, exc.part))
        return errors

    def _check(self, field: FormField, context: Mapping[str, object]) -> None:
        value = parse_answer(field, self._raw.get(field.id))
        if value is None or (field.kind is Kind.CONSENT and value is False):
            if field.required:
                raise Invalid(_required_code(field))
            return
        bounds = tuple(
            _as_date(self.definition.expression(source).evaluate(context, self.today))
            if source is not None
            else None
            for source in (field.date_min, field.date_max)
        )
        check_rules(field, value, self.today, self.language, (bounds[0], bounds[1]))

    def _clear_hidden(self, walk: _Walk) -> None:
        """Forget answers to questions not shown (back to their default, if any)."""
        shown = {field.id for fields in walk.fields.values() for field in fields}
        for field in self.definition.fields:
            if field.id not in shown:
                if field.default is None:
                    self._raw.pop(field.id, None)
                else:
                    self._raw[field.id] = field.default
        self._walked = None

    def _settle(self) -> None:
        """Keep the current page a visible one, if an answer elsewhere just hid it."""
        pages = self._walk().pages
        if self._index is not None and self._index not in pages:
            later = [i for i in pages if i > self._index]
            self._index = later[0] if later else None


def _required_code(field: FormField) -> str:
    if field.kind is Kind.CONSENT:
        return "consent_required"
    if field.kind in CHOICE_KINDS or field.kind is Kind.YES_NO:
        return "required_choice"
    if field.kind is Kind.ADDRESS:
        return "address"
    return "required"


def _as_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            return None
    return None


def _jsonable(value: object) -> object:
    """Dates as ISO text and exact numbers as plain ones: the payload is stored as JSON."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)

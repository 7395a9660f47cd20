"""What the visitor at the counter already entered at the kiosk, for the clerk to read.

A ticket issued after a form carries the form's submission (``Submission.ticket_id``).
The counter shows its answers read-only, labelled as the form labels them in
the station's language and worded as on the citizen's own review page (choices
by label, dates in words). Personal answers are shown in full because a
signed-in clerk asks for them; each row says whether it is personal, so the
screen can mark it and wipe it on sign-out. Nothing here is cached: the
answers are decrypted for one read and handed to the caller.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.forms.definition import FormDefinition, FormField, Kind
from kiosk.forms.validation import shown_value
from kiosk.submissions import stored_answers
from offline_cache.engine import make_sessionmaker
from offline_cache.models import Submission

if TYPE_CHECKING:
    from kiosk.station import Station


@dataclass(frozen=True)
class FormRow:
    label: str
    value: str
    personal: bool


@dataclass(frozen=True)
class LinkedForm:
    """A submitted form linked to a ticket, ready to show."""

    reference: str
    title: str
    submitted_at: dt.datetime
    rows: tuple[FormRow, ...]


def linked_submission(
    station: Station, ticket_id: str, language: str | None = None
) -> LinkedForm | None:
    """The form submitted with ``ticket_id`` (the newest, if several), or None.

    ``language`` defaults to the station's default language. A form no longer
    in the pack (or whose questions changed since) still shows every answer,
    labelled by its field id where the form does not name it any more.
    """
    lang = language or station.config.settings.station.default_language
    sessions = make_sessionmaker(station.engine, read_only=True)
    with sessions() as session:
        submission = session.scalars(
            select(Submission)
            .where(Submission.ticket_id == ticket_id)
            .order_by(Submission.created_at.desc())
        ).first()
        if submission is None:
            return None
        answers = stored_answers(submission, station.cipher)
        personal_keys = set(json.loads(submission.personal_keys))
        reference, form_id = submission.reference, submission.form_id
        submitted_at = submission.created_at
    definition = station.forms.get(form_id)
    rows: list[FormRow] = []
    if definition is not None:
        for field in definition.fields:
            if field.id in answers:
                value = _readable(definition, field, answers.pop(field.id), lang)
                personal = field.personal or field.id in personal_keys
                rows.append(FormRow(definition.text(field.label, lang), value, personal))
    for key, raw in answers.items():  # answers the form (as it is now) does not ask
        rows.append(FormRow(key, _plain(raw), key in personal_keys))
    title = definition.text(definition.title, lang) if definition is not None else form_id
    return LinkedForm(reference, title, submitted_at, tuple(rows))


def _readable(definition: FormDefinition, field: FormField, raw: object, lang: str) -> str:
    value = raw
    if field.kind is Kind.DATE and isinstance(raw, str):
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            value = raw
    return shown_value(definition, field, value, lang)


def _plain(raw: object) -> str:
    if isinstance(raw, list):
        return ", ".join(str(v) for v in raw)
    if isinstance(raw, dict):
        return ", ".join(str(v) for v in raw.values() if v)
    return str(raw)

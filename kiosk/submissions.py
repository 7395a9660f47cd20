"""Submitting a completed form: stored with its outbox entry in one transaction.

The citizen is told "Submitted" and given a reference only after both rows
are committed, so a power cut a moment later loses nothing: the sync worker
(issue 5) finds the outbox entry and delivers it. The submission's id is made
here, once, and is its idempotency key on every delivery attempt forever.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.forms.engine import FormSession
from offline_cache.crypto import AnswerCipher
from offline_cache.models import OutboxEntry, Submission

# Crockford's base32 without I, L, O, U: nothing a clerk can misread when a
# citizen reads the reference aloud.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8  # 32^8 = 10^12 references per agency prefix


class SubmitError(Exception):
    """The form cannot be submitted as it is (not complete); the message says why."""


@dataclass(frozen=True)
class Submitted:
    submission_id: str
    reference: str


def make_reference(agency_id: str) -> str:
    """``DMV-7Q4K-2F9D``: the agency's code and 8 random characters in two groups."""
    code = "".join(ch for ch in agency_id.upper() if ch.isalnum())[:5] or "REF"
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{code}-{body[:4]}-{body[4:]}"


def submit(
    sessions: sessionmaker[Session],
    form: FormSession,
    *,
    service_id: str,
    agency_id: str,
    station_id: str,
    clock: Callable[[], dt.datetime],
    cipher: AnswerCipher,
    ticket_id: str | None = None,
) -> Submitted:
    """Store the submission and its outbox entry together; return its reference."""
    ensure_complete(form)
    with sessions.begin() as session:
        return submit_in(
            session,
            form,
            service_id=service_id,
            agency_id=agency_id,
            station_id=station_id,
            now=clock(),
            cipher=cipher,
            ticket_id=ticket_id,
        )


def submit_in(
    session: Session,
    form: FormSession,
    *,
    service_id: str,
    agency_id: str,
    station_id: str,
    now: dt.datetime,
    cipher: AnswerCipher,
    ticket_id: str | None = None,
) -> Submitted:
    """:func:`submit` inside the caller's transaction, so what belongs with the
    submission (the ticket it links, the receipt's print job) commits with it or
    not at all. Nothing is written for a form that is not complete. The answers
    and the payload are stored encrypted (:mod:`offline_cache.crypto`)."""
    ensure_complete(form)
    definition = form.definition
    reference = _unused_reference(session, agency_id)
    submission = Submission(
        id=form.submission_id,
        reference=reference,
        form_id=definition.id,
        form_version=definition.version,
        service_id=service_id,
        language=form.language,
        station_id=station_id,
        answers=cipher.encrypt(json.dumps(form.answers(), ensure_ascii=False, sort_keys=True)),
        payload=cipher.encrypt(json.dumps(form.payload(), ensure_ascii=False, sort_keys=True)),
        personal_keys=json.dumps(sorted(definition.personal_keys())),
        ticket_id=ticket_id,
        created_at=now,
    )
    session.add(submission)
    session.flush()
    session.add(
        OutboxEntry(
            submission_id=submission.id,
            state="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    session.flush()  # a store fault surfaces here, before the caller does more
    return Submitted(submission.id, reference)


def ensure_complete(form: FormSession) -> None:
    """Raise :class:`SubmitError` unless every visible question is answered and right."""
    if not form.is_complete:
        raise SubmitError("the form has unanswered or invalid questions")


def _unused_reference(session: Session, agency_id: str) -> str:
    for _ in range(10):  # a clash is one in 10^12; ten in a row means something else is wrong
        reference = make_reference(agency_id)
        taken = session.scalar(select(Submission.id).where(Submission.reference == reference))
        if taken is None:
            return reference
    raise RuntimeError("could not find an unused reference number")


def stored_answers(submission: Submission, cipher: AnswerCipher) -> dict[str, object]:
    """A stored submission's answers, decrypted (for the clerk and the technician)."""
    value: dict[str, object] = json.loads(cipher.decrypt(submission.answers))
    return value


def stored_payload(submission: Submission, cipher: AnswerCipher) -> dict[str, object]:
    """What the agency receives for a stored submission, decrypted (for the sync worker)."""
    value: dict[str, object] = json.loads(cipher.decrypt(submission.payload))
    return value

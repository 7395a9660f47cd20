"""Submitting a form at the kiosk: submission, outbox entry, ticket and receipt together.

Everything the citizen is told about is stored in one transaction before
anything prints: the submission with its outbox entry (so it will reach the
agency), the queue ticket when the service still needs a clerk after the form
(``ticket_after_form`` in the pack) and both print jobs. A store fault leaves
nothing behind: no ticket number used up, no submission the citizen was never
told about. A printer fault after the commit costs nothing either: it is
reported in the outcome and the jobs wait for the printer, as with a ticket.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from kiosk.forms.definition import Kind
from kiosk.print_queue import JobOutcome
from kiosk.receipts import Answer, Receipt
from kiosk.station import FormOutcome
from kiosk.submissions import ensure_complete, submit_in
from offline_cache.models import Submission

if TYPE_CHECKING:
    from kiosk.content import ContentPack, Service
    from kiosk.forms.engine import FormSession
    from kiosk.station import Station

log = logging.getLogger(__name__)


def submit_form(
    station: Station, service_id: str, form: FormSession, priority: bool = False
) -> FormOutcome:
    """Store ``form`` for ``service_id`` and print its ticket (if any), then its receipt.

    Raises :class:`kiosk.submissions.SubmitError` for an incomplete form and
    :class:`ValueError` for a form that is not the service's, before anything
    is written; a store error propagates with nothing written.
    """
    service = station.pack.service(service_id)
    if service.form != form.definition.id:
        raise ValueError(f"service {service_id!r} does not take form {form.definition.id!r}")
    ensure_complete(form)
    now = station.clock()
    with station.transaction() as session:
        stored = session.get(Submission, form.submission_id)
        if stored is not None:  # Submit again after an answer that never arrived
            log.warning("form %s already stored as %s", form.definition.id, stored.reference)
            already = JobOutcome("", printed=False, error="already submitted")
            return FormOutcome(stored.id, stored.reference, already, None)
        queued = (
            station.queue_ticket(session, service.id, form.language, priority)
            if service.ticket_after_form
            else None
        )
        submitted = submit_in(
            session,
            form,
            service_id=service.id,
            agency_id=service.agency,
            station_id=station.config.settings.station.id,
            now=now,
            cipher=station.cipher,
            ticket_id=queued.ticket.id if queued else None,
        )
        receipt = form_receipt(
            station.pack, service, form, reference=submitted.reference, submitted_at=now
        )
        receipt_job = station.queue_receipt(session, receipt)
    # Committed: now print, the ticket first (the citizen needs the number), then the receipt.
    ticket = station.print_ticket(queued) if queued else None
    printed = station.print_stored(receipt_job)
    if printed.printed:
        log.info("form %s submitted as %s, receipt printed", form.definition.id, receipt.reference)
    else:
        log.error(
            "form %s submitted as %s, receipt not printed: %s",
            form.definition.id,
            receipt.reference,
            printed.error,
        )
    return FormOutcome(submitted.submission_id, submitted.reference, printed, ticket)


def form_receipt(
    pack: ContentPack,
    service: Service,
    form: FormSession,
    *,
    reference: str,
    submitted_at: dt.datetime,
) -> Receipt:
    """The receipt of a submitted form, in the citizen's language.

    The answers are those of "check your answers"; the receipt's layout masks
    the personal ones, keeping the last characters only of ID numbers. Optional
    questions left unanswered are left off the paper (the screen's review lists
    them, so the citizen could still answer them).
    """
    language = form.language
    definition = form.definition
    given = form.answers()
    answers = tuple(
        Answer(
            item.label,
            item.shown_value,
            personal=item.personal,
            identifier=definition.field(item.field_id).kind is Kind.ID_NUMBER,
        )
        for item in form.review()
        if item.field_id in given
    )
    return Receipt(
        reference=reference,
        agency=pack.text(pack.agency(service.agency).name, language),
        service=pack.text(service.name, language),
        submitted_at=submitted_at,
        language=language,
        answers=answers,
        next_steps=form.text(definition.next_steps),
    )

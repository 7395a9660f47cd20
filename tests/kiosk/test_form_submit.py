"""Submitting a form at the kiosk: the submission, its outbox entry, its ticket and its
receipt are stored together, then the ticket and the receipt print.

Every test drives a real station (the sample pack, a real store, the PDF spool
printer) and checks what is stored and what a person reads on the printed paper.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.config import load_config
from kiosk.forms.engine import FormSession
from kiosk.station import Station
from kiosk.submissions import SubmitError, stored_answers, stored_payload
from offline_cache.models import OutboxEntry, PrintJob, Submission, Ticket
from tests.helpers.pdf import decode_qr, pdf_text, render_page
from tests.helpers.sample_answers import street_problem
from tests.kiosk.forms.test_sample_forms import RECORD, walk

START = dt.datetime(2025, 6, 16, 15, 41, tzinfo=dt.UTC)  # 10:41 in Chicago
TODAY = START.date()

LICENSE: dict[str, Any] = {
    "license_number": "d1234567",
    "license_expiry": "2026-01-01",
    "first_name": "Ana",
    "last_name": "Ruiz",
    "date_of_birth": "1950-02-03",
    "phone": "(951) 555-0142",
    "address_changed": False,
    "corrective_lenses": False,
    "declaration": True,
}
POTHOLE: dict[str, Any] = street_problem(dt.date(2026, 1, 1))  # it asks no dates
STREETLIGHT: dict[str, Any] = {
    **POTHOLE,
    "problem_type": "streetlight",
    "pole_number": "SL10482",
    "light_state": "dark",
}


class Ticking:
    """A station clock that moves one second each time it is read, so the order in
    which things were stored and printed shows in their times."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def open_station(
    tmp_path: Path, store_url: str | None = None, spool: Path | None = None
) -> Station:
    lines = ["[station]", 'id = "test-kiosk"', 'timezone = "America/Chicago"', 'data_dir = "data"']
    if store_url:
        lines += ["[store]", f'url = "{store_url}"']
    if spool:
        lines += ["[printer]", f'spool_dir = "{spool}"']
    path = tmp_path / "station.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Station.open(load_config(path), clock=Ticking(START))


@pytest.fixture
def station(tmp_path: Path, store_url: str):
    """A station on a SQLite file, then on a fresh PostgreSQL database."""
    station = open_station(tmp_path, store_url)
    yield station
    station.close()


def filled(station: Station, form_id: str, language: str, answers: dict[str, Any]) -> FormSession:
    """The sample form answered page by page like a citizen would, up to the review."""
    form = FormSession(station.forms[form_id], language, TODAY)
    walk(form, answers)
    assert form.at_review and form.is_complete
    return form


def rows(station: Station, model: type) -> list[Any]:
    with Session(station.engine) as session:
        return list(session.scalars(select(model)))


def words(pdf: Path) -> str:
    """The printed text with its line breaks undone, as a person reads a paragraph."""
    return " ".join(pdf_text(pdf).split())


def spooled(station: Station) -> list[Path]:
    return sorted(station.config.spool_dir.glob("*.pdf"))


def print_order(station: Station) -> list[tuple[str, str]]:
    """(kind, state) of every print job, in the order they came out of the printer."""
    jobs = sorted(rows(station, PrintJob), key=lambda job: job.printed_at)
    return [(job.kind, job.state) for job in jobs]


def test_license_renewal_stores_the_submission_with_a_ticket_and_prints_both(
    station: Station,
) -> None:
    form = filled(station, "driver-license-renewal", "en", LICENSE)

    outcome = station.submit_form("license-renewal", form)

    (submission,) = rows(station, Submission)
    (ticket,) = rows(station, Ticket)
    (outbox,) = rows(station, OutboxEntry)
    assert (submission.id, submission.reference) == (outcome.submission_id, outcome.reference)
    assert outcome.reference.startswith("DMV-")
    assert (submission.form_id, submission.form_version) == ("driver-license-renewal", 1)
    assert (submission.service_id, submission.language) == ("license-renewal", "en")
    assert submission.station_id == "test-kiosk"
    assert stored_answers(submission, station.cipher)["license_number"] == "D1234567"
    assert stored_payload(submission, station.cipher) == form.payload()
    assert stored_payload(submission, station.cipher)["renew_at_kiosk"] is True
    # the ticket that follows the form is a real one, of this service, in the citizen's language
    assert submission.ticket_id == ticket.id == outcome.ticket.ticket.id
    assert (ticket.service_id, ticket.label, ticket.language) == ("license-renewal", "A001", "en")
    assert ticket.state == "waiting"
    assert (outbox.submission_id, outbox.state, outbox.attempts) == (submission.id, "pending", 0)

    assert outcome.ticket.printed and outcome.receipt.printed
    assert outcome.ticket.print_error is None and outcome.receipt.error is None
    assert print_order(station) == [("ticket", "printed"), ("receipt", "printed")]
    assert spooled(station) == sorted([outcome.ticket.printed_to, outcome.receipt.printed_to])

    ticket_pdf = outcome.ticket.printed_to
    assert "A001" in words(ticket_pdf) and "Renew a driver's license" in words(ticket_pdf)
    assert decode_qr(render_page(ticket_pdf)) == [ticket.id]

    receipt = words(outcome.receipt.printed_to)
    assert outcome.reference in receipt
    assert "State Department of Motor Vehicles" in receipt
    assert "Renew a driver's license" in receipt
    assert "Submitted 06/16/2025 10:41 AM" in receipt  # the station's local time
    assert "What happens next" in receipt
    assert "A clerk will check your ID, take your new photo and collect the renewal fee" in receipt
    assert "When does your license expire? January 1, 2026" in receipt  # not personal
    assert "Driver's license number ********4567" in receipt
    assert "D1234567" not in receipt  # the full ID number never prints
    for personal in ("Ana", "Ruiz", "1950", "555-0142", "0142"):
        assert personal not in receipt
    assert decode_qr(render_page(outcome.receipt.printed_to)) == [outcome.reference]


@pytest.mark.parametrize(
    ("service_id", "answers", "service_name"),
    [
        ("report-pothole", POTHOLE, "Report a pothole"),
        ("report-streetlight", STREETLIGHT, "Report a broken streetlight"),
    ],
)
def test_a_311_report_gets_a_receipt_and_no_ticket(
    tmp_path: Path, service_id: str, answers: dict[str, Any], service_name: str
) -> None:
    station = open_station(tmp_path)
    form = filled(station, "report-street-problem", "en", answers)

    outcome = station.submit_form(service_id, form)

    assert outcome.ticket is None
    (submission,) = rows(station, Submission)
    assert (submission.service_id, submission.ticket_id) == (service_id, None)
    assert stored_payload(submission, station.cipher)["service_code"] == answers["problem_type"]
    assert [entry.state for entry in rows(station, OutboxEntry)] == ["pending"]
    assert rows(station, Ticket) == []
    assert [job.kind for job in rows(station, PrintJob)] == ["receipt"]
    assert spooled(station) == [outcome.receipt.printed_to]  # no ticket came out
    receipt = words(outcome.receipt.printed_to)
    assert outcome.reference.startswith("CITY-") and outcome.reference in receipt
    assert "City Services 311" in receipt and service_name in receipt
    assert "1200 Main St" in receipt  # not personal: the place of the problem
    assert "A city crew will inspect the problem within 5 business days" in receipt
    assert "give the reference number on this receipt" in receipt
    station.close()


def test_a_spanish_submission_gets_a_spanish_receipt_and_ticket(tmp_path: Path) -> None:
    station = open_station(tmp_path)
    form = filled(station, "birth-certificate", "es", {**RECORD, "relationship": "self"})

    outcome = station.submit_form("birth-certificate", form)

    (submission,) = rows(station, Submission)
    (ticket,) = rows(station, Ticket)
    assert submission.language == ticket.language == "es"
    assert (ticket.service_id, ticket.label) == ("birth-certificate", "E001")
    assert submission.ticket_id == ticket.id
    receipt = words(outcome.receipt.printed_to)
    assert "Secretario-Registrador del Condado" in receipt
    assert "Obtener acta de nacimiento" in receipt
    assert "Número de referencia" in receipt and outcome.reference in receipt
    assert "Enviado 16/06/2025 10:41" in receipt
    assert "Sus respuestas" in receipt
    assert "¿Cuántas copias certificadas necesita? 2" in receipt
    assert "¿Para qué necesita la copia? Un pasaporte estadounidense" in receipt
    assert "Número de identificación ********4567" in receipt
    assert "Próximos pasos" in receipt
    assert "cobrará $28 por cada copia certificada" in receipt
    assert "What happens next" not in receipt and "each certified copy" not in receipt
    for personal in ("D1234567", "Lucía", "Torres", "Gómez", "1988", "555"):
        assert personal not in receipt
    # an optional question left empty is left off the paper
    assert "Nombre completo del otro padre o madre" not in receipt
    assert "Sin respuesta" not in receipt
    ticket_text = words(outcome.ticket.printed_to)
    assert "E001" in ticket_text and "Su número" in ticket_text
    station.close()


def test_a_printer_fault_keeps_everything_stored_and_reports_it(
    tmp_path: Path, store_url: str
) -> None:
    blocker = tmp_path / "spool-parent"
    blocker.write_text("a file in the way, like a printer out of paper")
    station = open_station(tmp_path, store_url, spool=blocker / "spool")
    form = filled(station, "driver-license-renewal", "en", LICENSE)

    outcome = station.submit_form("license-renewal", form)  # does not raise

    assert not outcome.ticket.printed and "spool" in (outcome.ticket.print_error or "")
    assert not outcome.receipt.printed and "spool" in (outcome.receipt.error or "")
    (submission,) = rows(station, Submission)
    (ticket,) = rows(station, Ticket)
    assert submission.reference == outcome.reference and submission.ticket_id == ticket.id
    assert ticket.label == outcome.ticket.ticket.label == "A001"
    assert [entry.state for entry in rows(station, OutboxEntry)] == ["pending"]
    assert sorted(job.state for job in rows(station, PrintJob)) == ["pending", "pending"]

    blocker.unlink()  # paper loaded: the kiosk's idle check sends what waited, ticket first
    station.check_printer()

    assert print_order(station) == [("ticket", "printed"), ("receipt", "printed")]
    receipt_pdf = blocker / "spool" / f"receipt-{outcome.reference}.pdf"
    assert outcome.reference in words(receipt_pdf)
    station.close()


def test_an_incomplete_form_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    station = open_station(tmp_path)
    form = FormSession(station.forms["driver-license-renewal"], "en", TODAY)
    walk(form, LICENSE, until="contact")  # walked away before the end

    with pytest.raises(SubmitError, match="unanswered or invalid"):
        station.submit_form("license-renewal", form)

    for model in (Submission, OutboxEntry, Ticket, PrintJob):
        assert rows(station, model) == []
    assert spooled(station) == []
    assert station.issue_ticket("license-renewal", "en").ticket.label == "A001"  # none used up
    station.close()


def test_a_form_that_is_not_the_services_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    station = open_station(tmp_path)
    form = filled(station, "report-street-problem", "en", POTHOLE)

    with pytest.raises(ValueError, match="does not take form 'report-street-problem'"):
        station.submit_form("license-renewal", form)

    for model in (Submission, OutboxEntry, Ticket, PrintJob):
        assert rows(station, model) == []
    station.close()


def test_a_store_failure_midway_leaves_no_ticket_no_submission_and_no_print_job(
    station: Station,
) -> None:
    form = filled(station, "driver-license-renewal", "en", LICENSE)
    with station.engine.begin() as conn:  # the store breaks behind the kiosk's back
        conn.execute(text("DROP TABLE delivery_attempts"))  # (it refers to the outbox)
        conn.execute(text("DROP TABLE outbox"))

    with pytest.raises(Exception, match="outbox"):
        station.submit_form("license-renewal", form)

    for model in (Submission, Ticket, PrintJob):
        assert rows(station, model) == []
    assert spooled(station) == []
    # the ticket number taken inside the failed transaction was given back
    assert station.issue_ticket("license-renewal", "en").ticket.label == "A001"


def test_a_store_fault_while_printing_keeps_the_form_and_submit_again_stores_nothing_twice(
    tmp_path: Path,
) -> None:
    station = open_station(tmp_path)
    with station.engine.begin() as conn:  # the store fails once the form is committed
        conn.execute(
            text(
                "CREATE TRIGGER jam BEFORE UPDATE ON print_jobs "
                "BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
            )
        )
    form = filled(station, "driver-license-renewal", "en", LICENSE)

    outcome = station.submit_form("license-renewal", form)  # reported, not raised

    assert outcome.ticket is not None and not outcome.ticket.printed
    assert not outcome.receipt.printed
    (submission,) = rows(station, Submission)
    assert (submission.id, submission.reference) == (form.submission_id, outcome.reference)
    again = station.submit_form("license-renewal", form)  # the citizen presses Submit again
    assert (again.submission_id, again.reference) == (submission.id, outcome.reference)
    assert [len(rows(station, model)) for model in (Submission, OutboxEntry, Ticket)] == [1, 1, 1]
    station.close()

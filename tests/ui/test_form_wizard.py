"""Each sample form filled in through the real wizard, in English and in Spanish.

A citizen chooses the service, makes a mistake the wizard points out (next to
the question and in the summary at the top, which takes the focus), corrects
it, reaches "check your answers", changes an answer from there, and submits.
The test then reads the store (submission, outbox entry, linked ticket) and
the printed receipt, as the clerk and the sync worker will.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.config import load_config
from kiosk.i18n import Translator
from kiosk.submissions import stored_answers
from offline_cache.models import OutboxEntry, PrintJob, Submission, Ticket
from tests.helpers.pdf import pdf_text
from tests.helpers.sample_answers import SAMPLE_SERVICES
from tests.ui.conftest import write_config
from tests.ui.flow import choose_service, visible_texts
from tests.ui.form_steps import LEFT, enter, fill_page, press_continue, type_into, walk
from ui.window import KioskWindow

pytestmark = pytest.mark.gui


def pattern_message(window: KioskWindow, field_id: str, lang: str) -> str:
    """The form's own message for a wrong format, as the agency wrote it in the YAML."""
    form = window.session.form
    assert form is not None
    field = form.definition.field(field_id)
    return form.definition.text(field.pattern_message, lang)


#: service -> (page with the mistake, wrong answers, field, expected message, how to fix it)
MISTAKES: dict[str, tuple[str, dict[str, Any], str, Callable[[KioskWindow, str], str]]] = {
    "license-renewal": (
        "current_license",
        {"license_number": "D123456"},
        "license_number",
        lambda w, lang: pattern_message(w, "license_number", lang),
    ),
    "birth-certificate": (
        "birth_date",
        {"date_of_birth": "2099-01-01"},
        "date_of_birth",
        lambda w, lang: Translator(lang)("forms.error.date_future"),
    ),
    "report-pothole": (
        "location_address",
        {"street_address": "Main St"},
        "street_address",
        lambda w, lang: pattern_message(w, "street_address", lang),
    ),
}
#: service -> (answer changed from the review page, its new value, how the review shows it)
CHANGES = {
    "license-renewal": ("first_name", "Ana María", "Ana María"),
    "birth-certificate": ("copies", "3", "3"),
    "report-pothole": ("pothole_size", "medium", None),
}


def store(window: KioskWindow) -> Session:
    assert window.station is not None
    return Session(window.station.engine)


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("service_id", list(SAMPLE_SERVICES))
def test_citizen_fills_in_a_sample_form_corrects_a_mistake_changes_an_answer_and_submits(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Any, service_id: str, lang: str
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    form_id, make_answers = SAMPLE_SERVICES[service_id]
    answers = make_answers(dt.date.today())
    assert window.station is not None
    issues_ticket = window.station.pack.service(service_id).ticket_after_form

    choose_service(qtbot, window, lang, service_id)
    if issues_ticket:  # a place in line follows the form: priority is asked first
        assert window.current is window.priority
        qtbot.mouseClick(window.priority.no_button, LEFT)
    page = window.forms.page
    assert window.current is page
    form = window.session.form
    assert form is not None and form.definition.id == form_id and form.language == lang
    assert page.title.text() == form.text(form.current_page.title)  # type: ignore[union-attr]
    assert page.step.text() == Translator(lang)("wizard.step", step=1, steps=form.progress()[1])

    # A mistake: told next to the question and in the summary, which gets the focus.
    mistake_page, wrong, field_id, expected = MISTAKES[service_id]
    walk(qtbot, window, answers, until=mistake_page)
    fill_page(qtbot, window, {**answers, **wrong})
    press_continue(qtbot, window)
    message = expected(window, lang)
    assert form.current_page is not None and form.current_page.id == mistake_page
    assert page.editor(field_id).error.text() == message
    assert page.editor(field_id).error.isVisibleTo(window)
    assert [entry.text() for entry in page.summary.entries] == [message]
    assert page.summary.isVisibleTo(window)
    assert window.focusWidget() is page.summary
    # The summary's entry takes the citizen to the question; they correct it.
    qtbot.mouseClick(page.summary.entries[0], LEFT)
    inputs = page.editor(field_id).text_inputs()
    assert window.focusWidget() is inputs[0]
    enter(qtbot, page.editor(field_id), answers[field_id])
    press_continue(qtbot, window)
    assert not page.summary.isVisible()

    walk(qtbot, window, answers)
    review = window.forms.review
    assert window.current is review
    assert review.title.text() == Translator(lang)("wizard.review_title")
    shown = visible_texts(window)
    for item in form.review():
        assert item.shown_value in shown and item.label in shown

    # Change one answer from the review page: back to its page, then straight back here.
    changed, new_value, new_shown = CHANGES[service_id]
    qtbot.mouseClick(review.change_buttons[changed], LEFT)
    assert window.current is page
    fill_page(qtbot, window, {changed: new_value})
    press_continue(qtbot, window)
    assert window.current is review
    if new_shown is not None:
        assert new_shown in visible_texts(window)

    with qtbot.waitSignal(window.form_submitted, timeout=15_000) as blocker:
        qtbot.mouseClick(review.submit_button, LEFT)
    outcome = blocker.args[0]
    assert outcome is not None, "the form could not be submitted"
    done = window.forms.submitted
    assert window.current is done
    assert done.reference.text() == outcome.reference and outcome.reference in visible_texts(window)
    assert window.session.form is None  # nothing of the answers stays in memory
    steps = form.definition.text(form.definition.next_steps, lang)  # as the agency wrote it
    assert steps and done.next_steps.text() == steps and done.next_steps.isVisibleTo(window)

    with store(window) as session:
        submission = session.scalars(select(Submission)).one()
        assert submission.reference == outcome.reference
        assert (submission.form_id, submission.language) == (form_id, lang)
        assert submission.service_id == service_id
        stored = stored_answers(submission, window.station.cipher)
        assert str(stored[changed]) == new_value
        outbox = session.scalars(select(OutboxEntry)).one()
        assert outbox.submission_id == submission.id and outbox.state == "pending"
        tickets = session.scalars(select(Ticket)).all()
        if issues_ticket:
            (ticket,) = tickets
            assert submission.ticket_id == ticket.id and ticket.service_id == service_id
            assert done.ticket.text() == outcome.ticket.ticket.label
            assert done.ticket.isVisibleTo(window)
        else:
            assert tickets == [] and submission.ticket_id is None
            assert not done.ticket.isVisibleTo(window)
        kinds = sorted(job.kind for job in session.scalars(select(PrintJob)))
    assert kinds == (["receipt", "ticket"] if issues_ticket else ["receipt"])
    assert outcome.receipt.printed and outcome.receipt.printed_to is not None
    receipt = pdf_text(outcome.receipt.printed_to)
    assert outcome.reference in receipt


def test_a_form_abandoned_at_the_kiosk_is_wiped_by_the_idle_guard(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Any
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    choose_service(qtbot, window, "en", "report-pothole")
    answers = SAMPLE_SERVICES["report-pothole"][1](dt.date.today())
    walk(qtbot, window, answers, until="location_address")
    type_into(qtbot, window.forms.page.editor("street_address").text_inputs()[0], "1200 Main")

    with qtbot.waitSignal(window.was_reset, timeout=20_000):
        pass  # nobody touches the screen: the warning comes, then the wipe

    assert window.current is window.welcome
    assert window.session.form is None
    leftovers = [box.text() for box in window.findChildren(QLineEdit) if box.text()] + [
        box.toPlainText() for box in window.findChildren(QPlainTextEdit) if box.toPlainText()
    ]
    assert leftovers == []
    assert all("1200 Main" not in text for text in visible_texts(window))

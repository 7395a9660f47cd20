"""A citizen walks up, picks Español and a service, and leaves with a ticket."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.config import load_config
from offline_cache.models import Ticket
from tests.helpers.pdf import decode_qr, pdf_text, render_page
from tests.ui.conftest import write_config
from tests.ui.flow import take_ticket, visible_texts
from ui.window import KioskWindow

pytestmark = pytest.mark.gui


def test_spanish_speaker_gets_priority_ticket_on_screen_in_store_and_on_paper(
    qtbot: QtBot, window: KioskWindow, tmp_path: Path
) -> None:
    outcome = take_ticket(qtbot, window, "es", "vehicle-registration", priority=True)

    # On screen: the number in huge type, in Spanish, with the place in line.
    assert window.current is window.confirmation
    assert window.confirmation.number.text() == "B001"
    assert window.confirmation.caption.text() == "Su número"
    assert window.confirmation.ahead.text() == "No hay nadie delante de usted"
    assert window.confirmation.status.text().startswith("Por favor, tome su turno")
    assert window.confirmation.preview.document == outcome.document

    # In the store: one waiting priority ticket in Spanish.
    with Session(window.station.engine) as session:
        rows = session.scalars(select(Ticket)).all()
    assert [(t.label, t.language, t.priority, t.state) for t in rows] == [
        ("B001", "es", True, "waiting")
    ]

    # On paper: a PDF in the spool whose text and QR code read back.
    assert outcome.printed and outcome.printed_to is not None
    pdf = Path(outcome.printed_to)
    assert pdf.parent == window.station.config.spool_dir
    text = pdf_text(pdf)
    for expected in (
        "Riverside Service Center",
        "Registrar un vehículo",
        "B001",
        "Su número",
        "Personas delante",
        "Atención prioritaria",
    ):
        assert expected in text
    assert decode_qr(render_page(pdf)) == [rows[0].id]

    # And the preview on screen is the same ticket: its QR reads back too.
    shot = tmp_path / "preview.png"
    assert window.confirmation.preview.grab().save(str(shot))
    assert decode_qr(Image.open(shot)) == [rows[0].id]


def test_second_visitor_sees_one_person_ahead(qtbot: QtBot, window: KioskWindow) -> None:
    take_ticket(qtbot, window, "en", "vehicle-registration", priority=False)
    window.confirmation.done_button.click()
    assert window.current is window.welcome

    second = take_ticket(qtbot, window, "en", "vehicle-registration", priority=False)

    assert second.ticket.label == "B002"
    assert window.confirmation.ahead.text() == "1 person ahead of you"
    assert "Estimated wait: about" in window.confirmation.wait.text()


def test_switching_language_keeps_the_citizen_on_the_same_screen(
    qtbot: QtBot, window: KioskWindow
) -> None:
    window.welcome.language_buttons["es"].click()
    window.services.cards["birth-certificate"].click()
    assert window.priority.title.text().startswith("¿Necesita")

    window.header.language_buttons["en"].click()

    assert window.current is window.priority
    assert window.priority.title.text() == "Do you need extra help or priority service?"
    assert window.priority.service.text() == "Get a birth certificate"
    assert window.session.service_id == "birth-certificate"
    assert "Empezar de nuevo" not in visible_texts(window)


def test_confirmation_returns_to_welcome_on_its_own(qtbot: QtBot, window: KioskWindow) -> None:
    take_ticket(qtbot, window, "en", "id-card", priority=False)
    with qtbot.waitSignal(window.was_reset, timeout=5_000):
        pass
    assert window.current is window.welcome


def test_a_double_tap_issues_one_ticket(qtbot: QtBot, window: KioskWindow) -> None:
    window.welcome.language_buttons["en"].click()
    window.services.cards["id-card"].click()
    with qtbot.waitSignal(window.ticket_shown, timeout=10_000):
        window.priority.no_button.click()
        window.priority.no_button.click()  # second tap lands on a disabled screen
    window.worker.wait_idle()
    with Session(window.station.engine) as session:
        assert len(session.scalars(select(Ticket)).all()) == 1


def test_without_the_priority_question_a_service_tap_gives_the_ticket(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    window = make_window(load_config(write_config(tmp_path, kiosk={"ask_priority": False})))
    window.welcome.language_buttons["en"].click()
    with qtbot.waitSignal(window.ticket_shown, timeout=10_000):
        window.services.cards["pay-water-bill"].click()
    assert window.confirmation.number.text() == "L001"

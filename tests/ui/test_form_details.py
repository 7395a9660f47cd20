"""What else a citizen meets in the wizard: a scanner, a change of language, leaving
the form, a store that refuses the form and a printer that cannot print."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.config import load_config
from kiosk.i18n import Translator
from kiosk.submissions import stored_answers
from offline_cache.models import Submission
from tests.helpers.sample_answers import license_renewal, street_problem
from tests.ui.conftest import unwritable_spool_config, write_config
from tests.ui.flow import choose_service, visible_texts
from tests.ui.form_steps import LEFT, fill_page, press_continue, type_into, walk
from ui.window import KioskWindow

pytestmark = pytest.mark.gui


def start(qtbot: QtBot, window: KioskWindow, lang: str, service_id: str) -> None:
    choose_service(qtbot, window, lang, service_id)
    if window.current is window.priority:
        qtbot.mouseClick(window.priority.no_button, LEFT)
    assert window.current is window.forms.page


def test_a_scanned_licence_fills_the_id_field_wherever_the_finger_was(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Path
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    start(qtbot, window, "en", "license-renewal")
    page = window.forms.page
    day = page.editor("license_expiry").text_inputs()[0]
    now = [0.0]

    def clock() -> float:  # each key read 5 ms after the one before
        now[0] += 0.005
        return now[0]

    window.forms.scanner.clock = clock
    type_into(qtbot, day, "2")  # the citizen had started on the expiry date
    now[0] += 2.0  # ...and looked for their licence

    with qtbot.waitSignal(window.forms.scanner.scanned, timeout=2000):  # ends on a timer
        qtbot.keyClicks(day, "D1234567")  # the scanner "types" into the focused box...
        qtbot.keyClick(day, Qt.Key.Key_Return)  # ...and ends with Enter

    assert page.editor("license_number").raw() == "D1234567"
    assert day.text() == "2"  # the day box keeps what the citizen typed
    assert window.session.form is not None
    assert window.session.form.raw("license_number") == "D1234567"
    assert window.current is page and not page.summary.isVisible()  # Enter did not submit


def test_switching_language_mid_form_keeps_the_answers_and_translates_the_errors(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Path
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    start(qtbot, window, "en", "report-pothole")
    walk(qtbot, window, street_problem(dt.date.today()), until="location_address")
    page = window.forms.page
    fill_page(qtbot, window, {"street_address": "Main St"})
    press_continue(qtbot, window)
    assert page.summary.entries[0].text().startswith("Start with the building number")

    qtbot.mouseClick(window.header.language_buttons["es"], LEFT)

    assert window.current is page
    assert page.editor("street_address").raw() == "Main St"
    message = "Empiece con el número del edificio y luego la calle, como 1200 Main St"
    assert page.editor("street_address").error.text() == message
    assert [entry.text() for entry in page.summary.entries] == [message]
    assert page.next_button.text().startswith("Continuar")
    assert window.session.form is not None and window.session.form.language == "es"


def test_back_on_the_first_page_returns_to_the_services_and_forgets_the_answers(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Path
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    start(qtbot, window, "en", "license-renewal")
    fill_page(qtbot, window, {"license_number": "D7654321"})

    qtbot.mouseClick(window.forms.page.back_button, LEFT)

    assert window.current is window.services
    assert window.session.form is None
    assert all("D7654321" not in t for t in visible_texts(window))
    start(qtbot, window, "en", "license-renewal")  # a fresh form, nothing carried over
    assert window.forms.page.editor("license_number").raw() == ""


def test_a_store_that_refuses_the_form_keeps_every_answer_and_says_so(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Path
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    start(qtbot, window, "es", "report-pothole")
    walk(qtbot, window, street_problem(dt.date.today()))
    review = window.forms.review
    assert window.station is not None
    with window.station.engine.begin() as conn:  # the store breaks behind the kiosk's back
        conn.execute(text("DROP TABLE delivery_attempts"))  # (it refers to the outbox)
        conn.execute(text("DROP TABLE outbox"))

    with qtbot.waitSignal(window.form_submitted, timeout=15_000) as blocker:
        qtbot.mouseClick(review.submit_button, LEFT)

    assert blocker.args == [None]
    assert window.current is review
    assert review.status.text() == Translator("es")("wizard.submit_failed")
    assert review.submit_button.isEnabled()  # they may try again
    assert window.session.form is not None and window.session.form.is_complete
    assert "1200 Main St" in visible_texts(window)
    with Session(window.station.engine) as session:
        assert session.scalars(select(Submission)).all() == []


def test_a_printer_fault_keeps_the_reference_on_screen_and_the_form_stored(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Path
) -> None:
    window = make_window(unwritable_spool_config(tmp_path))
    start(qtbot, window, "en", "license-renewal")
    walk(qtbot, window, license_renewal(dt.date.today()))

    with qtbot.waitSignal(window.form_submitted, timeout=15_000) as blocker:
        qtbot.mouseClick(window.forms.review.submit_button, LEFT)

    outcome = blocker.args[0]
    assert outcome is not None and not outcome.receipt.printed
    done = window.forms.submitted
    assert done.reference.text() == outcome.reference
    assert done.receipt_status.text() == Translator("en")("wizard.receipt_failed")
    assert done.ticket_status.text() == Translator("en")("confirm.print_failed")
    assert not done.counting_down  # their only record stays until they are done with it
    assert window.station is not None
    with Session(window.station.engine) as session:
        stored = session.scalars(select(Submission)).one()
    assert stored.reference == outcome.reference
    assert stored_answers(stored, window.station.cipher)["license_number"] == "D1234567"


def every_text(window: KioskWindow) -> list[str]:
    """Every string held by any label, button or box of the window, shown or hidden."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit

    texts = [w.text() for w in window.findChildren(QLabel) + window.findChildren(QLineEdit)]
    texts += [w.text() for w in window.findChildren(QAbstractButton)]
    texts += [w.toPlainText() for w in window.findChildren(QPlainTextEdit)]
    texts += [w.accessibleName() for w in window.findChildren(QAbstractButton)]
    return [t for t in texts if t]


def test_leaving_a_reviewed_form_leaves_no_answer_in_any_widget_and_a_later_scan_goes_nowhere(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Path
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    start(qtbot, window, "en", "license-renewal")
    walk(qtbot, window, license_renewal(dt.date.today()))
    assert window.current is window.forms.review
    assert any("Núñez" in text for text in every_text(window))

    qtbot.mouseClick(window.header.start_over_button, LEFT)

    leftovers = [t for t in every_text(window) if any(a in t for a in ("Núñez", "D1234567"))]
    assert leftovers == []
    window.welcome.setFocus()
    qtbot.keyClicks(window.welcome, "D7777777")  # a scanner fired at the welcome screen
    qtbot.keyClick(window.welcome, Qt.Key.Key_Return)
    start(qtbot, window, "en", "license-renewal")  # nothing of it reached the next form
    assert window.forms.page.editor("license_number").raw() == ""


def test_an_answer_emptied_while_changing_it_is_asked_again_instead_of_failing_to_save(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Path
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    start(qtbot, window, "en", "report-pothole")
    walk(qtbot, window, street_problem(dt.date.today()))
    review, page = window.forms.review, window.forms.page
    qtbot.mouseClick(review.change_buttons["street_address"], LEFT)
    fill_page(qtbot, window, {"street_address": ""})
    qtbot.mouseClick(page.back_button, LEFT)  # back to the review without Continue
    assert window.current is review

    qtbot.mouseClick(review.submit_button, LEFT)

    assert window.current is page
    assert page.editor("street_address").error.text() == Translator("en")("forms.error.required")
    assert page.summary.isVisible()
    assert window.station is not None
    with Session(window.station.engine) as session:
        assert session.scalars(select(Submission)).all() == []


def test_a_store_fault_writes_no_answer_to_the_log(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    start(qtbot, window, "en", "license-renewal")
    walk(qtbot, window, license_renewal(dt.date.today()))
    assert window.station is not None
    with window.station.engine.begin() as conn:  # the insert itself fails, quoting its row
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON submissions "
                "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
            )
        )

    with qtbot.waitSignal(window.form_submitted, timeout=15_000) as blocker:
        qtbot.mouseClick(window.forms.review.submit_button, LEFT)

    assert blocker.args == [None]
    assert "could not be stored" in caplog.text
    for personal in ("D1234567", "Lucía", "Núñez", "1980-02-03", "Oak Ave", "555"):
        assert personal not in caplog.text


def test_report_a_streetlight_starts_with_streetlight_chosen_and_the_citizen_may_change_it(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], tmp_path: Path
) -> None:
    window = make_window(load_config(write_config(tmp_path)))
    start(qtbot, window, "es", "report-streetlight")
    page = window.forms.page
    choice = page.editor("problem_type")

    assert choice.raw() == "streetlight"  # the service said so: shown already chosen
    assert choice.option("streetlight").isChecked()
    press_continue(qtbot, window)
    form = window.session.form
    assert form is not None and form.current_page is not None
    assert form.current_page.id == "streetlight_pole"  # on with the streetlight questions

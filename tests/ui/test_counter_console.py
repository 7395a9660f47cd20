"""A clerk's day at the counter console, on a real station (SQLite file, the sample pack).

Each test reads like what the clerk does and sees; every action is then
checked in the store: the ticket's state and the staff audit line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.station import Station
from offline_cache.models import StaffAudit, Ticket
from tests.ui.counter_steps import (
    CLERK,
    CLERK_NAME,
    LICENSE,
    StationClock,
    clock_fixture,  # noqa: F401 (the clock fixture)
    confirm,
    counter_config,
    make_console_fixture,  # noqa: F401 (the make_console fixture)
    number_on_screen,
    press,
    refresh,
    sign_in,
    submit_license_form,
    visible_texts,
    waiting_labels,
)

pytestmark = pytest.mark.gui


def audit_actions(station: Station, ticket_label: str | None = None) -> list[str]:
    with Session(station.engine) as session:
        query = select(StaffAudit).order_by(StaffAudit.id)
        if ticket_label is not None:
            query = query.where(StaffAudit.ticket_label == ticket_label)
        return [row.action for row in session.scalars(query)]


def stored(station: Station, label: str) -> Ticket:
    with Session(station.engine) as session:
        ticket = session.scalars(select(Ticket).where(Ticket.label == label)).one()
        session.expunge(ticket)
        return ticket


def enabled(window: Any) -> set[str]:
    return {name for name, b in window.console.buttons.items() if b.isEnabled()}


def test_wrong_pin_is_refused_next_to_the_pin_and_only_the_pin_is_cleared(
    qtbot: QtBot, make_console, tmp_path
) -> None:
    window, _ = make_console(counter_config(tmp_path))
    screen = window.sign_in
    screen.service_boxes["license-renewal"].setChecked(False)

    sign_in(qtbot, window, pin="000000")

    assert window.current is screen
    assert screen.errors["pin"].text() == (
        "Staff id or PIN not recognised. 4 more tries before this account is locked."
    )
    assert screen.pin.text() == ""
    assert screen.staff_id.text() == CLERK
    assert screen.counter.text() == "3"
    assert not screen.service_boxes["license-renewal"].isChecked()
    assert screen.service_boxes["vehicle-registration"].isChecked()
    assert window.desk is None


def test_five_wrong_pins_lock_the_account_even_against_the_right_pin(
    qtbot: QtBot, make_console, tmp_path
) -> None:
    window, station = make_console(counter_config(tmp_path))
    for _ in range(5):
        sign_in(qtbot, window, pin="000000")

    locked = "Too many wrong PINs: this account is locked for 15 more minutes."
    assert window.sign_in.errors["pin"].text().startswith(locked)

    sign_in(qtbot, window)  # the right PIN now

    assert window.current is window.sign_in
    assert window.sign_in.errors["pin"].text().startswith(locked)
    assert audit_actions(station)[1:] == [*["sign_in_failed"] * 4, "lockout", "sign_in_locked"]


def test_a_locked_account_is_told_so_and_refused_with_the_right_pin(
    qtbot: QtBot, make_console, tmp_path, clock: StationClock
) -> None:
    from sqlalchemy import update

    from offline_cache.models import Staff

    window, station = make_console(counter_config(tmp_path))
    with station.transaction() as session:  # as five wrong PINs leave it
        until = clock.now + dt.timedelta(minutes=15)
        session.execute(update(Staff).where(Staff.id == CLERK).values(locked_until=until))

    sign_in(qtbot, window)

    assert window.current is window.sign_in
    assert window.sign_in.errors["pin"].text() == (
        "Too many wrong PINs: this account is locked for 15 more minutes. "
        "A technician can reset the PIN."
    )
    assert window.sign_in.staff_id.text() == CLERK


def test_sign_in_asks_for_what_is_missing_before_asking_the_store(
    qtbot: QtBot, make_console, tmp_path
) -> None:
    window, station = make_console(counter_config(tmp_path))
    screen = window.sign_in
    screen.counter.setText("")
    for box in screen.service_boxes.values():
        box.setChecked(False)
    screen.submit_button.click()

    assert screen.errors["staff_id"].text() == "Enter your staff id."
    assert screen.errors["pin"].text() == "Enter your PIN."
    assert screen.errors["counter"].text().startswith("Enter the counter number")
    assert screen.errors["services"].text() == "Choose at least one service."
    assert "sign_in_failed" not in audit_actions(station)


def test_clerk_calls_recalls_until_no_show_then_serves_and_completes(
    qtbot: QtBot, make_console, tmp_path, clock: StationClock
) -> None:
    window, station = make_console(counter_config(tmp_path, max_recalls=1))
    station.issue_ticket("vehicle-registration", "en")
    clock.advance(1)
    station.issue_ticket("license-renewal", "en")
    sign_in(qtbot, window)
    assert window.current is window.console
    assert window.header.who.text() == f"Counter 3 · {CLERK_NAME}"
    assert waiting_labels(window) == ["B001", "A001"]
    assert enabled(window) == {"call_next", "call_number"}

    assert press(qtbot, window, "call_next") == "Calling B001 to counter 3."
    assert number_on_screen(window) == "B001"
    assert window.console.ticket.service.text() == "Register a vehicle"
    assert waiting_labels(window) == ["A001"]
    assert enabled(window) == {"recall", "no_show", "start_serving", "complete", "transfer", "park"}

    assert press(qtbot, window, "recall") == "B001 called again (1 of 1)."
    assert window.console.ticket.recalls.text() == "Recalled 1 of 1 times"
    assert window.console.ticket.warning.text() == "The next recall marks a no-show."
    assert press(qtbot, window, "recall") == (
        "B001 did not come after 1 recalls: marked as a no-show."
    )
    assert number_on_screen(window) == ""
    assert stored(station, "B001").state == "no_show"

    press(qtbot, window, "call_next")
    assert number_on_screen(window) == "A001"
    assert press(qtbot, window, "start_serving") == "Serving A001."
    assert window.console.ticket.state.text() == "Being served"
    assert enabled(window) == {"complete", "transfer", "park"}

    window.console.buttons["complete"].click()
    form = window.console.complete_form
    assert form.title.text() == "Complete A001"
    form.outcome.setCurrentText("Needs more documents")
    assert confirm(qtbot, window, form.submit_button.click) == (
        "A001 completed: Needs more documents."
    )
    assert stored(station, "A001").outcome == "Needs more documents"
    assert stored(station, "A001").state == "done"
    assert number_on_screen(window) == ""
    assert audit_actions(station, "B001") == ["call", "recall", "no_show"]
    assert audit_actions(station, "A001") == ["call", "serve", "complete"]


def test_no_show_after_a_call_is_audited(qtbot: QtBot, make_console, tmp_path) -> None:
    window, station = make_console(counter_config(tmp_path))
    station.issue_ticket("id-card", "en")
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")

    assert press(qtbot, window, "no_show") == "C001 marked as a no-show."

    assert stored(station, "C001").state == "no_show"
    assert audit_actions(station, "C001") == ["call", "no_show"]


def test_call_next_with_nobody_waiting_says_so(qtbot: QtBot, make_console, tmp_path) -> None:
    window, _ = make_console(counter_config(tmp_path))
    sign_in(qtbot, window)
    assert window.console.waiting.empty.text() == (
        "Nobody is waiting for the services this counter handles."
    )

    message = press(qtbot, window, "call_next")

    assert message == "Nobody is waiting for this counter right now."
    assert window.console.message.property("role") == "info"
    assert number_on_screen(window) == ""


def test_calling_a_number_out_of_turn_and_a_number_that_does_not_exist(
    qtbot: QtBot, make_console, tmp_path
) -> None:
    window, station = make_console(counter_config(tmp_path))
    for _ in range(3):
        station.issue_ticket("license-renewal", "en")
    sign_in(qtbot, window)
    window.console.buttons["call_number"].click()
    form = window.console.call_form

    form.number.setText("a099")
    message = confirm(qtbot, window, form.submit_button.click)

    assert message == "No ticket A099 today. Check the number on the ticket."
    assert window.console.message.property("role") == "error"
    form.number.setText("a003")
    assert confirm(qtbot, window, form.submit_button.click) == "Calling A003 to counter 3."
    assert number_on_screen(window) == "A003"
    assert waiting_labels(window) == ["A001", "A002"]
    assert window.console.actions_stack.currentIndex() == 0  # the buttons are back
    assert audit_actions(station, "A003") == ["call"]


def test_transfer_sends_the_ticket_to_another_service_keeping_its_place(
    qtbot: QtBot, make_console, tmp_path, clock: StationClock
) -> None:
    config = counter_config(tmp_path, services=["license-renewal"])
    window, station = make_console(config)
    station.issue_ticket("license-renewal", "en")
    clock.advance(5)
    station.issue_ticket("vehicle-registration", "en")  # issued after A001
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")

    window.console.buttons["transfer"].click()
    form = window.console.transfer_form
    form.choose_service("vehicle-registration")
    message = confirm(qtbot, window, form.submit_button.click)

    assert message == "A001 sent to Register a vehicle; it keeps its place in line."
    assert number_on_screen(window) == ""
    assert waiting_labels(window) == []  # this counter does not handle vehicles
    other, _ = make_console(config, station=station)
    other.sign_in.counter.setText("5")
    for service_id, box in other.sign_in.service_boxes.items():
        box.setChecked(service_id == "vehicle-registration")
    sign_in(qtbot, other)
    assert waiting_labels(other) == ["A001", "B001"]  # before B001, as it arrived first
    assert other.console.waiting.rows[0].badges.count() >= 2  # Next, Transferred
    assert stored(station, "A001").queue_service_id == "vehicle-registration"
    assert audit_actions(station, "A001") == ["call", "transfer"]


def test_transfer_asks_where_before_sending(qtbot: QtBot, make_console, tmp_path) -> None:
    window, station = make_console(counter_config(tmp_path))
    station.issue_ticket("license-renewal", "en")
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")
    window.console.buttons["transfer"].click()
    form = window.console.transfer_form

    form.submit_button.click()

    assert form.problem.text() == "Choose another service or type a counter number."
    form.counter.setText("3")
    assert confirm(qtbot, window, form.submit_button.click) == (
        "That is this counter. Choose another counter."
    )
    form.counter.setText("7")
    assert confirm(qtbot, window, form.submit_button.click) == "A001 sent to counter 7."
    assert stored(station, "A001").target_counter == "7"


def test_park_then_resume_brings_the_visitor_back(qtbot: QtBot, make_console, tmp_path) -> None:
    window, station = make_console(counter_config(tmp_path))
    station.issue_ticket("license-renewal", "en")
    station.issue_ticket("license-renewal", "en")
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")

    assert press(qtbot, window, "park") == "A001 parked. Resume it when the visitor is back."
    assert window.console.waiting.parked.text() == "Parked here: A001"
    assert "resume" in enabled(window)
    press(qtbot, window, "call_next")
    assert "resume" not in enabled(window)  # A002 is at the counter
    window.console.buttons["complete"].click()  # the outcomes, "Done" first
    confirm(qtbot, window, window.console.complete_form.submit_button.click)

    window.console.buttons["resume"].click()
    choice = window.console.resume_form.buttons["A001"]
    assert choice.text() == "A001 · Renew a driver's license"
    assert confirm(qtbot, window, choice.click) == "A001 called back to counter 3."

    assert number_on_screen(window) == "A001"
    assert not window.console.waiting.parked.isVisible()
    assert audit_actions(station, "A001") == ["call", "park", "resume"]


def test_waiting_list_warns_in_colour_and_words_past_the_threshold(
    qtbot: QtBot, make_console, tmp_path, clock: StationClock
) -> None:
    window, station = make_console(counter_config(tmp_path, wait_warning_minutes=15))
    station.issue_ticket("license-renewal", "en")
    clock.advance(10)
    station.issue_ticket("id-card", "en", priority=True)
    sign_in(qtbot, window)
    assert [row.warn for row in window.console.waiting.rows] == [False, False]

    clock.advance(8)  # A001 has waited 18 minutes, C001 8
    refresh(qtbot, window)

    first, second = window.console.waiting.rows
    assert (first.ticket.label, first.warn, first.minutes) == ("C001", False, 8)  # priority
    assert (second.ticket.label, second.warn, second.minutes) == ("A001", True, 18)
    assert second.property("warn") is True
    assert second.minutes_label.text() == "⚠ 18 min"
    badges = [second.badges.itemAt(i).widget().text() for i in range(second.badges.count())]
    assert "Waiting too long" in badges
    assert first.minutes_label.text() == "8 min"


def test_linked_form_shows_personal_answers_after_sign_in_and_nothing_after_sign_out(
    qtbot: QtBot, make_console, tmp_path
) -> None:
    window, station = make_console(counter_config(tmp_path))
    outcome = submit_license_form(station)
    assert outcome.ticket is not None
    sign_in(qtbot, window)

    press(qtbot, window, "call_next")

    panel = window.console.form
    shown = {label: (value, personal) for label, value, personal in panel.values()}
    assert shown["Driver's license number"] == ("D7654321", True)
    assert shown["Last name"] == (LICENSE["last_name"], True)
    assert shown["Date of birth"] == ("February 3, 1961", True)
    assert shown["Do you need glasses or contact lenses to drive?"] == ("Yes", False)
    assert outcome.reference in panel.meta.text()
    assert "Ruiz Herrera" in visible_texts(window)

    window.header.sign_out_button.click()

    assert window.current is window.sign_in
    texts = " ".join(visible_texts(window))
    for private in ("Ruiz Herrera", "D7654321", "February 3, 1961", outcome.reference, "A001"):
        assert private not in texts
    assert panel.values() == []
    qtbot.waitUntil(lambda: audit_actions(station)[-1] == "sign_out", timeout=10_000)
    assert window.sign_in.status.text() == "Signed out. The next clerk can sign in."


def test_a_console_left_alone_signs_out_and_the_visitors_form_leaves_the_screen(
    qtbot: QtBot, make_console, tmp_path
) -> None:
    # One "second" of the idle clock is 10 ms here: a minute is 0.6 s.
    config = counter_config(tmp_path, sign_out_idle_minutes=1)
    window, station = make_console(config, tick_ms=10)
    outcome = submit_license_form(station)
    sign_in(qtbot, window)
    press(qtbot, window, "call_next")
    assert "Ruiz Herrera" in visible_texts(window)

    qtbot.waitUntil(lambda: window.current is window.sign_in, timeout=10_000)

    texts = " ".join(visible_texts(window))
    for private in ("Ruiz Herrera", "D7654321", outcome.reference):
        assert private not in texts
    assert window.sign_in.status.text() == "Signed out after 1 minute without use."
    qtbot.waitUntil(lambda: audit_actions(station)[-1] == "sign_out", timeout=10_000)


def test_a_console_in_use_stays_signed_in(qtbot: QtBot, make_console, tmp_path) -> None:
    # A "minute" is 1.2 s here; the clerk clicks every 0.1 s for two of them.
    config = counter_config(tmp_path, sign_out_idle_minutes=1)
    window, _station = make_console(config, tick_ms=20)
    sign_in(qtbot, window)
    for _ in range(24):
        qtbot.mouseClick(window.console, Qt.MouseButton.LeftButton)
        qtbot.wait(100)
        assert window.current is window.console


def test_a_ticket_without_a_form_says_so(qtbot: QtBot, make_console, tmp_path) -> None:
    window, station = make_console(counter_config(tmp_path))
    station.issue_ticket("vehicle-registration", "en")
    sign_in(qtbot, window)
    assert window.console.form.empty.text().startswith("When you call a visitor")

    press(qtbot, window, "call_next")

    assert window.console.form.empty.text() == "B001 did not fill in a form at the kiosk."


def test_a_counter_that_cannot_open_its_store_says_so_and_keeps_trying(
    qtbot: QtBot, qapp: Any, tmp_path
) -> None:
    from kiosk.config import load_config
    from tests.ui.conftest import write_config
    from ui.counter.app import open_counter_station
    from ui.counter.window import CounterWindow

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    url = f"sqlite:///{blocker}/store.db"
    config = load_config(write_config(tmp_path, station={"role": "counter"}, store={"url": url}))
    window = CounterWindow(config)
    qtbot.addWidget(window)
    window.show()

    open_counter_station(window, retry_ms=3_600_000)

    qtbot.waitUntil(lambda: window.starting.detail.isVisible(), timeout=10_000)
    assert window.starting.detail.text() == (
        "The counter cannot open the store right now. It tries again every 3600 seconds; "
        "tell a technician if this stays."
    )
    assert window.station is None
    window.worker.wait_idle()

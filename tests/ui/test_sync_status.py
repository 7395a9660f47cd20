"""Sending forms to an agency that is down, then back; the technician's list of what
did not go. A real station (SQLite), the real screens, the reference agency over
loopback HTTP, and the outbox worker the kiosk starts itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.agency_sim import AgencySim
from kiosk.i18n import Translator
from offline_cache.models import OutboxEntry, Submission, SyncAudit
from tests.ui.form_steps import LEFT, keys_for
from tests.ui.sync_steps import (
    TOKEN,
    dmv_agency_config,
    free_port,
    open_technician,
    pill_text,
    renew_license,
)
from ui.window import KioskWindow

pytestmark = pytest.mark.gui
EN = Translator("en")
SLOW = 30_000  # ms: the worker retries with backoff and looks for the agency every 2 s


@pytest.fixture
def agencies() -> Iterator[Callable[..., AgencySim]]:
    """Start reference agencies; all stopped at the end."""
    started: list[AgencySim] = []

    def start(port: int, token: str = TOKEN) -> AgencySim:
        sim = AgencySim(token=token).start(port)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


def store(window: KioskWindow) -> Session:
    assert window.station is not None
    return Session(window.station.engine)


def test_citizens_keep_submitting_while_the_agency_is_down_and_it_gets_each_once_when_back(
    qtbot: QtBot, make_window, tmp_path: Path, agencies: Callable[..., AgencySim]
) -> None:
    port = free_port()  # the agency's address; nothing answers there yet
    window = make_window(dmv_agency_config(tmp_path, port))
    qtbot.waitUntil(lambda: pill_text(window) == "Synced", timeout=SLOW)
    assert window.sync_mode is not None and window.sync_mode.welcome_pill.isVisibleTo(window)

    sent = [renew_license(qtbot, window, lang) for lang in ("en", "es", "en")]

    assert len({reference for _, reference in sent}) == 3
    qtbot.waitUntil(lambda: pill_text(window) == "Offline · 3 waiting", timeout=SLOW)
    assert window.sync_mode.welcome_pill.tone == "offline"
    # In a citizen's language on every other screen, in the header.
    window.welcome.language_buttons["es"].click()
    header_pill = window.sync_mode.header_pill
    assert header_pill.isVisibleTo(window)
    assert header_pill.text.text() == "Sin conexión · 3 en espera"
    window.header.start_over_button.click()

    agency = agencies(port)  # the agency is back, at the same address
    qtbot.waitUntil(lambda: pill_text(window) == "Synced", timeout=SLOW)
    assert window.sync_mode.welcome_pill.tone == "synced"

    assert sorted(agency.stored) == sorted(submission_id for submission_id, _ in sent)
    assert [stored.times_sent for stored in agency.stored.values()] == [1, 1, 1]
    assert sorted(s.body["reference"] for s in agency.stored.values()) == sorted(
        reference for _, reference in sent
    )
    with store(window) as session:
        states = session.scalars(select(OutboxEntry.state)).all()
    assert states == ["delivered"] * 3


def test_technician_retries_a_refused_submission_after_the_fix_and_discards_one_with_a_reason(
    qtbot: QtBot, make_window, tmp_path: Path, agencies: Callable[..., AgencySim]
) -> None:
    port = free_port()
    agency = agencies(port, token="the-agency-expects-another-token")
    window = make_window(dmv_agency_config(tmp_path, port))
    (first_id, first), (_, second) = (renew_license(qtbot, window) for _ in range(2))
    qtbot.waitUntil(lambda: pill_text(window) == "2 need a technician", timeout=SLOW)
    assert window.sync_mode is not None and window.sync_mode.welcome_pill.tone == "attention"
    assert agency.stored == {}

    open_technician(window)
    tech = window.technician
    assert tech.sync.text() == "Sending to the agencies: 2 need a technician"
    qtbot.mouseClick(tech.sync_button, LEFT)
    listing = window.sync_mode.listing
    assert window.current is listing
    qtbot.waitUntil(lambda: set(listing.rows) == {first, second}, timeout=SLOW)
    row = listing.rows[first]
    assert row.state.text() == EN("tech_sync.state_dead")
    assert row.error.text() == "Last answer: 401: wrong or missing token"
    assert row.error.isVisibleTo(window)
    assert row.retry_button.isVisibleTo(window) and row.discard_button.isVisibleTo(window)
    assert not row.confirm_button.isVisibleTo(window)  # only for an uncertain one

    agency.token = TOKEN  # fixed: the agency now accepts the station's token
    qtbot.mouseClick(row.retry_button, LEFT)
    qtbot.waitUntil(lambda: first_id in agency.stored, timeout=SLOW)
    qtbot.waitUntil(lambda: set(listing.rows) == {second}, timeout=SLOW)
    assert listing.message.text() == f"{first} will be sent again now."

    # Discard asks why; the button waits for a reason.
    qtbot.mouseClick(listing.rows[second].discard_button, LEFT)
    ask = window.sync_mode.ask
    assert window.current is ask
    assert ask.title.text() == f"Discard {second}?"
    assert not ask.ok_button.isEnabled()
    qtbot.mouseClick(ask.reason_buttons["duplicate"], LEFT)
    assert ask.field.text() == "Duplicate of another submission"
    assert ask.ok_button.isEnabled()
    # The technician types their own reason instead, on the kiosk's keyboard.
    qtbot.mouseClick(ask.field, LEFT)
    assert ask.keyboard.isVisibleTo(window) and ask.keyboard.target is ask.field
    assert ask.field.hasFocus()  # the keys type here, and the box shows it
    ask.field.clear()
    assert not ask.ok_button.isEnabled()
    for key in keys_for("Citizen came back with a new report"):
        qtbot.mouseClick(ask.keyboard.key(key), LEFT)
    assert ask.field.text() == "Citizen came back with a new report"
    qtbot.mouseClick(ask.ok_button, LEFT)

    assert window.current is listing
    qtbot.waitUntil(lambda: listing.rows == {} and listing.empty.isVisibleTo(window), timeout=SLOW)
    assert listing.message.text() == f"{second} was discarded."
    assert listing.empty.text() == EN("tech_sync.empty")
    qtbot.waitUntil(lambda: pill_text(window) == "Synced", timeout=SLOW)
    assert list(agency.stored) == [first_id]
    with store(window) as session:
        audit = session.execute(select(SyncAudit.reference, SyncAudit.action, SyncAudit.actor))
        assert sorted(audit) == sorted(
            [(first, "retry", "technician"), (second, "discard", "technician")]
        )
        note = session.scalar(select(SyncAudit.note).where(SyncAudit.action == "discard"))
    assert note == "Citizen came back with a new report"

    qtbot.mouseClick(listing.back_button, LEFT)
    assert window.current is window.technician


def test_technician_records_that_the_agency_has_an_uncertain_submission(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    """The station stopped while sending to an agency that cannot tell a resend (or an
    Open311 server gave no answer): the technician checks with the agency, then says so."""
    window = make_window(dmv_agency_config(tmp_path, free_port()))
    _, reference = renew_license(qtbot, window)
    assert window.station is not None
    window.station.sync.stop()  # the worker is gone; what it left is what counts
    with window.station.transaction() as session:
        session.execute(
            update(OutboxEntry).values(
                state="uncertain",
                last_error="the station stopped while sending; the agency may have it",
            )
        )
    window.sync_mode.poll()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: pill_text(window) == "1 needs a technician", timeout=SLOW)

    open_technician(window)
    qtbot.mouseClick(window.technician.sync_button, LEFT)
    listing = window.sync_mode.listing  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: reference in listing.rows, timeout=SLOW)
    row = listing.rows[reference]
    assert row.state.text() == (
        "Uncertain: the agency may have it — check with them before sending again"
    )
    assert row.confirm_button.isVisibleTo(window)
    # Sending it again could file it twice: the first tap only asks.
    qtbot.mouseClick(row.retry_button, LEFT)
    assert row.retry_button.text() == "Tap again: they do not have it"
    with store(window) as session:
        assert session.scalars(select(OutboxEntry.state)).all() == ["uncertain"]

    qtbot.mouseClick(row.confirm_button, LEFT)
    ask = window.sync_mode.ask  # type: ignore[union-attr]
    assert ask.title.text() == f"The agency has {reference}"
    assert ask.ok_button.isEnabled()  # their number is optional
    assert not any(button.isVisibleTo(window) for button in ask.reason_buttons.values())
    ask.field.setText("CITY-2231")
    qtbot.mouseClick(ask.ok_button, LEFT)
    qtbot.waitUntil(lambda: listing.rows == {} and listing.loaded, timeout=SLOW)
    assert listing.message.text() == f"{reference} is marked as delivered."
    with store(window) as session:
        entry = session.execute(
            select(OutboxEntry.state, OutboxEntry.confirmation).join(
                Submission, Submission.id == OutboxEntry.submission_id
            )
        ).one()
    assert tuple(entry) == ("delivered", "CITY-2231")
    qtbot.waitUntil(lambda: pill_text(window) == "Synced", timeout=SLOW)


def test_an_action_the_store_refuses_is_explained_on_the_list(
    qtbot: QtBot, make_window, tmp_path: Path
) -> None:
    """Two technicians (or the command line) act on one submission: the second is told why."""
    window = make_window(dmv_agency_config(tmp_path, free_port()))
    _, reference = renew_license(qtbot, window)
    open_technician(window)
    qtbot.mouseClick(window.technician.sync_button, LEFT)
    listing = window.sync_mode.listing  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: reference in listing.rows, timeout=SLOW)
    assert window.station is not None
    window.station.sync.discard(reference, "kiosk sync", "sent by mail")  # meanwhile, elsewhere

    qtbot.mouseClick(listing.rows[reference].retry_button, LEFT)
    qtbot.waitUntil(lambda: listing.message.text().startswith("That did not work"), timeout=SLOW)
    assert "discarded" in listing.message.text()
    qtbot.waitUntil(lambda: listing.rows == {}, timeout=SLOW)

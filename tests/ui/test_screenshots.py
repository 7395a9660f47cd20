"""Every kiosk screen in both languages, rendered to PNG and checked for clipping.

`make screenshots` writes them to docs/screenshots/ (shown in the README);
in the normal test run they go to a temporary folder, so the check still runs
without touching the working tree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.config import load_config
from tests.helpers.pdf import decode_qr, render_page
from tests.ui.conftest import unwritable_spool_config, write_config
from tests.ui.flow import take_ticket
from ui.window import KioskWindow

pytestmark = pytest.mark.gui
FIXED_NOW = dt.datetime(2026, 11, 30, 15, 41, tzinfo=dt.UTC)  # 09:41 in Chicago


def clipped_texts(window: KioskWindow) -> list[str]:
    """Visible labels and buttons whose text needs more room than they were given."""
    problems = []
    for widget in window.findChildren(QLabel):
        if not widget.isVisibleTo(window) or not widget.text():
            continue
        if widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + 1:
                problems.append(f"{widget.objectName()}: {widget.text()!r} (height)")
        elif widget.sizeHint().width() > widget.width() + 1:
            problems.append(f"{widget.objectName()}: {widget.text()!r} (width)")
    for button in window.findChildren(QPushButton):
        if (
            button.isVisibleTo(window)
            and button.text()
            and (
                button.fontMetrics().horizontalAdvance(button.text())
                > button.contentsRect().width()
            )
        ):
            problems.append(f"button {button.text()!r}")
    return problems


def snap(
    window: KioskWindow, folder: Path, name: str, size: tuple[int, int] = (1920, 1080)
) -> Path:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    assert (window.size().width(), window.size().height()) == size, (
        f"{name}: the window grew to {window.size()} to fit its content"
    )
    path = folder / f"{name}.png"
    assert window.grab().save(str(path))
    assert clipped_texts(window) == [], f"{name}: clipped text"
    assert path.stat().st_size > 10_000
    return path


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_kiosk_screen_renders_unclipped_at_1080p(
    qtbot: QtBot, make_window, tmp_path: Path, shots: Path, lang: str
) -> None:
    window = make_window(load_config(write_config(tmp_path)), clock=lambda: FIXED_NOW)
    if lang == "en":
        snap(window, shots, "welcome")
    window.welcome.language_buttons[lang].click()
    snap(window, shots, f"services-{lang}")
    window.services.cards["license-renewal"].click()
    snap(window, shots, f"priority-{lang}")
    window.watchdog.expired.emit()
    snap(window, shots, f"idle-warning-{lang}")
    window.idle_warning.continue_button.click()
    window.header.start_over_button.click()

    outcome = take_ticket(qtbot, window, lang, "vehicle-registration", priority=True)
    snap(window, shots, f"confirmation-{lang}")

    assert outcome.printed_to is not None
    page = render_page(outcome.printed_to, dpi=203)
    page.save(shots / f"ticket-{lang}.png")
    assert decode_qr(page) == [outcome.ticket.id]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_print_fault_screen_renders_unclipped(
    qtbot: QtBot, make_window, tmp_path: Path, shots: Path, lang: str
) -> None:
    window = make_window(unwritable_spool_config(tmp_path), clock=lambda: FIXED_NOW)
    take_ticket(qtbot, window, lang, "pay-water-bill", priority=False)
    snap(window, shots, f"confirmation-print-failed-{lang}")


PORTRAIT = (1080, 1920)


def test_portrait_kiosk_screen_renders_unclipped(
    qtbot: QtBot, make_window, tmp_path: Path, shots: Path
) -> None:
    """Many kiosk stands hold the screen upright; Spanish has the longest strings."""
    window = make_window(load_config(write_config(tmp_path)), clock=lambda: FIXED_NOW)
    window.fit(*PORTRAIT)
    snap(window, shots, "portrait-welcome", PORTRAIT)
    window.welcome.language_buttons["es"].click()
    snap(window, shots, "portrait-services-es", PORTRAIT)
    window.services.cards["birth-certificate"].click()
    snap(window, shots, "portrait-priority-es", PORTRAIT)
    window.header.start_over_button.click()
    take_ticket(qtbot, window, "es", "death-certificate", priority=True)
    snap(window, shots, "portrait-confirmation-es", PORTRAIT)


def test_printer_down_notice_renders_unclipped(
    qtbot: QtBot, make_window, tmp_path: Path, shots: Path
) -> None:
    from tests.helpers.fake_printer import FakeEscposPrinter

    with FakeEscposPrinter("paper_out") as printer:
        printer_options = {"backend": "escpos-network", "host": printer.host}
        printer_options |= {"port": printer.port, "timeout_ms": 300}
        window = make_window(load_config(write_config(tmp_path, printer=printer_options)))
        qtbot.waitUntil(lambda: window.printer_status is not None, timeout=5_000)
        window.welcome.language_buttons["es"].click()
        snap(window, shots, "services-printer-down-es")
        window.worker.wait_idle()


def test_technician_screens_render_unclipped(
    qtbot: QtBot, make_window, tmp_path: Path, shots: Path
) -> None:
    from kiosk.technician import hash_pin
    from tests.helpers.fake_printer import FakeEscposPrinter

    with FakeEscposPrinter("near_end") as printer:
        options = {"backend": "escpos-network", "host": printer.host, "port": printer.port}
        options["timeout_ms"] = 300
        config = write_config(
            tmp_path, printer=options, technician={"pin_hash": hash_pin("246810")}
        )
        window = make_window(load_config(config))
        for _ in range(5):
            window.welcome.technician_corner.click()
        for digit in "2468":
            window.technician_pin.keys[digit].click()  # type: ignore[attr-defined]
        snap(window, shots, "technician-pin-en")
        for digit in "10":
            window.technician_pin.keys[digit].click()  # type: ignore[attr-defined]
        window.technician_pin.ok_button.click()  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: window.current is window.technician, timeout=5_000)
        qtbot.waitUntil(lambda: "near end" in window.technician.printer.text(), timeout=5_000)
        snap(window, shots, "technician-en")
        window.worker.wait_idle()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sync_pill_and_technician_sync_list_render_unclipped(
    qtbot: QtBot, make_window, tmp_path: Path, shots: Path, lang: str
) -> None:
    """The staff's sync pill as the agency goes down, refuses and is uncertain, and the
    technician's list and questions (with a real agency on loopback)."""
    from sqlalchemy import update

    from kiosk.agency_sim import AgencySim
    from offline_cache.models import OutboxEntry
    from tests.ui.sync_steps import (
        dmv_agency_config,
        free_port,
        open_technician,
        pill_text,
        renew_license,
    )

    port = free_port()
    window = make_window(dmv_agency_config(tmp_path, port), clock=lambda: FIXED_NOW)
    assert window.sync_mode is not None and window.station is not None
    qtbot.waitUntil(lambda: pill_text(window) == "Synced", timeout=10_000)
    if lang == "en":
        snap(window, shots, "sync-welcome-synced")

    # The agency is down: the citizen is told it is submitted; staff see it waiting.
    renew_license(qtbot, window, lang)
    qtbot.waitUntil(lambda: pill_text(window) == "Offline · 1 waiting", timeout=30_000)
    if lang == "en":
        snap(window, shots, "sync-welcome-offline")
    window.welcome.language_buttons[lang].click()
    snap(window, shots, f"sync-offline-services-{lang}")
    window.header.start_over_button.click()

    # Back, but refusing the station's token: a dead letter.
    agency = AgencySim(token="another-token").start(port)
    try:
        qtbot.waitUntil(lambda: pill_text(window) == "1 needs a technician", timeout=30_000)
    finally:
        agency.stop()
    # Down again: one more waits, and one the station lost track of while sending.
    renew_license(qtbot, window, lang)
    lost_id, _ = renew_license(qtbot, window, lang)
    wanted = "1 needs a technician · Offline · 2 waiting"
    qtbot.waitUntil(lambda: pill_text(window) == wanted, timeout=30_000)
    with window.station.transaction() as session:
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.submission_id == lost_id)
            .values(
                state="uncertain",
                last_error="the station stopped while sending; the agency may have it. "
                "Check with the agency before sending again",
            )
        )
    window.sync_mode.poll()
    wanted = "2 need a technician · Offline · 1 waiting"
    qtbot.waitUntil(lambda: pill_text(window) == wanted, timeout=10_000)
    window.welcome.language_buttons[lang].click()
    snap(window, shots, f"sync-attention-services-{lang}")
    window.header.start_over_button.click()

    open_technician(window)
    if lang != "en":
        window.header.language_buttons[lang].click()
    qtbot.waitUntil(lambda: window.technician.jobs.text() != "", timeout=10_000)
    snap(window, shots, f"technician-sync-status-{lang}")
    window.technician.sync_button.click()
    listing = window.sync_mode.listing
    qtbot.waitUntil(lambda: len(listing.rows) == 3, timeout=10_000)
    snap(window, shots, f"technician-sync-{lang}")

    dead, uncertain = (
        ref
        for state in ("dead", "uncertain")
        for ref, row in listing.rows.items()
        if row.waiting.state == state
    )
    listing.rows[dead].discard_button.click()
    ask = window.sync_mode.ask
    qtbot.mouseClick(ask.field, Qt.MouseButton.LeftButton)
    ask.reason_buttons["elsewhere"].click()
    snap(window, shots, f"technician-sync-discard-{lang}")
    ask.cancel_button.click()
    listing.rows[uncertain].confirm_button.click()
    snap(window, shots, f"technician-sync-confirm-{lang}")
    ask.cancel_button.click()

    if lang == "es":  # the longest strings, on an upright screen
        window.fit(*PORTRAIT)
        snap(window, shots, "portrait-technician-sync-es", PORTRAIT)
        listing.rows[dead].discard_button.click()
        qtbot.mouseClick(ask.field, Qt.MouseButton.LeftButton)
        snap(window, shots, "portrait-technician-sync-discard-es", PORTRAIT)
        ask.cancel_button.click()
        window.header.start_over_button.click()
        window.welcome.language_buttons["es"].click()
        snap(window, shots, "portrait-sync-attention-services-es", PORTRAIT)
    window.worker.wait_idle()

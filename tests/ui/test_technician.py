"""Technician mode: five taps in the corner, a PIN, then the printer's state and actions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.config import load_config
from kiosk.technician import hash_pin
from tests.helpers.escpos import decode
from tests.helpers.fake_printer import FakeEscposPrinter
from tests.ui.conftest import write_config
from tests.ui.flow import take_ticket
from ui.window import KioskWindow

pytestmark = pytest.mark.gui
PIN = "246810"


def type_pin(window: KioskWindow, pin: str) -> None:
    """Type a PIN and wait until it has been checked (off the GUI thread)."""
    for digit in pin:
        window.technician_pin.keys[digit].click()  # type: ignore[attr-defined]
    window.technician_pin.ok_button.click()  # type: ignore[attr-defined]
    window.technician_mode._pin_worker.wait_idle()
    QApplication.processEvents()


def open_pin_pad(window: KioskWindow) -> None:
    for _ in range(5):
        window.welcome.technician_corner.click()
    assert window.current is window.technician_pin


@pytest.fixture
def printer():
    with FakeEscposPrinter("near_end") as fake:
        yield fake


@pytest.fixture
def tech_window(make_window, tmp_path: Path, printer: FakeEscposPrinter) -> KioskWindow:
    options = {"backend": "escpos-network", "host": printer.host, "port": printer.port}
    options["timeout_ms"] = 300
    config = write_config(tmp_path, printer=options, technician={"pin_hash": hash_pin(PIN)})
    return make_window(load_config(config))


def test_four_taps_in_the_corner_do_nothing(tech_window: KioskWindow) -> None:
    for _ in range(4):
        tech_window.welcome.technician_corner.click()
    assert tech_window.current is tech_window.welcome


def test_wrong_pins_are_refused_and_then_the_pad_locks(
    qtbot: QtBot, tech_window: KioskWindow
) -> None:
    open_pin_pad(tech_window)
    type_pin(tech_window, "111111")
    assert tech_window.technician_pin.message.text() == "Wrong PIN."
    assert tech_window.technician_pin.dots.text() == ""  # the typed PIN is not kept

    for _ in range(4):
        type_pin(tech_window, "111111")
    assert tech_window.technician_pin.message.text().startswith("Locked after too many wrong PINs")
    type_pin(tech_window, PIN)  # even the right PIN waits out the lock
    assert tech_window.current is tech_window.technician_pin


def test_technician_sees_paper_near_end_and_reprints_the_last_ticket(
    qtbot: QtBot, tech_window: KioskWindow, printer: FakeEscposPrinter
) -> None:
    outcome = take_ticket(qtbot, tech_window, "en", "id-card", priority=False)
    tech_window.confirmation.done_button.click()
    open_pin_pad(tech_window)
    type_pin(tech_window, PIN)

    assert tech_window.current is tech_window.technician
    qtbot.waitUntil(
        lambda: "paper near end" in tech_window.technician.printer.text(), timeout=5_000
    )
    assert tech_window.technician.jobs.text() == "Jobs not printed: 0"

    tech_window.technician.buttons["reprint"].click()
    qtbot.waitUntil(lambda: tech_window.technician.result.text() == "Printed.", timeout=5_000)
    tech_window.technician.buttons["test_page"].click()
    qtbot.waitUntil(lambda: len(printer.jobs) == 3, timeout=5_000)
    tech_window.worker.wait_idle()

    ticket, reprint, test_page = (decode(job) for job in printer.jobs)
    assert ticket.qr_payloads == reprint.qr_payloads == [outcome.ticket.id]
    assert "Printer test page" in test_page.text_lines

    tech_window.technician.exit_button.click()
    assert tech_window.current is tech_window.welcome


def test_station_without_a_pin_says_technician_mode_is_not_set_up(window: KioskWindow) -> None:
    open_pin_pad(window)
    assert window.technician_pin.message.text().startswith("Technician mode is not set up")
    type_pin(window, "000000")
    assert window.current is window.technician_pin


def test_technician_sees_which_service_a_broken_form_took_away_and_why(
    make_window, tmp_path: Path
) -> None:
    from kiosk.config import SAMPLE_PACK

    pack = tmp_path / "pack"
    shutil.copytree(SAMPLE_PACK, pack)
    form = pack / "forms" / "report-street-problem.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("kind: yes_no", "kind: yesno", 1))
    config = write_config(
        tmp_path, content={"pack": str(pack)}, technician={"pin_hash": hash_pin(PIN)}
    )
    window = make_window(load_config(config))
    open_pin_pad(window)
    type_pin(window, PIN)

    shown = window.technician.unavailable.text().splitlines()
    assert window.technician.unavailable.isVisibleTo(window)
    assert shown[0].startswith("Not offered at this station")
    assert [line.split(":")[0] for line in shown[1:]] == ["report-pothole", "report-streetlight"]
    assert all("report-street-problem.yaml" in line and "kind" in line for line in shown[1:])

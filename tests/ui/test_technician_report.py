"""Technician mode, Reports: today's figures per service, other days, and the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_config
from kiosk.technician import hash_pin
from tests.helpers.pdf import pdf_text
from tests.kiosk.test_reports import Clock, play_day
from tests.ui.conftest import write_config
from tests.ui.test_screenshots import snap
from tests.ui.test_technician import PIN, open_pin_pad, type_pin
from ui.window import KioskWindow

pytestmark = pytest.mark.gui

TODAY_TABLE = [
    ["Service", "Issued", "Completed", "No-shows", "Transfers in / out", "Median wait",
     "Wait p90", "Median service"],
    ["Renew a driver's license", "5", "1", "1", "0 / 0", "20.0 min", "28.0 min", "15.0 min"],
    ["Register a vehicle", "1", "0", "0", "0 / 1", "30.0 min", "30.0 min", "–"],
    ["Get a state ID card", "1", "2", "0", "1 / 0", "8.5 min", "13.7 min", "10.5 min"],
    ["All services", "7", "3", "1", "1 / 1", "17.5 min", "30.0 min", "15.0 min"],
]  # fmt: skip


@pytest.fixture
def manager_window(make_window, tmp_path: Path) -> KioskWindow:
    """A station whose day (2025-01-15 in Chicago) was played at its counters; it is
    23:58 there now. The idle guard is long: writing a PDF is not a citizen's pause."""
    config = write_config(
        tmp_path,
        technician={"pin_hash": hash_pin(PIN)},
        kiosk={"idle_timeout_seconds": 3600, "idle_warning_seconds": 30},
    )
    clock = Clock()
    window = make_window(load_config(config), clock=clock)
    assert window.station is not None
    play_day(window.station, clock)
    return window


def open_reports(qtbot: QtBot, window: KioskWindow) -> None:
    open_pin_pad(window)
    type_pin(window, PIN)
    window.technician.reports_button.click()
    screen = window.report_mode.screen
    assert window.current is screen
    qtbot.waitUntil(lambda: screen.report is not None, timeout=10_000)


def test_technician_sees_todays_figures_per_service_and_writes_the_files(
    qtbot: QtBot, manager_window: KioskWindow, tmp_path: Path, shots: Path
) -> None:
    window = manager_window
    open_reports(qtbot, window)
    screen = window.report_mode.screen

    assert screen.date_field.text() == "2025-01-15"
    assert screen.summary.text() == (
        "2025-01-15: issued 7, completed 3, no-shows 1, median wait 17.5 min."
    )
    assert screen.rows() == TODAY_TABLE
    snap(window, shots, "technician-report")

    screen.write_button.click()
    reports = tmp_path / "data" / "reports"
    pdf = reports / "onestop-report-2025-01-15.pdf"
    qtbot.waitUntil(lambda: screen.message.text().startswith("Saved:"), timeout=20_000)
    assert screen.message.text() == f"Saved: {pdf} and onestop-report-2025-01-15.csv"
    assert (reports / "onestop-report-2025-01-15.csv").exists()
    assert "Get a state ID card" in pdf_text(pdf)

    screen.back_button.click()
    assert window.current is window.technician


def test_technician_steps_to_the_day_before_and_types_a_day(
    qtbot: QtBot, manager_window: KioskWindow
) -> None:
    window = manager_window
    open_reports(qtbot, window)
    screen = window.report_mode.screen

    screen.previous_button.click()  # one ticket was issued at 23:50 the evening before
    qtbot.waitUntil(lambda: screen.report is not None, timeout=10_000)
    assert screen.summary.text() == "2025-01-14: issued 1, completed 0, no-shows 0, median wait –."
    assert screen.rows()[1] == ["Get a state ID card", "1", "0", "0", "0 / 0", "–", "–", "–"]

    screen.date_field.setText("2025-01-10")
    screen.show_button.click()
    qtbot.waitUntil(lambda: screen.report is not None, timeout=10_000)
    assert screen.summary.text() == "No tickets were issued on 2025-01-10."
    assert screen.rows() == []
    assert not screen.write_button.isEnabled() or screen.report.empty

    screen.date_field.setText("10/01/2025")
    screen.show_button.click()
    assert screen.message.text() == "Type the day as YYYY-MM-DD, for example 2025-01-15."

    screen.today_button.click()
    qtbot.waitUntil(lambda: screen.rows() == TODAY_TABLE, timeout=10_000)


def test_reports_screen_speaks_spanish(qtbot: QtBot, manager_window: KioskWindow) -> None:
    window = manager_window
    open_reports(qtbot, window)
    window.set_language("es")
    screen = window.report_mode.screen
    assert screen.rows()[0][:3] == ["Servicio", "Emitidos", "Atendidos"]
    assert screen.rows()[-1][0] == "Todos los servicios"
    assert screen.write_button.text() == "Guardar CSV y PDF"

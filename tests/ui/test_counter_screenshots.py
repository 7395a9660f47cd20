"""The counter console rendered to PNG in both languages, checked for clipping.

`make screenshots` (KIOSK_SCREENSHOT_DIR=docs/screenshots) writes them for the
README; otherwise they go to a temporary folder and the checks still run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.config import load_config
from tests.ui.conftest import write_config
from tests.ui.counter_steps import (
    StationClock,
    clock_fixture,  # noqa: F401 (the clock fixture)
    confirm,
    make_console_fixture,  # noqa: F401 (the make_console fixture)
    sign_in,
    submit_license_form,
)
from tests.ui.test_screenshots import clipped_texts, snap
from ui.counter.window import CounterWindow

pytestmark = pytest.mark.gui
WAITING = [  # service, priority: eight visitors behind the one at the counter
    ("vehicle-registration", False),
    ("license-renewal", False),
    ("id-card", True),
    ("vehicle-registration", False),
    ("birth-certificate", False),
    ("license-renewal", False),
    ("vehicle-registration", False),
    ("id-card", False),
]


def console_config(tmp_path: Path, lang: str):  # type: ignore[no-untyped-def]
    station = {"role": "counter", "default_language": lang}
    counter = {"number": "3", "wait_warning_minutes": 20}
    return load_config(write_config(tmp_path, station=station, counter=counter))


def fill_the_morning(station, clock: StationClock) -> None:  # type: ignore[no-untyped-def]
    """A license renewal with its form first, then eight more; the first waits long."""
    submit_license_form(station)
    clock.advance(2)
    for i, (service_id, priority) in enumerate(WAITING):
        station.issue_ticket(service_id, "en", priority=priority)
        clock.advance(12 if i == 0 else 1.5)


def ticket_number_pixels(window: CounterWindow) -> int:
    return window.console.ticket.number.font().pixelSize()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_counter_screens_render_unclipped_at_1080p(
    qtbot: QtBot, make_console, tmp_path: Path, shots: Path, clock: StationClock, lang: str
) -> None:
    window, station = make_console(console_config(tmp_path, lang))
    window.sign_in.staff_id.setText("maria.lopez")
    snap(window, shots, f"counter-sign-in-{lang}")

    fill_the_morning(station, clock)
    sign_in(qtbot, window)
    window.console.buttons["call_number"].click()
    window.console.call_form.number.setText("A001")
    confirm(qtbot, window, window.console.call_form.submit_button.click)
    QApplication.processEvents()
    window.resize(1920, 1080)

    rows = window.console.waiting.rows
    assert len(rows) == 8
    assert sum(row.warn for row in rows) == 1
    assert any(row.ticket.priority for row in rows)
    assert len(window.console.form.values()) >= 8
    assert ticket_number_pixels(window) >= 120
    snap(window, shots, f"counter-console-{lang}")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_counter_console_fits_a_1366_by_768_screen(
    qtbot: QtBot, make_console, tmp_path: Path, shots: Path, clock: StationClock, lang: str
) -> None:
    window, station = make_console(console_config(tmp_path, lang), size=(1366, 768))
    assert clipped_texts(window) == []
    fill_the_morning(station, clock)
    sign_in(qtbot, window)
    confirm(qtbot, window, window.console.buttons["call_next"].click)
    assert window.console.ticket.number.text() == "C001"  # the priority ticket first
    for action in ("call_next", "transfer"):
        if action == "transfer":
            window.console.buttons["transfer"].click()
        QApplication.processEvents()
        window.resize(1366, 768)
        assert ticket_number_pixels(window) >= 90
        snap(window, shots, f"counter-console-1366-{action}-{lang}", (1366, 768))

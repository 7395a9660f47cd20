"""Steps at the counter console: a station with a clock the test moves, a clerk
who signs in, presses the actions and reads the screen.

Every step drives the real window (real station, SQLite file in tmp_path);
waiting is on the console's own signals, never on the wall clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.config import StationConfig, load_config
from kiosk.forms.engine import FormSession
from kiosk.station import FormOutcome, Station
from tests.kiosk.forms.test_sample_forms import walk
from tests.ui.conftest import write_config
from ui.counter.window import CounterWindow
from ui.theme import apply_theme

OPENING = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago
CLERK, CLERK_PIN, CLERK_NAME = "maria.lopez", "482916", "María López"
LICENSE: dict[str, Any] = {
    "license_number": "D7654321",
    "license_expiry": "2026-03-01",
    "first_name": "Ana",
    "last_name": "Ruiz Herrera",
    "date_of_birth": "1961-02-03",
    "phone": "(951) 555-0142",
    "address_changed": False,
    "corrective_lenses": True,
    "declaration": True,
}


class StationClock:
    """The station's clock, moved by the test (``advance``) and by nothing else."""

    def __init__(self, start: dt.datetime = OPENING) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += dt.timedelta(minutes=minutes)


def counter_config(tmp_path: Path, **counter: object) -> StationConfig:
    options: dict[str, object] = {"number": "3"} | counter
    return load_config(write_config(tmp_path, station={"role": "counter"}, counter=options))


@pytest.fixture(name="clock")
def clock_fixture() -> StationClock:
    return StationClock()


@pytest.fixture(name="make_console")
def make_console_fixture(
    qtbot: QtBot, qapp: Any, clock: StationClock
) -> Iterator[Callable[..., tuple[CounterWindow, Station]]]:
    """A counter window attached to a real station; the clerk is added to the staff."""
    made: list[tuple[CounterWindow, Station]] = []

    def make(
        config: StationConfig,
        size: tuple[int, int] = (1920, 1080),
        station: Station | None = None,
        tick_ms: int = 1000,
    ) -> tuple[CounterWindow, Station]:
        """A console on ``station`` (default: a new one, with the clerk on its staff)."""
        apply_theme(qapp)
        if station is None:
            station = Station.open(config, clock=clock)
            station.staff.add(CLERK, CLERK_NAME, CLERK_PIN)
        window = CounterWindow(config, refresh_ms=60_000, tick_ms=tick_ms)  # refreshed on purpose
        qtbot.addWidget(window)
        window.resize(*size)
        window.attach(station)
        window.show()
        qtbot.waitExposed(window)
        made.append((window, station))
        return window, station

    yield make
    for window, _ in made:
        window.close_desk()
        window.worker.wait_idle()
    for station in {id(s): s for _, s in made}.values():
        station.close()


def sign_in(
    qtbot: QtBot, window: CounterWindow, staff_id: str = CLERK, pin: str = CLERK_PIN
) -> None:
    """Type the id and PIN (the counter and services as prefilled) and press Sign in;
    returns once the core answered (the console shows, or the sign-in says why not)."""
    screen = window.sign_in
    screen.staff_id.setText(staff_id)
    screen.pin.setText(pin)
    screen.submit_button.click()
    qtbot.waitUntil(lambda: screen.submit_button.isEnabled(), timeout=10_000)


def press(qtbot: QtBot, window: CounterWindow, action: str) -> str:
    """Press an action button; the message line once the desk answered."""
    button = window.console.buttons[action]
    assert button.isEnabled(), f"{action} is not enabled"
    with qtbot.waitSignal(window.runner.said, timeout=10_000):
        button.click()
    return window.console.message.text()


def confirm(qtbot: QtBot, window: CounterWindow, submit: Callable[[], None]) -> str:
    """Press a question's confirm button (Call, Complete, Transfer, a parked ticket)."""
    with qtbot.waitSignal(window.runner.said, timeout=10_000):
        submit()
    return window.console.message.text()


def refresh(qtbot: QtBot, window: CounterWindow) -> None:
    """What the 2-second timer does: read the desk again, wait for the view."""
    with qtbot.waitSignal(window.runner.viewed, timeout=10_000):
        window.runner.refresh()


def number_on_screen(window: CounterWindow) -> str:
    number = window.console.ticket.number
    return number.text() if number.isVisibleTo(window) else ""


def waiting_labels(window: CounterWindow) -> list[str]:
    return [row.ticket.label for row in window.console.waiting.rows]


def visible_texts(window: CounterWindow) -> list[str]:
    """Every text a person could read in the window now."""
    return [t.text() for t in window.findChildren(QLabel) if t.isVisibleTo(window) and t.text()]


def submit_license_form(station: Station, answers: dict[str, Any] | None = None) -> FormOutcome:
    """A citizen renews their license at the kiosk: the form, then its ticket (A...)."""
    form = FormSession(
        station.forms["driver-license-renewal"],
        "en",
        station.clock().astimezone(station.tz).date(),
    )
    walk(form, answers or LICENSE)
    assert form.is_complete
    return station.submit_form("license-renewal", form)

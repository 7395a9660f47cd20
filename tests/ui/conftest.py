"""Fixtures for the kiosk screens: a real station (SQLite file, PDF spool) in tmp_path.

Every test drives the real window with the real core behind it; only the
length of a "second" on the kiosk's clocks is shortened (``tick_ms``), so an
idle timeout of 60 s takes a fraction of a second while the same timers run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import StationConfig, load_config
from kiosk.station import Station
from ui.theme import apply_theme
from ui.window import KioskWindow

pytestmark = pytest.mark.gui
TICK_MS = 10  # one kiosk "second" in the tests


def write_config(tmp_path: Path, **sections: dict[str, object]) -> Path:
    base: dict[str, dict[str, object]] = {
        "station": {
            "id": "test-kiosk",
            "center_name": "Riverside Service Center",
            "timezone": "America/Chicago",
            "data_dir": "data",
        },
        "kiosk": {"idle_timeout_seconds": 60, "idle_warning_seconds": 30},
        "printer": {"backend": "pdf", "spool_dir": "data/spool"},
        # The sample pack's agencies point at the demo servers' fixed loopback ports:
        # a screen test must not send there (nor race the outbox worker for the
        # rows it reads). tests/ui/test_sync_status.py turns it on, with its own agency.
        "sync": {"enabled": False},
    }
    for name, values in sections.items():
        base.setdefault(name, {}).update(values)
    lines = []
    for name, values in base.items():
        lines.append(f"[{name}]")
        for key, value in values.items():
            if isinstance(value, bool):
                rendered = "true" if value else "false"
            elif isinstance(value, str):
                rendered = '"' + value + '"'
            else:
                rendered = str(value)
            lines.append(f"{key} = {rendered}")
    path = tmp_path / "station.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def unwritable_spool_config(tmp_path: Path) -> StationConfig:
    """A station whose spool folder cannot be created (its parent is a file);
    this fails for root too, where permission bits would not."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the spool folder should be")
    return load_config(write_config(tmp_path, printer={"spool_dir": str(blocker / "spool")}))


@pytest.fixture
def make_window(qtbot: QtBot, qapp: object) -> Iterator[Callable[..., KioskWindow]]:
    stations: list[Station] = []
    windows: list[KioskWindow] = []

    def make(config: StationConfig, clock: Callable[[], dt.datetime] | None = None) -> KioskWindow:
        apply_theme(qapp)  # type: ignore[arg-type]
        station = Station.open(config, clock=clock) if clock else Station.open(config)
        window = KioskWindow(config, tick_ms=TICK_MS)
        window.attach(station)
        qtbot.addWidget(window)
        window.resize(1920, 1080)
        window.show()
        window.activateWindow()  # as show_kiosk does: keys and focus go to the kiosk
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        stations.append(station)
        windows.append(window)
        return window

    yield make
    for window in windows:
        if window.worker is not None:
            window.worker.wait_idle()
    for station in stations:
        station.close()


@pytest.fixture
def kiosk_config(tmp_path: Path) -> StationConfig:
    return load_config(write_config(tmp_path))


@pytest.fixture
def window(make_window: Callable[..., KioskWindow], kiosk_config: StationConfig) -> KioskWindow:
    return make_window(kiosk_config)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screen tests save their PNGs: docs/screenshots under `make screenshots`
    (KIOSK_SCREENSHOT_DIR), else a temporary folder (the checks still run)."""
    folder = Path(os.environ.get("KIOSK_SCREENSHOT_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder

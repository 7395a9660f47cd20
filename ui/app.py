"""Starting the station screens: display check, QApplication, the window."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from kiosk.config import StationConfig

if TYPE_CHECKING:
    from ui.window import KioskWindow

log = logging.getLogger(__name__)
EXIT_NO_DISPLAY = 3

NO_DISPLAY = (
    "error: no display found (DISPLAY and WAYLAND_DISPLAY are not set).\n"
    "  On a kiosk, start OneStop from the station's graphical session.\n"
    "  Over SSH, run it under a virtual screen: xvfb-run kiosk run\n"
    "  For a headless test run: QT_QPA_PLATFORM=offscreen kiosk run"
)


def display_problem() -> str | None:
    """Why Qt could not open a window here, before Qt aborts with a cryptic message."""
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY


def run_station(config: StationConfig) -> int:
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    role = config.settings.station.role
    if role != "kiosk":
        print(
            f'error: the {role} role is not in this release yet; set [station] role = "kiosk"',
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.theme import apply_theme
    from ui.window import KioskWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("OneStop")
    apply_theme(app)
    window = KioskWindow(config)
    window.show_kiosk()
    # The welcome screen is painted first; the store, content and printer load
    # right after, before any touch is handled (events queue behind this).
    QTimer.singleShot(0, lambda: open_station(window))
    try:
        return app.exec()
    finally:
        if window.worker is not None:
            window.worker.wait_idle()
        if window.station is not None:
            window.station.close()


def open_station(window: KioskWindow) -> None:
    """Open the station behind the welcome screen, or show it out of service."""
    from kiosk.problems import InvalidFile
    from kiosk.station import Station
    from offline_cache.migrate import StoreError

    try:
        station = Station.open(window.config)
    except InvalidFile as exc:
        for problem in exc.problems:
            log.error("station cannot start: %s", problem)
        window.show_unavailable()
        return
    except StoreError as exc:
        log.error("station cannot start: %s", exc)
        window.show_unavailable()
        return
    window.attach(station)
    log.info("station %s ready", window.config.settings.station.id)

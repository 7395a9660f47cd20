"""Starting the station screens: display check, QApplication, the window."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from kiosk.config import StationConfig

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ui.window import KioskWindow

log = logging.getLogger(__name__)
EXIT_NO_DISPLAY = 3
RETRY_MS = 30_000

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


def themed_application(name: str) -> QApplication:
    """The one QApplication of the process, named and themed (every role's screens)."""
    from PySide6.QtWidgets import QApplication

    from ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(name)
    apply_theme(app)
    return app


def run_station(config: StationConfig) -> int:
    """Start the screens of the configured role; the exit code of the Qt loop."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_NO_DISPLAY
    role = config.settings.station.role
    if role == "counter":
        from ui.counter.app import run_counter

        return run_counter(config)
    if role == "display":
        from ui.display.app import run_display

        return run_display(config)

    from PySide6.QtCore import QTimer

    from ui.window import KioskWindow

    app = themed_application("OneStop")
    window = KioskWindow(config)
    window.show_kiosk()
    # The welcome screen is painted first; the store, content and printer load
    # on the worker right after (its language buttons wait for them).
    QTimer.singleShot(0, lambda: open_station(window))
    try:
        return app.exec()
    finally:
        window.worker.wait_idle()
        if window.station is not None:
            window.station.close()


def open_station(window: KioskWindow, retry_ms: int = RETRY_MS) -> None:
    """Open the store, content and printer on the worker; attach them when ready.

    Until then, and while it fails, the welcome screen tells citizens to go to
    the front desk; a failed start is tried again every ``retry_ms`` (a
    PostgreSQL server that comes up after the kiosk, a pack being fixed), so
    nobody has to restart the station.
    """
    from PySide6.QtCore import QTimer

    from kiosk.station import STARTUP_ERRORS, Station

    config = window.config

    def failed(exc: Exception) -> None:
        if isinstance(exc, STARTUP_ERRORS):
            log.error("station cannot start, retrying in %d s: %s", retry_ms // 1000, exc)
        else:
            log.error("station cannot start, retrying in %d s", retry_ms // 1000, exc_info=exc)
        window.show_unavailable()
        QTimer.singleShot(retry_ms, lambda: open_station(window, retry_ms))

    def ready(station: Station) -> None:
        window.attach(station)
        log.info("station %s ready", config.settings.station.id)

    window.worker.submit(lambda: Station.open(config), ready, failed)

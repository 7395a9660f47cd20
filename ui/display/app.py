"""Starting the waiting-room board: QApplication, the board window, the announcer."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from kiosk.config import StationConfig
from ui.display.window import BoardWindow

log = logging.getLogger(__name__)
RETRY_MS = 10_000


def run_display(config: StationConfig) -> int:
    """Run the board until the window closes; the exit code of the Qt loop
    (``kiosk run`` with role display, after ui.app has checked for a display)."""
    from PySide6.QtCore import QTimer

    from kiosk.announcer import Announcer
    from ui.app import themed_application

    app = themed_application("OneStop board")
    settings = config.settings
    announcer = Announcer.for_display(
        settings.display, settings.station.languages, _sound_dir(config)
    )
    window = BoardWindow(config, announcer)
    window.show_board()
    QTimer.singleShot(0, lambda: open_board(window))
    try:
        return app.exec()
    finally:
        window.detach()
        announcer.stop()
        if window.station is not None:
            window.station.close()


def _sound_dir(config: StationConfig) -> Path:
    """Where the chime is written: the data folder, or a temporary one if that is
    read-only (the board still chimes)."""
    folder = config.data_dir / "sounds"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir()) / "onestop-sounds"
    return folder


def open_board(window: BoardWindow, retry_ms: int = RETRY_MS) -> None:
    """Open the station on the worker and attach it; until then, and while it fails
    (a PostgreSQL server that comes up after the board), the board says it is
    starting and tries again every ``retry_ms``."""
    from kiosk.station import STARTUP_ERRORS, Station
    from ui.display.feed import Failed, attempt

    config = window.config

    def failed(failure: Failed) -> None:
        log.error("board cannot start, retrying in %d s: %s", retry_ms // 1000, failure.message)
        window.show_starting()
        window.retry_later(retry_ms, lambda: open_board(window, retry_ms))

    def done(result: Station | Failed) -> None:
        if isinstance(result, Failed):
            failed(result)
        else:
            window.attach(result)
            log.info("board %s ready", config.settings.station.id)

    opening = attempt(lambda: Station.open(config), STARTUP_ERRORS)
    window.worker.submit(opening, done, lambda _exc: None)

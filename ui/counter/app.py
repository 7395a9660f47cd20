"""Starting the counter console: QApplication, the theme, the window, the store.

``ui.app.run_station`` hands the ``counter`` role here. The window shows at
once ("starting"); the store, the content and the printer open on the worker
and the sign-in screen follows. While the store cannot be opened the window
says so and tries again every ``RETRY_MS``, so nobody restarts the console.
"""

from __future__ import annotations

import logging

from kiosk.config import StationConfig
from ui.counter.window import CounterWindow

log = logging.getLogger(__name__)
RETRY_MS = 30_000


def run_counter(config: StationConfig) -> int:
    """Run the counter console until its window closes (``kiosk run`` with role
    counter, after ui.app has checked for a display)."""
    from PySide6.QtCore import QTimer

    from ui.app import themed_application

    app = themed_application("OneStop counter")
    window = CounterWindow(config)
    window.resize(1920, 1080)
    window.showMaximized()
    QTimer.singleShot(0, lambda: open_counter_station(window))
    try:
        return app.exec()
    finally:
        window.close_desk()
        window.worker.wait_idle()
        if window.station is not None:
            window.station.close()


def open_counter_station(window: CounterWindow, retry_ms: int = RETRY_MS) -> None:
    """Open the station on the worker and attach it; until then (and while it fails)
    the window says the counter is starting or cannot reach the store."""
    from PySide6.QtCore import QTimer

    from kiosk.station import STARTUP_ERRORS, Station

    config = window.config

    def failed(exc: Exception) -> None:
        if isinstance(exc, STARTUP_ERRORS):
            log.error("counter cannot start, retrying in %d s: %s", retry_ms // 1000, exc)
        else:
            log.error("counter cannot start, retrying in %d s", retry_ms // 1000, exc_info=exc)
        window.show_unavailable(max(1, retry_ms // 1000))
        QTimer.singleShot(retry_ms, window, lambda: open_counter_station(window, retry_ms))

    def ready(station: Station) -> None:
        window.attach(station)
        log.info("counter station %s ready", config.settings.station.id)

    window.worker.submit(lambda: Station.open(config), ready, failed)

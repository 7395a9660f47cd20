"""What the benchmarks share: the p95, and a kiosk window as ``kiosk run`` builds it."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from kiosk.station import Station
    from ui.window import KioskWindow


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def open_kiosk(config_path: Path) -> tuple[QApplication, Station, KioskWindow]:
    """The themed application, the opened station and its window shown at 1920x1080."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from kiosk.config import load_config
    from kiosk.station import Station
    from ui.theme import apply_theme
    from ui.window import KioskWindow

    # The offscreen plugin's "does not support propagateSizeHints" would bury the figures.
    qInstallMessageHandler(lambda *_: None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    config = load_config(config_path)
    station = Station.open(config)
    window = KioskWindow(config)
    window.attach(station)
    window.resize(1920, 1080)
    window.show()
    return app, station, window


def close_kiosk(app: QApplication, station: Station, window: KioskWindow) -> None:
    """Close the window for good (its event filters go with it) and the station."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.worker.wait_idle()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    station.close()

"""Child process for the cold-start benchmark: start, show, report, quit.

``python -m bench.startup_probe bare`` shows an empty PySide6 window;
``python -m bench.startup_probe kiosk CONFIG`` starts the station the way
``kiosk run`` does (config, theme, welcome screen; then store, content and
printer). It prints ``shown <t>`` at the first paint of the window and, for
the kiosk, ``ready <t>`` once the station is attached and a touch would be
served (wall-clock ``time.time()``, compared by the parent with its spawn time).
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    window: QWidget
    after_paint = app.quit
    if sys.argv[1] == "bare":
        window = QWidget()
    else:
        from kiosk.config import load_config
        from ui.app import open_station
        from ui.theme import apply_theme
        from ui.window import KioskWindow

        apply_theme(app)
        kiosk_window = KioskWindow(load_config(sys.argv[2]))
        window = kiosk_window

        def ready() -> None:
            print(f"ready {time.time()}", flush=True)
            assert kiosk_window.station is not None
            kiosk_window.worker.wait_idle()
            kiosk_window.station.close()
            app.quit()

        def after_paint() -> None:
            kiosk_window.station_ready.connect(ready)
            open_station(kiosk_window)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, shown)  # after the whole frame, children included
            return False

    def shown() -> None:
        print(f"shown {time.time()}", flush=True)
        after_paint()

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.resize(1920, 1080)
    window.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())

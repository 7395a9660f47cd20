"""Background work for the screens: the GUI thread never waits on the store or a printer.

One single-thread pool runs station work in order (like Anki's DB executor);
results come back to the GUI thread through queued signals, and nothing here
touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)  # the exception: the caller decides what to log and show


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # handed to the screen, which tells the citizen what to do
            self._signals.failed.emit(exc)
        else:
            self._signals.succeeded.emit(result)


class StationWorker(QObject):
    """Runs station calls off the GUI thread, one at a time, in order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def submit(
        self,
        fn: Callable[[], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
    ) -> None:
        signals = _Signals(self)  # lives in the GUI thread: its slots run there
        signals.succeeded.connect(on_success)
        signals.failed.connect(on_failure)
        signals.succeeded.connect(signals.deleteLater)
        signals.failed.connect(signals.deleteLater)
        self.pool.start(_Job(fn, signals))

    def wait_idle(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)

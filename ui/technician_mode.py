"""Technician mode on the kiosk: the corner taps, the PIN pad and the actions.

Kept out of the window so the window stays about navigation: this object
listens to the two technician screens and the welcome screen's corner, asks
:class:`kiosk.technician.TechnicianAccess` about PINs and runs the printer
actions on the window's worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk.i18n import Translator
from ui.workers import StationWorker

if TYPE_CHECKING:
    from ui.window import KioskWindow

log = logging.getLogger(__name__)


class TechnicianMode(QObject):
    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self._window = window
        self._pin_worker = StationWorker(self)
        window.welcome.technician_requested.connect(self._technician_requested)
        window.technician_pin.submitted.connect(self._technician_pin)
        window.technician_pin.cancelled.connect(window.reset)
        window.technician.action.connect(self._technician_action)
        window.technician.exit.connect(window.reset)

    def _technician_requested(self) -> None:
        w = self._window
        if w.station is None:
            return
        w.show_screen(w.technician_pin)
        w.watchdog.set_enabled(True)  # an abandoned PIN pad resets like any screen
        access = w.technician_access
        locked = access.locked_for()
        if not access.enabled:
            w.technician_pin.show_message("technician.disabled")
        elif locked is not None:
            w.technician_pin.show_message("technician.locked", n=_minutes(locked))

    def _technician_pin(self, pin: str) -> None:
        """Argon2 is slow on purpose (~0.1 s here, more on kiosk hardware): check
        on a thread of its own, not the GUI's and not behind print jobs."""
        w = self._window
        w.technician_pin.setEnabled(False)  # one PIN at a time
        self._pin_worker.submit(
            lambda: w.technician_access.verify(pin),
            self._pin_checked,
            lambda exc: self._pin_checked(False),
        )

    def _pin_checked(self, ok: bool) -> None:
        w = self._window
        w.technician_pin.setEnabled(True)
        access = w.technician_access
        if ok:
            w.technician_pin.clear()
            assert w.station is not None
            w.technician.set_unavailable(w.station.unavailable)
            w.show_screen(w.technician)
            w.watchdog.set_enabled(True)
            self._refresh_technician()
            return
        locked = access.locked_for()
        if not access.enabled:
            w.technician_pin.show_message("technician.disabled")
        elif locked is not None:
            log.warning("technician mode locked after repeated wrong PINs")
            w.technician_pin.show_message("technician.locked", n=_minutes(locked))
        else:
            w.technician_pin.show_message("technician.wrong")

    def _refresh_technician(self) -> None:
        w = self._window
        station = w.station
        assert station is not None
        w.worker.submit(
            station.printer_report,
            lambda report: w.technician.show_report(report[0].message, report[1]),
            lambda exc: w.technician.show_report(f"{type(exc).__name__}", 0),
        )

    def _technician_action(self, action: str) -> None:
        w = self._window
        station = w.station
        assert station is not None
        tr = w.translator
        jobs = {
            "test_page": station.print_test_page,
            "reprint": station.reprint_last_ticket,
            "retry": station.print_queue.retry_pending,
        }

        def done(result: object) -> None:
            w.technician.set_busy(False)
            w.technician.show_result(_action_result(tr, result))
            self._refresh_technician()

        def failed(exc: Exception) -> None:
            log.error("technician action %s failed", action, exc_info=exc)
            done(exc)

        w.technician.set_busy(True)
        w.worker.submit(jobs[action], done, failed)


def _minutes(left: dt.timedelta) -> int:
    return max(1, -(-int(left.total_seconds()) // 60))


def _action_result(tr: Translator, result: object) -> str:
    """What a technician action did, in words."""
    if result is None:
        return tr("technician.nothing")
    if isinstance(result, Exception):
        return tr("technician.failed", error=f"{type(result).__name__}: {result}")
    if isinstance(result, list):
        printed = sum(1 for outcome in result if outcome.printed)
        return tr("technician.retried", printed=printed, tried=len(result))
    printed_ok = bool(getattr(result, "printed", False))
    error = getattr(result, "error", "")
    return tr("technician.printed") if printed_ok else tr("technician.failed", error=error)

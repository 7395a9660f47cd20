"""The clerk's actions, run on the worker, reported back as a view and a message.

Each action is one call on the :class:`CounterDesk` followed by a fresh look
at the desk, in the same worker job, so what the clerk sees next is what the
store holds after the action. A refusal (:class:`CounterError`) is said in the
console's message line in the core's words; any other failure says the store
did not answer. Results from before a sign-out are dropped (``generation``),
so nothing of one clerk's session reaches the screen after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.counter import CounterError, DeskTicket, RecallOutcome
from kiosk.i18n import Translator
from ui.counter.state import DeskView, look
from ui.workers import StationWorker

if TYPE_CHECKING:
    from kiosk.counter import CounterDesk
    from kiosk.station import Station

log = logging.getLogger(__name__)
REFRESH_MS = 2000


class DeskRunner(QObject):
    viewed = Signal(object)  # DeskView
    said = Signal(str, bool)  # the message, and whether it is a problem
    busy_changed = Signal(bool)

    def __init__(
        self,
        worker: StationWorker,
        station: Station,
        tr: Translator,
        refresh_ms: int = REFRESH_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.station = station
        self.translator = tr
        self.desk: CounterDesk | None = None
        self.view: DeskView | None = None
        self.busy = False
        self._generation = 0
        self._refreshing = False
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self.refresh)

    # --- session --------------------------------------------------------------

    def start(self, desk: CounterDesk, view: DeskView) -> None:
        self._generation += 1
        self.desk = desk
        self._set_busy(False)
        self._show(view)
        self.timer.start()

    def stop(self) -> None:
        """Sign out: forget the desk at once, close its session on the worker."""
        self._generation += 1
        self.timer.stop()
        desk, self.desk, self.view = self.desk, None, None
        self._refreshing = False
        self._set_busy(False)
        if desk is not None:
            self.worker.submit(
                desk.close,
                lambda _: None,
                lambda exc: log.error("closing the counter session failed", exc_info=exc),
            )

    # --- reading --------------------------------------------------------------

    def refresh(self) -> None:
        """Look at the desk again (the timer's tick); one look in flight at a time."""
        desk = self.desk
        if desk is None or self._refreshing or self.busy:
            return
        self._refreshing = True
        generation = self._generation
        station = self.station

        def done(view: DeskView) -> None:
            if generation == self._generation:
                self._refreshing = False
                self._show(view)

        def failed(exc: Exception) -> None:
            if generation == self._generation:
                self._refreshing = False
                log.error("refreshing the counter failed", exc_info=exc)
                self.said.emit(self.translator("counter.done.refresh_failed"), True)

        self.worker.submit(lambda: look(station, desk), done, failed)

    # --- actions ----------------------------------------------------------------

    def call_next(self) -> None:
        self._act(lambda d: d.call_next(), self._called)

    def call(self, label: str) -> None:
        self._act(lambda d: d.call(label), self._called)

    def recall(self) -> None:
        self._act(lambda d: d.recall(), self._recalled)

    def no_show(self) -> None:
        self._act(
            lambda d: d.no_show(), lambda t: self.translator("counter.done.no_show", label=t.label)
        )

    def start_serving(self) -> None:
        self._act(
            lambda d: d.start_serving(),
            lambda t: self.translator("counter.done.serving", label=t.label),
        )

    def complete(self, outcome: str) -> None:
        self._act(
            lambda d: d.complete(outcome),
            lambda t: self.translator("counter.done.completed", label=t.label, outcome=outcome),
        )

    def transfer(self, service_id: str | None, counter: str | None) -> None:
        def said(ticket: DeskTicket) -> str:
            service = self.service_name(service_id) if service_id else ""
            if service_id and counter:
                key = "counter.done.transferred_both"
            elif counter:
                key = "counter.done.transferred_counter"
            else:
                key = "counter.done.transferred_service"
            return self.translator(key, label=ticket.label, service=service, counter=counter or "")

        self._act(lambda d: d.transfer(service_id, counter), said)

    def park(self) -> None:
        self._act(
            lambda d: d.park(), lambda t: self.translator("counter.done.parked", label=t.label)
        )

    def resume(self, ticket_id: str) -> None:
        self._act(
            lambda d: d.resume(ticket_id),
            lambda t: self.translator("counter.done.resumed", label=t.label, counter=self.counter),
        )

    @property
    def counter(self) -> str:
        return self.desk.counter if self.desk is not None else ""

    def service_name(self, service_id: str) -> str:
        pack = self.station.pack
        return pack.text(pack.service(service_id).name, self.translator.lang)

    # --- the parts ------------------------------------------------------------------

    def _called(self, ticket: DeskTicket | None) -> str:
        if ticket is None:
            return self.translator("counter.done.nobody")
        return self.translator("counter.done.called", label=ticket.label, counter=self.counter)

    def _recalled(self, outcome: RecallOutcome) -> str:
        label, most = outcome.ticket.label, self.desk.max_recalls if self.desk else 0
        if outcome.no_show:
            return self.translator("counter.done.recall_no_show", label=label, max=most)
        return self.translator(
            "counter.done.recalled", label=label, n=outcome.ticket.recalls, max=most
        )

    def _act(self, action: Callable[[CounterDesk], Any], said: Callable[[Any], str]) -> None:
        desk = self.desk
        if desk is None or self.busy:
            return
        self._set_busy(True)
        generation = self._generation
        station = self.station

        def job() -> tuple[Any, DeskView]:
            result = action(desk)
            return result, look(station, desk)

        def done(outcome: tuple[Any, DeskView]) -> None:
            if generation != self._generation:
                return
            result, view = outcome
            self._set_busy(False)
            self._show(view)
            self.said.emit(said(result), False)

        def failed(exc: Exception) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            if isinstance(exc, CounterError):
                self.said.emit(str(exc), True)
            else:
                log.error("a counter action failed", exc_info=exc)
                self.said.emit(self.translator("counter.done.store_failed"), True)
            self.refresh()  # someone else may have changed the queue meanwhile

        self.worker.submit(job, done, failed)

    def _show(self, view: DeskView) -> None:
        self.view = view
        self.viewed.emit(view)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

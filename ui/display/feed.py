"""The board's reads, on the worker thread: new calls several times a second, waits
every few seconds. Results come back as signals on the GUI thread; nothing here
touches a widget, and a poll is never started while the last one is still out
(a slow store makes the board lag, never pile up work)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.board import BoardCall, BoardFeed, ServiceWait
from ui.workers import StationWorker

log = logging.getLogger(__name__)
WAITS_TICKS = 5  # waits are read every 5 board seconds, and after every new call
PAGE = 50
T = TypeVar("T")  # BoardFeed.calls_after returns at most this many at once


@dataclass(frozen=True)
class Failed:
    """A job that raised, described in the worker. The exception itself never crosses
    to the GUI thread: its traceback's frames hold the worker's job (a QRunnable Qt
    deletes after it runs), and freeing that wrapper later crashed the board."""

    kind: str
    message: str


def attempt(
    fn: Callable[[], T], expected: tuple[type[Exception], ...] = ()
) -> Callable[[], T | Failed]:
    """``fn`` for the worker: its result, or a :class:`Failed` (an unexpected error is
    logged with its traceback here, in the worker)."""

    def run() -> T | Failed:
        try:
            return fn()
        except expected as exc:
            return Failed(type(exc).__name__, str(exc))
        except Exception as exc:
            log.exception("board: %s", type(exc).__name__)
            return Failed(type(exc).__name__, "")

    return run


@dataclass(frozen=True)
class Start:
    recent: list[BoardCall]  # today's newest calls, newest first
    last_id: int
    waits: list[ServiceWait]


def _start(feed: BoardFeed, history: int) -> Start:
    """What the board shows when it starts, and where its polling begins. Calls made
    on earlier days are skipped, not announced."""
    recent = feed.recent(history + 1)
    return Start(recent, feed.last_call_id(), feed.waits())


class BoardPoller(QObject):
    started = Signal(object)  # Start
    calls = Signal(list)  # list[BoardCall], oldest first: new since the last poll
    waits = Signal(list)  # list[ServiceWait]

    def __init__(
        self,
        worker: StationWorker,
        feed: BoardFeed,
        *,
        poll_ms: int,
        tick_ms: int,
        history: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._feed = feed
        self._history = history
        self.last_id: int | None = None  # None until the start has been read
        self._calls_out = False
        self._waits_out = False
        self._failing = False
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.poll_calls)
        self._waits_timer = QTimer(self)
        self._waits_timer.setInterval(WAITS_TICKS * tick_ms)
        self._waits_timer.timeout.connect(self.poll_waits)

    def start(self) -> None:
        feed, history = self._feed, self._history
        self._calls_out = True
        self._submit(lambda: _start(feed, history), self._got_start, self._start_failed)

    def stop(self) -> None:
        self._poll.stop()
        self._waits_timer.stop()

    def poll_calls(self) -> None:
        if self._calls_out or self.last_id is None:
            return
        self._calls_out = True
        feed, last_id = self._feed, self.last_id
        self._submit(lambda: feed.calls_after(last_id), self._got_calls, self._failed)

    def poll_waits(self) -> None:
        if self._waits_out:
            return
        self._waits_out = True
        self._submit(self._feed.waits, self._got_waits, self._waits_failed)

    def _submit(
        self, fn: Callable[[], Any], ok: Callable[[Any], None], failed: Callable[[Failed], None]
    ) -> None:
        def done(result: object) -> None:
            if isinstance(result, Failed):
                failed(result)
            else:
                ok(result)

        self._worker.submit(attempt(fn), done, lambda _exc: None)

    def _got_start(self, start: Start) -> None:
        self._calls_out = False
        self.last_id = start.last_id
        self.started.emit(start)
        self.waits.emit(start.waits)
        self._poll.start()
        self._waits_timer.start()

    def _start_failed(self, failure: Failed) -> None:
        self._calls_out = False
        log.error("board: cannot read the calls yet, trying again: %s", failure.kind)
        QTimer.singleShot(max(1000, self._poll.interval() * 4), self, self.start)

    def _got_calls(self, calls: list[BoardCall]) -> None:
        self._calls_out = False
        if self._failing:
            log.info("board: reading calls again")
            self._failing = False
        if not calls:
            return
        self.last_id = calls[-1].id
        self.calls.emit(calls)
        self.poll_waits()  # a call takes someone off the waiting list
        if len(calls) >= PAGE:
            self.poll_calls()  # more are waiting: read them now

    def _failed(self, failure: Failed) -> None:
        self._calls_out = False
        if not self._failing:  # once per outage, not four times a second
            log.error("board: cannot read new calls: %s", failure.kind)
            self._failing = True

    def _got_waits(self, waits: list[ServiceWait]) -> None:
        self._waits_out = False
        self.waits.emit(waits)

    def _waits_failed(self, failure: Failed) -> None:
        self._waits_out = False
        log.warning("board: cannot read the waits: %s", failure.kind)

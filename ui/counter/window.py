"""The counter window: a header, then one screen at a time (starting, sign-in, console).

Built in two steps like the kiosk's: the constructor needs only the config and
shows "starting"; :meth:`CounterWindow.attach` takes the opened station and
builds the sign-in and the console. Every store call goes through the worker;
the window only moves between screens and wires them to the desk.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.config import StationConfig
from kiosk.i18n import Translator
from ui.counter.desk_runner import REFRESH_MS, DeskRunner
from ui.counter.parts import CurrentPageStack
from ui.idle import IdleWatchdog
from ui.screens import Screen
from ui.theme import QSS
from ui.widgets import button, label
from ui.workers import StationWorker

if TYPE_CHECKING:
    from kiosk.counter import CounterDesk
    from kiosk.station import Station
    from ui.counter.console import ConsoleScreen
    from ui.counter.sign_in import SignInScreen
    from ui.counter.state import DeskView

log = logging.getLogger(__name__)
COUNTER_QSS = QSS.with_name("counter.qss")
COMPACT_BELOW = 900  # window height (px) under which the ticket number shrinks a size


class StartingScreen(Screen):
    """Before the store is open, and while it cannot be: says so, never blank."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("StartingScreen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(120, 80, 120, 80)
        self.title = label("StartingTitle", center=True)
        self.detail = label("StartingDetail", center=True)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addStretch(2)
        self.retry_seconds: int | None = None

    def retranslate(self, tr: Translator) -> None:
        self.title.setText(tr("counter.starting.title"))
        seconds = self.retry_seconds
        self.detail.setText(
            tr("counter.starting.unavailable", seconds=seconds) if seconds is not None else ""
        )
        self.detail.setVisible(seconds is not None)


class CounterHeader(QFrame):
    def __init__(self, center_name: str) -> None:
        super().__init__()
        self.setObjectName("CounterHeader")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(28, 4, 16, 4)
        layout.setSpacing(20)
        self.center = label("HeaderCenter", center_name, wrap=False)
        self.who = label("HeaderWho", wrap=False)
        self.sign_out_button = button(name="sign-out")
        self.sign_out_button.setProperty("variant", "header")
        layout.addWidget(self.center)
        layout.addStretch(1)
        layout.addWidget(self.who)
        layout.addWidget(self.sign_out_button)
        self.signed_in(None)

    def signed_in(self, text: str | None) -> None:
        self.who.setText(text or "")
        self.who.setVisible(bool(text))
        self.sign_out_button.setVisible(bool(text))


class CounterWindow(QWidget):
    sign_in: SignInScreen
    console: ConsoleScreen
    runner: DeskRunner

    def __init__(
        self, config: StationConfig, refresh_ms: int = REFRESH_MS, tick_ms: int = 1000
    ) -> None:
        """``refresh_ms``: how often the waiting list is read again; ``tick_ms``: one
        second on the idle sign-out's clock (tests shorten it)."""
        super().__init__()
        self.setObjectName("CounterWindow")
        self.config = config
        self.station: Station | None = None
        self.worker = StationWorker(self)
        self.translator = Translator(config.settings.station.default_language)
        self._refresh_ms = refresh_ms
        self._signing_in = 0  # bumped per attempt: a late answer for an old one is dropped
        center = config.settings.station.center_name
        self.setWindowTitle(self.translator("counter.window_title", center=center))
        # The tick drawn in a checked box is a file beside the stylesheet.
        sheet = COUNTER_QSS.read_text(encoding="utf-8")
        self.setStyleSheet(sheet.replace("@THEME@", COUNTER_QSS.parent.as_posix()))
        self.header = CounterHeader(center)
        self.starting = StartingScreen()
        self.stack = CurrentPageStack()
        self.stack.setObjectName("CounterStack")
        self.stack.addWidget(self.starting)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        self.header.sign_out_button.setText(self.translator("counter.header.sign_out"))
        self.header.sign_out_button.clicked.connect(self.sign_out)
        self.starting.retranslate(self.translator)
        # A console left signed in shows a visitor's personal answers to whoever
        # walks up: after [counter] sign_out_idle_minutes without a touch, sign out.
        idle_minutes = config.settings.counter.sign_out_idle_minutes
        self.idle = IdleWatchdog(idle_minutes * 60 * tick_ms, self)
        self.idle.expired.connect(self._idle_sign_out)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.idle)

    @property
    def desk(self) -> CounterDesk | None:
        return self.runner.desk if self.station is not None else None

    @property
    def current(self) -> QWidget | None:
        return self.stack.currentWidget()

    def attach(self, station: Station) -> None:
        """Build the screens that need the store and the content pack."""
        from ui.counter.console import ConsoleScreen
        from ui.counter.sign_in import SignInScreen

        self.station = station
        settings = self.config.settings.counter
        self.sign_in = SignInScreen(station.pack, settings.number, list(settings.services))
        self.console = ConsoleScreen(station.pack, station.tz, settings)
        for screen in (self.sign_in, self.console):
            screen.retranslate(self.translator)
            self.stack.addWidget(screen)
        self.runner = DeskRunner(self.worker, station, self.translator, self._refresh_ms, self)
        self.runner.viewed.connect(self.console.show_view)
        self.runner.said.connect(self.console.say)
        self.runner.busy_changed.connect(self.console.set_busy)
        self.sign_in.submitted.connect(self._sign_in)
        c = self.console
        c.call_next.connect(self.runner.call_next)
        c.call.connect(self.runner.call)
        c.recall.connect(self.runner.recall)
        c.no_show.connect(self.runner.no_show)
        c.start_serving.connect(self.runner.start_serving)
        c.complete.connect(self.runner.complete)
        c.transfer.connect(lambda service, counter: self.runner.transfer(service, counter or None))
        c.park.connect(self.runner.park)
        c.resume.connect(self.runner.resume)
        self.console.set_compact(self.height() < COMPACT_BELOW)
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.staff_id.setFocus()

    def show_unavailable(self, retry_seconds: int) -> None:
        """The store cannot be opened (yet): say so, and that it keeps trying."""
        self.starting.retry_seconds = retry_seconds
        self.starting.retranslate(self.translator)
        self.stack.setCurrentWidget(self.starting)

    # --- signing in and out ---------------------------------------------------------

    def _sign_in(self, staff_id: str, pin: str, counter: str, services: list[str]) -> None:
        from kiosk.counter import CounterError
        from kiosk.staff import SignInRefused
        from ui.counter.state import look

        station = self.station
        assert station is not None
        self._signing_in += 1
        attempt = self._signing_in
        self.sign_in.set_busy(True)

        def job() -> tuple[CounterDesk, DeskView]:
            member = station.staff.sign_in(staff_id, pin, counter)
            desk = station.counter_desk(member, counter, services)
            return desk, look(station, desk)

        def done(result: tuple[CounterDesk, DeskView]) -> None:
            desk, view = result
            if attempt != self._signing_in:
                self.worker.submit(desk.close, lambda _: None, lambda _: None)
                return
            self.sign_in.clear()  # the PIN does not stay in a hidden field all day
            self.console.say("", False)
            self.runner.start(desk, view)
            who = self.translator(
                "counter.header.signed_in", counter=desk.counter, name=desk.staff.name
            )
            self.header.signed_in(who)
            self.stack.setCurrentWidget(self.console)
            self.idle.set_enabled(True)

        def failed(exc: Exception) -> None:
            if attempt != self._signing_in:
                return
            if isinstance(exc, SignInRefused):
                self.sign_in.refused(str(exc))
            elif isinstance(exc, CounterError):
                self.sign_in.failed(str(exc), translated=True)
            else:
                log.error("signing in failed", exc_info=exc)
                self.sign_in.failed("counter.sign_in.failed")

        self.worker.submit(job, done, failed)

    def sign_out(self) -> None:
        """Everything of this session leaves the screen now; the store is told on the worker."""
        if self.station is None:
            return
        self.idle.set_enabled(False)
        self.runner.stop()
        self.console.clear()
        self.header.signed_in(None)
        self.sign_in.signed_out()
        self.stack.setCurrentWidget(self.sign_in)

    def _idle_sign_out(self) -> None:
        if self.station is None or self.current is not self.console:
            return
        self.sign_out()
        minutes = self.config.settings.counter.sign_out_idle_minutes
        self.sign_in.failed(
            self.translator.plural("counter.sign_in.idle_signed_out", minutes), translated=True
        )

    def close_desk(self) -> None:
        """At exit (the worker idle): end the clerk's session in the store."""
        desk = self.desk
        if desk is not None:
            self.runner.stop()
            self.worker.wait_idle()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.station is not None:
            self.console.set_compact(event.size().height() < COMPACT_BELOW)

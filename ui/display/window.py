"""The board window: the newest call large, the calls before it, waits, a notice, a clock.

Laid out for a landscape TV. Every size in ``ui/theme/board.qss`` is for a
1080-pixel-high screen and the window rescales the sheet to its own size,
so 720p and 4K show the same board. Built in two steps like the kiosk's
window: the constructor paints a calm "board starting" page at once, and
:meth:`BoardWindow.attach` takes the opened station and starts polling.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QRect, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.board import BoardCall, ServiceWait
from kiosk.config import StationConfig
from ui.display.call_list import CallList
from ui.display.now_serving import NowServing
from ui.display.parts import Bilingual, Languages
from ui.theme import QSS
from ui.widgets import label
from ui.workers import StationWorker

if TYPE_CHECKING:
    from kiosk.announcer import Announcer
    from kiosk.station import Station
    from ui.display.feed import BoardPoller, Start
    from ui.display.waits_panel import WaitsPanel

log = logging.getLogger(__name__)
BOARD_QSS = QSS.with_name("board.qss")
DESIGN = (1920, 1080)  # the screen board.qss is written for
_PX = re.compile(r"(\d+)px")


class BoardWindow(QWidget):
    call_shown = Signal(object)  # a BoardCall, as it is shown large and highlighted
    waits_shown = Signal(object)  # list[ServiceWait]
    station_ready = Signal()

    def __init__(
        self,
        config: StationConfig,
        announcer: Announcer | None = None,
        *,
        tick_ms: int = 1000,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        """``tick_ms`` is one second on the board's timers (tests shorten it);
        ``clock`` gives the time the header shows (default: now)."""
        super().__init__()
        self.setObjectName("BoardWindow")
        self.config = config
        settings = config.settings
        self.display = settings.display
        self.announcer = announcer
        self.station: Station | None = None
        self.poller: BoardPoller | None = None
        self.waits: WaitsPanel | None = None
        self.worker = StationWorker(self)
        self._tick_ms = tick_ms
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._tz = ZoneInfo(settings.station.timezone) if settings.station.timezone else None
        self._sheet_template = BOARD_QSS.read_text(encoding="utf-8")
        self._scale = 0.0
        self._calls: list[BoardCall] = []  # newest first, one per ticket
        self.languages = languages = Languages(settings.station.languages)
        self.setWindowTitle(f"OneStop board — {settings.station.center_name}")

        header = QFrame()
        header.setObjectName("BoardHeader")
        self.center = label("BoardCenter", settings.station.center_name, wrap=False)
        self.clock = label("BoardClock", wrap=False)
        self._header_layout = QHBoxLayout(header)
        self._header_layout.addWidget(self.center, 1)
        self._header_layout.addWidget(self.clock)

        self.starting = QWidget()
        starting_layout = QVBoxLayout(self.starting)
        starting_layout.addStretch(1)
        starting_layout.addWidget(
            Bilingual(
                languages.all("board.starting"), "StartingTitle", "StartingSecondary", center=True
            )
        )
        starting_layout.addSpacing(40)
        starting_layout.addWidget(
            Bilingual(
                languages.all("board.starting_hint"), "StartingHint", "StartingHint", center=True
            )
        )
        starting_layout.addStretch(1)

        self.board = QWidget()
        self.now = NowServing(languages, self.display.highlight_seconds * tick_ms)
        self.previous = CallList(languages, self.display.history)
        self._body = QHBoxLayout(self.board)
        self._body.addWidget(self.now, 42)
        self._body.addWidget(self.previous, 24)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.starting)
        self.stack.addWidget(self.board)

        self.notice_bar = QFrame()
        self.notice_bar.setObjectName("NoticeBar")
        self.notice = label("NoticeText", self.display.notice or "", center=True)
        self._notice_layout = QHBoxLayout(self.notice_bar)
        self._notice_layout.addWidget(self.notice)
        self.notice_bar.setVisible(bool(self.display.notice))

        layout = QVBoxLayout(self)
        # The screen sets the size, never the content: the sheet is rescaled to fit it.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.notice_bar)

        self._retry = QTimer(self)  # one, reused: no timers made and deleted per attempt
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._retry_now)
        self._retry_fn: Callable[[], None] | None = None
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self.update_clock)
        self._clock_timer.start()
        self.update_clock()
        self.rescale(*DESIGN)

    # the station -----------------------------------------------------------

    def attach(self, station: Station) -> None:
        """Show the board and start reading calls and waits on the worker."""
        from ui.display.feed import BoardPoller
        from ui.display.waits_panel import WaitsPanel

        self.station = station
        self.waits = WaitsPanel(self.languages, station.pack)
        self._body.addWidget(self.waits, 34)
        self.poller = BoardPoller(
            self.worker,
            station.board,
            poll_ms=self.display.poll_ms,
            tick_ms=self._tick_ms,
            history=self.display.history,
            parent=self,
        )
        self.poller.started.connect(self._started)
        self.poller.calls.connect(self._new_calls)
        self.poller.waits.connect(self._show_waits)
        self.poller.start()
        self.waits.set_margins(self._scale)  # its fonts come from the window's sheet

    def detach(self) -> None:
        """Stop polling (the station is closed by whoever opened it)."""
        self._retry.stop()
        if self.poller is not None:
            self.poller.stop()
        self.worker.wait_idle()

    def show_starting(self) -> None:
        """The station cannot start yet: a calm page, never an error on the TV."""
        self.stack.setCurrentWidget(self.starting)

    def retry_later(self, msecs: int, fn: Callable[[], None]) -> None:
        """Run ``fn`` once in ``msecs`` (opening the station again); never after close."""
        self._retry_fn = fn
        self._retry.start(msecs)

    def _retry_now(self) -> None:
        fn, self._retry_fn = self._retry_fn, None
        if fn is not None:
            fn()

    def _started(self, start: Start) -> None:
        self._calls = list(start.recent)
        if self._calls:
            self.now.show_call(self._calls[0], highlight=False)
        self.previous.show_calls(self._calls[1:])
        self.stack.setCurrentWidget(self.board)
        self.station_ready.emit()

    def _new_calls(self, calls: list[BoardCall]) -> None:
        for call in calls:  # oldest first: each is announced in the order it was made
            self._calls = [call, *(c for c in self._calls if c.ticket_id != call.ticket_id)]
            if self.announcer is not None:
                self.announcer.announce(call.label, call.counter)
        del self._calls[self.display.history + 1 :]
        newest = self._calls[0]
        self.now.show_call(newest, highlight=True)
        self.previous.show_calls(self._calls[1:])
        self.call_shown.emit(newest)

    def _show_waits(self, waits: list[ServiceWait]) -> None:
        if self.waits is not None:
            self.waits.show_waits(waits)
            self.waits_shown.emit(waits)

    def update_clock(self) -> None:
        now = self._clock().astimezone(self._tz)
        self.clock.setText(now.strftime("%H:%M"))

    # size ---------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.rescale(event.size().width(), event.size().height())

    def rescale(self, width: int, height: int) -> None:
        """Fonts, padding and borders in proportion to the screen (board.qss is 1080p)."""
        scale = max(0.25, min(height / DESIGN[1], width / DESIGN[0]))
        if abs(scale - self._scale) < 0.005:
            return
        self._scale = scale
        self.setStyleSheet(
            _PX.sub(lambda m: f"{max(1, round(int(m[1]) * scale))}px", self._sheet_template)
        )
        gap = round(24 * scale)
        self._body.setContentsMargins(gap, gap, gap, gap)
        self._body.setSpacing(gap)
        self._header_layout.setContentsMargins(
            round(36 * scale), round(14 * scale), round(36 * scale), round(14 * scale)
        )
        self._notice_layout.setContentsMargins(gap, round(12 * scale), gap, round(12 * scale))
        self.now.set_margins(scale)
        self.previous.set_margins(scale)
        if self.waits is not None:
            self.waits.set_margins(scale)

    def fit(self, width: int, height: int) -> None:
        self.rescale(width, height)
        self.setMinimumSize(0, 0)
        self.resize(width, height)

    def show_board(self) -> None:
        """Full screen on the primary screen, even without a window manager."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self._fit_screen(screen.geometry())
            screen.geometryChanged.connect(self._fit_screen)
        self.showFullScreen()

    def _fit_screen(self, rect: QRect) -> None:
        self.fit(rect.width(), rect.height())
        self.move(rect.topLeft())

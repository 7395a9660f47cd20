"""Who waits for this counter, in the order Call next takes them.

A row past ``[counter] wait_warning_minutes`` turns amber *and* says so in
words (a warning sign before the minutes and a "Waiting too long" badge), so
the warning never rests on colour alone.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.content import ContentPack
from kiosk.counter import DeskTicket
from kiosk.i18n import Translator
from ui.counter.parts import badge, clear_layout, clock_time
from ui.counter.state import DeskView
from ui.touch import touch_scroll_area
from ui.widgets import label

WARNING_SIGN = "⚠"
NARROW_BELOW = 900  # panel width (px) under which a row's badges go under its service


class WaitRow(QFrame):
    def __init__(
        self,
        ticket: DeskTicket,
        minutes: int,
        warn: bool,
        first: bool,
        service: str,
        narrow: bool = False,
    ) -> None:
        super().__init__()
        self.setObjectName("WaitRow")
        self.setProperty("warn", warn)
        self.ticket = ticket
        self.minutes = minutes
        self.warn = warn
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 6, 18, 6)
        layout.setSpacing(16)
        self.number = label("WaitLabel", ticket.label, wrap=False)
        self.number.setMinimumWidth(100)
        layout.addWidget(self.number)
        self.service = label("WaitService", service)
        self.badges = QHBoxLayout()
        self.badges.setSpacing(8)
        if narrow:  # the badges under the service, not beside it
            middle = QVBoxLayout()
            middle.setSpacing(4)
            middle.addWidget(self.service)
            middle.addLayout(self.badges)
            layout.addLayout(middle, 1)
        else:
            layout.addWidget(self.service, 1)
            layout.addLayout(self.badges)
        self._narrow = narrow
        self.minutes_label = label("WaitMinutes", wrap=False)
        self.minutes_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.minutes_label)
        self._first = first

    def fill(self, tr: Translator, tz: ZoneInfo | None) -> None:
        ticket = self.ticket
        minutes = tr("counter.waiting.minutes", n=self.minutes)
        self.minutes_label.setText(f"{WARNING_SIGN} {minutes}" if self.warn else minutes)
        # a column the minutes line up in, never narrower than the text (in its own font)
        self.minutes_label.ensurePolished()
        self.minutes_label.setMinimumWidth(max(110, self.minutes_label.sizeHint().width()))
        kinds: list[tuple[str, str]] = []
        if self._first:
            kinds.append((tr("counter.waiting.next"), "next"))
        if self.warn:
            kinds.append((tr("counter.waiting.too_long"), "warning"))
        if ticket.priority:
            kinds.append((tr("counter.waiting.priority"), "priority"))
        if ticket.appointment_at is not None:
            when = clock_time(ticket.appointment_at, tz, tr)
            kinds.append((tr("counter.waiting.appointment", time=when), "appointment"))
        if ticket.transfers:
            kinds.append((tr("counter.waiting.transferred"), "transferred"))
        if ticket.target_counter:
            counter = ticket.target_counter
            kinds.append((tr("counter.waiting.for_counter", counter=counter), "transferred"))
        for text, kind in kinds:
            self.badges.addWidget(badge(text, kind))
        if self._narrow:
            self.badges.addStretch(1)


class WaitingPanel(QFrame):
    def __init__(self, pack: ContentPack, tz: ZoneInfo | None, warning_minutes: int) -> None:
        super().__init__()
        self.setObjectName("WaitingPanel")
        self.pack = pack
        self.tz = tz
        self.warning_minutes = warning_minutes
        self.rows: list[WaitRow] = []
        self._shown: object = None  # what the rows were built from (rebuilt only on change)
        self._last: tuple[DeskView | None, Translator] | None = None
        self.narrow = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.title = label("PanelTitle", wrap=False)
        self.count = label("PanelCount", wrap=False)
        top.addWidget(self.title, 1)
        top.addWidget(self.count)
        layout.addLayout(top)
        self.per_service = label("ServiceCounts")
        layout.addWidget(self.per_service)
        self.empty = label("PanelEmpty")
        layout.addWidget(self.empty)
        self.content = QWidget()
        self.content.setObjectName("WaitRows")
        self.list = QVBoxLayout(self.content)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(6)
        self.list.addStretch(1)
        self.scroller = touch_scroll_area(self.content)
        self.scroller.setObjectName("WaitScroll")
        layout.addWidget(self.scroller, 1)
        self.parked = label("ParkedLine")
        layout.addWidget(self.parked)

    def service_name(self, service_id: str, tr: Translator) -> str:
        return self.pack.text(self.pack.service(service_id).name, tr.lang)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW_BELOW
        if narrow != self.narrow:
            self.narrow = narrow
            self._shown = None
            if self._last is not None:
                self.show_view(*self._last)

    def show_view(self, view: DeskView | None, tr: Translator) -> None:
        self._last = (view, tr)
        self.title.setText(tr("counter.waiting.title"))
        waiting = view.waiting if view is not None else ()
        self.count.setText(tr.plural("counter.waiting.count", len(waiting)) if view else "")
        per_service = {
            sid: sum(1 for t in waiting if t.service_id == sid)
            for sid in (view.services if view is not None else ())
        }
        counts = [  # the services with someone waiting, in the pack's order
            tr("counter.waiting.service_count", service=self.service_name(sid, tr), n=n)
            for sid, n in per_service.items()
            if n
        ]
        self.per_service.setText("   ·   ".join(counts))
        self.per_service.setVisible(bool(counts))
        self.empty.setText(tr("counter.waiting.empty") if view is not None and not waiting else "")
        self.empty.setVisible(view is not None and not waiting)
        parked = ", ".join(t.label for t in view.parked) if view is not None else ""
        self.parked.setText(tr("counter.waiting.parked", labels=parked) if parked else "")
        self.parked.setVisible(bool(parked))
        now = view.now if view is not None else None
        key = (tr.lang, self.narrow, [(t, t.minutes_waited(now)) for t in waiting] if now else None)
        if key == self._shown:
            return
        self._shown = key
        clear_layout(self.list)
        self.rows = []
        for i, ticket in enumerate(waiting):
            assert now is not None
            minutes = ticket.minutes_waited(now)
            row = WaitRow(
                ticket,
                minutes,
                warn=minutes > self.warning_minutes,
                first=i == 0,
                service=self.service_name(ticket.service_id, tr),
                narrow=self.narrow,
            )
            self.list.addWidget(row)  # first: the fill measures text in the window's style
            row.fill(tr, self.tz)
            self.rows.append(row)
        self.list.addStretch(1)

    def clear(self) -> None:
        self._shown = self._last = None
        clear_layout(self.list)
        self.list.addStretch(1)
        self.rows = []
        for line in (self.count, self.per_service, self.empty, self.parked):
            line.setText("")

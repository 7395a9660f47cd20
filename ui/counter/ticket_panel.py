"""The ticket at the counter: its number large enough to read across the room."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout

from kiosk.content import ContentPack
from kiosk.i18n import Translator
from ui.counter.parts import badge, clear_layout, clock_time
from ui.counter.state import CALLED, DeskView
from ui.touch import restyle
from ui.widgets import label


class TicketPanel(QFrame):
    def __init__(self, pack: ContentPack, tz: ZoneInfo | None) -> None:
        super().__init__()
        self.setObjectName("TicketCard")
        self.pack = pack
        self.tz = tz
        self.view: DeskView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 14, 28, 14)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.caption = label("TicketCaption", wrap=False)
        self.state = label("TicketState", wrap=False)
        self.badges = QHBoxLayout()  # priority, appointment, transferred: beside the state
        self.badges.setSpacing(8)
        self.badges.setContentsMargins(0, 0, 0, 0)
        self._badge_row = QFrame()
        self._badge_row.setObjectName("BadgeRow")
        self._badge_row.setLayout(self.badges)
        top.addWidget(self.caption, 1)
        top.addWidget(self._badge_row)
        top.addWidget(self.state)
        layout.addLayout(top)
        layout.addStretch(1)  # the number and its lines in the middle of the card
        self.number = label("TicketNumber", wrap=False)
        self.number.setProperty("scale", "large")
        layout.addWidget(self.number)
        self.service = label("TicketService")
        layout.addWidget(self.service)
        self.details = QFrame()
        self.details.setObjectName("TicketDetails")
        lines = QVBoxLayout(self.details)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(4)
        self.waited = label("TicketDetail")
        self.recalls = label("TicketDetail")
        self.warning = label("TicketWarning")
        for widget in (self.waited, self.recalls, self.warning):
            lines.addWidget(widget)
        layout.addWidget(self.details)
        layout.addStretch(1)

    def set_scale(self, wanted: str) -> None:
        """``large``; ``compact`` (still huge) on a 768-pixel-high screen; ``small``
        there while a question under it needs the room."""
        if self.number.property("scale") != wanted:
            self.number.setProperty("scale", wanted)
            restyle(self.number)
        # The waiting time and recalls step aside too; the number and service stay.
        self.details.setVisible(wanted != "small")

    def show_view(self, view: DeskView | None, tr: Translator) -> None:
        self.view = view
        self._clear_badges()
        ticket = view.current if view is not None else None
        self.caption.setText(tr("counter.ticket.at_counter", counter=view.counter) if view else "")
        if ticket is None or view is None:
            self.state.setText("")
            self.state.hide()
            self.number.setText("")
            self.number.hide()
            self.service.setText(tr("counter.ticket.none") if view else "")
            self.service.setProperty("empty", True)
            restyle(self.service)
            self.waited.setText(tr("counter.ticket.none_hint") if view else "")
            for line in (self.recalls, self.warning):
                line.setText("")
                line.hide()
            return
        called = str(ticket.state) == CALLED
        self.state.setText(tr("counter.ticket.called" if called else "counter.ticket.serving"))
        self.state.setProperty("serving", not called)
        restyle(self.state)
        self.state.show()
        self.number.setText(ticket.label)
        self.number.show()
        service = self.pack.service(ticket.service_id)
        self.service.setText(self.pack.text(service.name, tr.lang))
        self.service.setProperty("empty", False)
        restyle(self.service)
        if ticket.priority:
            self.badges.addWidget(badge(tr("counter.ticket.priority"), "priority"))
        if ticket.appointment_at is not None:
            when = clock_time(ticket.appointment_at, self.tz, tr)
            self.badges.addWidget(badge(tr("counter.ticket.appointment", time=when), "appointment"))
        if ticket.transfers:
            self.badges.addWidget(badge(tr("counter.ticket.transferred"), "transferred"))
        self._badge_row.setVisible(self.badges.count() > 0)
        until = ticket.called_at or view.now
        waited = max(0, int((until - ticket.issued_at).total_seconds() // 60))
        self.waited.setText(tr.plural("counter.ticket.waited", waited))
        recalls = tr("counter.ticket.recalls", n=ticket.recalls, max=view.max_recalls)
        self.recalls.setText(recalls)
        self.recalls.setVisible(called)
        last = called and ticket.recalls >= view.max_recalls
        self.warning.setText(tr("counter.ticket.last_recall") if last else "")
        self.warning.setVisible(last)

    def _clear_badges(self) -> None:
        clear_layout(self.badges)
        self._badge_row.hide()

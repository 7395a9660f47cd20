"""The ticket on screen: the number in huge type, place in line, wait, preview.

If the printer failed, the number is still here and the screen says what to
do: show it at the front desk. The screen returns to the welcome screen on
its own after a countdown, or at once with "Done".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout

from kiosk.content import ContentPack
from kiosk.i18n import Translator
from ui.screens import Screen
from ui.ticket_preview import TicketPreview
from ui.touch import Countdown, done_bar, set_status
from ui.widgets import label

if TYPE_CHECKING:
    from kiosk.station import TicketOutcome


class ConfirmationScreen(Screen):
    finished = Signal()

    def __init__(self, pack: ContentPack, seconds: int, tick_ms: int = 1000) -> None:
        super().__init__()
        self.setObjectName("ConfirmationScreen")
        self._pack = pack
        self._outcome: TicketOutcome | None = None
        self._failed = False
        self._tr: Translator | None = None
        self.countdown_timer = Countdown(seconds, tick_ms, self)
        self.countdown_timer.ticked.connect(self._ticked)
        self.countdown_timer.finished.connect(self.finished)

        page = QVBoxLayout(self)
        page.setContentsMargins(60, 30, 60, 30)
        outer = self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        outer.setSpacing(60)
        page.addLayout(outer, 1)
        left = QVBoxLayout()
        left.setSpacing(10)
        self.service = label("ConfirmService", center=True)
        self.caption = label("NumberCaption", center=True)
        self.number = label("TicketNumber", wrap=False, center=True)
        self.priority = label("PriorityNote", center=True)
        self.ahead = label("ConfirmLine", center=True)
        self.wait = label("ConfirmLine", center=True)
        self.status = label("PrintStatus", center=True)
        left.addStretch(1)
        for widget in (self.service, self.caption, self.number):
            left.addWidget(widget)
        left.addWidget(self.priority, 0, Qt.AlignmentFlag.AlignCenter)
        left.addSpacing(8)
        left.addWidget(self.ahead)
        left.addWidget(self.wait)
        left.addSpacing(16)
        left.addWidget(self.status)
        left.addStretch(1)
        bottom, self.countdown, self.done_button = done_bar(self.countdown_timer, "done")
        outer.addLayout(left, 1)

        right = QVBoxLayout()
        self.preview_caption = label("ScreenSubtitle", center=True)
        self.preview = TicketPreview()
        right.addStretch(1)
        right.addWidget(self.preview_caption)
        right.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        right.addStretch(1)
        outer.addLayout(right)
        page.addLayout(bottom)

    def set_portrait(self, portrait: bool) -> None:
        # The ticket preview sits beside the number on a wide screen, below it on a tall one.
        self.columns.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    @property
    def outcome(self) -> TicketOutcome | None:
        return self._outcome

    @property
    def counting_down(self) -> bool:
        return self.countdown_timer.active

    def show_outcome(self, outcome: TicketOutcome) -> None:
        """Show the ticket. A printed one closes after a countdown; a number that
        did not print stays until the citizen is done with it (or the idle guard
        asks), because it is their only record of their place in line."""
        self._outcome, self._failed = outcome, False
        self.preview.set_document(outcome.document)
        if outcome.printed:
            self.countdown_timer.start()
        else:
            self.countdown_timer.stop()
        if self._tr:
            self.retranslate(self._tr)

    def show_failure(self) -> None:
        """No ticket could be issued (the store is unavailable): send them to the desk."""
        self._outcome, self._failed = None, True
        self.preview.set_document(None)
        self.countdown_timer.stop()
        if self._tr:
            self.retranslate(self._tr)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        outcome = self._outcome
        ticket = outcome.ticket if outcome else None
        self.done_button.setText(tr("confirm.done"))
        self.countdown.setText(tr.plural("confirm.closing", self.countdown_timer.left))
        self.countdown.setVisible(self.countdown_timer.active)
        self.caption.setText(tr("confirm.your_number") if ticket else "")
        self.number.setText(ticket.label if ticket else "")
        self.service.setText(
            self._pack.text(self._pack.service(ticket.service_id).name, tr.lang) if ticket else ""
        )
        self.priority.setText(tr("confirm.priority_note"))
        self.priority.setVisible(bool(ticket and ticket.priority))
        self.ahead.setText(tr.plural("people_ahead", ticket.people_ahead) if ticket else "")
        self.wait.setText(tr.wait(ticket.estimated_wait_minutes) if ticket else "")
        # The preview shows the paper the citizen holds; with no paper, there is nothing to show.
        printed = bool(outcome and outcome.printed)
        self.preview_caption.setText(tr("ticket.preview") if printed else "")
        self.preview.setVisible(printed)
        if self._failed:
            self._set_status(tr("confirm.issue_failed"), fault=True)
        elif outcome is None:
            self._set_status("", fault=False)
        elif outcome.printed:
            self._set_status(tr("confirm.printed"), fault=False)
        else:
            self._set_status(tr("confirm.print_failed"), fault=True)

    def _set_status(self, text: str, *, fault: bool) -> None:
        set_status(self.status, text, fault=fault)
        self.status.setVisible(bool(text))

    def _ticked(self, left: int) -> None:
        if self._tr:
            self.countdown.setText(self._tr.plural("confirm.closing", left))

    def clear(self) -> None:
        self.countdown_timer.stop()
        self._outcome, self._failed = None, False
        self.preview.set_document(None)
        for widget in (self.number, self.caption, self.service, self.ahead, self.wait, self.status):
            widget.clear()
        self.priority.hide()

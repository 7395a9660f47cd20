"""Submitted: the reference number at once, the receipt, and the queue number if any.

The form is in the store with its outbox entry before this screen shows
(:meth:`kiosk.station.Station.submit_form`), so "submitted" is true even if
the network is down. If a slip did not print, what it would have said stays
on screen until the citizen is done with it, as on the ticket screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout, QWidget

from kiosk.content import ContentPack
from kiosk.i18n import Translator
from ui.screens import Screen
from ui.touch import Countdown, done_bar, set_status
from ui.widgets import label

if TYPE_CHECKING:
    from kiosk.station import FormOutcome


class FormSubmittedScreen(Screen):
    finished = Signal()

    def __init__(self, pack: ContentPack, seconds: int, tick_ms: int = 1000) -> None:
        super().__init__()
        self.setObjectName("FormSubmittedScreen")
        self._pack = pack
        self._outcome: FormOutcome | None = None
        self._service_id: str | None = None
        self._next_steps: dict[str, str] = {}
        self._tr: Translator | None = None
        self.countdown_timer = Countdown(seconds, tick_ms, self)
        self.countdown_timer.ticked.connect(self._ticked)
        self.countdown_timer.finished.connect(self.finished)

        page = QVBoxLayout(self)
        page.setContentsMargins(80, 30, 80, 30)
        page.setSpacing(10)
        self.title = label("ScreenTitle", center=True)
        self.body = label("ScreenSubtitle", center=True)
        self.reference_caption = label("NumberCaption", center=True)
        self.reference = label("ReferenceNumber", wrap=False, center=True)
        self.receipt_status = label("PrintStatus", center=True)
        self.ticket_caption = label("NumberCaption", center=True)
        self.ticket = label("SubmittedTicket", wrap=False, center=True)
        self.ticket_line = label("ConfirmLine", center=True)
        self.ticket_status = label("PrintStatus", center=True)
        self.next_steps = label("NextSteps")  # a paragraph: read from the left
        page.addStretch(1)
        for widget in (self.title, self.body):
            page.addWidget(widget)
        page.addSpacing(20)
        # The reference and the place in line side by side on a wide screen, one
        # above the other on a tall one.
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(40)
        self.ticket_box = QWidget()  # hidden for a service with no ticket after its form
        reference = (self.reference_caption, self.reference, self.receipt_status)
        ticket = (self.ticket_caption, self.ticket, self.ticket_line, self.ticket_status)
        for box, widgets in ((QWidget(), reference), (self.ticket_box, ticket)):
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(10)
            for widget in widgets:
                column.addWidget(widget)
            column.addStretch(1)
            self.columns.addWidget(box, 1)
        page.addLayout(self.columns)
        page.addSpacing(16)
        page.addWidget(self.next_steps)
        page.addStretch(1)
        bottom, self.countdown, self.done_button = done_bar(self.countdown_timer, "submitted-done")
        page.addLayout(bottom)

    def set_portrait(self, portrait: bool) -> None:
        self.columns.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    @property
    def counting_down(self) -> bool:
        return self.countdown_timer.active

    def show_outcome(
        self, service_id: str, outcome: FormOutcome, next_steps: dict[str, str] | None = None
    ) -> None:
        """Everything printed: close after a countdown; anything missing: wait for Done.

        ``next_steps`` is the form's "what happens next", by language (also on the receipt).
        """
        self._service_id, self._outcome = service_id, outcome
        self._next_steps = dict(next_steps or {})
        all_printed = outcome.receipt.printed and (outcome.ticket is None or outcome.ticket.printed)
        if all_printed:
            self.countdown_timer.start()
        else:
            self.countdown_timer.stop()
        if self._tr is not None:
            self.retranslate(self._tr)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self.title.setText(tr("wizard.submitted_title"))
        self.done_button.setText(tr("confirm.done"))
        self.countdown.setText(tr.plural("confirm.closing", self.countdown_timer.left))
        self.countdown.setVisible(self.countdown_timer.active)
        outcome = self._outcome
        steps = self._next_steps
        self.next_steps.setText(steps.get(tr.lang) or next(iter(steps.values()), ""))
        self.next_steps.setVisible(bool(steps))
        if outcome is None or self._service_id is None:
            return
        service = self._pack.service(self._service_id)
        agency = self._pack.text(self._pack.agency(service.agency).name, tr.lang)
        self.body.setText(tr("wizard.submitted_body", agency=agency))
        self.reference_caption.setText(tr("wizard.reference"))
        self.reference.setText(outcome.reference)
        receipt_ok = outcome.receipt.printed
        key = "wizard.receipt_printed" if receipt_ok else "wizard.receipt_failed"
        set_status(self.receipt_status, tr(key), fault=not receipt_ok)
        issued = outcome.ticket
        self.ticket_box.setVisible(issued is not None)
        if issued is not None:
            ticket = issued.ticket
            self.ticket_caption.setText(tr("wizard.ticket_number"))
            self.ticket.setText(ticket.label)
            self.ticket_line.setText(
                tr.plural("people_ahead", ticket.people_ahead)
                + "\n"
                + tr.wait(ticket.estimated_wait_minutes)
            )
            key = "confirm.printed" if issued.printed else "confirm.print_failed"
            set_status(self.ticket_status, tr(key), fault=not issued.printed)

    def _ticked(self, left: int) -> None:
        if self._tr is not None:
            self.countdown.setText(self._tr.plural("confirm.closing", left))

    def clear(self) -> None:
        self.countdown_timer.stop()
        self._outcome = None
        self._service_id = None
        self._next_steps = {}
        self.next_steps.clear()
        for widget in (self.body, self.reference, self.ticket, self.ticket_line):
            widget.clear()
        for widget in (self.receipt_status, self.ticket_status):
            widget.clear()

"""The small questions some actions ask first, shown in place of the action buttons.

Not modal windows: the ticket, the waiting list and the form stay in view
while the clerk types a number or picks an outcome, and Cancel (or Escape)
brings the buttons back.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.content import ContentPack
from kiosk.counter import DeskTicket
from kiosk.i18n import Translator
from ui.counter.parts import clear_layout
from ui.widgets import button, label


class ActionForm(QFrame):
    """Title, hint, the question's own widgets, a problem line, Cancel and a confirm button."""

    cancelled = Signal()
    prefix = ""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("ActionForm")
        self._tr: Translator | None = None
        self.first: QWidget | None = None  # where the typing starts when it opens
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 12, 22, 12)
        layout.setSpacing(6)
        self.title = label("ActionTitle")
        self.hint = label("ActionHint")
        for text in (self.title, self.hint):
            # A wrapped label's minimum is its narrowest, tallest shape; this one is
            # never that narrow, and the window must not grow to fit it.
            text.setMinimumWidth(360)
            layout.addWidget(text)
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout.addLayout(self.body)
        self.problem = label(f"{self.prefix}-problem")
        self.problem.setProperty("role", "error")
        self.problem.setMinimumWidth(360)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        bar = QHBoxLayout()
        self.cancel_button = button(name=f"{self.prefix}-cancel")
        self.cancel_button.clicked.connect(self.cancelled)
        self.submit_button = button(variant="primary", name=f"{self.prefix}-submit")
        self.submit_button.clicked.connect(self._submit)
        bar.addWidget(self.cancel_button)
        bar.addStretch(1)
        bar.addWidget(self.submit_button)
        layout.addLayout(bar)

    def retranslate(self, tr: Translator, **values: object) -> None:
        self._tr = tr
        self.title.setText(tr(f"counter.{self.prefix}.title", **values))
        self.hint.setText(tr(f"counter.{self.prefix}.hint"))
        self.cancel_button.setText(tr("counter.actions.cancel"))
        self.problem.setText("")

    def say(self, key: str) -> None:
        self.problem.setText(self._tr(key) if self._tr else key)

    def _submit(self) -> None:
        raise NotImplementedError


class CallNumberForm(ActionForm):
    chosen = Signal(str)
    prefix = "call_number"

    def __init__(self) -> None:
        super().__init__()
        self.field_caption = label("FieldCaption")
        self.number = QLineEdit()
        self.number.setObjectName("call-number")
        self.number.setMaxLength(40)  # a ticket's QR code (its id) may be scanned here too
        self.number.returnPressed.connect(self._submit)
        self.body.addWidget(self.field_caption)
        self.body.addWidget(self.number)
        self.first = self.number

    def open(self, tr: Translator) -> None:
        self.retranslate(tr)
        self.field_caption.setText(tr("counter.call_number.field"))
        self.submit_button.setText(tr("counter.call_number.submit"))
        self.number.clear()

    def _submit(self) -> None:
        text = self.number.text().strip()
        if not text:
            self.say("counter.call_number.need")
            return
        self.chosen.emit(text)


class CompleteForm(ActionForm):
    chosen = Signal(str)
    prefix = "complete"

    def __init__(self, outcomes: list[str]) -> None:
        super().__init__()
        self.field_caption = label("FieldCaption")
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        self.outcome.addItems(outcomes)
        self.body.addWidget(self.field_caption)
        self.body.addWidget(self.outcome)
        self.first = self.outcome

    def open(self, tr: Translator, ticket: DeskTicket) -> None:
        self.retranslate(tr, label=ticket.label)
        self.field_caption.setText(tr("counter.complete.field"))
        self.submit_button.setText(tr("counter.complete.submit"))
        self.outcome.setCurrentIndex(0)

    def _submit(self) -> None:
        self.chosen.emit(self.outcome.currentText())


class TransferForm(ActionForm):
    chosen = Signal(object, str)  # service id (None: the same), counter ("" for none)
    prefix = "transfer"

    def __init__(self, pack: ContentPack) -> None:
        super().__init__()
        self.pack = pack
        self.service_caption = label("FieldCaption", wrap=False)
        self.service = QComboBox()
        self.service.setObjectName("transfer-service")
        self.counter_caption = label("FieldCaption", wrap=False)
        self.counter = QLineEdit()
        self.counter.setObjectName("transfer-counter")
        self.counter.setMaxLength(12)
        self.counter.returnPressed.connect(self._submit)
        fields = QGridLayout()  # side by side: the question fits under a short ticket card
        fields.setHorizontalSpacing(16)
        fields.setVerticalSpacing(4)
        fields.addWidget(self.service_caption, 0, 0)
        fields.addWidget(self.service, 1, 0)
        fields.addWidget(self.counter_caption, 0, 1)
        fields.addWidget(self.counter, 1, 1)
        fields.setColumnStretch(0, 2)
        fields.setColumnStretch(1, 1)
        self.body.addLayout(fields)
        self.first = self.service

    def open(self, tr: Translator, ticket: DeskTicket) -> None:
        self.retranslate(tr, label=ticket.label)
        self.service_caption.setText(tr("counter.transfer.service"))
        self.counter_caption.setText(tr("counter.transfer.counter"))
        self.submit_button.setText(tr("counter.transfer.submit"))
        self.service.clear()
        self.service.addItem(tr("counter.transfer.same_service"), None)
        for service in self.pack.services:
            if service.id != ticket.service_id:
                self.service.addItem(self.pack.text(service.name, tr.lang), service.id)
        self.counter.clear()

    def choose_service(self, service_id: str) -> None:
        """Pick a service in the list, as the clerk would."""
        self.service.setCurrentIndex(self.service.findData(service_id))

    def _submit(self) -> None:
        service_id = self.service.currentData()
        counter = self.counter.text().strip()
        if service_id is None and not counter:
            self.say("counter.transfer.need")
            return
        self.chosen.emit(service_id, counter)


class ResumeForm(ActionForm):
    chosen = Signal(str)  # ticket id
    prefix = "resume"

    def __init__(self, pack: ContentPack) -> None:
        super().__init__()
        self.pack = pack
        self.submit_button.hide()  # each parked ticket is its own button
        self.list = QVBoxLayout()
        self.list.setSpacing(8)
        holder = QWidget()
        holder.setLayout(self.list)
        self.body.addWidget(holder)
        self.buttons: dict[str, QPushButton] = {}

    def open(self, tr: Translator, parked: tuple[DeskTicket, ...]) -> None:
        self.retranslate(tr)
        clear_layout(self.list)
        self.buttons = {}
        for ticket in parked:
            service = self.pack.text(self.pack.service(ticket.service_id).name, tr.lang)
            text = tr("counter.resume.row", label=ticket.label, service=service)
            choice = button(text, name=f"resume-{ticket.label}")
            choice.setProperty("variant", "row")
            choice.clicked.connect(lambda _=False, tid=ticket.id: self.chosen.emit(tid))
            self.list.addWidget(choice)
            self.buttons[ticket.label] = choice
        if not parked:
            self.say("counter.resume.none")
        self.first = next(iter(self.buttons.values()), self.cancel_button)

    def _submit(self) -> None:  # no confirm button: a ticket's button resumes it
        return

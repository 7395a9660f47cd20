"""The clerk's console: the ticket at the counter, the actions, the waiting list
and the visitor's kiosk form.

Buttons are enabled only for what applies to the ticket at the counter now
(the core refuses the rest anyway, and says why in the message line), and the
next likely step is the highlighted one: Call next, then Start serving, then
Complete. The message line never blocks: the clerk reads it and carries on.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.config_sections import CounterSettings
from kiosk.content import ContentPack
from kiosk.i18n import Translator
from ui.counter.dialogs import ActionForm, CallNumberForm, CompleteForm, ResumeForm, TransferForm
from ui.counter.form_view import FormPanel
from ui.counter.parts import CurrentPageStack
from ui.counter.state import CALLED, SERVING, DeskView
from ui.counter.ticket_panel import TicketPanel
from ui.counter.waiting_list import WaitingPanel
from ui.screens import Screen
from ui.touch import restyle
from ui.widgets import button, label

GRID = (
    ("call_next", "call_number", "resume"),
    ("recall", "no_show", "start_serving"),
    ("complete", "transfer", "park"),
)
# What each action needs: no ticket at the counter (None), or the ticket's state.
APPLIES: dict[str, tuple[str | None, ...]] = {
    "call_next": (None,),
    "call_number": (None,),
    "resume": (None,),
    "recall": (CALLED,),
    "no_show": (CALLED,),
    "start_serving": (CALLED,),
    "complete": (CALLED, SERVING),
    "transfer": (CALLED, SERVING),
    "park": (CALLED, SERVING),
}
NEXT_STEP = {None: "call_next", CALLED: "start_serving", SERVING: "complete"}


class ConsoleScreen(Screen):
    call_next = Signal()
    call = Signal(str)
    recall = Signal()
    no_show = Signal()
    start_serving = Signal()
    complete = Signal(str)
    transfer = Signal(object, str)
    park = Signal()
    resume = Signal(str)

    def __init__(self, pack: ContentPack, tz: ZoneInfo | None, settings: CounterSettings) -> None:
        super().__init__()
        self.setObjectName("ConsoleScreen")
        self.view: DeskView | None = None
        self.busy = False
        self._compact = False
        self._tr: Translator | None = None
        outer = QHBoxLayout(self)
        outer.setContentsMargins(20, 14, 20, 14)
        outer.setSpacing(20)

        left = QVBoxLayout()
        left.setSpacing(12)
        self.ticket = TicketPanel(pack, tz)
        left.addWidget(self.ticket, 1)
        self.message = label("Message")
        self.message.setProperty("role", "")
        left.addWidget(self.message)
        self.actions_stack = CurrentPageStack()
        self.actions_stack.setObjectName("ActionStack")
        grid_page = QWidget()
        grid_page.setObjectName("ActionGrid")
        grid = QGridLayout(grid_page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        self.buttons: dict[str, QPushButton] = {}
        for r, row in enumerate(GRID):
            for c, name in enumerate(row):
                action = button(name=f"action-{name}")
                action.setProperty("variant", "action")
                grid.addWidget(action, r, c)
                self.buttons[name] = action
        grid.setRowStretch(len(GRID), 1)
        self.actions_stack.addWidget(grid_page)
        self.call_form = CallNumberForm()
        self.complete_form = CompleteForm(list(settings.outcomes))
        self.transfer_form = TransferForm(pack)
        self.resume_form = ResumeForm(pack)
        for form in (self.call_form, self.complete_form, self.transfer_form, self.resume_form):
            self.actions_stack.addWidget(form)
            form.cancelled.connect(self.show_actions)
        left.addWidget(self.actions_stack)
        outer.addLayout(left, 40)

        right = QVBoxLayout()
        right.setSpacing(16)
        self.form = FormPanel(tz)
        self.waiting = WaitingPanel(pack, tz, settings.wait_warning_minutes)
        right.addWidget(self.form, 0)
        right.addWidget(self.waiting, 1)
        self._right = right
        outer.addLayout(right, 60)
        self._connect()

    def _connect(self) -> None:
        b = self.buttons
        b["call_next"].clicked.connect(self.call_next)
        b["recall"].clicked.connect(self.recall)
        b["no_show"].clicked.connect(self.no_show)
        b["start_serving"].clicked.connect(self.start_serving)
        b["park"].clicked.connect(self.park)
        b["call_number"].clicked.connect(lambda: self._open("call_number"))
        b["complete"].clicked.connect(lambda: self._open("complete"))
        b["transfer"].clicked.connect(lambda: self._open("transfer"))
        b["resume"].clicked.connect(lambda: self._open("resume"))
        self.call_form.chosen.connect(self.call)
        self.complete_form.chosen.connect(self.complete)
        self.transfer_form.chosen.connect(self.transfer)
        self.resume_form.chosen.connect(self.resume)

    # --- what the desk says -----------------------------------------------------------

    def show_view(self, view: DeskView) -> None:
        before = self.view
        self.view = view
        if self._tr is None:
            return
        self.ticket.show_view(view, self._tr)
        self.waiting.show_view(view, self._tr)
        self.form.show_view(view, self._tr)
        self._right.setStretchFactor(self.form, 1 if self.form.has_form else 0)
        changed = before is None or (
            (before.current.id, before.state) if before.current else None
        ) != ((view.current.id, view.state) if view.current else None)
        if changed:
            self.show_actions()  # a question about another ticket no longer applies
        self._update_buttons()

    def say(self, text: str, problem: bool) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "" if not text else "error" if problem else "info")
        restyle(self.message)

    def set_busy(self, busy: bool) -> None:
        """While an action runs: one press, one action."""
        self.busy = busy
        self.actions_stack.setEnabled(not busy)
        self._update_buttons()

    def set_compact(self, compact: bool) -> None:
        self._compact = compact
        self._scale()

    def show_actions(self) -> None:
        self.actions_stack.setCurrentIndex(0)
        self._scale(asking=False)

    def _scale(self, asking: bool | None = None) -> None:
        if asking is None:
            asking = self.actions_stack.currentIndex() != 0
        self.ticket.set_scale("large" if not self._compact else "small" if asking else "compact")

    # --- the parts ---------------------------------------------------------------------

    def _open(self, name: str) -> None:
        """Ask the action's question in place of the buttons. Filled and sized first,
        then shown, so the window never grows for a moment to fit it."""
        view, tr = self.view, self._tr
        if view is None or tr is None:
            return
        form: ActionForm
        if name == "call_number":
            self.call_form.open(tr)
            form = self.call_form
        elif name == "resume":
            self.resume_form.open(tr, view.parked)
            form = self.resume_form
        elif view.current is not None and name == "complete":
            self.complete_form.open(tr, view.current)
            form = self.complete_form
        elif view.current is not None and name == "transfer":
            self.transfer_form.open(tr, view.current)
            form = self.transfer_form
        else:
            return
        self._scale(asking=True)
        self.actions_stack.setCurrentWidget(form)
        if form.first is not None:  # shown now: the focus can go there
            form.first.setFocus()

    def _update_buttons(self) -> None:
        state = self.view.state if self.view is not None else None
        for name, action in self.buttons.items():
            applies = self.view is not None and state in APPLIES[name]
            if name == "resume":
                applies = applies and bool(self.view and self.view.parked)
            action.setEnabled(applies and not self.busy)
            primary = self.view is not None and NEXT_STEP.get(state) == name
            if action.property("variant") != ("primary" if primary else "action"):
                action.setProperty("variant", "primary" if primary else "action")
                restyle(action)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.actions_stack.currentIndex() != 0:
            self.show_actions()
            return
        super().keyPressEvent(event)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        for name, action in self.buttons.items():
            action.setText(tr(f"counter.actions.{name}"))
        if self.view is not None:
            self.show_view(self.view)
        else:
            self.waiting.show_view(None, tr)

    def clear(self) -> None:
        """Sign-out: the ticket, the list, the form and the last message all go."""
        self.view = None
        self.busy = False
        self.show_actions()
        if self._tr is not None:
            self.ticket.show_view(None, self._tr)
        self.waiting.clear()
        self.form.clear()
        self.message.setText("")
        self.call_form.number.clear()
        self._update_buttons()

"""Technician mode: the one question before a sync action that needs an answer.

* **Discard** needs a reason (the citizen may ask later what became of their
  form; the reason goes to the audit log). A few common reasons fill the box
  with one touch; any other is typed on the kiosk's own keyboard.
* **Agency has it** (an uncertain submission, after checking with the agency)
  takes the agency's number for it, if they gave one.

The box shows exactly what will be recorded. The screen only asks:
:class:`ui.sync_mode.SyncMode` runs the action.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout

from kiosk.i18n import Translator
from ui.keyboard import TouchKeyboard
from ui.screens import Screen
from ui.widgets import button, label

REASONS = ("duplicate", "elsewhere", "withdrawn", "test")
NOTE_LIMIT = 200


class TechnicianSyncActionScreen(Screen):
    accepted = Signal(str, str, str)  # action ("discard" or "confirm"), reference, text
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("TechnicianSyncActionScreen")
        self.action = "discard"
        self.reference = ""
        self._tr: Translator | None = None
        self._portrait = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        page = self._page = QVBoxLayout()
        page.setContentsMargins(80, 24, 80, 16)
        page.setSpacing(12)
        self.title = label("ScreenTitle")
        page.addWidget(self.title)
        self.hint = label("ScreenSubtitle")
        page.addWidget(self.hint)
        self.reasons = QGridLayout()
        self.reasons.setSpacing(12)
        self.reason_buttons = {}
        for name in REASONS:
            btn = button(variant="reason", name=f"reason-{name}")
            btn.clicked.connect(lambda _=False, n=name: self._use_reason(n))
            self.reason_buttons[name] = btn
        page.addLayout(self.reasons)
        self.field_label = label("TechLine")
        page.addWidget(self.field_label)
        row = QHBoxLayout()
        row.setSpacing(16)
        self.field = QLineEdit()
        self.field.setObjectName("SyncNote")
        self.field.setMaxLength(NOTE_LIMIT)
        self.field.textChanged.connect(self._text_changed)
        self.ok_button = button(variant="primary", name="sync-action-ok")
        self.ok_button.clicked.connect(self._accept)
        self.cancel_button = button(name="sync-action-cancel")
        self.cancel_button.clicked.connect(self._cancel)
        row.addWidget(self.field, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.ok_button)
        page.addLayout(row)
        page.addStretch(1)
        outer.addLayout(page, 1)
        self.keyboard = TouchKeyboard(self)  # docked under the question, full width
        self.keyboard.done.connect(self.keyboard.detach)
        self.field.installEventFilter(self)
        outer.addWidget(self.keyboard)
        self._place_reasons()

    def open(self, action: str, reference: str) -> None:
        """Ask about ``reference`` before ``action`` (discard or confirm)."""
        self.action, self.reference = action, reference
        self.field.clear()
        self.keyboard.detach()
        for btn in self.reason_buttons.values():
            btn.setVisible(action == "discard")
        if self._tr:
            self.retranslate(self._tr)
        self._text_changed(self.field.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Touching the box brings the keyboard up (again, after "Hide keyboard")."""
        if watched is not self.field:
            return False
        touched = event.type() in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress)
        down = self.keyboard.target is not self.field or self.keyboard.isHidden()
        if touched and down:
            self.keyboard.attach(self.field, "text")
        return False

    def _use_reason(self, name: str) -> None:
        if self._tr:
            self.field.setText(self._tr(f"tech_sync.reason_{name}"))

    def _text_changed(self, text: str) -> None:
        # A discard needs a reason; the agency's number is optional.
        self.ok_button.setEnabled(self.action != "discard" or bool(text.strip()))

    def _accept(self) -> None:
        text = self.field.text().strip()
        if self.action == "discard" and not text:
            return  # the button is disabled then; a reason is required
        self.keyboard.detach()
        self.accepted.emit(self.action, self.reference, text)

    def _cancel(self) -> None:
        self.keyboard.detach()
        self.cancelled.emit()

    # --- Screen -----------------------------------------------------------------------

    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        self._place_reasons()
        # A hidden page's nested layouts keep their wide minimum until told.
        self.reasons.invalidate()
        self._page.invalidate()

    def _place_reasons(self) -> None:
        """Two columns of reasons on a wide screen, one on a tall one."""
        columns = 1 if self._portrait else 2
        for index, name in enumerate(REASONS):
            btn = self.reason_buttons[name]
            self.reasons.removeWidget(btn)
            self.reasons.addWidget(btn, index // columns, index % columns)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        ref = self.reference
        discard = self.action == "discard"
        self.title.setText(
            tr("tech_sync.discard_title", reference=ref)
            if discard
            else tr("tech_sync.confirm_title", reference=ref)
        )
        self.hint.setText(tr("tech_sync.discard_hint" if discard else "tech_sync.confirm_hint"))
        for name, btn in self.reason_buttons.items():
            btn.setText(tr(f"tech_sync.reason_{name}"))
        self.field_label.setText(tr("tech_sync.reason" if discard else "tech_sync.confirm_number"))
        self.ok_button.setText(tr("tech_sync.discard_ok" if discard else "tech_sync.confirm_ok"))
        self.cancel_button.setText(tr("tech_sync.cancel"))
        self.keyboard.retranslate(tr)

    def clear(self) -> None:
        self.field.clear()
        self.keyboard.detach()

"""Signing in at the counter: staff id, PIN, the counter, the services handled.

A refusal (wrong PIN, lockout) is shown under the PIN in the core's words and
clears only the PIN: the id, the counter and the services stay as typed. The
check itself runs on the worker (Argon2 is slow on purpose).
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.content import ContentPack
from kiosk.i18n import Translator
from ui.screens import Screen
from ui.widgets import button, label

COUNTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{0,11}$")
SERVICE_COLUMNS = 3


class SignInScreen(Screen):
    submitted = Signal(str, str, str, list)  # staff id, PIN, counter, service ids

    def __init__(self, pack: ContentPack, counter: str, services: list[str]) -> None:
        super().__init__()
        self.setObjectName("SignInScreen")
        self.pack = pack
        self._default_counter = counter
        self._tr: Translator | None = None
        self._problems: dict[str, tuple[str, bool]] = {}  # field -> (text, already words)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 32, 48, 32)
        card = QFrame()
        card.setObjectName("SignInCard")
        card.setMaximumWidth(1180)
        box = QVBoxLayout(card)
        box.setContentsMargins(48, 36, 48, 36)
        box.setSpacing(14)
        self.title = label("SignInTitle")
        self.subtitle = label("SignInSubtitle")
        box.addWidget(self.title)
        box.addWidget(self.subtitle)

        fields = QGridLayout()
        fields.setHorizontalSpacing(28)
        fields.setVerticalSpacing(6)
        self.staff_id = QLineEdit()
        self.staff_id.setObjectName("staff-id")
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.counter = QLineEdit(counter)
        self.counter.setObjectName("counter")
        self.counter.setMaxLength(12)
        self.captions: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        for column, (name, edit) in enumerate(
            (("staff_id", self.staff_id), ("pin", self.pin), ("counter", self.counter))
        ):
            self.captions[name] = label("FieldCaption")
            self.captions[name].setBuddy(edit)
            self.errors[name] = label(f"error-{name}")
            self.errors[name].setProperty("role", "error")
            fields.addWidget(self.captions[name], 0, column)
            fields.addWidget(edit, 1, column)
            fields.addWidget(self.errors[name], 2, column, Qt.AlignmentFlag.AlignTop)
            fields.setColumnStretch(column, 2 if name == "pin" else 3)
            edit.returnPressed.connect(self._submit)
        box.addLayout(fields)

        self.captions["services"] = label("FieldCaption")
        box.addWidget(self.captions["services"])
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        chosen = set(services) or {s.id for s in pack.services}
        self.service_boxes: dict[str, QCheckBox] = {}
        for i, service in enumerate(pack.services):
            check = QCheckBox()
            check.setObjectName(f"service-{service.id}")
            check.setChecked(service.id in chosen)
            grid.addWidget(check, i // SERVICE_COLUMNS, i % SERVICE_COLUMNS)
            self.service_boxes[service.id] = check
        box.addLayout(grid)
        self.errors["services"] = label("error-services")
        self.errors["services"].setProperty("role", "error")
        box.addWidget(self.errors["services"])

        bar = QHBoxLayout()
        self.status = label("SignInStatus")
        self.submit_button = button(variant="primary", name="sign-in")
        self.submit_button.setMinimumWidth(260)
        self.submit_button.clicked.connect(self._submit)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.submit_button)
        box.addLayout(bar)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 20)
        row.addStretch(1)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    # --- what the clerk did ----------------------------------------------------------

    @property
    def chosen_services(self) -> list[str]:
        return [sid for sid, check in self.service_boxes.items() if check.isChecked()]

    def _submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        staff_id, pin = self.staff_id.text().strip(), self.pin.text()
        counter = self.counter.text().strip()
        self._problems = {}
        if not staff_id:
            self._problems["staff_id"] = ("counter.sign_in.need_staff_id", False)
        if not pin:
            self._problems["pin"] = ("counter.sign_in.need_pin", False)
        if not counter:
            self._problems["counter"] = ("counter.sign_in.need_counter", False)
        elif not COUNTER_NAME.fullmatch(counter):
            self._problems["counter"] = ("counter.sign_in.bad_counter", False)
        if not self.chosen_services:
            self._problems["services"] = ("counter.sign_in.need_services", False)
        self._show_problems()
        if not self._problems:
            self.submitted.emit(staff_id, pin, counter, self.chosen_services)

    # --- what the screen says back ----------------------------------------------------

    def refused(self, message: str) -> None:
        """The core said no (wrong id or PIN, a lockout): its words under the PIN,
        the PIN cleared for the next try, everything else kept."""
        self._problems = {"pin": (message, True)}
        self.pin.clear()
        self.set_busy(False)
        self._show_problems()
        self.pin.setFocus()

    def failed(self, message: str, *, translated: bool = False) -> None:
        """Something other than the PIN went wrong: said beside the button."""
        self.set_busy(False)
        self.status.setText(message if translated else self._say(message))
        self.status.setProperty("role", "error")
        self._restyle(self.status)

    def set_busy(self, busy: bool) -> None:
        for widget in (self.staff_id, self.pin, self.counter, self.submit_button):
            widget.setEnabled(not busy)
        self.status.setProperty("role", "")
        self._restyle(self.status)
        self.status.setText(self._say("counter.sign_in.busy") if busy else "")

    def signed_out(self) -> None:
        """Ready for the next clerk: their id and PIN empty, this counter's choices kept."""
        self.clear()
        self.status.setText(self._say("counter.sign_in.signed_out"))
        self.staff_id.setFocus()

    def clear(self) -> None:
        self.staff_id.clear()
        self.pin.clear()
        self._problems = {}
        self._show_problems()
        self.set_busy(False)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self.title.setText(tr("counter.sign_in.title"))
        self.subtitle.setText(tr("counter.sign_in.subtitle"))
        for name in ("staff_id", "pin", "counter", "services"):
            self.captions[name].setText(tr(f"counter.sign_in.{name}"))
        self.submit_button.setText(tr("counter.sign_in.submit"))
        for service in self.pack.services:
            self.service_boxes[service.id].setText(self.pack.text(service.name, tr.lang))
        self._show_problems()

    def _show_problems(self) -> None:
        for name, box in self.errors.items():
            text, words = self._problems.get(name, ("", True))
            box.setText(text if words else self._say(text))

    def _say(self, key: str) -> str:
        return self._tr(key) if self._tr is not None else key

    @staticmethod
    def _restyle(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

"""The technician's PIN pad: ten big digits, never an on-screen echo of them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout

from kiosk.i18n import Translator
from ui.screens import Screen
from ui.widgets import button, label

MAX_DIGITS = 12


class TechnicianPinScreen(Screen):
    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("TechnicianPinScreen")
        self._digits = ""
        self._message_key: tuple[str, dict[str, object]] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(80, 20, 80, 20)
        self.title = label("ScreenTitle", center=True)
        self.hint = label("ScreenSubtitle", center=True)
        self.dots = label("PinDots", wrap=False, center=True)
        self.message = label("PinMessage", center=True)
        for widget in (self.title, self.hint, self.dots, self.message):
            layout.addWidget(widget)
        pad = QGridLayout()
        pad.setSpacing(12)
        self.keys: dict[str, object] = {}
        for i, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "ok"]):
            btn = button(key if key != "ok" else "", variant="pin", name=f"pin-{key}")
            btn.clicked.connect(lambda _=False, k=key: self._press(k))
            pad.addWidget(btn, i // 3, i % 3)
            self.keys[key] = btn
        self.ok_button = self.keys["ok"]
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(pad)
        row.addStretch(1)
        layout.addLayout(row, 1)
        self.cancel_button = button(name="pin-cancel")
        self.cancel_button.clicked.connect(self.cancelled)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._tr: Translator | None = None

    def _press(self, key: str) -> None:
        if key == "⌫":
            self._digits = self._digits[:-1]
        elif key == "ok":
            pin, self._digits = self._digits, ""
            self.submitted.emit(pin)
        elif len(self._digits) < MAX_DIGITS:
            self._digits += key
        self.dots.setText("●" * len(self._digits))

    def show_message(self, key: str | None, **values: object) -> None:
        """A translated message under the dots (wrong PIN, locked, not set up)."""
        self._message_key = (key, values) if key else None
        if self._tr:
            self.retranslate(self._tr)

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self.title.setText(tr("technician.pin_title"))
        self.hint.setText(tr("technician.pin_hint"))
        self.ok_button.setText(tr("technician.ok"))  # type: ignore[attr-defined]
        self.cancel_button.setText(tr("technician.cancel"))
        if self._message_key is None:
            self.message.setText("")
        else:
            key, values = self._message_key
            n = values.get("n")
            text = (
                tr.plural(key, int(n)) if isinstance(n, int) and key.endswith("locked") else tr(key)
            )
            self.message.setText(text)

    def clear(self) -> None:
        self._digits = ""
        self._message_key = None
        self.dots.setText("")
        self.message.setText("")

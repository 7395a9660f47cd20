"""The touch theme: one stylesheet, one application font."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

QSS = Path(__file__).resolve().parent / "kiosk.qss"
FORMS_QSS = QSS.with_name("forms.qss")  # the wizard's screens only (ui/form_flow.py)
SYNC_QSS = QSS.with_name("sync.qss")  # the sync pills and technician list (ui/sync_mode.py)
KEYBOARD_QSS = QSS.with_name("keyboard.qss")  # set by the keyboard on itself (ui/keyboard.py)
PREFERRED_FAMILIES = ("DejaVu Sans", "Noto Sans", "Liberation Sans")


def apply_theme(app: QApplication) -> None:
    # A list of families: Qt takes the first installed one, without our code
    # enumerating the font database on the way to the first frame.
    font = QFont()
    font.setFamilies(list(PREFERRED_FAMILIES))
    font.setPointSize(14)
    app.setFont(font)
    app.setStyleSheet(QSS.read_text(encoding="utf-8"))

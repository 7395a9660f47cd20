"""The touch theme: one stylesheet, one application font."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

QSS = Path(__file__).resolve().parent / "kiosk.qss"
PREFERRED_FAMILIES = ("DejaVu Sans", "Noto Sans", "Liberation Sans")


def apply_theme(app: QApplication) -> None:
    # A list of families: Qt takes the first installed one, without our code
    # enumerating the font database on the way to the first frame.
    font = QFont()
    font.setFamilies(list(PREFERRED_FAMILIES))
    font.setPointSize(14)
    app.setFont(font)
    app.setStyleSheet(QSS.read_text(encoding="utf-8"))

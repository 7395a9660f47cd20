"""The touch theme: one stylesheet, one application font."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

QSS = Path(__file__).resolve().parent / "kiosk.qss"
PREFERRED_FAMILIES = ("DejaVu Sans", "Noto Sans", "Liberation Sans")


def apply_theme(app: QApplication) -> None:
    families = set(QFontDatabase.families())
    for family in PREFERRED_FAMILIES:
        if family in families:
            app.setFont(QFont(family, 14))
            break
    app.setStyleSheet(QSS.read_text(encoding="utf-8"))

"""Kiosk screens, one per file. Each builds its widgets once and sets every
visible string in ``retranslate`` (run again on each language change), and
forgets the citizen in ``clear`` (run on every reset)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kiosk.i18n import Translator


class Screen(QWidget):
    def retranslate(self, tr: Translator) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Forget everything about the current citizen (default: nothing kept)."""

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

    def set_portrait(self, portrait: bool) -> None:
        """Lay out for a tall (portrait) or wide screen (default: the same either way).

        Decided from the screen's shape before the window is resized, so a wide
        layout's minimum width never stops the window fitting a tall screen.
        """

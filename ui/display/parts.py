"""Pieces every part of the board uses: words in all the station's languages."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.i18n import Translator
from ui.widgets import label


class Languages:
    """The station's languages, first one first: the board speaks all of them at once."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.translators = [Translator(code) for code in codes] or [Translator("en")]

    @property
    def first(self) -> Translator:
        return self.translators[0]

    @property
    def others(self) -> list[Translator]:
        return self.translators[1:]

    def all(self, key: str, **values: object) -> list[str]:
        return [tr(key, **values) for tr in self.translators]


class Bilingual(QWidget):
    """A line in the first language and, smaller under it, the same in the others."""

    def __init__(
        self,
        texts: Sequence[str],
        primary: str = "TitlePrimary",
        secondary: str = "TitleSecondary",
        *,
        center: bool = False,
        across: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``across``: the languages side by side ("Ticket · Turno"), not one under another."""
        super().__init__(parent)
        layout = QHBoxLayout(self) if across else QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        align = Qt.AlignmentFlag.AlignHCenter if center else Qt.AlignmentFlag.AlignLeft
        if across and center:
            layout.addStretch(1)
        self._across = across
        self.lines: list[QLabel] = []
        for i in range(len(texts)):
            line = label(primary if i == 0 else secondary, "", wrap=False)
            line.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(line)
            self.lines.append(line)
        if across and center:
            layout.addStretch(1)
        self.set_texts(texts)

    def set_texts(self, texts: Sequence[str]) -> None:
        for i, (line, text) in enumerate(zip(self.lines, texts, strict=False)):
            line.setText(f"  ·  {text}" if self._across and i else text)

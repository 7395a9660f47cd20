"""The calls before the newest one: ticket and counter, in rows large enough to read
from the back of the room. The rows are always there (empty until filled), so the
board does not jump as the morning's first calls come in."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.board import BoardCall
from ui.display.parts import Bilingual, Languages
from ui.widgets import label

DENSE_ABOVE = 6  # more rows than this: a smaller font (board.qss, [dense="true"])


class CallRow(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CallRow")
        self.label = label("CallLabel", wrap=False)
        self.arrow = label("CallArrow", wrap=False)
        self.counter = label("CallCounter", wrap=False)
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.arrow)
        layout.addWidget(self.counter)
        self.arrow.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def set_columns(self) -> None:
        """The arrow and the counter in the same place on every row (two-digit counters)."""
        for part in (self.arrow, self.counter):
            part.ensurePolished()
        self.arrow.setFixedWidth(self.arrow.fontMetrics().horizontalAdvance(" → "))
        self.counter.setMinimumWidth(self.counter.fontMetrics().horizontalAdvance("88"))

    def show_call(self, call: BoardCall | None) -> None:
        self.setProperty("empty", call is None)  # no rule under an empty row
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(call.label if call else "")
        self.arrow.setText("→" if call else "")
        self.counter.setText(call.counter if call else "")


class CallList(QFrame):
    def __init__(self, languages: Languages, rows: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CallList")
        self.setProperty("dense", rows > DENSE_ABOVE)
        self.title = Bilingual(languages.all("board.previous"))
        self.rows = [CallRow() for _ in range(rows)]

        layout = QVBoxLayout(self)
        self._layout = layout
        layout.addWidget(self.title)
        for row in self.rows:
            layout.addWidget(row, 1)

    def show_calls(self, calls: Sequence[BoardCall]) -> None:
        """The previous calls, newest first (one row per ticket)."""
        for i, row in enumerate(self.rows):
            row.show_call(calls[i] if i < len(calls) else None)

    def shown_labels(self) -> list[str]:
        return [row.label.text() for row in self.rows if row.label.text()]

    def set_margins(self, scale: float) -> None:
        side = round(24 * scale)
        self._layout.setContentsMargins(side, round(18 * scale), side, round(12 * scale))
        self._layout.setSpacing(round(4 * scale))
        for row in self.rows:
            row.set_columns()

    def texts(self) -> list[QLabel]:
        return [part for row in self.rows for part in (row.label, row.counter)]

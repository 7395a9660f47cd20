"""How many are waiting for each service and about how long, in every station language.

Each service's name is shown in the first language and, smaller under it, in
the others. A name too long for its column is shortened with an ellipsis
rather than cut or wrapped into the next row.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.board import ServiceWait
from kiosk.content import ContentPack
from ui.display.parts import Bilingual, Languages
from ui.widgets import label


class FittedLabel(QLabel):
    """One line that shortens itself with "…" when its column is too narrow."""

    def __init__(self, object_name: str, text: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.full_text = text
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setToolTip(text)
        self._fit()

    @property
    def elided(self) -> bool:
        return self.text() != self.full_text

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        fits = width <= 0 or metrics.horizontalAdvance(self.full_text) <= width
        text = (
            self.full_text
            if fits
            else metrics.elidedText(self.full_text, Qt.TextElideMode.ElideRight, width)
        )
        if text != self.text():
            self.setText(text)


class WaitRow(QFrame):
    def __init__(self, names: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WaitRow")
        self.names = [
            FittedLabel("ServiceName" if i == 0 else "ServiceNameSecondary", name)
            for i, name in enumerate(names)
        ]
        self.count = label("WaitCount", "0", wrap=False)
        self.minutes = label("WaitMinutes", "", wrap=False)
        for part in (self.count, self.minutes):
            part.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        name_box = QVBoxLayout()
        name_box.setSpacing(0)
        for name in self.names:
            name_box.addWidget(name)
        layout = QHBoxLayout(self)
        self._layout = layout
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(name_box, 1)
        layout.addWidget(self.minutes)
        layout.addWidget(self.count)

    def show_wait(self, wait: ServiceWait, minutes_text: str) -> None:
        self.count.setText(str(wait.waiting))
        self.count.setProperty("none", wait.waiting == 0)
        self.count.style().unpolish(self.count)
        self.count.style().polish(self.count)
        self.minutes.setText(minutes_text if wait.waiting else "")

    def set_margins(self, scale: float) -> None:
        self._layout.setContentsMargins(0, round(6 * scale), 0, round(4 * scale))
        self._layout.setSpacing(round(14 * scale))
        # Fixed columns, so the numbers of every row line up.
        self.minutes.ensurePolished()
        self.count.ensurePolished()
        self.minutes.setFixedWidth(self.minutes.fontMetrics().horizontalAdvance("~888 min"))
        self.count.setFixedWidth(self.count.fontMetrics().horizontalAdvance("888"))


class WaitsPanel(QFrame):
    def __init__(
        self, languages: Languages, pack: ContentPack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("WaitsPanel")
        self._languages = languages
        self.title = Bilingual(languages.all("board.waits"))
        self.rows: dict[str, WaitRow] = {}
        layout = QVBoxLayout(self)
        self._layout = layout
        layout.addWidget(self.title)
        for service in pack.services:
            names = [pack.text(service.name, tr.lang) for tr in languages.translators]
            row = WaitRow(names)
            self.rows[service.id] = row
            layout.addWidget(row, 1)  # the rows share the panel's height

    def show_waits(self, waits: Sequence[ServiceWait]) -> None:
        first = self._languages.first
        for wait in waits:
            row = self.rows.get(wait.service_id)
            if row is not None:
                row.show_wait(wait, first("board.minutes", n=wait.estimated_minutes))

    def counts(self) -> dict[str, int]:
        return {sid: int(row.count.text() or 0) for sid, row in self.rows.items()}

    def set_margins(self, scale: float) -> None:
        side = round(22 * scale)
        self._layout.setContentsMargins(side, round(18 * scale), side, round(12 * scale))
        self._layout.setSpacing(round(2 * scale))
        for row in self.rows.values():
            row.set_margins(scale)

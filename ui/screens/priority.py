"""The optional "do you need extra help or priority service?" step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout

from kiosk.content import ContentPack
from kiosk.i18n import Translator
from ui.screens import Screen
from ui.widgets import button, label


class PriorityScreen(Screen):
    answered = Signal(bool)
    back = Signal()

    def __init__(self, pack: ContentPack) -> None:
        super().__init__()
        self.setObjectName("PriorityScreen")
        self._pack = pack
        self._service_id: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(120, 40, 120, 40)
        self.service = label("ScreenSubtitle", center=True)
        layout.addWidget(self.service)
        layout.addStretch(1)
        self.title = label("ScreenTitle", center=True)
        self.hint = label("ScreenSubtitle", center=True)
        layout.addWidget(self.title)
        layout.addSpacing(16)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        row = self.choices = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        row.setSpacing(60)
        row.addStretch(1)
        self.no_button = button(variant="choice", name="priority-no")
        self.yes_button = button(variant="choice", name="priority-yes")
        self.no_button.clicked.connect(lambda: self.answered.emit(False))
        self.yes_button.clicked.connect(lambda: self.answered.emit(True))
        row.addWidget(self.no_button)
        row.addWidget(self.yes_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.back_button = button(name="back")
        self.back_button.clicked.connect(self.back)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)

    def set_portrait(self, portrait: bool) -> None:
        # Side by side on a wide screen, one above the other on a tall one.
        self.choices.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def set_service(self, service_id: str, tr: Translator) -> None:
        self._service_id = service_id
        self.retranslate(tr)

    def retranslate(self, tr: Translator) -> None:
        if self._service_id is not None:
            service = self._pack.service(self._service_id)
            self.service.setText(self._pack.text(service.name, tr.lang))
        self.title.setText(tr("priority.title"))
        self.hint.setText(tr("priority.hint"))
        self.no_button.setText(tr("priority.decline"))
        self.yes_button.setText(tr("priority.accept"))
        self.back_button.setText("‹  " + tr("nav.back"))

    def clear(self) -> None:
        self._service_id = None
        self.service.clear()

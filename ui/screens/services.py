"""Service selection: a grid of large cards with an icon, name and one line."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.content import ContentPack, Service
from kiosk.i18n import Translator
from ui.screens import Screen
from ui.widgets import label

MAX_ROWS = 3  # keeps every card on one 1080p screen: no scrolling at a kiosk
ICON_PX = 80


class ServiceCard(QPushButton):
    """A whole card is one touch target; the labels inside let touches through."""

    def __init__(self, service: Service, icon: QIcon) -> None:
        super().__init__()
        self.setObjectName("ServiceCard")
        self.service = service
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a touch must not leave a focus ring
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        row = QHBoxLayout(self)
        row.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        row.setContentsMargins(16, 14, 22, 14)
        row.setSpacing(16)
        picture = QLabel()
        picture.setPixmap(icon.pixmap(QSize(ICON_PX, ICON_PX)))
        picture.setFixedSize(ICON_PX, ICON_PX)
        row.addWidget(picture, 0, Qt.AlignmentFlag.AlignVCenter)
        text = QVBoxLayout()
        text.setSpacing(4)
        self.name = label("ServiceName")
        self.description = label("ServiceDescription")
        self.agency = label("ServiceAgency")
        for widget in (self.name, self.description, self.agency):
            text.addWidget(widget)
        text.addStretch(1)
        row.addLayout(text, 1)
        for child in (picture, self.name, self.description, self.agency):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        # Wrapped labels would otherwise ask for their one-line width and push
        # the grid past the screen; the grid decides the width, text wraps.
        return QSize(260, 150)


class ServicesScreen(Screen):
    service_chosen = Signal(str)

    def __init__(self, pack: ContentPack) -> None:
        super().__init__()
        self.setObjectName("ServicesScreen")
        self._pack = pack
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 28, 48, 28)
        layout.setSpacing(8)
        self.title = label("ScreenTitle")
        self.subtitle = label("ScreenSubtitle")
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(12)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(20)
        self.cards: dict[str, ServiceCard] = {}
        columns = max(2, -(-len(pack.services) // MAX_ROWS))
        for i, service in enumerate(pack.services):
            card = ServiceCard(service, QIcon(str(pack.icon_path(service))))
            card.clicked.connect(lambda _=False, sid=service.id: self.service_chosen.emit(sid))
            grid.addWidget(card, i // columns, i % columns)
            self.cards[service.id] = card
        for col in range(columns):
            grid.setColumnStretch(col, 1)
        layout.addWidget(grid_host, 1)

    def retranslate(self, tr: Translator) -> None:
        self.title.setText(tr("services.title"))
        self.subtitle.setText(tr("services.subtitle"))
        for card in self.cards.values():
            service = card.service
            card.name.setText(self._pack.text(service.name, tr.lang))
            card.description.setText(self._pack.text(service.description, tr.lang))
            agency = self._pack.text(self._pack.agency(service.agency).name, tr.lang)
            if service.needs_appointment:
                agency = f"{agency} · {tr('services.appointment')}"
            card.agency.setText(agency)
            card.setAccessibleName(card.name.text())
            card.setAccessibleDescription(card.description.text())

"""Service selection: a grid of large cards with an icon, name and one line."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
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
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        row = QHBoxLayout(self)
        row.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        row.setContentsMargins(16, 14, 22, 14)
        row.setSpacing(16)
        picture = label("ServiceIcon", wrap=False)
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
        self.printer_notice = label("PrinterNotice")
        self.printer_notice.hide()
        layout.addWidget(self.printer_notice)
        layout.addSpacing(12)
        self._layout = layout
        self._grid_host: QWidget | None = None
        self.cards: dict[str, ServiceCard] = {}
        for service in pack.services:
            card = ServiceCard(service, QIcon(str(pack.icon_path(service))))
            card.clicked.connect(lambda _=False, sid=service.id: self.service_chosen.emit(sid))
            self.cards[service.id] = card
        self._columns = 0
        self._unavailable: set[str] = set()
        self._arrange(portrait=False)

    def _arrange(self, *, portrait: bool) -> None:
        """Landscape: at most three rows; portrait (a tall kiosk screen): two columns."""
        count = len(self.cards)
        columns = 2 if portrait else max(2, -(-count // MAX_ROWS))
        if columns == self._columns:
            return
        self._columns = columns
        # A fresh grid: QGridLayout never forgets a column once it had one.
        host = QWidget()
        grid = QGridLayout(host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(20)
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // columns, i % columns)
        for col in range(columns):
            grid.setColumnStretch(col, 1)
        if self._grid_host is not None:
            self._layout.replaceWidget(self._grid_host, host)
            self._grid_host.deleteLater()
        else:
            self._layout.addWidget(host, 1)
        self._grid_host = host

    def set_portrait(self, portrait: bool) -> None:
        self._arrange(portrait=portrait)

    def set_unavailable(self, service_ids: set[str]) -> None:
        """Services that cannot be offered now (a broken form): greyed, untouchable."""
        self._unavailable = set(service_ids)
        for service_id, card in self.cards.items():
            card.setEnabled(service_id not in self._unavailable)

    def set_printer_ok(self, ok: bool) -> None:
        """Warn before the citizen chooses: the number will be on screen, not paper."""
        self.printer_notice.setVisible(not ok)

    def retranslate(self, tr: Translator) -> None:
        self.title.setText(tr("services.title"))
        self.subtitle.setText(tr("services.subtitle"))
        self.printer_notice.setText(tr("services.printer_down"))
        for card in self.cards.values():
            service = card.service
            card.name.setText(self._pack.text(service.name, tr.lang))
            card.description.setText(self._pack.text(service.description, tr.lang))
            agency = self._pack.text(self._pack.agency(service.agency).name, tr.lang)
            if service.needs_appointment:
                agency = f"{agency} · {tr('services.appointment')}"
            if service.id in self._unavailable:
                agency = tr("services.unavailable")
            card.agency.setText(agency)
            card.setAccessibleName(card.name.text())
            card.setAccessibleDescription(card.description.text())

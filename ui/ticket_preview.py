"""On-screen preview of a printed ticket, drawn from the same document model.

The citizen sees exactly the blocks that went to the printer, laid out on a
paper-coloured card, so a preview never disagrees with the paper.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from printing.document import BigNumber, Document, Heading, KeyValue, QRCode, Rule, Spacer, TextLine
from printing.qr import QUIET_ZONE_MODULES, qr_matrix

PAPER_WIDTH = 380  # px on screen for 80 mm paper
MARGIN = 22
SIZES = {"small": 15, "normal": 18, "large": 22}


class TicketPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TicketPreview")
        self._document: Document | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

    @property
    def document(self) -> Document | None:
        return self._document

    def set_document(self, document: Document | None) -> None:
        self._document = document
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(PAPER_WIDTH, self._layout_height())

    def _layout_height(self) -> int:
        if self._document is None:
            return 0
        return int(self._draw(None)) + MARGIN

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._document is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor("#a9aeb1"))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(QRectF(1, 1, PAPER_WIDTH - 2, self.height() - 2), 8, 8)
        self._draw(painter)
        painter.end()

    def _draw(self, painter: QPainter | None) -> float:
        """Lay the blocks out top to bottom; paint them when ``painter`` is given."""
        assert self._document is not None
        y = float(MARGIN)
        width = PAPER_WIDTH - 2 * MARGIN
        for block in self._document.blocks:
            if isinstance(block, Heading):
                y = self._text(
                    painter, block.text, y, width, 20, True, Qt.AlignmentFlag.AlignHCenter
                )
            elif isinstance(block, BigNumber):
                y = self._text(
                    painter, block.text, y, width, 64, True, Qt.AlignmentFlag.AlignHCenter
                )
            elif isinstance(block, TextLine):
                align = {
                    "left": Qt.AlignmentFlag.AlignLeft,
                    "center": Qt.AlignmentFlag.AlignHCenter,
                    "right": Qt.AlignmentFlag.AlignRight,
                }[block.align]
                y = self._text(painter, block.text, y, width, SIZES[block.size], block.bold, align)
            elif isinstance(block, KeyValue):
                top = y
                y = self._text(
                    painter, block.key, top, width, 17, False, Qt.AlignmentFlag.AlignLeft
                )
                self._text(painter, block.value, top, width, 17, True, Qt.AlignmentFlag.AlignRight)
            elif isinstance(block, Rule):
                if painter:
                    painter.setPen(QColor("#1b1b1b"))
                    painter.drawLine(MARGIN, int(y + 6), MARGIN + width, int(y + 6))
                y += 12
            elif isinstance(block, Spacer):
                y += block.mm * 3
            elif isinstance(block, QRCode):
                y = self._qr(painter, block.data, y)
        return y

    def _text(
        self,
        painter: QPainter | None,
        text: str,
        y: float,
        width: int,
        px: int,
        bold: bool,
        align: Qt.AlignmentFlag,
    ) -> float:
        font = QFont(self.font())
        font.setPixelSize(px)
        font.setBold(bold)
        flags = int(align) | int(Qt.TextFlag.TextWordWrap)
        rect = QFontMetrics(font).boundingRect(0, 0, width, 10_000, flags, text)
        if painter:
            painter.setFont(font)
            painter.setPen(QColor("#000000"))
            painter.drawText(QRectF(MARGIN, y, width, rect.height()), flags, text)
        return y + rect.height() + 4

    def _qr(self, painter: QPainter | None, data: str, y: float) -> float:
        matrix = qr_matrix(data)
        module = 4
        quiet = QUIET_ZONE_MODULES * module  # a white margin, so a phone reads it off the screen
        size = len(matrix) * module
        if painter:
            left = (PAPER_WIDTH - size) / 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#000000"))
            for row, cells in enumerate(matrix):
                for col, dark in enumerate(cells):
                    if dark:
                        painter.drawRect(
                            QRectF(left + col * module, y + quiet + row * module, module, module)
                        )
        return y + size + 2 * quiet

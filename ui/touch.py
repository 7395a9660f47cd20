"""Pieces several screens share: a status box, restyling, a touch scroll area, a countdown.

Loaded after the first frame (the welcome screen uses none of them), so the
``Qt`` namespace is free to use here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QWidget,
)

from ui.widgets import button, label


def restyle(*widgets: QWidget) -> None:
    """Apply the theme again after a property its rules read has changed."""
    for widget in widgets:
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def set_status(box: QLabel, text: str, *, fault: bool) -> None:
    """A status box: calm when all went well, amber (``fault``) when the citizen must act."""
    box.setText(text)
    box.setProperty("fault", "true" if fault else "false")
    restyle(box)


def touch_scroll_area(content: QWidget) -> QScrollArea:
    """A frameless vertical scroll area that a finger can swipe (touch events only:
    a tap on a choice stays a tap)."""
    area = QScrollArea()
    area.setObjectName("FormScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    area.setWidget(content)
    return area


def done_bar(countdown: Countdown, name: str) -> tuple[QHBoxLayout, QLabel, QPushButton]:
    """The foot of a screen that closes on its own: "closes in N seconds" and Done."""
    bar = QHBoxLayout()
    text = label("Countdown", wrap=False)
    done = button(variant="primary", name=name)
    done.setMinimumWidth(320)
    done.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    done.clicked.connect(countdown.finish)
    bar.addWidget(text)
    bar.addStretch(1)
    bar.addWidget(done)
    return bar, text, done


class Countdown(QObject):
    """Seconds left before a screen closes on its own; ``tick_ms`` is one second."""

    ticked = Signal(int)  # seconds left
    finished = Signal()

    def __init__(self, seconds: int, tick_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seconds = seconds
        self.left = seconds
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def start(self) -> None:
        self.left = self.seconds
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.left = self.seconds

    def finish(self) -> None:
        """Done now (the citizen pressed Done, or the time ran out)."""
        self.timer.stop()
        self.finished.emit()

    def _tick(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.finish()
        else:
            self.ticked.emit(self.left)

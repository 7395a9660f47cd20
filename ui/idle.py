"""Idle detection and the "Are you still there?" warning (WCAG 2.2.1).

An application-wide event filter restarts a single-shot timer on every touch,
click, key or wheel event. When it fires, a full-window warning counts down
(at least 20 s, from the config) with one large button to continue; if nobody
touches it, the window wipes the session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.i18n import Translator
from ui.widgets import button, label

ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}


class IdleWatchdog(QObject):
    """Emits ``expired`` after ``timeout_ms`` without input while enabled."""

    expired = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms)
        self.timer.timeout.connect(self.expired)
        self._enabled = False

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled
        if enabled:
            self.timer.start()
        else:
            self.timer.stop()

    @property
    def enabled(self) -> bool:
        return self._enabled

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._enabled and event.type() in ACTIVITY:
            self.timer.start()
        return False


class IdleWarning(QFrame):
    """A scrim over the whole window with a countdown and a "continue" button."""

    continued = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget, seconds: int, tick_ms: int = 1000) -> None:
        super().__init__(parent)
        self.setObjectName("IdleScrim")
        self._seconds = seconds
        self.left = seconds
        self._tr: Translator | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)
        outer = QHBoxLayout(self)
        card = QFrame()
        card.setObjectName("IdleCard")
        card.setFixedWidth(1000)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(60, 50, 60, 50)
        inner.setSpacing(20)
        self.title = label("IdleTitle", center=True)
        self.count = label("IdleCount", center=True)
        self.body = label("IdleBody", center=True)
        self.continue_button = button(variant="primary", name="idle-continue")
        self.continue_button.setMinimumHeight(120)
        self.continue_button.clicked.connect(self._continue)
        for widget in (self.title, self.count, self.body, self.continue_button):
            inner.addWidget(widget)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(card)
        column.addStretch(1)
        outer.addStretch(1)
        outer.addLayout(column)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def start(self, tr: Translator) -> None:
        self.left = self._seconds
        self.retranslate(tr)
        self._cover_parent()
        self.show()
        self.raise_()
        self.continue_button.setFocus()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.hide()

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self.title.setText(tr("idle.title"))
        self.count.setText(str(self.left))
        self.body.setText(tr.plural("idle.body", self.left))
        self.continue_button.setText(tr("idle.continue"))

    def _tick(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.stop()
            self.expired.emit()
        elif self._tr:
            self.retranslate(self._tr)

    def _continue(self) -> None:
        self.stop()
        self.continued.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._cover_parent()
        return False

    def _cover_parent(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())

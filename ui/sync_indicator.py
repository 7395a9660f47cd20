"""The outbox's state on screen: a bridge out of the worker thread, and a small pill.

The outbox worker (:class:`kiosk.sync.runner.SyncRunner`) runs on a thread of
its own and reports a :class:`~kiosk.sync.runner.SyncState` after every
round. It must never touch a widget, so it calls :meth:`SyncBridge.publish`,
which only emits a signal; a queued connection carries the state into the
GUI thread, where :attr:`SyncBridge.changed` fires for the pills and the
technician's screens.

The pill is for staff: a coloured dot and a few words ("Synced", "3 waiting",
"Offline · 3 waiting", "1 needs a technician"), small and in a corner that
holds no button, so a citizen can ignore it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QWidget

from kiosk.i18n import Translator
from ui.touch import restyle
from ui.widgets import label

if TYPE_CHECKING:
    from kiosk.sync.runner import SyncState

SEPARATOR = " · "


class SyncBridge(QObject):
    """Carries the worker's states to the GUI thread; :attr:`latest` is the last one."""

    changed = Signal(object)  # SyncState, always emitted in the GUI thread
    _arrived = Signal(object)  # emitted from any thread; queued to the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.latest: SyncState | None = None
        self._arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def publish(self, state: SyncState) -> None:
        """Safe from any thread: the runner's callback. Never touches a widget."""
        if shiboken6.isValid(self):  # the window may be gone while the runner stops
            self._arrived.emit(state)

    def seed(self, state: SyncState) -> None:
        """A first reading taken before the worker started: shown only if the
        worker has not reported yet (its own report is newer)."""
        if self.latest is None:
            self._deliver(state)

    def _deliver(self, state: SyncState) -> None:
        self.latest = state
        self.changed.emit(state)


def describe(state: SyncState, tr: Translator) -> tuple[str, str]:
    """The pill's words and its tone (synced, waiting, offline, attention).

    A station that does not send itself (sync off, no connector) says only
    what waits: in a center sharing one store, another station may send it.
    The technician's screen says which (:func:`technician_status`)."""
    parts = []
    if state.attention:
        parts.append(tr.plural("sync.attention", state.attention))
    if state.waiting:
        waiting = tr.plural("sync.waiting", state.waiting)
        parts.append(tr("sync.offline") + SEPARATOR + waiting if state.offline else waiting)
    if state.attention:
        tone = "attention"
    elif state.offline:
        tone = "offline"
    else:
        tone = "waiting" if state.waiting else "synced"
    return SEPARATOR.join(parts) or tr("sync.synced"), tone


class SyncPill(QFrame):
    """A dot and a few words; hidden until the first state arrives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncPill")
        box = QHBoxLayout(self)
        box.setContentsMargins(12, 3, 16, 3)
        box.setSpacing(8)
        self.dot = label("SyncDot", "●", wrap=False)
        self.text = label("SyncText", wrap=False)
        for widget in (self.dot, self.text):
            widget.setTextFormat(Qt.TextFormat.PlainText)
            box.addWidget(widget)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.tone = ""
        self._state: SyncState | None = None
        self._tr = Translator("en")
        self.hide()

    def show_state(self, state: SyncState) -> None:
        self._state = state
        self._render()

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        self._render()

    def _render(self) -> None:
        if self._state is None:
            return
        text, tone = describe(self._state, self._tr)
        if text != self.text.text():
            self.text.setText(text)
            self.setAccessibleName(text)
            # Its size now, not at the layouts' next pass: never a frame clipped.
            self.adjustSize()
        if tone != self.tone:
            self.tone = tone
            self.dot.setProperty("tone", tone)
            restyle(self.dot)
        self.show()


def technician_status(state: SyncState | None, tr: Translator) -> str:
    """The pill's words in a sentence, and whether this station sends at all."""
    if state is None:
        return tr("tech_sync.status", status=tr("tech_sync.checking"))
    if state.running:
        return tr("tech_sync.status", status=describe(state, tr)[0])
    # Not "Synced": nothing is sent from here; say what waits, and why it stays.
    words = describe(state, tr)[0] if not state.synced else tr.plural("sync.waiting", 0)
    return f"{tr('tech_sync.status', status=words)} {tr('tech_sync.not_running')}"

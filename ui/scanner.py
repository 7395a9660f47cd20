"""Barcode scanner input: a scan fills the page's ID field, wherever the focus is.

The USB/serial scanners at the kiosks act as keyboards ("keyboard wedge"): they
type the code as very fast keystrokes and end with Enter. So a scan arrives as
ordinary key events, delivered to whatever widget has the focus: the name
field, a button, the ID field itself.

Timing is the only thing that tells a scan from a person: a scanner types
faster than any hand (a few milliseconds per key), so a run of printable keys
with every gap within ``max_gap_ms``, closed by an equally quick Enter, is a
scan. Slower typing, short runs and slow Enters pass through untouched, and
the filter never eats or delays a letter: the on-screen keyboard inserts text
without key events, so it never looks like a scan either.

By the time the Enter shows it was a scan, its characters are already in the
focused field, so the field that received them gets back the exact text (and
cursor) it had before the first one: a scan never leaves a licence number in
the citizen's name. The code goes to the ID field, and the Enter is eaten so
it does not also press the default button.

Qt hands a key event to the filter once per receiver (the window, the focus
widget, each parent it propagates to), so only the delivery to the focus widget
counts; event identity cannot tell them apart (wrappers and timestamps repeat).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

ENTER_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}  # Enter: the keypad's


class ScanDetector(QObject):
    """Application-wide event filter that turns fast key bursts into ``scanned``."""

    scanned = Signal(str)  # the code, after it was put in the target field

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap_ms: int = 50,
        min_length: int = 4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._max_gap = max_gap_ms / 1000
        self._min_length = min_length
        self.clock = clock
        self._target: QLineEdit | None = None
        self._reset()

    def set_target(self, target: QLineEdit | None) -> None:
        """The ID field on the page on screen; ``None``: scans are ordinary typing."""
        self._target = target
        self._reset()

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        app.removeEventFilter(self)
        self._reset()

    def _reset(self) -> None:
        self._burst: list[str] = []
        self._last = 0.0
        self._receiver: QWidget | None = None
        self._before: tuple[str, int] | None = None  # receiver's text and cursor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self._target is None
            or event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
            or not _is_focus(watched)
        ):
            return False
        if not (shiboken6.isValid(self._target) and self._target.isVisible()):
            self.set_target(None)  # its page went away: scans are ordinary typing again
            return False
        text = event.text()
        if not text:
            return False  # Shift and other keys without text: a scanner sends them too
        now = self.clock()
        quick = bool(self._burst) and now - self._last <= self._max_gap
        if event.key() in ENTER_KEYS:
            code = "".join(self._burst).strip()
            receiver, before = self._receiver, self._before
            self._reset()
            if not quick or len(code) < self._min_length:
                return False
            _restore(receiver, before)
            self._target.setText(code)
            self.scanned.emit(code)
            return True
        if not text.isprintable() or event.isAutoRepeat():
            self._reset()  # Backspace, Tab, a held key: a person at the keyboard
            return False
        if not quick:
            assert isinstance(watched, QWidget)
            self._reset()
            self._receiver, self._before = watched, _snapshot(watched)
        self._burst.append(text)
        self._last = now
        return False


def _is_focus(watched: QObject) -> bool:
    """Whether ``watched`` is where Qt delivers keys first: its window's focus widget,
    or the window itself when nothing in it has focus (as QWidgetWindow does)."""
    if not isinstance(watched, QWidget):
        return False  # e.g. the QWindow, which sees every key before the widgets
    window = watched.window()
    return watched is (window.focusWidget() or window)


def _snapshot(widget: QWidget) -> tuple[str, int] | None:
    if isinstance(widget, QLineEdit):
        return widget.text(), widget.cursorPosition()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText(), widget.textCursor().position()
    return None


def _restore(widget: QWidget | None, before: tuple[str, int] | None) -> None:
    if before is None:
        return
    text, cursor = before
    if isinstance(widget, QLineEdit):
        widget.setText(text)
        widget.setCursorPosition(cursor)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
        moved = widget.textCursor()
        moved.setPosition(cursor)
        widget.setTextCursor(moved)

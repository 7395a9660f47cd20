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

A code may span several lines: the PDF417 barcode on a driver licence holds an
AAMVA record, one element a line, and the scanner types each line break as
Enter. So a quick Enter does not end the scan: it is held back (eaten) and
becomes a line break in the code, and the scan ends when no key has come for
``max_gap_ms`` (a timer; the ``clock`` still decides which keys are quick). A
burst that then turns out not to be a scan (too short, or not ending with
Enter) gets its held-back Enters delivered after all, to the widget they were
pressed in, so a person's Enter is delayed by ``max_gap_ms`` at most, never lost.

By the time the scan ends its characters are already in the focused field, so
the field that received them gets back the exact text (and cursor) it had
before the first one: a scan never leaves a licence number in the citizen's
name. The code goes through ``decode`` (which keeps only the ID number of a
licence's record) into the ID field, and no Enter of the scan presses the
default button.

Qt hands a key event to the filter once per receiver (the window, the focus
widget, each parent it propagates to), so only the delivery to the focus widget
counts; event identity cannot tell them apart (wrappers and timestamps repeat).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

ENTER_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}  # Enter: the keypad's


class ScanDetector(QObject):
    """Application-wide event filter that turns fast key bursts into ``scanned``."""

    scanned = Signal(str)  # the decoded code, after it was put in the target field

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap_ms: int = 50,
        min_length: int = 4,
        clock: Callable[[], float] = time.monotonic,
        decode: Callable[[str], str] = str.strip,
    ) -> None:
        super().__init__(parent)
        self._max_gap = max_gap_ms / 1000
        self._min_length = min_length
        self.clock = clock
        self._decode = decode
        self._target: QLineEdit | None = None
        self._end = QTimer(self)  # no key for max_gap_ms: the burst is over
        self._end.setSingleShot(True)
        self._end.setInterval(max_gap_ms)
        self._end.timeout.connect(self._finish)
        self._replaying = False
        self._reset()

    def set_target(self, target: QLineEdit | None) -> None:
        """The ID field on the page on screen; ``None``: scans are ordinary typing.

        The same field again keeps a scan in progress (an answer that shows or
        hides another question re-aims the scanner mid-scan)."""
        if target is self._target:
            return
        self._target = target
        self._reset()

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def uninstall(self, app: QApplication) -> None:
        app.removeEventFilter(self)
        self._reset()

    def _reset(self) -> None:
        self._end.stop()
        self._burst: list[str] = []
        self._last = 0.0
        self._receiver: QWidget | None = None
        self._before: tuple[str, int] | None = None  # receiver's text and cursor
        self._held: list[tuple[QWidget, QKeyEvent]] = []  # Enters eaten meanwhile

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self._replaying
            or self._target is None
            or event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
            or not _is_focus(watched)
        ):
            return False
        assert isinstance(watched, QWidget)  # _is_focus
        if not (shiboken6.isValid(self._target) and self._target.isVisible()):
            self.set_target(None)  # its page went away: scans are ordinary typing again
            return False
        text = event.text()
        if not text:
            return False  # Shift and other keys without text: a scanner sends them too
        now = self.clock()
        enter = event.key() in ENTER_KEYS
        person = event.isAutoRepeat() or not (enter or text.isprintable())
        if bool(self._burst) and now - self._last <= self._max_gap:  # a quick key
            if person:  # Backspace, Tab, a held key: a person at the keyboard
                self._finish()
                return False
        else:
            self._finish()  # the burst before this key is over, scan or not
            if person or enter or self._target is None:
                return False  # a slow Enter, Backspace...: untouched
            self._receiver, self._before = watched, _snapshot(watched)
        self._last = now
        self._end.start()
        if enter:
            self._burst.append("\n")
            self._held.append((watched, _copy(event)))
            return True  # a line break of the code, or delivered when the burst ends
        self._burst.append(text)
        return False

    def _finish(self) -> None:
        """The burst is over: a scan if it is long enough and ended with Enter;
        otherwise its held-back Enters go where they were pressed."""
        burst, receiver, before, held = self._burst, self._receiver, self._before, self._held
        self._reset()
        code = "".join(burst).strip()
        target = self._target
        if not burst or burst[-1] != "\n" or len(code) < self._min_length:
            self._deliver(held)
            return
        if receiver is not None and shiboken6.isValid(receiver):
            _restore(receiver, before)  # even with nowhere to put it: a scan is no answer
        if target is None or not (shiboken6.isValid(target) and target.isVisible()):
            self.set_target(None)  # its page went away while the scan was ending
            return
        value = self._decode(code)
        if value:  # a licence's record without a number leaves the ID field alone
            target.setText(value)
            self.scanned.emit(value)

    def _deliver(self, held: list[tuple[QWidget, QKeyEvent]]) -> None:
        """A person's Enters, held back in case they were a scan's: to the widget they
        were pressed in, if it still has the focus (else they were for a page gone)."""
        self._replaying = True
        try:
            for widget, event in held:
                if shiboken6.isValid(widget) and _is_focus(widget):
                    QApplication.sendEvent(widget, event)
        finally:
            self._replaying = False


def _is_focus(watched: QObject) -> bool:
    """Whether ``watched`` is where Qt delivers keys first: its window's focus widget,
    or the window itself when nothing in it has focus (as QWidgetWindow does)."""
    if not isinstance(watched, QWidget):
        return False  # e.g. the QWindow, which sees every key before the widgets
    window = watched.window()
    return watched is (window.focusWidget() or window)


def _copy(event: QKeyEvent) -> QKeyEvent:
    return QKeyEvent(event.type(), event.key(), event.modifiers(), event.text())


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

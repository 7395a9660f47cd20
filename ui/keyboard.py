"""The on-screen keyboard, docked under the form inside the kiosk window.

A kiosk has no physical keyboard, so every form field is typed here. We do not
use Qt Virtual Keyboard: it is GPLv3 (or a commercial licence), it ships only in
PySide6-Addons (we install PySide6-Essentials), and it is QML, a second UI stack
to load and theme on a kiosk that otherwise never starts a QML engine. A few
dozen QPushButtons are code we can read, theme with the same stylesheet, and
test with real clicks (tests/ui/test_keyboard.py).

The keys never take focus, so the field keeps its focus and its cursor; a key
types through the field's own API (``QLineEdit.insert`` honours maxLength and
validators). Shift and the dead keys (´, ¨) last for one character and show on
the keys themselves (after ´ the vowels read á é í ó ú), so a key always shows
what it types. Nothing is auto-capitalised: a citizen gets what they press.
"""

from __future__ import annotations

import unicodedata

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import Translator
from ui.theme import KEYBOARD_QSS

KEY_HEIGHT = 80  # px; the kiosk's smallest touch target is 64 x 64
MIN_KEY_WIDTH = 64
SPACING = 8
MARGIN = 12

# A row: key names (one unit wide), (name, units) for wider keys, and numbers
# for gaps of that many units. Every row of a page adds up to the same units,
# so keys line up; a unit is at most `unit_px` wide, which keeps a keyboard on
# a 1920 px screen within a citizen's reach (and the number pads compact).
Item = str | float | tuple[str, float]
Row = tuple[Item, ...]
DIGITS = tuple("1234567890")
TEXT_BOTTOM = (("space", 5), ("done", 2), ("hide", 4))
PAGES: dict[str, tuple[int, tuple[Row, ...]]] = {
    "text": (124, (
        (*DIGITS, ("backspace", 3)),
        (0.5, *"qwertyuiop", "accent", "diaeresis", 0.5),
        (1, *"asdfghjklñ", "'", 1),
        (("shift", 3), *"zxcvbnm,.-"),
        (("symbols", 2), *TEXT_BOTTOM),
    )),
    "text-symbols": (124, (
        (*DIGITS, ("backspace", 3)),
        (0.5, *"@#$%&*()+=/;", 0.5),
        (1, *":\"!?¿¡ºª_~'", 1),
        (1, *",.-<>[]{}\\|", 1),
        (("letters", 2), *TEXT_BOTTOM),
    )),
    "email": (124, (
        (*DIGITS, ("backspace", 3)),
        (1.5, *"qwertyuiop", 1.5),
        (2, *"asdfghjkl", 2),
        (1.5, *"zxcvbnm_-+", 1.5),
        (2, "@", ".", (".com", 3), ("done", 2), ("hide", 4)),
    )),
    "digits": (150, (
        (*"123", ("backspace", 2)),
        (*"456", 2),
        (*"789", ("hide", 2)),
        (1, "0", 1, ("done", 2)),
    )),
    "phone": (150, (
        (*"123()", ("backspace", 2)),
        (*"456+-", ("space", 2)),
        (*"789", 2, ("hide", 2)),
        (1, "0", 1, 2, ("done", 2)),
    )),
    "id": (124, (
        (*DIGITS, ("backspace", 3)),
        (1.5, *"QWERTYUIOP", 1.5),
        (2, *"ASDFGHJKL", 2),
        (2.5, *"ZXCVBNM-", 2.5),
        (7, ("done", 2), ("hide", 4)),
    )),
}  # fmt: skip
GLYPHS = dict(backspace="⌫", shift="⇧", accent="´", diaeresis="¨", symbols="?123", letters="ABC")
TRANSLATED = ("space", "done", "hide")
ROLES = {"backspace": "symbol", "shift": "symbol", "accent": "dead", "diaeresis": "dead"}
# Dead keys: the combining mark, and the letters it lands on. After a dead key
# any other key types itself alone (and the accent is dropped).
DEAD_KEYS = {"accent": ("\u0301", "aeioun"), "diaeresis": ("\u0308", "aeiou")}

# Its colours live in ui/theme/keyboard.qss; key sizes are set in code,
# not there: the theme's QPushButton min-height plus padding would make every key
# 94 px tall.


def _span(item: Item) -> float:
    """How many units a row item is wide."""
    if isinstance(item, tuple):
        return item[1]
    return 1.0 if isinstance(item, str) else item


class _Key(QPushButton):
    """A key that never takes focus and keeps its touch size.

    The theme gives buttons ``qproperty-focusPolicy: TabFocus`` and a min-height,
    applied on each polish after our setters; its ``#TouchKeyboard QPushButton``
    rule takes both back for keys (no Python ``event`` override: it would run
    for every event of every key, a cost paid on each page turn of the wizard).
    """

    def pin(self) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumSize(MIN_KEY_WIDTH, KEY_HEIGHT)
        self.setMaximumHeight(KEY_HEIGHT)


class _Page(QWidget):
    """One page of keys placed on a grid of units, so keys line up across rows
    and every one-unit key is the same width; centred, up to its widest."""

    def __init__(self, parent: QWidget, units: float, unit_px: int, rows: int) -> None:
        super().__init__(parent)
        self.units = units
        self.places: list[tuple[QPushButton, float, float, int]] = []  # key, x, width, row
        height = rows * (KEY_HEIGHT + SPACING) - SPACING
        self.setMinimumSize(round(units * (MIN_KEY_WIDTH + SPACING)) - SPACING, height)
        self.setMaximumSize(round(units * unit_px), height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # the layout centres a widget at its size hint
        return self.maximumSize()

    def resizeEvent(self, event: QResizeEvent) -> None:
        unit = (self.width() + SPACING) / self.units  # a unit includes its gap
        for key, x, width, row in self.places:
            left = round(x * unit)
            right = round((x + width) * unit) - SPACING
            key.setGeometry(left, row * (KEY_HEIGHT + SPACING), right - left, KEY_HEIGHT)


class TouchKeyboard(QFrame):
    """Types into one QLineEdit or QPlainTextEdit at a time; hidden while detached."""

    done = Signal()  # the Done key: the wizard moves on / hides the keyboard
    LAYOUTS = ("text", "email", "digits", "phone", "id")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TouchKeyboard")
        self.setStyleSheet(KEYBOARD_QSS.read_text(encoding="utf-8"))  # wherever it is docked
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self._tr = Translator("en")
        self._target: QLineEdit | QPlainTextEdit | None = None
        self._layout_name = "text"
        self._page = ""
        self._pages: dict[str, QWidget] = {}
        self._keys: dict[str, dict[str, QPushButton]] = {}
        self._shift = False
        self._dead: str | None = None
        self._show_page("text")  # built now, so key() answers before the first attach
        self.hide()

    @property
    def target(self) -> QLineEdit | QPlainTextEdit | None:
        return self._target

    @property
    def layout_name(self) -> str:
        return self._layout_name

    def attach(self, target: QLineEdit | QPlainTextEdit, layout: str) -> None:
        """Type into ``target`` with ``layout``; shows the keyboard and focuses the
        field, so its cursor shows where the next key lands."""
        if layout not in self.LAYOUTS:
            raise ValueError(f"unknown keyboard layout {layout!r}")
        if target is not self._target:
            self._release()
            self._target = target
            target.destroyed.connect(self._target_destroyed)
        self._layout_name = layout
        self._shift, self._dead = False, None
        self._show_page(layout)
        self.show()
        target.setFocus()

    def detach(self) -> None:
        self._release()
        self._shift, self._dead = False, None
        self._refresh()
        self.hide()

    def retranslate(self, tr: Translator) -> None:
        self._tr = tr
        for keys in self._keys.values():
            for name in TRANSLATED:
                if name in keys:
                    keys[name].setText(tr(f"keyboard.{name}"))

    def key(self, name: str) -> QPushButton:
        """The button for ``name`` on the page showing now (for tests)."""
        try:
            return self._keys[self._page][name]
        except KeyError:
            raise KeyError(f"no {name!r} key on the {self._page!r} keyboard") from None

    def _show_page(self, page: str) -> None:
        if page not in self._pages:
            self._pages[page] = self._build_page(page)
        for name, widget in self._pages.items():
            widget.setVisible(name == page)
        self._page = page
        self._refresh()

    def _build_page(self, page: str) -> QWidget:
        unit_px, rows = PAGES[page]
        units = max(sum(map(_span, row)) for row in rows)
        widget = _Page(self, units, unit_px, len(rows))
        keys: dict[str, QPushButton] = {}
        for row_number, row in enumerate(rows):
            x = 0.0
            for item in row:
                if not isinstance(item, int | float):  # else a gap
                    name = item[0] if isinstance(item, tuple) else item
                    keys[name] = self._make_key(name, widget)
                    widget.places.append((keys[name], x, _span(item), row_number))
                x += _span(item)
        self._box.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        self._keys[page] = keys
        return widget

    def _make_key(self, name: str, page: QWidget) -> QPushButton:
        text = self._tr(f"keyboard.{name}") if name in TRANSLATED else GLYPHS.get(name, name)
        key = _Key(text, page)
        key.setProperty("variant", "key")
        key.setProperty("key", name)
        key.setProperty("role", "char" if len(name) == 1 else ROLES.get(name, "function"))
        key.pin()
        key.setCheckable(name == "shift" or name in DEAD_KEYS)
        key.setAutoRepeat(name == "backspace")  # hold to keep deleting
        key.clicked.connect(lambda _=False, k=name: self._press(k))
        return key

    def _refresh(self) -> None:
        """Show the one-shot state: lit shift/dead keys, and what each key types now."""
        for name, key in self._keys.get(self._page, {}).items():
            if len(name) == 1:
                key.setText(self._compose(name).replace("&", "&&"))  # & alone: a shortcut
            elif key.isCheckable():
                key.setChecked(name in (self._dead, "shift" if self._shift else None))

    def _compose(self, char: str) -> str:
        if self._dead is not None:
            mark, letters = DEAD_KEYS[self._dead]
            if char in letters:
                char = unicodedata.normalize("NFC", char + mark)
        return char.upper() if self._shift else char

    def _press(self, name: str) -> None:
        target = self._live_target()
        if target is None:
            return  # detached, or the field went away
        if name == "done":
            self.done.emit()
        elif name == "hide":  # unfocused, so touching the field again is a focus change
            target.clearFocus()
            self.detach()
        elif name in ("symbols", "letters"):
            page = self._layout_name
            self._show_page(f"{page}-symbols" if name == "symbols" else page)
        elif name == "shift":
            self._shift = not self._shift
            self._refresh()
        elif name in DEAD_KEYS:
            self._dead = None if self._dead == name else name  # again: no accent
            self._refresh()
        elif target.isEnabled() and not target.isReadOnly():
            text = " " if name == "space" else self._compose(name)
            if isinstance(target, QLineEdit):
                target.backspace() if name == "backspace" else target.insert(text)
            elif name == "backspace":
                target.textCursor().deletePreviousChar()  # the field's cursor follows
            else:
                target.insertPlainText(text)
                target.ensureCursorVisible()
            self._shift, self._dead = False, None
            self._refresh()

    def _live_target(self) -> QLineEdit | QPlainTextEdit | None:
        """The target, if it still exists and shows; else detach (nothing to type into)."""
        target = self._target
        if target is None:
            return None
        if not shiboken6.isValid(target) or not target.isVisibleTo(target.window()):
            self.detach()
            return None
        return target

    def _release(self) -> None:
        target, self._target = self._target, None
        if target is not None and shiboken6.isValid(target):
            target.destroyed.disconnect(self._target_destroyed)

    def _target_destroyed(self) -> None:
        # The field is half gone already: forget it without calling into it.
        self._target = None
        self.detach()

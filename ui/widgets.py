"""Small reusable touch widgets: buttons, labels, the header bar.

These build the first frame (the welcome screen), so they never touch
PySide6's ``Qt`` namespace: its first use builds ~100 Python enums, a fifth
of a bare window's whole start-up. Plain text, centring and focus policy come
from the theme instead (``ui/theme/kiosk.qss``), and the window enforces
plain text again once the station is attached (:meth:`KioskWindow.attach`).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.i18n import Translator, language_name


def label(object_name: str, text: str = "", *, wrap: bool = True, center: bool = False) -> QLabel:
    """A label styled by ``object_name``, showing plain text: nothing a pack author
    or a citizen types acts as markup (tests/ui/test_text_safety.py)."""
    widget = QLabel(text)
    widget.setObjectName(object_name)
    widget.setWordWrap(wrap)
    if center:
        widget.setProperty("center", True)  # the theme centres QLabel[center="true"]
    return widget


def button(text: str = "", *, variant: str = "", name: str = "") -> QPushButton:
    widget = QPushButton(text)
    if variant:
        widget.setProperty("variant", variant)
    if name:
        widget.setObjectName(name)
    # The theme gives buttons focusPolicy TabFocus: keyboard users still tab to
    # them, and a touch does not leave a "selected"-looking ring behind.
    return widget


class HeaderBar(QFrame):
    """Navy bar on top of every screen after the welcome: center, language, start over."""

    language_chosen = Signal(str)
    start_over = Signal()

    def __init__(
        self, center_name: str, languages: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("HeaderBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(32, 12, 32, 12)
        layout.setSpacing(16)
        self.center = label("HeaderCenter", center_name, wrap=False)
        layout.addWidget(self.center, 1)
        self.language_buttons: dict[str, QPushButton] = {}
        for lang in languages:
            btn = button(language_name(lang), variant="header", name=f"lang-{lang}")
            btn.clicked.connect(lambda _=False, code=lang: self.language_chosen.emit(code))
            layout.addWidget(btn)
            self.language_buttons[lang] = btn
        self.start_over_button = button(variant="header", name="start-over")
        self.start_over_button.clicked.connect(self.start_over)
        layout.addWidget(self.start_over_button)

    def retranslate(self, tr: Translator) -> None:
        for lang, btn in self.language_buttons.items():
            # The current language's button is hidden: offer only a change.
            btn.setVisible(lang != tr.lang)
        self.start_over_button.setText(tr("nav.start_over"))
